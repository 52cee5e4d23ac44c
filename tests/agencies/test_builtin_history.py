"""The directories that ship with sxsh-flow: Hải Dương until 30/06/2025, the city of Hải Phòng after.

Read together (``builtin_history``), they say who holds each duty of a Hải Dương plan on any day:
the departments merged on 01/03/2025, then every agency passed to the city on 01/07/2025, and the
12 district-level committees to the communes and wards formed from their territory.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from sxsh_flow.agencies.directory import ContactRole, Directory
from sxsh_flow.agencies.kinds import AgencyKind, ProvinceKind
from sxsh_flow.agencies.loader import builtin_directory, builtin_history
from sxsh_flow.agencies.registry import Registry

LAST_DAY = date(2025, 6, 30)
FIRST_DAY = date(2025, 7, 1)


@pytest.fixture(scope="module")
def history() -> list[Directory]:
    return builtin_history("HD")


@pytest.fixture(scope="module")
def registry(history: list[Directory]) -> Registry:
    return Registry(history)


@pytest.fixture(scope="module")
def hai_phong() -> Directory:
    return builtin_directory("HP")


def held(registry: Registry, selector: str, day: date) -> list[str]:
    return [holder.reference for holder in registry.holders(selector, "HD", day)]


# --- the city --------------------------------------------------------------------------------------


def test_hai_duongs_history_goes_on_in_hai_phong(history: list[Directory]) -> None:
    assert [directory.province.code for directory in history] == ["HD", "HP"]


def test_hai_phong_is_a_city_under_central_authority_from_july_2025(hai_phong: Directory) -> None:
    province = hai_phong.province
    assert (province.name, province.kind, province.valid_from, province.valid_to) == (
        "Hải Phòng",
        ProvinceKind.CITY,
        FIRST_DAY,
        None,
    )
    assert all(agency.valid_from == FIRST_DAY for agency in hai_phong.agencies)


def test_the_city_has_its_committee_departments_board_and_extension_centre(hai_phong: Directory) -> None:
    committee = hai_phong.get("UBND-TP")
    assert committee is not None
    assert (committee.name, committee.short_name, committee.kind) == (
        "Ủy ban nhân dân thành phố Hải Phòng",
        "UBND thành phố",
        AgencyKind.PROVINCIAL_COMMITTEE,
    )
    departments = {a.code: a.name for a in hai_phong.agencies if a.kind is AgencyKind.DEPARTMENT}
    assert {"SCT", "SKHCN", "STC", "SNNMT", "SXD", "SNV"} <= set(departments)
    assert departments["SCT"] == "Sở Công Thương thành phố Hải Phòng"
    board = hai_phong.get("BQLKKT")
    assert board is not None
    assert (board.name, board.kind) == ("Ban Quản lý Khu kinh tế Hải Phòng", AgencyKind.INDUSTRIAL_ZONE_BOARD)
    centre = hai_phong.get("TTKC")
    assert centre is not None
    assert (centre.kind, centre.parent) == (AgencyKind.CENTER, "SCT")


def test_the_city_has_114_commune_level_units_wards_communes_and_two_special_zones(hai_phong: Directory) -> None:
    communes = [a for a in hai_phong.agencies if a.kind is AgencyKind.COMMUNE]
    assert len(communes) == 114
    levels = Counter(a.name.removeprefix("Ủy ban nhân dân ").split()[0] for a in communes)
    assert levels == {"phường": 45, "xã": 67, "đặc": 2}
    assert {a.code for a in communes if a.name.startswith("Ủy ban nhân dân đặc khu")} == {
        "UBND-DK-CATHAI",
        "UBND-DK-BACHLONGVI",
    }
    assert all(a.parent == "UBND-TP" for a in communes), "communes report straight to the city"


@pytest.mark.parametrize("code", ["HD", "HP"])
def test_every_agency_has_a_focal_point_and_a_head_at_its_own_reserved_address(code: str) -> None:
    directory = builtin_directory(code)
    domain = {"HD": ".haiduong.example", "HP": ".haiphong.example"}[code]
    emails = [contact.email for agency in directory.agencies for contact in agency.contacts]
    assert len(emails) == len(set(emails))
    assert all(email.endswith(domain) for email in emails)
    for agency in directory.agencies:
        assert len(agency.contacts_in(ContactRole.FOCAL_POINT)) == 1, agency.code
        assert len(agency.contacts_in(ContactRole.HEAD)) == 1, agency.code


# --- who holds Hải Dương's duties ------------------------------------------------------------------


def test_every_successor_named_is_an_agency_of_a_shipped_directory(registry: Registry) -> None:
    assert registry.dangling() == []


def test_every_hai_duong_agency_of_30_june_2025_has_a_holder_on_1_july(registry: Registry) -> None:
    hai_duong = registry.directory("HD")
    for agency in hai_duong.agencies:
        if agency.valid_on(LAST_DAY):
            assert agency.valid_to == LAST_DAY, agency.code
            holders = held(registry, agency.code, FIRST_DAY)
            assert holders, agency.code
            assert all(reference.startswith("HP:") for reference in holders), agency.code


@pytest.mark.parametrize(
    ("code", "in_2021", "after_mergers", "in_the_city"),
    [
        ("SCT", "HD:SCT", "HD:SCT", "HP:SCT"),
        ("SKHDT", "HD:SKHDT", "HD:STC", "HP:STC"),
        ("STNMT", "HD:STNMT", "HD:SNNMT", "HP:SNNMT"),
        ("BQLKCN", "HD:BQLKCN", "HD:BQLKCN", "HP:BQLKKT"),
        ("UBND-TINH", "HD:UBND-TINH", "HD:UBND-TINH", "HP:UBND-TP"),
        ("TTKC", "HD:TTKC", "HD:TTKC", "HP:TTKC"),
    ],
)
def test_a_duty_of_2021_is_held_by_the_merged_department_then_by_the_city(
    registry: Registry, code: str, in_2021: str, after_mergers: str, in_the_city: str
) -> None:
    assert held(registry, code, date(2021, 1, 1)) == [in_2021]
    assert held(registry, code, date(2025, 3, 1)) == [after_mergers]
    assert held(registry, code, FIRST_DAY) == [in_the_city]
    assert held(registry, code, date(2030, 12, 31)) == [in_the_city]


def test_the_districts_duty_passes_to_the_communes_formed_from_them(registry: Registry) -> None:
    assert len(held(registry, "kind:district", LAST_DAY)) == 12
    communes = held(registry, "kind:district", FIRST_DAY)
    assert len(communes) == len(set(communes)) == 64
    hai_phong = registry.directory("HP")
    kinds = {hai_phong.get(reference.removeprefix("HP:")).kind for reference in communes}  # type: ignore[union-attr]
    assert kinds == {AgencyKind.COMMUNE}


def test_each_district_names_a_handful_of_communes_and_no_commune_twice(registry: Registry) -> None:
    districts = [a for a in registry.directory("HD").agencies if a.kind is AgencyKind.DISTRICT]
    assert all(4 <= len(district.successors) <= 9 for district in districts)
    named = [successor for district in districts for successor in district.successors]
    assert len(named) == len(set(named))
    assert "HP:UBND-X-TUKY" in registry.directory("HD").get("UBND-TUKY").successors  # type: ignore[union-attr]


def test_the_province_holding_hai_duongs_plans_is_the_city_from_july_2025(registry: Registry) -> None:
    assert registry.province_on("HD", LAST_DAY).name == "Hải Dương"
    city = registry.province_on("HD", FIRST_DAY)
    assert (city.code, city.kind) == ("HP", ProvinceKind.CITY)

"""A province's agencies over time: who answers to a plan selector on a given day.

Hải Dương's sample directory carries the 2025 reorganisation: on 01/03/2025 Sở KH&ĐT merged into
Sở Tài chính and Sở TN&MT into Sở Nông nghiệp và Môi trường; on 01/07/2025 the district level ended.
"""

from __future__ import annotations

from datetime import date

import pytest

from sxsh_flow.agencies.directory import Agency, Contact, ContactRole, Directory, Province
from sxsh_flow.agencies.kinds import AgencyKind, ProvinceKind
from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.agencies.registry import Registry
from sxsh_flow.errors import UnknownProvince

BEFORE_MERGERS = date(2025, 2, 28)
AFTER_DEPARTMENT_MERGERS = date(2025, 5, 1)
LAST_DAY_OF_DISTRICTS = date(2025, 6, 30)
FIRST_DAY_WITHOUT_DISTRICTS = date(2025, 7, 1)

HAI_DUONG_DISTRICTS = {
    "UBND-TPHD",
    "UBND-CHILINH",
    "UBND-KINHMON",
    "UBND-BINHGIANG",
    "UBND-CAMGIANG",
    "UBND-GIALOC",
    "UBND-KIMTHANH",
    "UBND-NAMSACH",
    "UBND-NINHGIANG",
    "UBND-THANHHA",
    "UBND-THANHMIEN",
    "UBND-TUKY",
}


@pytest.fixture(scope="module")
def hai_duong() -> Directory:
    return builtin_directory("HD")


def codes(agencies: list[Agency]) -> list[str]:
    return [agency.code for agency in agencies]


def resolve(directory: Directory, selector: str, day: date) -> list[Agency]:
    """Who holds ``selector`` on ``day`` with this one directory loaded (no other province known)."""
    registry = Registry([directory])
    return [holder.agency for holder in registry.holders(selector, directory.province.code, day)]


# --- the built-in directory of Hải Dương ----------------------------------------------------------


def test_the_builtin_directory_is_hai_duongs_until_it_merged_into_hai_phong(hai_duong: Directory) -> None:
    assert hai_duong.province == Province(
        code="HD", name="Hải Dương", kind=ProvinceKind.PROVINCE, valid_to=LAST_DAY_OF_DISTRICTS, successor="HP"
    )


def test_it_lists_the_twelve_district_level_units(hai_duong: Directory) -> None:
    districts = {agency.code for agency in hai_duong.agencies if agency.kind is AgencyKind.DISTRICT}
    assert districts == HAI_DUONG_DISTRICTS


@pytest.mark.parametrize("code", ["SCT", "SKHCN", "STC", "STNMT", "SKHDT"])
def test_it_lists_the_departments_of_the_plan(hai_duong: Directory, code: str) -> None:
    agency = hai_duong.get(code)
    assert agency is not None
    assert agency.kind is AgencyKind.DEPARTMENT
    assert agency.parent == "UBND-TINH"


def test_it_lists_the_industrial_zone_board_and_the_provincial_committee(hai_duong: Directory) -> None:
    assert "BQLKCN" in hai_duong
    assert hai_duong.get("BQLKCN").kind is AgencyKind.INDUSTRIAL_ZONE_BOARD  # type: ignore[union-attr]
    assert hai_duong.get("UBND-TINH").kind is AgencyKind.PROVINCIAL_COMMITTEE  # type: ignore[union-attr]


def test_every_agency_has_a_focal_point_and_a_head_at_a_reserved_domain(hai_duong: Directory) -> None:
    for agency in hai_duong.agencies:
        assert len(agency.contacts_in(ContactRole.FOCAL_POINT)) == 1, agency.code
        assert len(agency.contacts_in(ContactRole.HEAD)) == 1, agency.code
        assert all(contact.email.endswith(".example") for contact in agency.contacts), agency.code


def test_an_unknown_province_names_the_ones_there_are() -> None:
    with pytest.raises(UnknownProvince) as error:
        builtin_directory("QN")
    assert error.value.code == "QN"
    assert "HD" in error.value.message("en")
    assert isinstance(error.value, LookupError)


# --- resolving selectors on a day -----------------------------------------------------------------


@pytest.mark.parametrize("day", [date(2016, 9, 1), BEFORE_MERGERS, LAST_DAY_OF_DISTRICTS], ids=str)
def test_every_district_answers_before_july_2025(hai_duong: Directory, day: date) -> None:
    assert set(codes(resolve(hai_duong, "kind:district", day))) == HAI_DUONG_DISTRICTS


@pytest.mark.parametrize("day", [FIRST_DAY_WITHOUT_DISTRICTS, date(2026, 1, 1)], ids=str)
def test_no_district_answers_from_july_2025(hai_duong: Directory, day: date) -> None:
    assert resolve(hai_duong, "kind:district", day) == []


def test_planning_and_investment_is_followed_by_finance_after_the_merger(hai_duong: Directory) -> None:
    assert codes(resolve(hai_duong, "SKHDT", BEFORE_MERGERS)) == ["SKHDT"]
    assert codes(resolve(hai_duong, "SKHDT", AFTER_DEPARTMENT_MERGERS)) == ["STC"]
    assert codes(resolve(hai_duong, "SKHDT", date(2025, 3, 1))) == ["STC"]


def test_natural_resources_is_followed_by_agriculture_and_environment(hai_duong: Directory) -> None:
    assert codes(resolve(hai_duong, "STNMT", BEFORE_MERGERS)) == ["STNMT"]
    assert codes(resolve(hai_duong, "STNMT", AFTER_DEPARTMENT_MERGERS)) == ["SNNMT"]


def test_an_agency_before_it_exists_answers_nobody(hai_duong: Directory) -> None:
    assert resolve(hai_duong, "SNNMT", BEFORE_MERGERS) == []
    assert codes(resolve(hai_duong, "SNNMT", date(2025, 3, 1))) == ["SNNMT"]


def test_an_agency_without_validity_limits_always_answers() -> None:
    lasting = directory(agency("SCT"))
    for day in (date(2000, 1, 1), date(2016, 9, 1), date(2030, 1, 1)):
        assert codes(resolve(lasting, "SCT", day)) == ["SCT"]


def test_a_successor_in_another_province_is_not_found_in_this_directory(hai_duong: Directory) -> None:
    # Sở Công Thương Hải Dương is followed by HP:SCT: the registry, which holds both, answers then.
    assert codes(resolve(hai_duong, "SCT", LAST_DAY_OF_DISTRICTS)) == ["SCT"]
    assert resolve(hai_duong, "SCT", FIRST_DAY_WITHOUT_DISTRICTS) == []


def test_an_unknown_code_answers_nobody(hai_duong: Directory) -> None:
    assert resolve(hai_duong, "SXYZ", date(2016, 9, 1)) == []
    assert hai_duong.get("SXYZ") is None
    assert "SXYZ" not in hai_duong


def test_a_kind_selector_names_only_the_agencies_valid_that_day(hai_duong: Directory) -> None:
    before = set(codes(resolve(hai_duong, "kind:department", BEFORE_MERGERS)))
    after = set(codes(resolve(hai_duong, "kind:department", AFTER_DEPARTMENT_MERGERS)))
    assert {"SKHDT", "STNMT"} <= before
    assert "SNNMT" not in before
    assert {"SKHDT", "STNMT"}.isdisjoint(after)
    assert "SNNMT" in after
    assert {"SCT", "SKHCN", "STC"} <= before & after


# --- successors, validity and contacts, on a small directory --------------------------------------


def agency(code: str, **fields: object) -> Agency:
    return Agency.model_validate({"code": code, "name": f"Cơ quan {code}", "kind": "department", **fields})


def directory(*agencies: Agency) -> Directory:
    return Directory(Province(code="TT", name="Tỉnh thử"), agencies)


def test_successors_are_followed_through_several_reorganisations() -> None:
    chain = directory(
        agency("A", valid_to=date(2020, 12, 31), successors=["B"]),
        agency("B", valid_from=date(2021, 1, 1), valid_to=date(2024, 12, 31), successors=["C"]),
        agency("C", valid_from=date(2025, 1, 1)),
    )
    assert codes(resolve(chain, "A", date(2020, 12, 31))) == ["A"]
    assert codes(resolve(chain, "A", date(2022, 6, 1))) == ["B"]
    assert codes(resolve(chain, "A", date(2025, 6, 1))) == ["C"]


def test_an_agency_split_in_two_is_answered_by_both() -> None:
    split = directory(
        agency("A", valid_to=date(2020, 12, 31), successors=["B", "C"]),
        agency("B", valid_from=date(2021, 1, 1)),
        agency("C", valid_from=date(2021, 1, 1)),
    )
    assert codes(resolve(split, "A", date(2021, 1, 1))) == ["B", "C"]


def test_two_agencies_merged_into_one_are_answered_once_each() -> None:
    merged = directory(
        agency("A", valid_to=date(2020, 12, 31), successors=["C"]),
        agency("B", valid_to=date(2020, 12, 31), successors=["C"]),
        agency("C"),
    )
    assert codes(resolve(merged, "A", date(2021, 1, 1))) == ["C"]
    assert codes(resolve(merged, "B", date(2021, 1, 1))) == ["C"]


def test_a_loop_of_successors_ends() -> None:
    loop = directory(
        agency("A", valid_to=date(2020, 12, 31), successors=["B"]),
        agency("B", valid_to=date(2020, 12, 31), successors=["A"]),
    )
    assert resolve(loop, "A", date(2021, 1, 1)) == []


def test_a_dissolved_agency_without_successors_answers_nobody() -> None:
    gone = directory(agency("A", valid_to=date(2020, 12, 31)))
    assert resolve(gone, "A", date(2021, 1, 1)) == []


@pytest.mark.parametrize(
    ("day", "valid"),
    [
        (date(2020, 12, 31), False),
        (date(2021, 1, 1), True),
        (date(2024, 12, 31), True),
        (date(2025, 1, 1), False),
    ],
    ids=str,
)
def test_both_ends_of_the_validity_period_are_included(day: date, valid: bool) -> None:
    assert agency("A", valid_from=date(2021, 1, 1), valid_to=date(2024, 12, 31)).valid_on(day) is valid


def test_contacts_in_a_role_leave_out_inactive_ones() -> None:
    team = agency(
        "A",
        contacts=[
            {"name": "An", "email": "an@a.example"},
            {"name": "Bình", "email": "binh@a.example", "active": False},
            {"name": "Cường", "email": "cuong@a.example", "role": "head"},
        ],
    )
    assert [contact.name for contact in team.contacts_in(ContactRole.FOCAL_POINT)] == ["An"]
    assert [contact.name for contact in team.contacts_in(ContactRole.HEAD)] == ["Cường"]
    assert team.contacts_in(ContactRole.COPY) == []


def test_a_contact_email_is_normalised() -> None:
    assert Contact(name="An", email="an@SCT.HaiDuong.example").email == "an@sct.haiduong.example"


def test_the_display_name_is_the_short_name_when_there_is_one() -> None:
    assert agency("A", short_name="Sở A").display_name == "Sở A"
    assert agency("A").display_name == "Cơ quan A"

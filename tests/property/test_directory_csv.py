"""The CSV directory reader on any sheet people fill: the agency's cells on its first row only,
repeated, or the code alone, with empty rows between; and any change of an agency's cell further
down is refused at that row, never read as another agency or dropped."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sxsh_flow.agencies.directory import Directory
from sxsh_flow.agencies.directory_csv import CSV_COLUMNS
from sxsh_flow.agencies.kinds import AgencyKind
from sxsh_flow.agencies.loader import load_directory_text
from sxsh_flow.problems import InvalidDirectory

from .strategies import vietnamese_names

Row = dict[str, str]
PROVINCE = {"province_code": "HD", "province_name": "Hải Dương"}
AGENCY_CELLS = ("code", "name", "short_name", "kind", "address")


@dataclass(frozen=True)
class Agency:
    cells: Row
    contacts: tuple[tuple[str, str], ...]  # (name, email)


codes = st.from_regex(r"[A-Z][A-Z0-9]{1,6}", fullmatch=True)


@st.composite
def agencies(draw: st.DrawFn) -> list[Agency]:
    drawn_codes = draw(st.lists(codes, min_size=1, max_size=5, unique=True))
    found = []
    for code in drawn_codes:
        cells = {
            "code": code,
            "name": draw(vietnamese_names),
            "short_name": draw(st.one_of(st.just(""), vietnamese_names)),
            "kind": draw(st.sampled_from(list(AgencyKind))).value,
            "address": draw(st.one_of(st.just(""), vietnamese_names)),
        }
        count = draw(st.integers(min_value=0, max_value=3))
        contacts = tuple((draw(vietnamese_names), f"c{n}@{code.lower()}.example") for n in range(count))
        found.append(Agency(cells, contacts))
    return found


# How a row below an agency's first row gives the agency: cells blank, repeated, or the code alone;
# the province cells blank or repeated.
STYLES = st.tuples(st.sampled_from(["blank", "repeated", "code"]), st.booleans())


def rows_of(agency: Agency, styles: list[tuple[str, bool]], empty_rows: list[bool]) -> list[Row]:
    contacts: list[Row] = [{"contact_name": name, "contact_email": email} for name, email in agency.contacts]
    rows = [{**PROVINCE, **agency.cells, **(contacts[0] if contacts else {})}]
    for contact, (style, province), empty in zip(contacts[1:], styles, empty_rows, strict=False):
        if empty:
            rows.append({})
        cells = {"blank": {}, "repeated": agency.cells, "code": {"code": agency.cells["code"]}}[style]
        rows.append({**(PROVINCE if province else {}), **cells, **contact})
    return rows


def csv_text(rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def load(rows: list[Row]) -> Directory:
    return load_directory_text(csv_text(rows), "directory.csv", csv_format=True)


@settings(max_examples=150)
@given(agencies(), st.lists(STYLES, min_size=3, max_size=3), st.lists(st.booleans(), min_size=3, max_size=3))
def test_every_way_of_filling_an_agencys_rows_gives_the_same_directory(
    drawn: list[Agency], styles: list[tuple[str, bool]], empty_rows: list[bool]
) -> None:
    rows = [row for agency in drawn for row in rows_of(agency, styles, empty_rows)]

    directory = load(rows)

    assert [agency.code for agency in directory.agencies] == [agency.cells["code"] for agency in drawn]
    for expected, loaded in zip(drawn, directory.agencies, strict=True):
        assert (loaded.name, loaded.short_name, loaded.kind.value, loaded.address) == (
            expected.cells["name"],
            expected.cells["short_name"],
            expected.cells["kind"],
            expected.cells["address"],
        )
        assert [(c.name, c.email) for c in loaded.contacts] == list(expected.contacts)


@settings(max_examples=150)
@given(agencies(), st.data())
def test_an_agency_cell_changed_further_down_is_refused_at_its_row(drawn: list[Agency], data: st.DataObject) -> None:
    rows = [row for agency in drawn for row in rows_of(agency, [("blank", False)] * 3, [False] * 3)]
    victim = data.draw(st.sampled_from(drawn))
    column = data.draw(st.sampled_from(["name", "kind"]))
    other = data.draw(st.sampled_from([k.value for k in AgencyKind]) if column == "kind" else vietnamese_names).strip()
    if other == victim.cells[column]:
        other = f"{other} khác"
    first = [row.get("code") for row in rows].index(victim.cells["code"])  # its other rows leave it blank
    at = data.draw(st.integers(min_value=first + 1, max_value=len(rows)))  # anywhere below its first row
    rows.insert(at, {"code": victim.cells["code"], column: other})

    with pytest.raises(InvalidDirectory) as error:
        load(rows)

    problems = [p for p in error.value.problems if p.msgid.startswith("row {row} gives agency")]
    assert [(p.line, p.path, p.params["code"]) for p in problems] == [(at + 2, column, victim.cells["code"])]
    assert problems[0].params["first_row"] == first + 2


@settings(max_examples=200)
@given(st.lists(st.fixed_dictionaries({}, optional={c: st.text(max_size=8) for c in CSV_COLUMNS}), max_size=6))
def test_any_sheet_loads_or_is_refused_with_problems_never_another_error(rows: list[Row]) -> None:
    outcome: Directory | InvalidDirectory
    try:
        outcome = load(rows)
    except InvalidDirectory as error:
        outcome = error
    assert isinstance(outcome, Directory) or outcome.problems

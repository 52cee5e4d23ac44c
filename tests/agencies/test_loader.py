"""Importing an agency directory from YAML or CSV: every problem at once, with its line.

CSV has one row per contact; an agency's columns repeat on each of its rows here (the first-row-only
form is specified in test_directory_csv.py), and an agency
without contacts has one row with empty contact cells. Line 1 is the header row.
"""

from __future__ import annotations

import copy
import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from sxsh_flow.agencies.directory import ContactRole, Directory
from sxsh_flow.agencies.kinds import AgencyKind
from sxsh_flow.agencies.loader import CSV_COLUMNS, load_directory_file, load_directory_text
from sxsh_flow.agencies.registry import Registry
from sxsh_flow.problems import InvalidDataFile, InvalidDirectory, Problem

Row = dict[str, str]

MINIMAL_DIRECTORY: dict[str, Any] = {
    "format": 1,
    "province": {"code": "HD", "name": "Hải Dương"},
    "agencies": [
        {
            "code": "UBND-TINH",
            "name": "Ủy ban nhân dân tỉnh Hải Dương",
            "kind": "provincial_committee",
            "contacts": [{"name": "Nguyễn Văn An", "email": "an@ubnd.hd.example"}],
        },
        {
            "code": "SCT",
            "name": "Sở Công Thương tỉnh Hải Dương",
            "kind": "department",
            "parent": "UBND-TINH",
            "contacts": [
                {"name": "Lê Văn Cường", "email": "cuong@sct.hd.example", "role": "focal_point"},
                {"name": "Phạm Thị Dung", "email": "dung@sct.hd.example", "role": "head"},
            ],
        },
    ],
}

# The same directory as CSV rows, one per contact.
MINIMAL_ROWS: list[Row] = [
    {
        "code": "UBND-TINH",
        "name": "Ủy ban nhân dân tỉnh Hải Dương",
        "kind": "provincial_committee",
        "contact_name": "Nguyễn Văn An",
        "contact_email": "an@ubnd.hd.example",
    },
    {
        "code": "SCT",
        "name": "Sở Công Thương tỉnh Hải Dương",
        "kind": "department",
        "parent": "UBND-TINH",
        "contact_name": "Lê Văn Cường",
        "contact_email": "cuong@sct.hd.example",
        "contact_role": "focal_point",
    },
    {
        "code": "SCT",
        "name": "Sở Công Thương tỉnh Hải Dương",
        "kind": "department",
        "parent": "UBND-TINH",
        "contact_name": "Phạm Thị Dung",
        "contact_email": "dung@sct.hd.example",
        "contact_role": "head",
    },
]


@pytest.fixture
def directory_data() -> dict[str, Any]:
    return copy.deepcopy(MINIMAL_DIRECTORY)


@pytest.fixture
def rows() -> list[Row]:
    return copy.deepcopy(MINIMAL_ROWS)


def yaml_text(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None)


def yaml_problems(text: str) -> list[Problem]:
    with pytest.raises(InvalidDirectory) as error:
        load_directory_text(text, "directory.yaml")
    return list(error.value.problems)


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    numbers = [number for number, line in enumerate(text.splitlines(), start=1) if fragment in line]
    assert len(numbers) >= occurrence, f"{fragment!r} is on lines {numbers}"
    return numbers[occurrence - 1]


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Writes rows under the CSV_COLUMNS header (province columns filled in); row n is on line n + 1."""

    def write(rows: list[Row], columns: tuple[str, ...] = CSV_COLUMNS, encoding: str = "utf-8") -> Path:
        path = tmp_path / "directory.csv"
        with path.open("w", encoding=encoding, newline="") as file:
            writer = csv.DictWriter(file, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow({"province_code": "HD", "province_name": "Hải Dương", **row})
        return path

    return write


def csv_problems(path: Path) -> list[Problem]:
    with pytest.raises(InvalidDirectory) as error:
        load_directory_file(path)
    assert error.value.source == str(path)
    return list(error.value.problems)


# --- YAML -----------------------------------------------------------------------------------------


def test_a_valid_yaml_directory_loads(directory_data: dict[str, Any]) -> None:
    loaded = load_directory_text(yaml_text(directory_data), "directory.yaml")
    assert loaded.province.code == "HD"
    assert [agency.code for agency in loaded.agencies] == ["UBND-TINH", "SCT"]
    sct = loaded.get("SCT")
    assert sct is not None
    assert sct.kind is AgencyKind.DEPARTMENT
    assert [contact.name for contact in sct.contacts_in(ContactRole.HEAD)] == ["Phạm Thị Dung"]


def test_a_yaml_file_is_read_by_its_suffix(tmp_path: Path, directory_data: dict[str, Any]) -> None:
    path = tmp_path / "hai-duong.yaml"
    path.write_text(yaml_text(directory_data), encoding="utf-8")
    assert "SCT" in load_directory_file(path)


def test_a_duplicate_agency_code_is_reported_at_the_second_one(directory_data: dict[str, Any]) -> None:
    directory_data["agencies"].append({"code": "SCT", "name": "Trung tâm Khuyến công", "kind": "center"})
    text = yaml_text(directory_data)
    [problem] = yaml_problems(text)
    assert problem.path == "agencies[2].code"
    assert problem.line == line_of(text, "code: SCT", occurrence=2)
    assert problem.message == "duplicate agency code 'SCT'"


def test_an_unknown_parent(directory_data: dict[str, Any]) -> None:
    directory_data["agencies"][1]["parent"] = "UBND"
    text = yaml_text(directory_data)
    [problem] = yaml_problems(text)
    assert (problem.path, problem.line) == ("agencies[1].parent", line_of(text, "parent: UBND"))
    assert problem.message == "unknown parent agency 'UBND'"


def test_an_unknown_successor(directory_data: dict[str, Any]) -> None:
    directory_data["agencies"][1].update(valid_to=date(2025, 2, 28), successors=["UBND-TINH", "SNNMT"])
    text = yaml_text(directory_data)
    [problem] = yaml_problems(text)
    assert (problem.path, problem.line) == ("agencies[1].successors[1]", line_of(text, "successors:"))
    assert problem.message == "unknown successor agency 'SNNMT'"
    # The coordinator reads it in Vietnamese, the hint included; logs and JSON keep the English.
    said = problem.said("vi")
    assert "không có cơ quan kế thừa 'SNNMT'" in said
    assert "dùng mã của một cơ quan có trong tệp này" in said


def test_an_agency_cannot_succeed_itself(directory_data: dict[str, Any]) -> None:
    directory_data["agencies"][1]["successors"] = ["SCT"]
    [problem] = yaml_problems(yaml_text(directory_data))
    assert (problem.path, problem.message) == ("agencies[1].successors[0]", "an agency cannot succeed itself")


def test_a_bad_email(directory_data: dict[str, Any]) -> None:
    directory_data["agencies"][1]["contacts"][1]["email"] = "dung.sct.hd.example"
    text = yaml_text(directory_data)
    [problem] = yaml_problems(text)
    assert problem.path == "agencies[1].contacts[1].email"
    assert problem.line == line_of(text, "dung.sct.hd.example")
    assert "'dung.sct.hd.example' is not a usable email address" in problem.message


def test_a_contact_listed_twice_for_one_agency(directory_data: dict[str, Any]) -> None:
    directory_data["agencies"][1]["contacts"].append(
        {"name": "Lê Văn Cường", "email": "Cuong@SCT.hd.example", "role": "copy"},
    )
    text = yaml_text(directory_data)
    [problem] = yaml_problems(text)
    assert problem.path == "agencies[1].contacts[2].email"
    assert problem.line == line_of(text, "Cuong@SCT.hd.example")
    assert problem.message == "cuong@sct.hd.example is listed twice for SCT"


def test_the_same_person_may_be_a_contact_of_two_agencies(directory_data: dict[str, Any]) -> None:
    # The "listed twice" rule is per agency: one official may be the focal point of two of them.
    directory_data["agencies"][0]["contacts"].append(
        {"name": "Lê Văn Cường", "email": "cuong@sct.hd.example", "role": "copy"},
    )

    directory = load_directory_text(yaml_text(directory_data), "directory.yaml")

    committee, department = directory.get("UBND-TINH"), directory.get("SCT")
    assert committee is not None
    assert department is not None
    assert [(c.email, c.role) for c in committee.contacts] == [
        ("an@ubnd.hd.example", ContactRole.FOCAL_POINT),
        ("cuong@sct.hd.example", ContactRole.COPY),
    ]
    assert [(c.email, c.role) for c in department.contacts] == [
        ("cuong@sct.hd.example", ContactRole.FOCAL_POINT),
        ("dung@sct.hd.example", ContactRole.HEAD),
    ]


def test_a_validity_that_ends_before_it_starts(directory_data: dict[str, Any]) -> None:
    directory_data["agencies"][1].update(valid_from=date(2025, 3, 1), valid_to=date(2025, 2, 28))
    text = yaml_text(directory_data)
    [problem] = yaml_problems(text)
    assert (problem.path, problem.line) == ("agencies[1].valid_to", line_of(text, "valid_to:"))
    assert problem.message == "valid_to 2025-02-28 is before valid_from 2025-03-01"
    assert problem.hint == "swap the dates"


def test_an_unknown_kind(directory_data: dict[str, Any]) -> None:
    directory_data["agencies"][1]["kind"] = "departement"
    text = yaml_text(directory_data)
    [problem] = yaml_problems(text)
    assert (problem.path, problem.line) == ("agencies[1].kind", line_of(text, "kind: departement"))
    assert "'department'" in problem.message
    assert problem.hint == "use one of the listed values"


def test_an_unknown_field_suggests_the_field_it_resembles(directory_data: dict[str, Any]) -> None:
    directory_data["agencies"][1]["contacts"][0]["mail"] = directory_data["agencies"][1]["contacts"][0].pop(
        "email",
    )
    [*_, problem] = yaml_problems(yaml_text(directory_data))
    assert problem.path == "agencies[1].contacts[0].mail"
    assert problem.hint == "did you mean 'email'?"


def test_a_yaml_directory_with_many_problems_reports_them_all_sorted_by_line(
    directory_data: dict[str, Any],
) -> None:
    directory_data["agencies"][0]["kind"] = "province"
    directory_data["agencies"][1].update(
        parent="UBND",
        valid_from=date(2025, 3, 1),
        valid_to=date(2025, 2, 28),
        successors=["STC"],
    )
    directory_data["agencies"][1]["contacts"][1]["email"] = "dung@"
    directory_data["agencies"].append({"code": "SCT", "name": "Bản sao", "kind": "department"})
    text = yaml_text(directory_data)
    expected = [
        (line_of(text, "kind: province"), "agencies[0].kind"),
        (line_of(text, "parent: UBND"), "agencies[1].parent"),
        (line_of(text, "valid_to:"), "agencies[1].valid_to"),
        (line_of(text, "successors:"), "agencies[1].successors[0]"),
        (line_of(text, "dung@"), "agencies[1].contacts[1].email"),
        (line_of(text, "code: SCT", occurrence=2), "agencies[2].code"),
    ]
    problems = yaml_problems(text)
    assert [(problem.line, problem.path) for problem in problems] == sorted(expected)


def test_a_yaml_syntax_error_is_one_problem_with_its_line() -> None:
    [problem] = yaml_problems("format: 1\nprovince: {code: HD\nagencies: []\n")
    assert problem.message.startswith("YAML syntax error")
    assert problem.line in (2, 3)


def test_an_invalid_directory_says_nothing_was_written(directory_data: dict[str, Any]) -> None:
    directory_data["agencies"][1]["parent"] = "UBND"
    with pytest.raises(InvalidDirectory) as error:
        load_directory_text(yaml_text(directory_data), "directory.yaml")
    assert isinstance(error.value, InvalidDataFile)
    assert error.value.exit_code == 65
    assert "1 problem(s); nothing was written" in error.value.message("en")


def test_a_missing_file_is_an_invalid_directory(tmp_path: Path) -> None:
    with pytest.raises(InvalidDirectory, match="problem") as error:
        load_directory_file(tmp_path / "absent.csv")
    assert "cannot read the file" in error.value.problems[0].message


# --- CSV ------------------------------------------------------------------------------------------


def test_a_csv_directory_has_one_row_per_contact(write_csv: Callable[..., Path], rows: list[Row]) -> None:
    loaded = load_directory_file(write_csv(rows))
    assert loaded.province.code == "HD"
    assert loaded.province.name == "Hải Dương"
    assert [agency.code for agency in loaded.agencies] == ["UBND-TINH", "SCT"]
    sct = loaded.get("SCT")
    assert sct is not None
    assert [(contact.name, contact.role) for contact in sct.contacts] == [
        ("Lê Văn Cường", ContactRole.FOCAL_POINT),
        ("Phạm Thị Dung", ContactRole.HEAD),
    ]


def test_csv_and_yaml_of_the_same_directory_load_the_same(
    write_csv: Callable[..., Path],
    rows: list[Row],
    directory_data: dict[str, Any],
) -> None:
    from_csv = load_directory_file(write_csv(rows))
    from_yaml = load_directory_text(yaml_text(directory_data), "directory.yaml")
    assert (from_csv.province, from_csv.agencies) == (from_yaml.province, from_yaml.agencies)


def test_a_csv_agency_without_contacts_has_one_row_with_empty_contact_cells(
    write_csv: Callable[..., Path],
    rows: list[Row],
) -> None:
    rows.append({"code": "TTKC", "name": "Trung tâm Khuyến công", "kind": "center", "parent": "SCT"})
    centre = load_directory_file(write_csv(rows)).get("TTKC")
    assert centre is not None
    assert centre.contacts == ()
    assert centre.parent == "SCT"


def test_a_csv_row_without_a_role_is_a_focal_point(write_csv: Callable[..., Path], rows: list[Row]) -> None:
    [contact] = load_directory_file(write_csv(rows)).get("UBND-TINH").contacts  # type: ignore[union-attr]
    assert contact.role is ContactRole.FOCAL_POINT


def test_csv_successors_are_separated_by_semicolons(write_csv: Callable[..., Path], rows: list[Row]) -> None:
    rows.append({"code": "STC", "name": "Sở Tài chính", "kind": "department"})
    rows.append(
        {
            "code": "SKHDT",
            "name": "Sở Kế hoạch và Đầu tư",
            "kind": "department",
            "valid_to": "2025-02-28",
            "successors": " STC ; SCT ",
        }
    )
    loaded = load_directory_file(write_csv(rows))
    skhdt = loaded.get("SKHDT")
    assert skhdt is not None
    assert skhdt.successors == ("STC", "SCT")
    assert skhdt.valid_to == date(2025, 2, 28)
    holders = Registry([loaded]).holders("SKHDT", loaded.province.code, date(2025, 5, 1))
    assert [holder.agency.code for holder in holders] == ["STC", "SCT"]


def test_a_csv_saved_by_a_spreadsheet_with_a_byte_order_mark_loads(
    write_csv: Callable[..., Path],
    rows: list[Row],
) -> None:
    loaded = load_directory_file(write_csv(rows, encoding="utf-8-sig"))
    assert loaded.province.code == "HD"


def test_csv_text_can_be_loaded_without_a_file(write_csv: Callable[..., Path], rows: list[Row]) -> None:
    text = write_csv(rows).read_text(encoding="utf-8")
    assert isinstance(load_directory_text(text, "pasted", csv_format=True), Directory)


def test_csv_missing_required_columns(write_csv: Callable[..., Path], rows: list[Row]) -> None:
    columns = tuple(column for column in CSV_COLUMNS if column not in {"kind", "name"})
    [problem] = csv_problems(write_csv(rows, columns=columns))
    assert problem.line == 1
    assert problem.message == "missing column(s): name, kind"
    assert ",".join(CSV_COLUMNS) in problem.hint


def test_csv_unknown_columns(write_csv: Callable[..., Path], rows: list[Row]) -> None:
    [problem] = csv_problems(write_csv(rows, columns=(*CSV_COLUMNS, "phone")))
    assert (problem.line, problem.message) == (1, "unknown column(s): phone")


def test_an_empty_csv_file_misses_every_required_column(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    [problem] = csv_problems(path)
    assert problem.message == "missing column(s): province_code, province_name, code, name, kind"


def test_csv_unknown_parent(write_csv: Callable[..., Path], rows: list[Row]) -> None:
    rows.append({"code": "TTKC", "name": "Trung tâm Khuyến công", "kind": "center", "parent": "SCTT"})
    [problem] = csv_problems(write_csv(rows))
    assert (problem.line, problem.path) == (5, "agencies[2].parent")
    assert problem.message == "unknown parent agency 'SCTT'"


def test_csv_unknown_successor(write_csv: Callable[..., Path], rows: list[Row]) -> None:
    rows.append({"code": "SKHDT", "name": "Sở KH&ĐT", "kind": "department", "successors": "SCT;STC"})
    [problem] = csv_problems(write_csv(rows))
    assert (problem.line, problem.path) == (5, "agencies[2].successors[1]")
    assert problem.message == "unknown successor agency 'STC'"


def test_csv_bad_email_points_at_the_contacts_row(write_csv: Callable[..., Path], rows: list[Row]) -> None:
    rows[2]["contact_email"] = "dung at sct.hd.example"
    [problem] = csv_problems(write_csv(rows))
    assert (problem.line, problem.path) == (4, "agencies[1].contacts[1].email")
    assert "is not a usable email address" in problem.message


def test_csv_contact_listed_twice_points_at_the_second_row(
    write_csv: Callable[..., Path],
    rows: list[Row],
) -> None:
    rows.append(dict(rows[1], contact_role="copy", contact_email="CUONG@sct.hd.example"))
    [problem] = csv_problems(write_csv(rows))
    assert (problem.line, problem.path) == (5, "agencies[1].contacts[2].email")
    assert problem.message == "cuong@sct.hd.example is listed twice for SCT"


def test_csv_validity_that_ends_before_it_starts(write_csv: Callable[..., Path], rows: list[Row]) -> None:
    rows.append(
        {
            "code": "SNNMT",
            "name": "Sở NN&MT",
            "kind": "department",
            "valid_from": "2025-03-01",
            "valid_to": "2025-02-28",
        }
    )
    [problem] = csv_problems(write_csv(rows))
    assert (problem.line, problem.path) == (5, "agencies[2].valid_to")
    assert problem.message == "valid_to 2025-02-28 is before valid_from 2025-03-01"


def test_csv_unknown_kind(write_csv: Callable[..., Path], rows: list[Row]) -> None:
    rows.append({"code": "TTKC", "name": "Trung tâm Khuyến công", "kind": "centre"})
    [problem] = csv_problems(write_csv(rows))
    assert (problem.line, problem.path) == (5, "agencies[2].kind")
    assert problem.hint == "use one of the listed values"


def test_csv_date_in_the_wrong_form(write_csv: Callable[..., Path], rows: list[Row]) -> None:
    rows.append({"code": "SNNMT", "name": "Sở NN&MT", "kind": "department", "valid_from": "01/03/2025"})
    [problem] = csv_problems(write_csv(rows))
    assert (problem.line, problem.path) == (5, "agencies[2].valid_from")
    assert problem.hint == "write the date as YYYY-MM-DD"


def test_a_csv_with_many_problems_reports_them_all_sorted_by_line(
    write_csv: Callable[..., Path],
    rows: list[Row],
) -> None:
    rows[0]["kind"] = "province"  # line 2
    rows[2]["contact_email"] = "dung@"  # line 4
    rows.append({"code": "TTKC", "name": "Trung tâm", "kind": "center", "parent": "SCTT"})  # line 5
    rows.append(
        {
            "code": "SNNMT",
            "name": "Sở NN&MT",
            "kind": "department",
            "valid_from": "2025-03-01",
            "valid_to": "2025-02-28",
            "successors": "SXX",
        }
    )  # line 6
    problems = csv_problems(write_csv(rows))
    assert [(problem.line, problem.path) for problem in problems] == [
        (2, "agencies[0].kind"),
        (4, "agencies[1].contacts[1].email"),
        (5, "agencies[2].parent"),
        (6, "agencies[3].successors[0]"),
        (6, "agencies[3].valid_to"),
    ]


def test_csv_duplicate_agency_code_is_reported_at_its_row(
    write_csv: Callable[..., Path],
    rows: list[Row],
) -> None:
    rows.append(
        {
            "code": "SCT",
            "name": "Trung tâm Khuyến công",
            "kind": "center",
            "contact_name": "Hoàng Văn Đức",
            "contact_email": "duc@ttkc.hd.example",
        }
    )
    problems = csv_problems(write_csv(rows))
    assert [problem.line for problem in problems] == [5]
    assert "SCT" in problems[0].message


def test_csv_rows_of_another_province_are_reported(
    write_csv: Callable[..., Path],
    rows: list[Row],
    tmp_path: Path,
) -> None:
    path = write_csv(rows)
    with path.open("a", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writerow(
            {
                "province_code": "QN",
                "province_name": "Quảng Ninh",
                "code": "SCT-QN",
                "name": "Sở Công Thương tỉnh Quảng Ninh",
                "kind": "department",
            }
        )
    problems = csv_problems(path)
    assert [problem.line for problem in problems] == [5]


def test_an_address_the_mail_path_cannot_send_is_refused_at_import(directory_data: dict[str, Any]) -> None:
    """Issue 12, finding 4: an address with a non-ASCII local part was imported, then refused by the builder."""
    directory_data["agencies"][1]["contacts"][1]["email"] = "dũng@sct.hd.example"
    text = yaml_text(directory_data)
    [problem] = yaml_problems(text)
    assert problem.path == "agencies[1].contacts[1].email"
    assert "SMTPUTF8" in problem.message


def test_an_address_without_a_dot_in_its_domain_is_refused_at_import(directory_data: dict[str, Any]) -> None:
    directory_data["agencies"][1]["contacts"][1]["email"] = "dung@localhost"
    [problem] = yaml_problems(yaml_text(directory_data))
    assert problem.path == "agencies[1].contacts[1].email"

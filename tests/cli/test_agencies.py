"""``sxsh-flow agencies``: list the registry (or the bundled sample), import a directory from YAML or CSV."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sxsh_flow.agencies.loader import CSV_COLUMNS

Cli = Callable[..., Any]

# A small directory of a made-up province: a People's Committee and a department with two contacts.
DIRECTORY_YAML = """\
format: 1
province: {code: TN, name: Tỉnh Thử Nghiệm}
agencies:
  - code: UBND-TINH
    name: Ủy ban nhân dân tỉnh Thử Nghiệm
    kind: provincial_committee
  - code: SCT
    name: Sở Công Thương tỉnh Thử Nghiệm
    kind: department
    parent: UBND-TINH
    contacts:
      - {name: Lê Văn Cường, title: Chuyên viên, email: sxsh@sct.thunghiem.example}
      - {name: Phạm Thị Dung, title: Giám đốc Sở, email: lanhdao@sct.thunghiem.example, role: head}
"""

# Three problems: an unknown successor (line 7), a bad email (line 9), a duplicate code (line 10),
# said in Vietnamese (the CLI's default language).
BROKEN_DIRECTORY_YAML = """\
format: 1
province: {code: TN, name: Tỉnh Thử Nghiệm}
agencies:
  - code: SCT
    name: Sở Công Thương tỉnh Thử Nghiệm (đổi tên)
    kind: department
    successors: [SNNMT]
    contacts:
      - {name: Lê Văn Cường, email: not-an-address}
  - code: SCT
    name: Sở Công Thương lần hai
    kind: department
"""
BROKEN_DIRECTORY_PROBLEMS = {
    (7, "agencies[0].successors[0]", "không có cơ quan kế thừa 'SNNMT'"),
    (9, "agencies[0].contacts[0].email", "not-an-address"),
    (10, "agencies[1].code", "mã cơ quan 'SCT' bị trùng"),
}


@pytest.fixture(autouse=True)
def _on_each_database(sxsh_home: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SXSH_DATABASE_URL", database_url)


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({"province_code": "TN", "province_name": "Tỉnh Thử Nghiệm", **row})
    return path


def csv_agency(code: str, name: str, kind: str, **cells: str) -> dict[str, str]:
    return {"code": code, "name": name, "kind": kind, **cells}


def agencies_of(cli: Cli, province: str) -> dict[str, dict[str, Any]]:
    document = cli("agencies", "list", "--json", "--province", province).json()
    assert document["sample"] is False, f"the store holds no directory of {province}"
    return {agency["code"]: agency for agency in document["agencies"]}


def contacts_by_email(agency: dict[str, Any]) -> dict[str, bool]:
    """email -> active"""
    return {contact["email"]: contact["active"] for contact in agency["contacts"]}


# --- list ----------------------------------------------------------------------------------------


def test_agencies_list_on_an_empty_store_shows_the_bundled_sample_of_21_agencies(cli: Cli) -> None:
    result = cli("agencies", "list", "--json")

    assert result.code == 0, result.err
    document = result.json()
    assert document["sample"] is True
    assert len(document["agencies"]) == 21
    assert {agency["province"] for agency in document["agencies"]} == {"HD"}
    assert "SCT" in {agency["code"] for agency in document["agencies"]}


def test_agencies_list_says_in_words_that_the_listing_is_a_sample(cli: Cli) -> None:
    result = cli("agencies", "list")

    assert result.code == 0, result.err
    assert "MẪU" in result.out
    assert "UBND-KINHMON" in result.out


def test_importing_the_sample_stores_it_and_the_listing_is_no_longer_a_sample(cli: Cli) -> None:
    result = cli("agencies", "import", "--sample", "HD", "--json")

    assert result.code == 0, result.err
    # Hải Dương's sample, and Hải Phòng's, the city its agencies pass to on 01/07/2025.
    hai_duong, hai_phong = result.json()["imported"]
    assert (hai_duong["province"], hai_duong["created"]) == ("HD", 21)
    assert (hai_phong["province"], hai_phong["created"]) == ("HP", 123)
    document = cli("agencies", "list", "--json", "--province", "HD").json()
    assert document["sample"] is False
    assert len(document["agencies"]) == 21


def test_importing_the_sample_twice_changes_nothing_the_second_time(cli: Cli) -> None:
    assert cli("agencies", "import", "--sample", "HD").code == 0

    summary = cli("agencies", "import", "--sample", "HD", "--json").json()["imported"][0]

    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 0, 21)
    assert (summary["contacts_added"], summary["contacts_retired"]) == (0, 0)


def test_importing_the_sample_of_an_unknown_province_exits_2(cli: Cli) -> None:
    result = cli("agencies", "import", "--sample", "XX")

    assert result.code == 2
    assert "XX" in result.err
    assert "Traceback" not in result.err


def test_import_needs_exactly_one_of_a_file_or_a_sample(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "directory.yaml"
    path.write_text(DIRECTORY_YAML, encoding="utf-8")

    for args in ([], [str(path), "--sample", "HD"]):
        result = cli("agencies", "import", *args)
        assert result.code == 2, args
        assert "Traceback" not in result.err
    assert cli("agencies", "list", "--json").json()["sample"] is True


# --- import a file -------------------------------------------------------------------------------


def test_importing_a_yaml_directory_creates_its_agencies_and_contacts(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "directory.yaml"
    path.write_text(DIRECTORY_YAML, encoding="utf-8")

    result = cli("agencies", "import", str(path), "--json")

    assert result.code == 0, result.err
    (summary,) = result.json()["imported"]
    assert (summary["province"], summary["created"], summary["contacts_added"]) == ("TN", 2, 2)
    agencies = agencies_of(cli, "TN")
    assert list(agencies) == ["UBND-TINH", "SCT"]  # the directory's order
    assert agencies["SCT"]["parent"] == "UBND-TINH"
    assert contacts_by_email(agencies["SCT"]) == {
        "sxsh@sct.thunghiem.example": True,
        "lanhdao@sct.thunghiem.example": True,
    }


def test_importing_a_csv_directory_with_one_row_per_contact_creates_its_agencies(cli: Cli, tmp_path: Path) -> None:
    sct = csv_agency("SCT", "Sở Công Thương tỉnh Thử Nghiệm", "department", parent="UBND-TINH")
    path = write_csv(
        tmp_path / "directory.csv",
        [
            csv_agency("UBND-TINH", "Ủy ban nhân dân tỉnh Thử Nghiệm", "provincial_committee"),
            {**sct, "contact_name": "Lê Văn Cường", "contact_email": "sxsh@sct.thunghiem.example"},
            {
                **sct,
                "contact_name": "Phạm Thị Dung",
                "contact_email": "lanhdao@sct.thunghiem.example",
                "contact_role": "head",
            },
        ],
    )

    result = cli("agencies", "import", str(path), "--json")

    assert result.code == 0, result.err
    (summary,) = result.json()["imported"]
    assert (summary["created"], summary["contacts_added"]) == (2, 2)
    agencies = agencies_of(cli, "TN")
    assert list(agencies) == ["UBND-TINH", "SCT"]
    assert agencies["UBND-TINH"]["contacts"] == []
    roles = {contact["email"]: contact["role"] for contact in agencies["SCT"]["contacts"]}
    assert roles == {"sxsh@sct.thunghiem.example": "focal_point", "lanhdao@sct.thunghiem.example": "head"}


def test_importing_prints_a_summary_in_words(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "directory.yaml"
    path.write_text(DIRECTORY_YAML, encoding="utf-8")

    result = cli("agencies", "import", str(path))

    assert result.code == 0, result.err
    assert "Tỉnh TN: 2 cơ quan mới" in result.out


def test_reimporting_without_a_contact_retires_it_and_keeps_it_listed_inactive(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "directory.yaml"
    path.write_text(DIRECTORY_YAML, encoding="utf-8")
    assert cli("agencies", "import", str(path)).code == 0
    path.write_text(DIRECTORY_YAML.replace("      - {name: Phạm Thị Dung", "      # - {name: Phạm Thị Dung"), "utf-8")

    result = cli("agencies", "import", str(path), "--json")

    assert result.code == 0, result.err
    (summary,) = result.json()["imported"]
    assert (summary["contacts_retired"], summary["contacts_added"], summary["created"]) == (1, 0, 0)
    assert summary["updated"] == 1  # SCT, whose contact left
    assert contacts_by_email(agencies_of(cli, "TN")["SCT"]) == {
        "sxsh@sct.thunghiem.example": True,
        "lanhdao@sct.thunghiem.example": False,
    }


def test_reimporting_a_retired_contact_makes_it_active_again(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "directory.yaml"
    without_head = DIRECTORY_YAML.replace("      - {name: Phạm Thị Dung", "      # - {name: Phạm Thị Dung")
    for text in (DIRECTORY_YAML, without_head, DIRECTORY_YAML):
        path.write_text(text, encoding="utf-8")
        assert cli("agencies", "import", str(path)).code == 0

    assert contacts_by_email(agencies_of(cli, "TN")["SCT"])["lanhdao@sct.thunghiem.example"] is True


# --- a bad file ----------------------------------------------------------------------------------


def test_a_bad_yaml_directory_exits_65_lists_every_problem_with_its_line_and_writes_nothing(
    cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN_DIRECTORY_YAML, encoding="utf-8")

    result = cli("agencies", "import", str(path))

    assert result.code == 65
    assert "Traceback" not in result.err
    problem_lines = [line for line in result.err.splitlines() if line.startswith(f"  {path}:")]
    assert len(problem_lines) == len(BROKEN_DIRECTORY_PROBLEMS)
    for line, place, message in BROKEN_DIRECTORY_PROBLEMS:
        assert any(text.startswith(f"  {path}:{line}: {place}: ") and message in text for text in problem_lines), place
    assert cli("agencies", "list", "--json").json()["sample"] is True  # the store is still empty


def test_a_bad_directory_leaves_the_stored_one_as_it_was(cli: Cli, tmp_path: Path) -> None:
    good = tmp_path / "directory.yaml"
    good.write_text(DIRECTORY_YAML, encoding="utf-8")
    assert cli("agencies", "import", str(good)).code == 0
    before = cli("agencies", "list", "--json", "--province", "TN").json()
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN_DIRECTORY_YAML, encoding="utf-8")

    assert cli("agencies", "import", str(broken)).code == 65

    assert cli("agencies", "list", "--json", "--province", "TN").json() == before


def test_a_bad_csv_directory_points_at_the_csv_line_of_each_problem(cli: Cli, tmp_path: Path) -> None:
    skhdt = csv_agency("SKHDT", "Sở Kế hoạch và Đầu tư", "department", valid_to="2025-02-28", successors="STC")
    sct = csv_agency("SCT", "Sở Công Thương", "department", contact_name="A", contact_email="sct.example")
    committee = csv_agency("UBND-TINH", "Ủy ban nhân dân tỉnh Thử Nghiệm", "provincial_committee")
    path = write_csv(tmp_path / "broken.csv", [committee, skhdt, sct])  # CSV lines 2, 3 and 4

    result = cli("agencies", "import", str(path))

    assert result.code == 65
    assert f"{path}:3: agencies[1].successors[0]: không có cơ quan kế thừa 'STC'" in result.err
    assert f"{path}:4: agencies[2].contacts[0].email: " in result.err
    assert cli("agencies", "list", "--json").json()["sample"] is True


def test_a_csv_with_an_unknown_column_is_refused_naming_the_column(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "directory.csv"
    path.write_text(
        "province_code,province_name,code,name,kind,phone\nTN,Thử Nghiệm,SCT,Sở Công Thương,department,1\n",
        encoding="utf-8",
    )

    result = cli("agencies", "import", str(path))

    assert result.code == 65
    assert f"{path}:1: unknown column(s): phone" in result.err


def test_a_line_break_in_a_contact_name_cannot_fake_a_line_of_the_listing(cli: Cli, tmp_path: Path) -> None:
    """Issue 12: a CR/LF in a name printed a made-up contact under another agency's code."""
    fake = "  UBND-TINH        focal_point  Kẻ Giả <gia@evil.example>"
    path = tmp_path / "directory.yaml"
    path.write_text(
        DIRECTORY_YAML.replace("name: Lê Văn Cường,", f'name: "Lê Văn Cường\\r\\n{fake}\\x1b[2K",'), encoding="utf-8"
    )
    assert cli("agencies", "import", str(path)).code == 0

    result = cli("agencies", "list", "--contacts")

    assert result.code == 0, result.err
    assert not any(line.startswith("  UBND-TINH") for line in result.out.splitlines())
    assert "\x1b" not in result.out
    assert "\r" not in result.out
    [listed] = [line for line in result.out.splitlines() if "sxsh@sct.thunghiem.example" in line]
    assert listed.startswith("  SCT ")

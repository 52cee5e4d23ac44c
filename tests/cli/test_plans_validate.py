"""``plans validate --province``: a plan's agency codes checked against the province's directory.

Without ``--province`` the file is checked alone, and the command says the codes were not checked.
With it, each code the directory does not have is reported with its line, its path in the file and
the codes it resembles; an agency that exists only outside the plan's years is reported with its
dates; the exit code is 65 when anything is wrong.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sxsh_flow.agencies.loader import CSV_COLUMNS

REPOSITORY = Path(__file__).resolve().parents[2]
BUILTIN_PLAN_FILE = REPOSITORY / "workflows" / "plans" / "plan-2016-2020.yaml"
Cli = Callable[..., Any]


@pytest.fixture
def misspelled(tmp_path: Path) -> tuple[Path, int]:
    """The built-in plan with the Sở Công Thương lead of its first task written SCTT, and that line."""
    lines = BUILTIN_PLAN_FILE.read_text(encoding="utf-8").splitlines()
    number = next(n for n, line in enumerate(lines) if line.strip() == "- key: sct-dissemination") + 1
    while lines[number].strip() != "lead: SCT":
        number += 1
    lines[number] = lines[number].replace("SCT", "SCTT")
    path = tmp_path / "plan.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, number + 1


def problem_lines(err: str, path: Path) -> list[str]:
    return [line.strip() for line in err.splitlines() if line.startswith(f"  {path}:")]


def test_a_misspelled_code_is_reported_with_its_place_and_the_code_it_resembles(
    cli: Cli, misspelled: tuple[Path, int]
) -> None:
    path, line = misspelled

    result = cli("plans", "validate", str(path), "--province", "HD")

    assert result.code == 65
    assert problem_lines(result.err, path) == [
        f"{path}:{line}: tasks[0].lead: mã đơn vị 'SCTT' không có trong danh bạ của tỉnh HD; có phải là SCT? "
        "(gợi ý: dùng mã đơn vị có trong danh bạ của tỉnh (sxsh-flow agencies list))"
    ]
    assert "1 lỗi" in result.err


def test_the_same_report_in_english(cli: Cli, misspelled: tuple[Path, int], monkeypatch: pytest.MonkeyPatch) -> None:
    path, line = misspelled
    monkeypatch.setenv("SXSH_LANG", "en")

    result = cli("plans", "validate", str(path), "-p", "hd")

    assert result.code == 65
    assert problem_lines(result.err, path) == [
        f"{path}:{line}: tasks[0].lead: unknown agency code 'SCTT' in the directory of HD; did you mean SCT? "
        "(hint: use an agency code of the province's directory (sxsh-flow agencies list))"
    ]


def test_the_json_report_gives_scripts_the_place_and_the_suggestions(cli: Cli, misspelled: tuple[Path, int]) -> None:
    path, line = misspelled

    result = cli("plans", "validate", str(path), "--province", "HD", "--json")

    assert result.code == 65
    document = result.json()
    assert (document["valid"], document["codes_checked"], document["province"]) == (False, True, "HD")
    assert document["directory"] == "sample"
    [problem] = document["problems"]
    assert (problem["line"], problem["path"], problem["did_you_mean"]) == (line, "tasks[0].lead", ["SCT"])
    assert problem["params"]["code"] == "SCTT"
    assert problem["said"].endswith("(gợi ý: dùng mã đơn vị có trong danh bạ của tỉnh (sxsh-flow agencies list))")


def test_without_a_province_the_file_alone_is_checked_and_the_command_says_so(
    cli: Cli, misspelled: tuple[Path, int]
) -> None:
    path, _ = misspelled

    result = cli("plans", "validate", str(path))
    as_json = cli("plans", "validate", str(path), "--json").json()

    assert result.code == 0, result.err
    assert "hợp lệ" in result.out
    assert "Chưa kiểm tra mã đơn vị theo danh bạ: thêm --province để kiểm tra." in result.out
    assert (as_json["valid"], as_json["codes_checked"], as_json["problems"]) == (True, False, [])


def test_the_built_in_plan_knows_every_code_of_the_sample_directory(cli: Cli) -> None:
    result = cli("plans", "validate", str(BUILTIN_PLAN_FILE), "--province", "HD")

    assert result.code == 0, result.err
    assert "Mọi mã đơn vị đều có trong danh bạ mẫu của tỉnh HD." in result.out


def test_an_agency_that_exists_only_after_the_plan_is_flagged_with_its_dates(cli: Cli, tmp_path: Path) -> None:
    # Sở Nông nghiệp và Môi trường begins on 01/03/2025; the 2016–2020 plan ends on 31/12/2020.
    text = BUILTIN_PLAN_FILE.read_text(encoding="utf-8").replace("lead: STNMT", "lead: SNNMT", 1)
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")

    result = cli("plans", "validate", str(path), "--province", "HD")

    assert result.code == 65
    [problem] = problem_lines(result.err, path)
    assert "đơn vị SNNMT bắt đầu từ ngày 01/03/2025, sau khi kế hoạch kết thúc ngày 31/12/2020" in problem


def test_the_directory_imported_here_is_the_one_checked(cli: Cli, tmp_path: Path) -> None:
    directory = tmp_path / "hd.csv"
    with directory.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerow(
            {
                "province_code": "HD",
                "province_name": "Hải Dương",
                "code": "SCT",
                "name": "Sở Công Thương tỉnh Hải Dương",
                "kind": "department",
                "contact_name": "Lê Văn Cường",
                "contact_email": "cuong@sct.hd.example",
            }
        )
    assert cli("agencies", "import", str(directory)).code == 0

    result = cli("plans", "validate", str(BUILTIN_PLAN_FILE), "--province", "HD", "--json")

    assert result.code == 65
    document = result.json()
    assert document["directory"] == "store"
    said = [problem["said"] for problem in document["problems"]]
    assert any("danh bạ của tỉnh HD không có đơn vị nào thuộc loại district" in text for text in said)
    assert any("mã đơn vị 'BQLKCN' không có trong danh bạ của tỉnh HD" in text for text in said)
    assert not any("'SCT'" in text for text in said)


def test_an_unknown_province_is_one_line_not_a_traceback(cli: Cli) -> None:
    result = cli("plans", "validate", str(BUILTIN_PLAN_FILE), "--province", "ZZ")

    assert result.code == 2
    assert "Traceback" not in result.err
    assert "ZZ" in result.err

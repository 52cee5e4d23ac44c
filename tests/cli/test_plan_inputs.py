"""``start`` and ``simulate`` take a plan the same way: PLAN or ``--plan-file``, and ``--directory`` files.

The plan file and directories below are tiny and made up (the province "Thử Nghiệm", TN, for which
sxsh-flow ships no sample): Sở Công Thương models sustainable production, and every commune reports
on the plan in its area. Its first cycle, 2021, runs from 01/11/2021 to its deadline in December, so
a simulation to 10/01/2022 takes seconds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from sxsh_flow.agencies.loader import builtin_directory

Cli = Callable[..., Any]

PLAN_YAML = """\
format: 1
key: plan-thu-nghiem
version: "2021.1"
title: Kế hoạch hành động về sản xuất và tiêu dùng bền vững của tỉnh Thử Nghiệm (để thử)
province: TN
lead: SCT
period: {first_year: 2021, last_year: 2022}
effective_from: 2021-11-01
legal_basis:
  - {number: 889/QĐ-TTg, date: 2020-06-24, issuer: Thủ tướng Chính phủ}
indicators:
  - {code: models_built, name: Mô hình sản xuất và tiêu dùng bền vững được xây dựng, unit: mô hình, aggregation: sum}
  - code: zones_informed
    name: Khu, cụm công nghiệp và làng nghề được phổ biến
    unit: "%"
    aggregation: ratio
    numerator: Số khu, cụm công nghiệp và làng nghề được phổ biến
    denominator: Tổng số khu, cụm công nghiệp và làng nghề
tasks:
  - key: sct-models
    title: Xây dựng và nhân rộng mô hình sản xuất và tiêu dùng bền vững
    lead: SCT
    report:
      indicators: [models_built, zones_informed]
      fields:
        - {key: workshop_day, label: Ngày tổ chức hội nghị, type: date, required: true}
        - {key: counterpart, label: Vốn đối ứng của doanh nghiệp, type: money, unit: đồng, required: true}
  - key: commune-implementation
    title: Triển khai kế hoạch trên địa bàn xã
    lead: "kind:commune"
"""
DIRECTORY_YAML = """\
format: 1
province: {code: TN, name: Tỉnh Thử Nghiệm}
agencies:
  - {code: UBND-TINH, name: Ủy ban nhân dân tỉnh Thử Nghiệm, kind: provincial_committee}
  - code: SCT
    name: Sở Công Thương tỉnh Thử Nghiệm
    kind: department
    parent: UBND-TINH
    contacts:
      - {name: Lê Văn Cường, title: Chuyên viên, email: sxsh@sct.thunghiem.example}
      - {name: Phạm Thị Dung, title: Giám đốc Sở, email: lanhdao@sct.thunghiem.example, role: head}
"""
# The communes in a spreadsheet export, one row per contact.
COMMUNES_CSV = """\
province_code,province_name,code,name,kind,contact_name,contact_email,contact_role
TN,Tỉnh Thử Nghiệm,UBND-XA-AN,Ủy ban nhân dân xã An,commune,Nguyễn Văn An,sxsh@xa-an.thunghiem.example,focal_point
TN,Tỉnh Thử Nghiệm,UBND-XA-BINH,Ủy ban nhân dân xã Bình,commune,Trần Thị Bình,sxsh@xa-binh.thunghiem.example,focal_point
"""
COMMUNES = ["UBND-XA-AN", "UBND-XA-BINH"]
# Two problems: a bad email (line 7) and a duplicate code (line 8).
BROKEN_YAML = """\
format: 1
province: {code: TN, name: Tỉnh Thử Nghiệm}
agencies:
  - code: SCT
    name: Sở Công Thương tỉnh Thử Nghiệm
    kind: department
    contacts: [{name: Lê Văn Cường, email: not-an-address}]
  - {code: SCT, name: Sở Công Thương lần hai, kind: department}
"""
BROKEN_YAML_PROBLEMS = {(7, "agencies[0].contacts[0].email"), (8, "agencies[1].code")}
# One problem: a kind no agency has (CSV line 3).
BROKEN_CSV = COMMUNES_CSV.replace(",commune,Trần", ",hamlet,Trần")


@pytest.fixture(autouse=True)
def _on_each_database(sxsh_home: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SXSH_DATABASE_URL", database_url)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    return write(tmp_path, "plan-thu-nghiem.yaml", PLAN_YAML)


@pytest.fixture
def directory_files(tmp_path: Path) -> list[str]:
    """``--directory`` twice: the province's departments (YAML) and its communes (CSV)."""
    departments = write(tmp_path, "thu-nghiem.yaml", DIRECTORY_YAML)
    communes = write(tmp_path, "thu-nghiem-communes.csv", COMMUNES_CSV)
    return ["--directory", str(departments), "--directory", str(communes)]


def nothing_written(cli: Cli) -> bool:
    """No run, and no directory of any province (``agencies list`` falls back to the bundled sample)."""
    runs = cli("--now", "2021-11-01", "status", "--json").json()["runs"]
    return runs == [] and cli("agencies", "list", "--json").json()["sample"] is True


# --- simulate ------------------------------------------------------------------------------------


def test_simulate_runs_a_plan_file_against_the_directories_given(
    cli: Cli, sxsh_home: Path, plan_file: Path, directory_files: list[str]
) -> None:
    result = cli("simulate", "--plan-file", str(plan_file), *directory_files, "--until", "2022-01-10", "--json")

    assert result.code == 0, result.err
    summary = result.json()
    assert (summary["plan"], summary["province"]) == ("plan-thu-nghiem", "TN")
    assert [(d["province"], d["created"], d["contacts_added"]) for d in summary["imported_directories"]] == [
        ("TN", 2, 2),
        ("TN", 2, 2),
    ]
    [cycle] = summary["cycles"]
    # Sở Công Thương and the two communes of the CSV, each asked once; by 10/01/2022 the deadline is past.
    assert cycle["cycle"] == "2021"
    assert cycle["expected"] == 3
    assert cycle["on_time"] + cycle["late"] + cycle["missing"] == 3
    assert summary["messages_sent"]["kickoff"] == summary["messages_sent"]["request"] == 3
    # The simulated agencies answered through the plan file's own form, required day and amount included.
    assert summary["submissions"] > 0
    assert summary["messages_sent"]["receipt"] == summary["submissions"]
    status = cli("--now", "2022-01-10", "status", "--json").json()
    assert Counter(t["agency_code"] for t in status["runs"][0]["task_runs"]) == {"SCT": 2, **dict.fromkeys(COMMUNES, 2)}
    # The directories came from the files: the store holds Thử Nghiệm's only, no bundled sample.
    assert cli("agencies", "list", "--json", "--province", "HD").json()["sample"] is True


def test_simulate_says_which_directories_it_imported(cli: Cli, plan_file: Path, directory_files: list[str]) -> None:
    result = cli("simulate", "--plan-file", str(plan_file), *directory_files, "--until", "2021-11-05")

    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[:2] == ["Tỉnh TN: 2 cơ quan mới, 0 cập nhật, 0 không đổi; 2 liên hệ mới, 0 thôi."] * 2
    assert lines[2].startswith("Mô phỏng plan-thu-nghiem, tỉnh TN, ")


# --- start ---------------------------------------------------------------------------------------


def test_start_imports_the_directories_given_with_the_plan_in_one_go(
    cli: Cli, plan_file: Path, directory_files: list[str]
) -> None:
    result = cli("--now", "2021-11-01", "start", "--plan-file", str(plan_file), *directory_files, "--json")

    assert result.code == 0, result.err
    document = result.json()
    assert [d["province"] for d in document["imported_directories"]] == ["TN", "TN"]
    assert document["sample_directory_imported"] is False
    assert document["started"]["province"] == "TN"
    assert document["started"]["agencies"] == ["SCT", *COMMUNES]
    assert document["started"]["task_runs"] == 3 * 2  # three agencies, cycles 2021 and 2022
    listed = cli("agencies", "list", "--json", "--province", "TN").json()
    assert {a["code"] for a in listed["agencies"]} == {"UBND-TINH", "SCT", *COMMUNES}


def test_start_prints_what_each_directory_changed(cli: Cli, plan_file: Path, directory_files: list[str]) -> None:
    result = cli("--now", "2021-11-01", "start", "--plan-file", str(plan_file), *directory_files, "--no-send")

    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[:2] == ["Tỉnh TN: 2 cơ quan mới, 0 cập nhật, 0 không đổi; 2 liên hệ mới, 0 thôi."] * 2
    assert "MẪU" not in result.out  # no sample was imported


def test_a_directory_given_to_start_replaces_the_bundled_sample_of_its_province(cli: Cli, tmp_path: Path) -> None:
    sample = builtin_directory("HD")
    agencies = [
        agency.model_dump(mode="json", exclude_defaults=True)
        | ({"name": "Sở Công Thương tỉnh Hải Dương (danh bạ riêng)"} if agency.code == "SCT" else {})
        for agency in sample.agencies
    ]
    own = tmp_path / "hai-duong-own.yaml"
    own.write_text(
        yaml.safe_dump(
            {"format": 1, "province": sample.province.model_dump(mode="json"), "agencies": agencies},
            allow_unicode=True,
            sort_keys=False,
        ),
        encoding="utf-8",
    )

    result = cli("--now", "2016-09-01", "start", "plan-2016-2020", "--directory", str(own), "--json")

    assert result.code == 0, result.err
    assert result.json()["sample_directory_imported"] is False
    task_runs = cli("--now", "2016-09-01", "status", "--json", "--agency", "SCT").json()["runs"][0]["task_runs"]
    assert {t["agency_name"] for t in task_runs} == {"Sở Công Thương tỉnh Hải Dương (danh bạ riêng)"}


# --- mistakes ------------------------------------------------------------------------------------

COMMANDS = [["--now", "2021-11-01", "start"], ["simulate", "--until", "2021-11-05"]]


@pytest.mark.parametrize("command", COMMANDS, ids=["start", "simulate"])
def test_a_plan_key_and_a_plan_file_together_are_refused(cli: Cli, command: list[str], plan_file: Path) -> None:
    result = cli(*command, "plan-thu-nghiem", "--plan-file", str(plan_file))

    assert result.code == 2
    assert "cần đúng một trong: KẾ HOẠCH hoặc --plan-file TỆP" in result.err
    assert "Traceback" not in result.err
    assert nothing_written(cli)


@pytest.mark.parametrize("command", COMMANDS, ids=["start", "simulate"])
def test_neither_a_plan_key_nor_a_plan_file_is_refused(
    cli: Cli, command: list[str], directory_files: list[str]
) -> None:
    result = cli(*command, *directory_files)

    assert result.code == 2
    assert "cần đúng một trong: KẾ HOẠCH hoặc --plan-file TỆP" in result.err
    assert nothing_written(cli)


@pytest.mark.parametrize("command", COMMANDS, ids=["start", "simulate"])
def test_every_problem_of_every_broken_directory_is_listed_with_its_line_and_nothing_is_written(
    cli: Cli, command: list[str], plan_file: Path, tmp_path: Path
) -> None:
    good = write(tmp_path, "thu-nghiem.yaml", DIRECTORY_YAML)
    broken_yaml = write(tmp_path, "broken.yaml", BROKEN_YAML)
    broken_csv = write(tmp_path, "broken.csv", BROKEN_CSV)
    files = ["--directory", str(good), "--directory", str(broken_yaml), "--directory", str(broken_csv)]

    result = cli(*command, "--plan-file", str(plan_file), *files)

    assert result.code == 65
    assert "Traceback" not in result.err
    assert f"{broken_yaml}, {broken_csv}" in result.err.splitlines()[0]  # both files named, the good one not
    problems = [line for line in result.err.splitlines()[1:] if line.startswith("  ")]
    assert len(problems) == len(BROKEN_YAML_PROBLEMS) + 1
    for line, place in BROKEN_YAML_PROBLEMS:
        assert any(text.startswith(f"  {broken_yaml}:{line}: {place}: ") for text in problems), place
    assert any(text.startswith(f"  {broken_csv}:3: agencies[1].kind: ") for text in problems)
    assert nothing_written(cli)  # not even the good file


def test_errors_of_the_plan_inputs_speak_english_with_sxsh_lang_en(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, plan_file: Path
) -> None:
    monkeypatch.setenv("SXSH_LANG", "en")

    result = cli("simulate", "plan-2016-2020", "--plan-file", str(plan_file))

    assert result.code == 2
    assert "give exactly one of PLAN or --plan-file FILE" in result.err

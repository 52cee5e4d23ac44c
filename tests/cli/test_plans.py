"""``sxsh-flow plans``: list the built-in plans, show one with its calendar, validate a file, the schema."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

PLAN = "plan-2016-2020"
REPOSITORY = Path(__file__).resolve().parents[2]
BUILTIN_PLAN_FILE = REPOSITORY / "workflows" / "plans" / f"{PLAN}.yaml"
COMMITTED_SCHEMA = REPOSITORY / "docs" / "plan.schema.json"
Cli = Callable[..., Any]


# --- list ----------------------------------------------------------------------------------------


def test_plans_list_json_includes_the_2016_2020_plan_with_its_16_tasks(cli: Cli) -> None:
    result = cli("plans", "list", "--json")

    assert result.code == 0, result.err
    plans = {plan["key"]: plan for plan in result.json()["plans"]}
    assert plans[PLAN]["tasks"] == 16
    assert (plans[PLAN]["first_year"], plans[PLAN]["last_year"]) == (2016, 2020)
    assert plans[PLAN]["province"] == "HD"
    assert len(plans[PLAN]["content_hash"]) == 64


def test_plans_list_prints_a_table_with_the_plan_key_and_period(cli: Cli) -> None:
    result = cli("plans", "list")

    assert result.code == 0, result.err
    assert PLAN in result.out
    assert "2016–2020" in result.out
    assert "Nhiệm vụ" in result.out  # Vietnamese headers by default


# --- show ----------------------------------------------------------------------------------------


def test_plans_show_json_includes_the_calendar_of_its_five_cycles(cli: Cli) -> None:
    result = cli("plans", "show", PLAN, "--json")

    assert result.code == 0, result.err
    document = result.json()
    assert document["plan"]["key"] == PLAN
    cycles = document["calendar"]["cycles"]
    assert [cycle["label"] for cycle in cycles] == ["2016", "2017", "2018", "2019", "2020"]
    assert (cycles[0]["cutoff_start"], cycles[0]["cutoff_end"], cycles[0]["due_on"]) == (
        "2015-12-15",
        "2016-12-14",
        "2016-12-21",
    )


def test_plans_show_json_gives_each_task_its_deadline(cli: Cli) -> None:
    tasks = cli("plans", "show", PLAN, "--json").json()["calendar"]["tasks"]

    database = [(t["cycle_label"], t["due_on"]) for t in tasks if t["task_key"] == "sct-database"]
    assert database == [("2017", "2017-06-30")]
    consolidated_2016 = [
        t["due_on"] for t in tasks if (t["task_key"], t["cycle_label"]) == ("sct-consolidated-report", "2016")
    ]
    assert consolidated_2016 == ["2016-12-28"]


def test_plans_show_prints_the_reporting_calendar_in_vietnamese_dates(cli: Cli) -> None:
    result = cli("plans", "show", PLAN)

    assert result.code == 0, result.err
    assert "Lịch báo cáo" in result.out
    assert "15/12/2015–14/12/2016" in result.out
    assert "1419/QĐ-TTg" in result.out


def test_plans_show_in_english_with_sxsh_lang_en(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SXSH_LANG", "en")

    result = cli("plans", "show", PLAN)

    assert "Reporting calendar" in result.out
    assert "Lịch báo cáo" not in result.out


def test_plans_show_of_an_unknown_plan_exits_2_listing_the_built_in_plans(cli: Cli) -> None:
    result = cli("plans", "show", "plan-1999")

    assert result.code == 2
    assert PLAN in result.err
    assert "Traceback" not in result.err


# --- validate ------------------------------------------------------------------------------------


def test_plans_validate_accepts_the_built_in_plan_file(cli: Cli) -> None:
    result = cli("plans", "validate", str(BUILTIN_PLAN_FILE))

    assert result.code == 0, result.err
    assert "hợp lệ" in result.out
    assert PLAN in result.out


def test_plans_validate_json_of_a_valid_file(cli: Cli) -> None:
    result = cli("plans", "validate", str(BUILTIN_PLAN_FILE), "--json")

    assert result.code == 0, result.err
    document = result.json()
    assert document["valid"] is True
    assert document["key"] == PLAN
    assert document["content_hash"] == cli("plans", "list", "--json").json()["plans"][0]["content_hash"]


def test_plans_validate_exits_65_and_lists_every_problem_with_its_line(cli: Cli, broken_plan: Any) -> None:
    result = cli("plans", "validate", str(broken_plan.path))

    assert result.code == 65
    assert "Traceback" not in result.err
    problem_lines = [line for line in result.err.splitlines() if line.startswith(f"  {broken_plan.path}:")]
    assert len(problem_lines) == len(broken_plan.problems) >= 3
    for line, path in broken_plan.problems:
        place = f"  {broken_plan.path}:{line}: {path}: "
        assert any(text.startswith(place) for text in problem_lines), place
    assert f"{len(broken_plan.problems)} lỗi" in result.err  # the count is in the headline


def test_plans_validate_json_of_a_broken_file_lists_every_problem(cli: Cli, broken_plan: Any) -> None:
    result = cli("plans", "validate", str(broken_plan.path), "--json")

    assert result.code == 65
    document = result.json()
    assert document["valid"] is False
    assert {(problem["line"], problem["path"]) for problem in document["problems"]} == broken_plan.problems
    assert all(problem["message"] for problem in document["problems"])


def test_plans_validate_reports_a_yaml_syntax_error_with_its_line(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "syntax.yaml"
    path.write_text("format: 1\nkey: plan-x\ntasks: [unclosed\n", encoding="utf-8")

    result = cli("plans", "validate", str(path), "--json")

    assert result.code == 65
    [problem] = result.json()["problems"]
    assert "YAML" in problem["message"]
    assert problem["line"] is not None


def test_plans_validate_of_a_missing_file_exits_65_not_a_traceback(cli: Cli, tmp_path: Path) -> None:
    result = cli("plans", "validate", str(tmp_path / "absent.yaml"))

    assert result.code == 65
    assert "Traceback" not in result.err
    assert "absent.yaml" in result.err


# --- schema --------------------------------------------------------------------------------------


def test_plans_schema_prints_a_json_schema_of_plan_files(cli: Cli) -> None:
    result = cli("plans", "schema")

    assert result.code == 0, result.err
    schema = json.loads(result.out)
    assert {"format", "key", "tasks", "period", "reporting"} <= schema["properties"].keys()
    assert "tasks" in schema["required"]


def test_plans_schema_output_writes_the_same_schema_to_a_file(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "plan.schema.json"

    assert cli("plans", "schema", "--output", str(target)).code == 0

    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(cli("plans", "schema").out)


def test_plans_schema_equals_the_committed_docs_plan_schema_json(cli: Cli) -> None:
    if not COMMITTED_SCHEMA.exists():
        pytest.skip("docs/plan.schema.json is not committed yet (built-in plan files point editors at it)")

    result = cli("plans", "schema")

    assert json.loads(result.out) == json.loads(COMMITTED_SCHEMA.read_text(encoding="utf-8"))

"""``sxsh-flow start`` and ``sxsh-flow status``, on SQLite and on PostgreSQL.

The built-in plan-2016-2020 started on 01/09/2016 against the bundled Hải Dương directory gives
one run, five annual cycles (2016–2020) and 131 task runs: 26 a year (seven annual tasks of Sở
Công Thương, two of Sở KH&CN, one each of Sở Tài chính, Sở TN&MT and Sở KH&ĐT, two of the Ban
Quản lý các KCN, and one for each of the 12 district-level People's Committees) plus the
once-task sct-database, due 30/06/2017, in cycle 2017.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

PLAN = "plan-2016-2020"
Cli = Callable[..., Any]

DEPARTMENTS = {"SCT", "SKHCN", "STC", "STNMT", "SKHDT", "BQLKCN"}
DISTRICTS = {
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
YEARS = range(2016, 2021)
ANNUAL_TASK_RUNS_PER_YEAR = 26
TASK_RUN_FIELDS = {
    "id",
    "run_id",
    "plan_key",
    "task_key",
    "agency_code",
    "agency_name",
    "cycle_year",
    "due_on",
    "state",
}


@pytest.fixture(autouse=True)
def _on_each_database(sxsh_home: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SXSH_DATABASE_URL", database_url)


def status_document(cli: Cli, *args: str, now: str = "2016-09-01") -> dict[str, Any]:
    result = cli("--now", now, "status", "--json", *args)
    assert result.code == 0, result.err
    document: dict[str, Any] = result.json()
    return document


def only_run(document: dict[str, Any]) -> dict[str, Any]:
    assert len(document["runs"]) == 1
    run: dict[str, Any] = document["runs"][0]
    return run


@pytest.fixture
def started(cli: Cli) -> dict[str, Any]:
    """plan-2016-2020 started on 01/09/2016, the day it took effect; the run as ``status --json`` shows it."""
    result = cli("--now", "2016-09-01", "start", PLAN)
    assert result.code == 0, result.err
    return only_run(status_document(cli))


# --- start ---------------------------------------------------------------------------------------


def test_start_exits_0_and_imports_the_sample_directory_when_the_store_has_none(cli: Cli) -> None:
    assert cli("agencies", "list", "--json").json()["sample"] is True

    result = cli("--now", "2016-09-01", "start", PLAN)

    assert result.code == 0, result.err
    assert "MẪU" in result.out  # the coordinator is told the directory is a sample
    agencies = cli("agencies", "list", "--json", "--province", "HD").json()
    assert agencies["sample"] is False
    assert len(agencies["agencies"]) == 21


def test_start_json_says_what_was_made(cli: Cli) -> None:
    result = cli("--now", "2016-09-01", "start", PLAN, "--json")

    assert result.code == 0, result.err
    document = result.json()
    assert document["sample_directory_imported"] is True
    assert document["started"]["plan_key"] == PLAN
    assert document["started"]["province"] == "HD"
    assert document["started"]["cycles"] == ["2016", "2017", "2018", "2019", "2020"]
    assert document["started"]["task_runs"] == 131
    assert document["started"]["first_due_on"] == "2016-12-21"


def test_start_uses_the_directory_already_in_the_store_instead_of_the_sample(cli: Cli) -> None:
    assert cli("agencies", "import", "--sample", "HD").code == 0

    document = cli("--now", "2016-09-01", "start", PLAN, "--json").json()

    assert document["sample_directory_imported"] is False
    assert document["started"]["task_runs"] == 131


def test_start_gives_task_runs_to_every_kind_of_agency_and_all_12_districts(started: dict[str, Any]) -> None:
    codes = {task_run["agency_code"] for task_run in started["task_runs"]}

    assert codes == DEPARTMENTS | DISTRICTS


def test_start_creates_the_five_annual_cycles_of_the_period(started: dict[str, Any]) -> None:
    assert [cycle["label"] for cycle in started["cycles"]] == ["2016", "2017", "2018", "2019", "2020"]
    assert {task_run["cycle_year"] for task_run in started["task_runs"]} == {2016, 2017, 2018, 2019, 2020}


def test_start_creates_131_task_runs_26_a_year_plus_the_once_task_in_2017(started: dict[str, Any]) -> None:
    task_runs = started["task_runs"]
    per_year = Counter(task_run["cycle_year"] for task_run in task_runs)
    once = [task_run for task_run in task_runs if task_run["task_key"] == "sct-database"]

    assert len(task_runs) == 131
    assert per_year == {2016: 26, 2017: 27, 2018: 26, 2019: 26, 2020: 26}
    assert [(t["cycle_year"], t["agency_code"], t["due_on"]) for t in once] == [(2017, "SCT", "2017-06-30")]


def test_each_district_committee_has_one_implementation_task_run_a_year(started: dict[str, Any]) -> None:
    district_runs = Counter(
        (task_run["agency_code"], task_run["cycle_year"])
        for task_run in started["task_runs"]
        if task_run["task_key"] == "district-implementation"
    )

    assert district_runs == {(code, year): 1 for code in DISTRICTS for year in YEARS}


def test_every_task_run_says_which_run_task_agency_cycle_deadline_and_state(started: dict[str, Any]) -> None:
    task_runs = started["task_runs"]

    for task_run in task_runs:
        assert task_run.keys() >= TASK_RUN_FIELDS, task_run
        assert task_run["run_id"] == started["id"]
        assert task_run["plan_key"] == PLAN
        assert task_run["agency_name"]
        assert date.fromisoformat(task_run["due_on"]).isoformat() == task_run["due_on"]
        assert task_run["state"] == "scheduled"  # on 01/09/2016 no opening day has come
    assert len({task_run["id"] for task_run in task_runs}) == len(task_runs)
    names = {task_run["agency_code"]: task_run["agency_name"] for task_run in task_runs}
    assert names["SCT"] == "Sở Công Thương tỉnh Hải Dương"
    assert names["UBND-KINHMON"] == "Ủy ban nhân dân thị xã Kinh Môn"


def test_2016_reports_are_due_5_working_days_after_the_14_december_cut_off(started: dict[str, Any]) -> None:
    due = {
        t["due_on"]
        for t in started["task_runs"]
        if t["cycle_year"] == 2016 and t["task_key"] != "sct-consolidated-report"
    }

    assert due == {"2016-12-21"}


def test_the_2016_consolidated_report_is_due_10_working_days_after_cut_off(started: dict[str, Any]) -> None:
    consolidated = [t for t in started["task_runs"] if t["task_key"] == "sct-consolidated-report"]

    assert [(t["cycle_year"], t["agency_code"]) for t in consolidated] == [(y, "SCT") for y in YEARS]
    assert next(t["due_on"] for t in consolidated if t["cycle_year"] == 2016) == "2016-12-28"


def test_the_2016_cycle_covers_15_december_2015_to_14_december_2016(started: dict[str, Any]) -> None:
    cycle = next(cycle for cycle in started["cycles"] if cycle["label"] == "2016")

    assert (cycle["cutoff_start"], cycle["cutoff_end"]) == ("2015-12-15", "2016-12-14")
    assert cycle["due_on"] == "2016-12-21"


def test_starting_the_same_plan_again_exits_3_with_one_line_and_changes_nothing(
    cli: Cli, started: dict[str, Any]
) -> None:
    before = status_document(cli)

    result = cli("--now", "2016-09-02", "start", PLAN)

    assert result.code == 3
    assert len(result.err.strip().splitlines()) == 1
    assert result.err.startswith("sxsh-flow: ")
    assert PLAN in result.err
    assert "Traceback" not in result.err
    assert status_document(cli) == before


def test_a_plan_whose_period_is_over_exits_3_with_the_replay_command_and_creates_nothing(cli: Cli) -> None:
    result = cli("--now", "2026-11-22", "start", PLAN)

    assert result.code == 3
    assert "sxsh-flow --now 2016-09-01 start plan-2016-2020 --province HD" in result.err
    assert "Traceback" not in result.err
    assert status_document(cli, now="2026-11-22")["runs"] == []
    assert cli("agencies", "list", "--json").json()["sample"] is True  # not even the sample directory


def test_a_plan_started_late_skips_the_cycles_already_closed(cli: Cli) -> None:
    document = cli("--now", "2018-06-01", "start", PLAN, "--json").json()

    assert document["started"]["cycles"] == ["2018", "2019", "2020"]
    assert document["started"]["skipped_cycles"] == ["2016", "2017"]
    assert document["started"]["task_runs"] == 3 * ANNUAL_TASK_RUNS_PER_YEAR


def test_a_plan_is_not_refused_as_over_while_its_last_deadline_is_still_ahead(cli: Cli) -> None:
    result = cli("--now", "2020-12-26", "start", PLAN)

    assert result.code == 0, result.err


def test_an_unknown_plan_exits_2_and_lists_the_built_in_plans(cli: Cli) -> None:
    result = cli("--now", "2016-09-01", "start", "plan-1999")

    assert result.code == 2
    assert "plan-1999" in result.err
    assert PLAN in result.err
    assert "Traceback" not in result.err


def test_an_unknown_province_exits_2_and_creates_nothing(cli: Cli) -> None:
    result = cli("--now", "2016-09-01", "start", PLAN, "--province", "XX")

    assert result.code == 2
    assert "XX" in result.err
    assert status_document(cli)["runs"] == []


def test_errors_speak_english_with_sxsh_lang_en(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SXSH_LANG", "en")

    result = cli("--now", "2016-09-01", "start", "plan-1999")

    assert result.code == 2
    assert "No plan 'plan-1999'. Built-in plans: plan-2016-2020" in result.err


def test_a_directory_without_an_agency_the_plan_names_exits_65_and_creates_nothing(cli: Cli, tmp_path: Path) -> None:
    directory = tmp_path / "hai-duong-incomplete.yaml"
    directory.write_text(
        "format: 1\n"
        "province: {code: HD, name: Hải Dương}\n"
        "agencies:\n"
        "  - {code: SCT, name: Sở Công Thương tỉnh Hải Dương, kind: department}\n",
        encoding="utf-8",
    )
    assert cli("agencies", "import", str(directory)).code == 0

    result = cli("--now", "2016-09-01", "start", PLAN)

    assert result.code == 65
    assert "SKHCN" in result.err  # the first task whose lead the directory lacks: skhcn-research
    assert "Traceback" not in result.err
    assert status_document(cli)["runs"] == []


def test_a_broken_plan_file_exits_65_and_prints_every_problem_with_file_and_line(cli: Cli, broken_plan: Any) -> None:
    result = cli("--now", "2016-09-01", "start", "--plan-file", str(broken_plan.path))

    assert result.code == 65
    for line, path in broken_plan.problems:
        assert f"{broken_plan.path}:{line}: {path}: " in result.err
    assert status_document(cli)["runs"] == []


def write_custom_plan(tmp_path: Path) -> Path:
    """The built-in plan under another key, keeping two tasks: SCT's dissemination, the districts' report."""
    builtin = resources.files("sxsh_flow.workflows") / "plans" / f"{PLAN}.yaml"
    data = yaml.safe_load(builtin.read_text(encoding="utf-8"))
    data["key"] = "plan-custom"
    kept = {"sct-dissemination", "district-implementation"}
    data["tasks"] = [task for task in data["tasks"] if task["key"] in kept]
    path = tmp_path / "plan-custom.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_a_valid_plan_file_is_started_with_its_own_key_and_tasks(cli: Cli, tmp_path: Path) -> None:
    plan_file = write_custom_plan(tmp_path)

    result = cli("--now", "2016-09-01", "start", "--plan-file", str(plan_file))

    assert result.code == 0, result.err
    run = only_run(status_document(cli))
    assert run["plan_key"] == "plan-custom"
    per_task = Counter(t["task_key"] for t in run["task_runs"])
    assert per_task == {"sct-dissemination": 5, "district-implementation": 12 * 5}


def test_a_plan_file_whose_key_differs_from_the_key_given_exits_2(cli: Cli, tmp_path: Path) -> None:
    result = cli("--now", "2016-09-01", "start", PLAN, "--plan-file", str(write_custom_plan(tmp_path)))

    assert result.code == 2
    assert status_document(cli)["runs"] == []


@pytest.mark.parametrize("command", [["status"], ["start", PLAN]])
def test_an_unusable_now_exits_78_naming_the_setting(cli: Cli, command: list[str]) -> None:
    result = cli("--now", "garbage", *command)

    assert result.code == 78
    assert "--now" in result.err
    assert "garbage" in result.err
    assert "Traceback" not in result.err


def test_an_unusable_sxsh_now_exits_78(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SXSH_NOW", "not-a-day")

    result = cli("status")

    assert result.code == 78
    assert "SXSH_NOW" in result.err


def test_sxsh_now_is_the_clock_when_no_now_option_is_given(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SXSH_NOW", "2016-12-01")

    assert cli("start", PLAN).code == 0

    assert cli("status", "--json").json()["today"] == "2016-12-01"
    assert cli("--now", "2017-01-10", "status", "--json").json()["today"] == "2017-01-10"  # --now wins


# --- status --------------------------------------------------------------------------------------


def test_status_cycle_shows_only_that_cycle(cli: Cli, started: dict[str, Any]) -> None:
    run = only_run(status_document(cli, "--cycle", "2017"))

    assert [cycle["label"] for cycle in run["cycles"]] == ["2017"]
    assert len(run["task_runs"]) == 27
    assert {t["cycle_year"] for t in run["task_runs"]} == {2017}


@pytest.mark.parametrize("code", ["SCT", "sct"])
def test_status_agency_shows_only_its_task_runs(cli: Cli, started: dict[str, Any], code: str) -> None:
    run = only_run(status_document(cli, "--agency", code))

    assert {t["agency_code"] for t in run["task_runs"]} == {"SCT"}
    assert len(run["task_runs"]) == 7 * 5 + 1  # seven annual tasks over five years, and the database


def test_status_overdue_shows_the_open_task_runs_past_their_deadline(cli: Cli) -> None:
    # Started on 01/12/2016: the 2016 request went out on 21/11, so its 26 task runs open at once.
    assert cli("--now", "2016-12-01", "start", PLAN).code == 0

    run = only_run(status_document(cli, "--overdue", now="2017-01-10"))

    assert len(run["task_runs"]) == ANNUAL_TASK_RUNS_PER_YEAR
    assert all(t["overdue"] and t["state"] == "open" and t["cycle_year"] == 2016 for t in run["task_runs"])
    # Counted in working days, as the plan's reminder rules and its emails count them (2/1/2017 is a holiday).
    days = {t["task_key"]: (t["days_overdue"], t["day_unit"]) for t in run["task_runs"]}
    assert days["sct-consolidated-report"] == (8, "working")  # due 28/12/2016
    assert days["district-implementation"] == (13, "working")  # due 21/12/2016


def test_status_overdue_shows_nothing_on_the_deadline_itself(cli: Cli) -> None:
    assert cli("--now", "2016-12-01", "start", PLAN).code == 0

    assert only_run(status_document(cli, "--overdue", now="2016-12-21"))["task_runs"] == []
    assert len(only_run(status_document(cli, "--overdue", now="2016-12-22"))["task_runs"]) == 25


def test_status_of_one_run_by_its_number(cli: Cli, started: dict[str, Any]) -> None:
    result = cli("--now", "2016-09-01", "status", str(started["id"]), "--json")

    assert result.code == 0, result.err
    assert [run["id"] for run in result.json()["runs"]] == [started["id"]]


def test_status_of_an_unknown_run_exits_2(cli: Cli, started: dict[str, Any]) -> None:
    result = cli("status", "99")

    assert result.code == 2
    assert "99" in result.err
    assert "Traceback" not in result.err


def test_status_before_any_start_says_how_to_begin(cli: Cli) -> None:
    result = cli("status")

    assert result.code == 0
    assert "sxsh-flow start plan-2016-2020" in result.out
    assert cli("status", "--json").json()["runs"] == []


def test_status_speaks_vietnamese_by_default(cli: Cli, started: dict[str, Any]) -> None:
    result = cli("--now", "2016-09-01", "status")

    assert result.code == 0
    assert "Chu kỳ 2016" in result.out
    assert "nhiệm vụ" in result.out
    assert "Hạn nộp" in result.out
    assert "Cycle 2016" not in result.out


def test_status_speaks_english_with_sxsh_lang_en(
    cli: Cli, started: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SXSH_LANG", "en")

    result = cli("--now", "2016-09-01", "status")

    assert result.code == 0
    assert "Cycle 2016" in result.out
    assert "task runs" in result.out
    assert "Due" in result.out
    assert "Chu kỳ" not in result.out


def test_human_status_lists_each_task_run_with_its_deadline_in_vietnamese_form(
    cli: Cli, started: dict[str, Any]
) -> None:
    out = cli("--now", "2016-09-01", "status", "--cycle", "2016", "--agency", "UBND-TUKY").out

    assert "UBND-TUKY" in out
    assert "Triển khai Kế hoạch SXSH" in out  # the task's title, not its key (district-implementation)
    assert "21/12/2016" in out
    assert "UBND-TPHD" not in out


def test_now_as_an_instant_is_read_as_the_day_in_vietnam(cli: Cli) -> None:
    document = cli("--now", "2016-12-21T17:30+00:00", "status", "--json").json()

    assert document["today"] == "2016-12-22"  # 00:30 on 22/12 in Hà Nội


def test_status_of_an_agency_code_that_does_not_exist_exits_2(cli: Cli, started: dict[str, Any]) -> None:
    result = cli("--now", "2016-09-01", "status", "--agency", "NO-SUCH-AGENCY")

    assert result.code == 2
    assert "NO-SUCH-AGENCY" in result.err


def test_status_with_a_filter_that_matches_nothing_prints_no_empty_parentheses(
    cli: Cli, started: dict[str, Any]
) -> None:
    result = cli("--now", "2016-09-01", "status", "--cycle", "1999")

    assert result.code == 0
    assert "0 nhiệm vụ" in result.out
    assert "()" not in result.out


def test_status_and_outbox_list_show_a_recipient_the_mail_server_refused(cli: Cli, database_url: str) -> None:
    from sxsh_flow.engine.clock import parse_instant
    from sxsh_flow.engine.db import Store
    from sxsh_flow.engine.services.outbox import claim
    from sxsh_flow.engine.services.outbox_outcomes import Outcome, Refusal, record

    assert cli("--now", "2016-09-01", "start", PLAN, "--no-send").code == 0
    morning = parse_instant("2016-09-01T09:00+07:00")
    with Store(database_url) as store, store.session() as session:
        (letter,) = claim(session, now=morning, dispatcher="t", limit=1)
        agency, *others = letter.envelope.recipients
        refusal = Refusal(agency, 554, "5.7.1 recipient address rejected")
        outcome = Outcome(letter.id, True, False, 250, "OK", recipients=(agency, *others), refused=(refusal,))
        record(session, [outcome], now=morning, dispatcher="t")

    status = cli("--now", "2016-09-01", "status")
    assert "1 người nhận bị máy chủ thư từ chối" in status.out
    assert status_document(cli)["refused_recipients"] == 1
    (listed,) = [m for m in cli("outbox", "list", "--json").json()["messages"] if m["id"] == letter.id]
    assert listed["state"] == "failed"
    assert listed["refused"][agency]["code"] == 554
    assert listed["delivered_to"] == others

"""``simulate`` from the command line: a summary per cycle, emails in the outbox, clear errors."""

from __future__ import annotations

from pathlib import Path

from .conftest import Cli


def test_a_short_simulation_prints_each_cycle_and_leaves_the_emails(cli: Cli, sxsh_home: Path) -> None:
    result = cli("simulate", "plan-2016-2020", "--until", "2016-12-30", "--seed", "5")

    assert result.code == 0, result.err
    assert "2016" in result.out
    assert "Tỷ lệ đúng hạn" in result.out
    assert "Đã nhận" in result.out
    assert "30/12/2016" in result.err  # progress: one line per simulated month, and the last day
    assert len(list((sxsh_home / "outbox").glob("*/*.eml"))) > 18


def test_the_json_summary_is_what_scripts_read(cli: Cli, sxsh_home: Path) -> None:
    summary = cli("simulate", "plan-2016-2020", "--until", "2016-12-23", "--json").json()

    assert summary["plan"] == "plan-2016-2020"
    assert summary["last_day"] == "2016-12-23"
    assert [cycle["cycle"] for cycle in summary["cycles"]] == ["2016"]
    cycle = summary["cycles"][0]
    assert cycle["expected"] == 26
    assert cycle["on_time"] + cycle["late"] + cycle["missing"] <= 26
    assert summary["messages_sent"]["kickoff"] == 18
    assert summary["wall_seconds"] > 0


def test_a_bad_date_and_an_unknown_plan_get_one_line_each(cli: Cli) -> None:
    bad_date = cli("simulate", "plan-2016-2020", "--until", "31/12/2020")
    unknown = cli("simulate", "plan-2099")

    assert bad_date.code == 78
    assert "--until" in bad_date.err
    assert "Traceback" not in bad_date.err
    assert unknown.code == 2
    assert len(unknown.err.strip().splitlines()) == 1


def test_simulating_a_plan_already_started_here_is_refused(cli: Cli) -> None:
    cli("--now", "2016-09-01", "start", "plan-2016-2020", "--no-send")

    result = cli("simulate", "plan-2016-2020", "--until", "2016-09-10")

    assert result.code == 3
    assert "plan-2016-2020" in result.err

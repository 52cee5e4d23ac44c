"""``simulate`` from the command line: a summary per cycle, emails in the outbox, clear errors."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from .conftest import Cli


def columns(row: str) -> list[str]:
    """The cells of a row of the CLI's tables (two spaces or more between cells)."""
    return re.split(r"\s{2,}", row.strip())


def test_a_short_simulation_prints_each_cycle_and_leaves_the_emails(cli: Cli, sxsh_home: Path) -> None:
    result = cli("simulate", "plan-2016-2020", "--until", "2016-12-30", "--seed", "5")

    assert result.code == 0, result.err
    lines = result.out.splitlines()
    header = next(index for index, line in enumerate(lines) if "Tỷ lệ đúng hạn" in line)
    assert columns(lines[header]) == ["Kỳ", "Phải nộp", "Đúng hạn", "Muộn", "Chưa nộp", "Tỷ lệ đúng hạn", "Thư nhắc"]
    label, due, on_time, late, missing, rate, reminders = columns(lines[header + 2])
    assert (label, due) == ("2016", "26")
    # 2016's deadline has passed by 30/12: each of the 26 reports is on time, late or missing.
    assert int(on_time) + int(late) + int(missing) == 26
    assert rate == f"{100 * int(on_time) / 26:.1f}%".replace(".", ",")
    assert int(reminders) > 0
    never = next(line for line in lines if line.startswith("  Không nộp báo cáo 2016: "))
    assert 1 <= len(never.partition(": ")[2].split(", ")) <= int(missing)
    # Every email the summary counts as sent is an .eml file in the outbox folder, and only those.
    sent_line = next(line for line in lines if "Thư đã gửi: " in line)
    # Each kind by its Vietnamese name, its count in brackets: "công văn triển khai (18), ...".
    kinds = sent_line.partition("Thư đã gửi: ")[2]
    sent = {kind.strip(): int(count) for kind, count in re.findall(r"([^,(]+?) \((\d+)\)", kinds)}
    assert sent["công văn triển khai"] == sent["đề nghị báo cáo"] == 18  # one letter, then one request, per agency
    assert sent["đóng kỳ báo cáo"] == 1
    assert len(list((sxsh_home / "outbox").glob("*/*.eml"))) == sum(sent.values())
    # Progress on stderr: the last day of each simulated month, then the last day with the totals.
    progress = [line for line in result.err.splitlines() if " thư đã gửi, " in line]
    assert [line.partition(":")[0] for line in progress] == ["30/09/2016", "31/10/2016", "30/11/2016", "30/12/2016"]
    received = int(sent_line.partition("Đã nhận ")[2].split()[0])
    assert progress[-1] == f"30/12/2016: {sum(sent.values())} thư đã gửi, {received} báo cáo đã nhận"


def test_the_json_summary_is_what_scripts_read(cli: Cli, sxsh_home: Path) -> None:
    summary = cli("simulate", "plan-2016-2020", "--until", "2016-12-23", "--json").json()

    assert summary["plan"] == "plan-2016-2020"
    assert summary["last_day"] == "2016-12-23"
    assert [cycle["cycle"] for cycle in summary["cycles"]] == ["2016"]
    cycle = summary["cycles"][0]
    assert cycle["expected"] == 26
    assert cycle["on_time"] + cycle["late"] + cycle["missing"] <= 26  # a task due after 23/12 is none of them yet
    assert summary["messages_sent"]["receipt"] == summary["submissions"]
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


def test_a_simulation_starts_without_warnings_of_missed_slots(cli: Cli, caplog: pytest.LogCaptureFixture) -> None:
    # The simulated world begins on its first day at 08:00; the day before it, no scheduler could
    # have run, so nothing was missed (make demo once began with three such false warnings).
    with caplog.at_level(logging.WARNING, logger="sxsh_flow"):
        result = cli("simulate", "plan-2016-2020", "--until", "2016-09-05", "--seed", "2016")

    assert result.code == 0, result.err
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING] == []
    assert "missed" not in result.err

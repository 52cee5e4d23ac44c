"""``remind``, ``digest`` and ``outbox`` from the command line; without SMTP, mail becomes .eml files."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest

from .conftest import Cli


def eml_files(home: Path) -> list[Path]:
    return sorted((home / "outbox").glob("*/*.eml"))


def test_without_smtp_the_kickoff_letters_become_eml_files_and_the_output_says_where(cli: Cli, sxsh_home: Path) -> None:
    result = cli("--now", "2016-09-01", "start", "plan-2016-2020")
    assert result.code == 0
    files = eml_files(sxsh_home)
    assert len(files) == 18
    assert str(sxsh_home / "outbox") in result.out
    letter = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert "Kế hoạch" in str(letter["Subject"])
    assert letter.get_body(("plain",)) is not None


def test_remind_opens_the_cycle_and_queues_the_requests(cli: Cli, sxsh_home: Path) -> None:
    cli("--now", "2016-09-01", "start", "plan-2016-2020")
    result = cli("--now", "2016-11-21", "remind", "--json")
    assert result.code == 0
    document = result.json()
    assert document["opened_task_runs"] == 26
    assert {m["kind"] for m in document["queued"]} == {"request"}
    assert len(eml_files(sxsh_home)) == 18 + 18


def test_a_dry_run_changes_nothing(cli: Cli, sxsh_home: Path) -> None:
    cli("--now", "2016-09-01", "start", "plan-2016-2020")
    preview = cli("--now", "2016-11-21", "remind", "--dry-run", "--json").json()
    assert len(preview["queued"]) == 18
    assert cli("--now", "2016-11-21", "outbox", "list", "--json").json()["counts"] == {"sent": 18}
    assert len(eml_files(sxsh_home)) == 18


def test_remind_twice_on_a_day_sends_nothing_new(cli: Cli, sxsh_home: Path) -> None:
    cli("--now", "2016-11-21", "start", "plan-2016-2020")
    cli("--now", "2016-12-01", "remind")
    count = len(eml_files(sxsh_home))
    again = cli("--now", "2016-12-01", "remind", "--json").json()
    assert again["queued"] == []
    assert len(eml_files(sxsh_home)) == count


def test_outbox_list_shows_states_and_subjects(cli: Cli) -> None:
    cli("--now", "2016-09-01", "start", "plan-2016-2020", "--no-send")
    listing = cli("--now", "2016-09-01", "outbox", "list", "--json").json()
    assert listing["counts"] == {"queued": 18}
    assert all(m["subject"] and m["message_id"].startswith("<") for m in listing["messages"])
    sent = cli("--now", "2016-09-01", "outbox", "send")
    assert sent.code == 0
    assert cli("--now", "2016-09-01", "outbox", "list", "--json").json()["counts"] == {"sent": 18}


def test_mail_waits_outside_office_hours(cli: Cli, sxsh_home: Path) -> None:
    result = cli("--now", "2016-09-01T19:00", "start", "plan-2016-2020")

    assert result.code == 0
    assert eml_files(sxsh_home) == []
    assert "Ngoài giờ hành chính: thư sẽ được gửi vào giờ làm việc tiếp theo." in result.out.splitlines()
    waiting = cli("--now", "2016-09-01T19:00", "outbox", "list", "--json").json()
    assert waiting["counts"] == {"queued": 18}
    # Friday 02/09 is National Day, then a weekend: the next office hour is Monday 05/09, 08:00.
    assert {m["next_attempt_at"] for m in waiting["messages"]} == {"2016-09-05T01:00:00+00:00"}

    on_the_holiday = cli("--now", "2016-09-02T10:00", "outbox", "send")
    assert on_the_holiday.code == 0
    assert eml_files(sxsh_home) == []

    on_monday = cli("--now", "2016-09-05", "outbox", "send")
    assert on_monday.code == 0
    assert len(eml_files(sxsh_home)) == 18
    assert cli("--now", "2016-09-05", "outbox", "list", "--json").json()["counts"] == {"sent": 18}


def test_retrying_an_unknown_message_is_a_clear_error(cli: Cli) -> None:
    cli("--now", "2016-09-01", "start", "plan-2016-2020")
    result = cli("outbox", "retry", "999")
    assert result.code == 2
    assert "999" in result.err
    assert "Traceback" not in result.err


def test_the_digest_goes_to_the_coordinator(cli: Cli, sxsh_home: Path) -> None:
    cli("--now", "2016-11-21", "start", "plan-2016-2020")
    result = cli("--now", "2016-12-22", "digest")
    assert result.code == 0
    messages = cli("--now", "2016-12-22", "outbox", "list", "--json").json()["messages"]
    digests = [m for m in messages if m["kind"] == "digest"]
    assert [(m["to"], m["state"]) for m in digests] == [(["sxsh@sct.haiduong.example"], "sent")]


def test_a_broken_smtp_url_is_a_clear_configuration_error(cli: Cli, monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("SXSH_SMTP_URL", "smtp://user:secret@host:notaport")
    result = cli("--now", "2016-09-01", "start", "plan-2016-2020")
    assert result.code == 78
    assert "secret" not in result.err


def test_a_message_that_cannot_be_built_is_listed_failed_counted_by_status_and_not_retried(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A sender address the mail path cannot send from (SMTPUTF8): no letter can be built.
    monkeypatch.setenv("SXSH_MAIL_FROM", "thư.ký@sct.haiduong.example")
    cli("--now", "2016-11-21", "start", "plan-2016-2020", "--no-send")

    preview = cli("--now", "2016-12-01", "remind", "--dry-run", "--json").json()
    assert preview["queued"] == []
    assert preview["problems"]
    assert all("cannot be sent" in p for p in preview["problems"])
    assert cli("--now", "2016-12-01", "outbox", "list", "--json").json()["counts"] == {"failed": 18}

    listing = cli("--now", "2016-12-01", "outbox", "list")
    assert "lỗi: 18" in listing.out  # the state "failed", in the coordinator's language
    assert "thư.ký@sct.haiduong.example" in listing.out  # the error column says why
    assert cli("--now", "2016-12-01", "status", "--json").json()["failed_messages"] == 18
    assert "18 thư bị lỗi, sẽ không được gửi" in cli("--now", "2016-12-01", "status").out

    first = cli("--now", "2016-12-01", "outbox", "list", "--json").json()["messages"][0]
    retried = cli("--now", "2016-12-01", "outbox", "retry", str(first["id"]), "--no-send")
    assert retried.code == 4
    assert str(first["id"]) in retried.err
    assert "agencies import" in retried.err
    assert cli("--now", "2016-12-01", "outbox", "list", "--json").json()["counts"] == {"failed": 18}

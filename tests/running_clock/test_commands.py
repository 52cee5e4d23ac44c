"""On a running clock, in office hours, ``start``, ``remind``, ``outbox send`` and ``serve`` send mail."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime

import pytest

from sxsh_flow.engine.time_policy import NATIONAL

from .conftest import KICKOFF_LETTERS, OFFICE_MORNING, Home


def test_outbox_send_on_a_running_clock_sends_every_queued_letter(started: Home) -> None:
    # The command of issue 10: it printed "Ngoài giờ hành chính" and sent nothing.
    done = started.run("outbox", "send", now=OFFICE_MORNING, rate=1)

    assert done.code == 0, done.err
    assert "Ngoài giờ hành chính" not in done.out
    assert f"Đã gửi {KICKOFF_LETTERS} thư" in done.out
    assert started.sent() == KICKOFF_LETTERS


def test_outbox_send_on_a_fast_clock_still_decides_on_one_reading(started: Home) -> None:
    # 09:00 at 3600× runs an hour of plan time per real second: still inside office hours when it decides.
    done = started.run("outbox", "send", now=OFFICE_MORNING, rate=3600)

    assert done.code == 0, done.err
    assert started.sent() == KICKOFF_LETTERS


def test_outbox_send_outside_office_hours_waits_on_a_running_clock(started: Home) -> None:
    done = started.run("outbox", "send", now="2016-11-21T18:30+07:00", rate=1)

    assert "Ngoài giờ hành chính" in done.out
    assert started.sent() == 0


def test_start_on_a_running_clock_sends_its_kickoff_letters(home: Home) -> None:
    done = home.run("start", "plan-2016-2020", now=OFFICE_MORNING, rate=1)

    assert done.code == 0, done.err
    assert f"Đã gửi {KICKOFF_LETTERS} thư" in done.out
    assert home.sent() == KICKOFF_LETTERS


def test_remind_on_a_running_clock_sends_the_days_reminders(started: Home) -> None:
    # Friday 16/12/2016: three working days before the 2016 deadline (21/12), every agency is reminded.
    done = started.run("remind", "--json", now="2016-12-16T09:00+07:00", rate=1)

    assert done.code == 0, done.err
    document = json.loads(done.out)
    queued = len(document["queued"])
    assert queued > 0
    # The letters of 21/11 waiting in the outbox go out with the day's reminders.
    assert document["sent"] == queued + KICKOFF_LETTERS == started.sent()


def test_outbox_send_on_the_system_clock_follows_the_office_hours_of_the_moment(started: Home) -> None:
    # The queued letters are long due; whether they go depends only on the hour, read before and after.
    before = NATIONAL.is_office_hour(datetime.now().astimezone())
    done = started.run("outbox", "send")
    after = NATIONAL.is_office_hour(datetime.now().astimezone())
    if before != after:
        pytest.skip("the office opened or closed while the command ran")

    assert done.code == 0, done.err
    assert started.sent() == (KICKOFF_LETTERS if before else 0)
    assert ("Ngoài giờ hành chính" in done.out) is not before


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_on_a_running_clock_sends_the_queued_letters_then_stops_on_sigterm(started: Home) -> None:
    environ = {**started.environ, "SXSH_NOW": OFFICE_MORNING, "SXSH_CLOCK_RATE": "1"}
    command = [sys.executable, "-m", "sxsh_flow.cli.main", "serve", "--port", str(_free_port()), "--tick", "1"]
    log = started.folder / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=environ, stdout=output, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 90
            while started.sent("kickoff.") < KICKOFF_LETTERS and time.monotonic() < deadline and process.poll() is None:
                time.sleep(0.5)
        finally:
            process.send_signal(signal.SIGTERM)
            code = process.wait(timeout=60)

    # The morning's jobs run too: on a Monday the coordinator's digest goes with the kickoff letters.
    assert started.sent("kickoff.") == KICKOFF_LETTERS, log.read_text(errors="replace")[-3000:]
    assert code == 0, log.read_text(errors="replace")[-3000:]

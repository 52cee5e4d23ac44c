"""``sxsh-flow serve`` on a fast clock, killed with SIGKILL and restarted: the plan's mail arrives, each message once.

plan-2016-2020 is started on 01/09/2016 (``start --no-send``), then three ``serve`` processes in turn live
through its 2016 cycle against one SQLite database and a real SMTP server (aiosmtpd on loopback), each with
a clock that runs ten to forty thousand times faster than life (SXSH_NOW, SXSH_CLOCK_RATE):

1. from the evening of 20/11/2016: the kickoffs left queued go out, the cycle opens on Monday 21/11
   (requests), the Monday digests, the reminders of 01/12 and 12/12; SIGKILL on the evening of 12/12.
2. restarted at 12/12 05:00, hours before the kill point: it lives through 12/12 08:00 again, whose jobs
   the first process ran, and must neither run them nor send their mail again; then the last reminders,
   the deadline of 21/12 and the first overdue notice; SIGKILL on the evening of Saturday 24/12.
3. restarted at 26/12 09:00. While no process was up, Sunday's 08:00 passed more than the misfire grace
   ago (its jobs are recorded as skipped, not run late) and the closing day's 08:00 less than the grace
   ago: that day's jobs run after the restart (the cycle closes, with its report). Then the overdue
   notice of 27/12 and the escalation of 28/12; SIGTERM that evening, for a clean exit.

What must arrive is what the same ``Runner`` queues when stepped day by day with a fixed clock over a copy
of the database taken before the first start, with no process killed: the same Message-IDs, on the same days.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from datetime import time as time_of_day
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from sxsh_flow.cli.main import execute
from sxsh_flow.engine.clock import VIETNAM, FixedClock, local_date
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import OutboxMessage, ScheduledRun
from sxsh_flow.engine.settings import Settings
from sxsh_flow.engine.states import ScheduledRunState
from sxsh_flow.notifications.transports import MemoryTransport
from sxsh_flow.workflows.jobs import JobEnvironment
from sxsh_flow.workflows.scheduler import Runner, Timetable

from .conftest import SmtpServer

pytestmark = pytest.mark.slow


def vietnam_time(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VIETNAM)


@dataclass(frozen=True)
class Life:
    """One ``serve`` process: the simulated instant it starts at, how fast its clock runs, how it ends."""

    starts_at: datetime
    rate: float  # simulated seconds per real second
    ends_after: datetime  # it is stopped once its clock has passed this instant
    ends_with: signal.Signals


# Each kill lands in an evening, after the day's mail went out and half a simulated day before the next
# 08:00: what it interrupts is then known, rather than left to the timing of the machine.
# At 43200 a simulated day passes every 2 real seconds; a daily slot is skipped only if no tick starts in
# the 0.67 real seconds of its grace (8 simulated hours). The third process runs four times slower: its first
# tick closes the cycle and renders the consolidated report, 2.5 real seconds in a fresh process and over 6
# on a loaded 2-core machine, and the clock must not pass 27/12 16:00 meanwhile, or 27/12's jobs are skipped.
LIVES = (
    Life(vietnam_time("2016-11-20T20:00"), 43200, vietnam_time("2016-12-12T20:00"), signal.SIGKILL),
    Life(
        vietnam_time("2016-12-12T05:00"), 43200, vietnam_time("2016-12-24T20:00"), signal.SIGKILL
    ),  # overlap: 12/12 08:00 again
    Life(
        vietnam_time("2016-12-26T09:00"), 10800, vietnam_time("2016-12-28T18:00"), signal.SIGTERM
    ),  # gap across 25/12 and 26/12
)
TICK = 0.1  # real seconds between the scheduler's wake-ups: several per simulated office day
FIRST_DAY = date(2016, 11, 21)  # the first day whose 08:00 the first process is up for
LAST_DAY = date(2016, 12, 28)
SKIPPED_IN_THE_GAP = date(2016, 12, 25)  # a Sunday: openings and closings only, and none due that day
# The replay takes a few real seconds of one core: it runs while the first process lives through quiet
# days (after the cycle opened on 21/11, before the reminders of 01/12), not while it has work to do.
QUIET_FROM = vietnam_time("2016-11-21T20:00")
STARTUP_ALLOWANCE = 60.0  # real seconds for a process to start and answer /health, on a loaded machine
DAILY_AT = time_of_day(8, 0)

TUKY = "UBND-TUKY"  # a district: one task a year, a clean ladder to read
EXPECTED_FOR_A_DISTRICT = [
    (date(2016, 9, 1), "kickoff"),  # queued by `start --no-send`, sent by the first serve; dated when written
    (date(2016, 11, 21), "request"),  # the 2016 cycle opens, 30 days before the 21/12 deadline
    (date(2016, 12, 1), "reminder"),  # 14 working days before
    (date(2016, 12, 12), "reminder"),  # 7: the day the second process lived through again
    (date(2016, 12, 16), "reminder"),  # 3
    (date(2016, 12, 20), "reminder"),  # 1
    (date(2016, 12, 21), "due_today"),
    (date(2016, 12, 22), "overdue"),  # 1 working day late
    (date(2016, 12, 27), "overdue"),  # 4
    (date(2016, 12, 28), "escalation"),  # 5: to the head, the coordinator in copy
]
# The weekly digest goes out only while a report is due within the plan's first reminder (14 working
# days before 21/12, so from 01/12) or overdue: not on 21/11 or 28/11, when the cycle had just opened.
MONDAY_DIGESTS = [date(2016, 12, 5), date(2016, 12, 12), date(2016, 12, 19)]
COORDINATOR = "sxsh@sct.haiduong.example"  # the lead agency's focal point


def process_for_day(day: date) -> int:
    """Which of LIVES records ``day``'s jobs: the first process up at (or, within the grace, after) its 08:00."""
    if day <= date(2016, 12, 12):
        return 0
    if day <= date(2016, 12, 24):
        return 1
    return 2  # it also records the Sunday it was not up for, as skipped


def days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


@dataclass
class ServeProcess:
    life: Life
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def owner(self) -> str:
        """How the scheduler's ledger names this process (``ledger.this_process``: host:pid)."""
        return f"{socket.gethostname()}:{self.process.pid}"[:120]

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.output().splitlines()[-lines:])

    def health(self) -> dict[str, Any] | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=5) as response:
                document: dict[str, Any] = json.load(response)
                return document
        except (OSError, ValueError):  # not listening yet (URLError is an OSError)
            return None

    def wait_for_clock(self, instant: datetime) -> datetime:
        """Poll /health until the scheduler's clock has passed ``instant``; the clock it read then."""
        simulated = (instant - self.life.starts_at).total_seconds() / self.life.rate
        deadline = time.monotonic() + 2 * simulated + STARTUP_ALLOWANCE
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"serve exited ({self.process.returncode}) before {instant}:\n{self.tail()}")
            document = self.health()
            if document is not None:
                scheduler = document["scheduler"]
                assert scheduler["running"], document
                clock = datetime.fromisoformat(scheduler["clock"])
                if clock >= instant:
                    return clock
            time.sleep(0.05)
        pytest.fail(f"serve's clock did not pass {instant} in time:\n{self.tail()}")

    def live(self) -> None:
        """Run until the clock passes the life's end, then stop the process as the life says."""
        clock = self.wait_for_clock(self.life.ends_after)
        next_run = datetime.combine(local_date(clock), DAILY_AT, VIETNAM) + timedelta(days=1)
        if self.life.ends_with is signal.SIGKILL:
            os.killpg(self.process.pid, signal.SIGKILL)  # the whole group, as a crash or the OOM killer would
        else:
            self.process.send_signal(self.life.ends_with)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail(f"serve did not stop within 30 s of {self.life.ends_with.name}:\n{self.tail()}")
        if self.life.ends_with is signal.SIGKILL and clock + timedelta(hours=2) >= next_run:
            pytest.fail(f"the kill at {clock} came too close to {next_run}: the machine is too slow for this rate")

    def make_sure_it_is_gone(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_serve(life: Life, environ: dict[str, str], log: Path) -> ServeProcess:
    port = free_port()
    command = [sys.executable, "-m", "sxsh_flow.cli.main", "serve", "--port", str(port), "--tick", str(TICK)]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            env={**environ, "SXSH_NOW": life.starts_at.isoformat(), "SXSH_CLOCK_RATE": str(life.rate)},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a process group of its own, for the SIGKILL
        )
    return ServeProcess(life, process, port, log)


@dataclass(frozen=True)
class Prepared:
    folder: Path
    environ: dict[str, str]  # what every process gets: the database, the SMTP server, the key
    database_url: str
    replay_url: str  # a copy of the database taken right after `start`, for the replay


@dataclass
class Lived:
    processes: list[ServeProcess]
    inbox: list[EmailMessage]
    replayed: dict[str, date]  # Message-ID -> day of each message the replay, with no process killed, queued
    outbox: dict[str, OutboxMessage] = field(default_factory=dict)  # Message-ID -> the row it was sent from
    ledger: list[ScheduledRun] = field(default_factory=list)


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory, smtp: SmtpServer) -> Prepared:
    """plan-2016-2020 started on 01/09/2016 with its kickoffs queued, not sent."""
    folder = tmp_path_factory.mktemp("serve")
    database = folder / "sxsh-flow.db"
    environ = {name: value for name, value in os.environ.items() if not name.startswith("SXSH_")}
    environ |= {
        "SXSH_HOME": str(folder / "home"),
        "SXSH_DATABASE_URL": f"sqlite:///{database}",
        "SXSH_SMTP_URL": smtp.url,
        "SXSH_SECRET_KEY": "a test secret key that is long enough to sign links",
        "SXSH_BASE_URL": "https://sxsh.haiduong.example",
        "PYTHONUNBUFFERED": "1",
    }
    with pytest.MonkeyPatch.context() as patch:
        for name in os.environ:
            if name.startswith("SXSH_"):
                patch.delenv(name)
        for name, value in environ.items():
            patch.setenv(name, value)
        assert execute(["--now", "2016-09-01", "start", "plan-2016-2020", "--no-send"]) == 0
    replay = folder / "replay.db"
    with sqlite3.connect(database) as source, sqlite3.connect(replay) as copy:
        source.backup(copy)
    return Prepared(folder, environ, f"sqlite:///{database}", f"sqlite:///{replay}")


@pytest.fixture(scope="module")
def lived(prepared: Prepared, smtp: SmtpServer) -> Lived:
    """The three processes, one after the other; what the SMTP server received and the database holds after."""
    processes: list[ServeProcess] = []
    try:
        with ThreadPoolExecutor(max_workers=1) as background:
            for number, life in enumerate(LIVES, start=1):
                serve = start_serve(life, prepared.environ, prepared.folder / f"serve-{number}.log")
                processes.append(serve)
                if number == 1:
                    serve.wait_for_clock(QUIET_FROM)
                    replay = background.submit(replay_without_restarts, prepared)
                serve.live()
            replayed = replay.result()
    finally:
        for serve in processes:
            serve.make_sure_it_is_gone()
    result = Lived(processes, smtp.inbox.messages(), replayed)
    with Store(prepared.database_url) as store, store.session() as session:
        result.outbox = {row.message_id: row for row in session.scalars(select(OutboxMessage))}
        result.ledger = list(session.scalars(select(ScheduledRun).order_by(ScheduledRun.id)))
    return result


def replay_without_restarts(prepared: Prepared) -> dict[str, date]:
    """The same scheduler on the copy of the database, woken at 08:00 and 10:00 each day by a fixed clock."""
    settings = Settings.from_env(prepared.environ)
    with Store(prepared.replay_url) as store:
        env = replace(JobEnvironment.from_settings(settings, store=store), transport_factory=MemoryTransport)
        clock = FixedClock(datetime.combine(FIRST_DAY, DAILY_AT, VIETNAM))
        runner = Runner(env, clock, owner="replay:1")
        for day in days(FIRST_DAY, LAST_DAY):
            clock.instant = datetime.combine(day, DAILY_AT, VIETNAM)
            runner.run_due()
            clock.advance(timedelta(hours=2))
            runner.dispatch()
        with store.session() as session:
            return {row.message_id: local_date(row.queued_at) for row in session.scalars(select(OutboxMessage))}


def day_of(message: EmailMessage) -> date:
    return local_date(email.utils.parsedate_to_datetime(str(message["Date"])))


def kind_of(lived: Lived, message: EmailMessage) -> str:
    return lived.outbox[str(message["Message-ID"])].kind


def test_every_message_the_plan_gives_arrives_exactly_once(lived: Lived) -> None:
    arrivals = Counter(str(message["Message-ID"]) for message in lived.inbox)

    assert {message_id: count for message_id, count in arrivals.items() if count > 1} == {}
    assert sorted(set(lived.replayed) - set(arrivals)) == []  # none missed
    assert sorted(set(arrivals) - set(lived.replayed)) == []  # none the plan does not give
    assert len(arrivals) == 189  # 18 kickoffs, 18 requests, 3 digests, a closing, the rest the ladders


def test_every_message_is_dated_on_the_day_the_plan_gives(lived: Lived) -> None:
    dated = {str(message["Message-ID"]): day_of(message) for message in lived.inbox}

    assert {message_id: day for message_id, day in dated.items() if lived.replayed.get(message_id) != day} == {}


def test_a_district_hears_on_each_day_of_its_ladder_once(lived: Lived) -> None:
    district = [message for message in lived.inbox if f":{TUKY}" in lived.outbox[str(message["Message-ID"])].dedup_key]

    assert sorted((day_of(message), kind_of(lived, message)) for message in district) == EXPECTED_FOR_A_DISTRICT


def test_the_coordinator_gets_the_digest_on_each_monday_once(lived: Lived) -> None:
    digests = [message for message in lived.inbox if kind_of(lived, message) == "digest"]

    # 26/12 is a Monday too, but the 2016 cycle closed that morning: the weekly digest tells of open cycles.
    assert sorted(day_of(message) for message in digests) == MONDAY_DIGESTS
    assert {message["To"].addresses[0].addr_spec for message in digests} == {COORDINATOR}


def test_the_cycle_closes_on_its_day_and_the_coordinator_gets_the_report_once(lived: Lived) -> None:
    closings = [message for message in lived.inbox if kind_of(lived, message) == "cycle_closed"]

    assert [day_of(message) for message in closings] == [date(2016, 12, 26)]  # 3 working days after 21/12
    (closing,) = closings
    files = sorted(Path(part.get_filename() or "").suffix for part in closing.iter_attachments())
    assert ".docx" in files
    assert ".xlsx" in files


def test_each_days_jobs_ran_once_by_the_process_that_was_up_for_them(lived: Lived) -> None:
    owners = [serve.owner for serve in lived.processes]
    before_the_first_start = {row.state for row in lived.ledger if date.fromisoformat(row.slot) < FIRST_DAY}
    recorded = {
        (row.job, date.fromisoformat(row.slot)): (row.state, row.attempts, row.owner)
        for row in lived.ledger
        if date.fromisoformat(row.slot) >= FIRST_DAY
    }

    assert before_the_first_start <= {ScheduledRunState.SKIPPED}  # missed by far more than the grace
    assert recorded == {
        (job, day): expected_ledger_row(day, owners)
        for day in days(FIRST_DAY, LAST_DAY)
        for job in Timetable().jobs_on(day)
    }


def expected_ledger_row(day: date, owners: list[str]) -> tuple[ScheduledRunState, int, str]:
    """(state, attempts, owner): run once, by the process up for it; or skipped, by the one that came after."""
    if day == SKIPPED_IN_THE_GAP:
        return ScheduledRunState.SKIPPED, 0, owners[2]
    return ScheduledRunState.DONE, 1, owners[process_for_day(day)]


def test_the_overlap_ran_nothing_again(lived: Lived) -> None:
    first, second, _ = lived.processes
    on_12_12 = [row for row in lived.ledger if row.slot == "2016-12-12"]

    assert second.life.starts_at < min(row.started_at for row in on_12_12)  # the second lived through them
    assert {(row.job, row.owner, row.attempts) for row in on_12_12} == {
        (job, first.owner, 1) for job in ("open_cycles", "close_cycles", "sweep", "digest")
    }


def test_after_the_gap_the_day_within_the_grace_runs_and_the_one_beyond_is_skipped(lived: Lived) -> None:
    third = lived.processes[2]
    on_26_12 = [row for row in lived.ledger if row.slot == "2016-12-26"]
    on_25_12 = [row for row in lived.ledger if row.slot == "2016-12-25"]
    grace_ends = datetime.combine(date(2016, 12, 26), DAILY_AT, VIETNAM) + Timetable().misfire_grace

    assert {(row.job, row.state, row.owner) for row in on_26_12} == {
        (job, ScheduledRunState.DONE, third.owner) for job in ("open_cycles", "close_cycles", "sweep", "digest")
    }
    assert all(third.life.starts_at <= row.started_at < grace_ends for row in on_26_12)  # run late, after the restart
    assert {(row.job, row.state) for row in on_25_12} == {
        ("open_cycles", ScheduledRunState.SKIPPED),
        ("close_cycles", ScheduledRunState.SKIPPED),
    }


def test_sigkill_ends_a_process_at_once(lived: Lived) -> None:
    assert [serve.process.returncode for serve in lived.processes[:2]] == [-signal.SIGKILL, -signal.SIGKILL]


def test_sigterm_stops_serve_cleanly_after_the_scheduler_shuts_down(lived: Lived) -> None:
    last = lived.processes[-1]

    # uvicorn re-raises the SIGTERM it caught once its own shutdown is done: serve turns that second
    # signal into a clean exit, after the scheduler has finished what it was doing.
    assert last.process.returncode == 0, last.tail()
    assert "Scheduler has been shut down" in last.output()

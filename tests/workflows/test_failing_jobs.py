"""A failing job keeps failing loudly: /health says so, the coordinator is told once, ``status`` names it.

The failure: the cycle-close job raises on every tick (as it did on a 26-digit figure the number
formatter refused), with a message that holds an agency's address. The scheduler retries it at
every wake-up; nothing of that may reach /health, and the coordinator gets one email, not one a tick.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from sxsh_flow.engine.clock import VIETNAM, FixedClock
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import OutboxMessage
from sxsh_flow.engine.services.status import failing_jobs
from sxsh_flow.engine.settings import Settings
from sxsh_flow.web.app import create_app
from sxsh_flow.workflows import scheduler as scheduler_module
from sxsh_flow.workflows.jobs import JobEnvironment, JobResult
from sxsh_flow.workflows.scheduler import EmbeddedScheduler, Runner

from .conftest import TEST_SECRET, job_environment, start_plan_on

PRIVATE = "kinhte@tuky.haiduong.example"
FIRST_DAY = date(2016, 12, 2)


def vn(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=VIETNAM)


def broken_close_cycles(env: JobEnvironment, at: datetime, run_id: int | None) -> JobResult:
    raise ValueError(f"cannot format 12345678901234567890123456 reported by {PRIVATE}")


@pytest.fixture
def env(store: Store, monkeypatch: pytest.MonkeyPatch) -> JobEnvironment:
    start_plan_on(store, date(2016, 9, 1))
    monkeypatch.setitem(scheduler_module.DAILY_JOBS, "close_cycles", broken_close_cycles)
    return job_environment(store)


def tick_through(runner: Runner, clock: FixedClock, days: int) -> None:
    """Wake the runner every two hours from 08:00 to 15:00 on ``days`` days from FIRST_DAY."""
    for offset in range(days):
        for hour in (8, 10, 12, 14, 15):
            clock.instant = vn(FIRST_DAY + timedelta(days=offset), hour)
            runner.run_due()


def test_the_ledger_says_which_job_is_failing_and_since_which_day(store: Store, env: JobEnvironment) -> None:
    clock = FixedClock(vn(FIRST_DAY, 8))
    tick_through(Runner(env, clock, owner="host:1"), clock, days=3)

    with store.session() as session:
        failing = failing_jobs(session)

    assert [(job.job, job.since) for job in failing] == [("close_cycles", FIRST_DAY)]
    assert failing[0].attempts == 15  # five wake-ups a day, three days


def test_a_job_that_runs_again_is_no_longer_failing(
    store: Store, env: JobEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FixedClock(vn(FIRST_DAY, 8))
    runner = Runner(env, clock, owner="host:1")
    tick_through(runner, clock, days=1)
    monkeypatch.setitem(
        scheduler_module.DAILY_JOBS, "close_cycles", lambda env, at, run_id: JobResult("close_cycles", at)
    )

    clock.instant = vn(FIRST_DAY, 16)  # still within the misfire grace (8 hours) of the 08:00 slot
    runner.run_due()

    with store.session() as session:
        assert failing_jobs(session) == []


def test_the_coordinator_is_told_once_per_failing_job_not_once_per_tick(store: Store, env: JobEnvironment) -> None:
    clock = FixedClock(vn(FIRST_DAY, 8))
    tick_through(Runner(env, clock, owner="host:1"), clock, days=3)

    with store.session() as session:
        alarms = list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "job_failing")))

    assert len(alarms) == 1
    alarm = alarms[0]
    assert [address["email"] for address in alarm.to] == ["sxsh@sct.haiduong.example"]  # the lead's focal point
    assert "close_cycles" in alarm.subject
    body = alarm.raw.decode("ascii", "replace")
    assert PRIVATE not in body  # the error stays in the ledger and the log, not in mail


def test_health_is_not_ok_while_a_job_fails_and_shows_no_personal_data(
    store: Store, env: JobEnvironment, tmp_path: object
) -> None:
    clock = FixedClock(vn(FIRST_DAY, 8))
    runner = Runner(env, clock, owner="host:1")
    tick_through(runner, clock, days=1)
    # What the dispatcher reported at its last run: an agency's address the server refused.
    runner.last_results.append(
        JobResult("dispatch", clock.now(), {"failed": 1}, (f"#3: 550 5.1.1 <{PRIVATE}>: Recipient address rejected",))
    )
    scheduler = EmbeddedScheduler(runner)
    settings = Settings.from_env({"SXSH_HOME": str(tmp_path), "SXSH_SECRET_KEY": TEST_SECRET})
    app = create_app(store, settings, clock, health_details=lambda: {"scheduler": scheduler.health()})

    answer = TestClient(app).get("/health")

    document = answer.json()
    assert answer.status_code == 503
    assert document["status"] == "failing"
    assert document["failing_jobs"] == [{"job": "close_cycles", "since": "2016-12-02", "attempts": 5}]
    assert "@" not in answer.text
    assert "550" not in answer.text
    assert "rejected" not in answer.text
    assert document["scheduler"]["last_runs"][-1]["counts"] == {"failed": 1}


def test_health_is_ok_when_no_job_fails(store: Store, env: JobEnvironment, tmp_path: object) -> None:
    settings = Settings.from_env({"SXSH_HOME": str(tmp_path), "SXSH_SECRET_KEY": TEST_SECRET})
    app = create_app(store, settings, FixedClock(vn(FIRST_DAY, 8)))

    answer = TestClient(app).get("/health")

    assert (answer.status_code, answer.json()) == (200, {"status": "ok"})

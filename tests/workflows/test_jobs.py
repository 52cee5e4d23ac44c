"""The jobs: each does its part for a time, and a second run for the same time does nothing more."""

from __future__ import annotations

import email
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sxsh_flow.engine.clock import VIETNAM
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import HistoryEntry, OutboxMessage, PlanRun, ReportingCycle
from sxsh_flow.engine.states import CycleState, PlanRunState
from sxsh_flow.notifications.transports import MemoryTransport
from sxsh_flow.workflows import jobs
from sxsh_flow.workflows.jobs import JobEnvironment, JobResult

from .conftest import job_environment, start_plan_on


def vn(day: date, hour: int = 8) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=VIETNAM)


@pytest.fixture
def transport() -> MemoryTransport:
    return MemoryTransport()


@pytest.fixture
def env(store: Store, transport: MemoryTransport) -> JobEnvironment:
    start_plan_on(store, date(2016, 9, 1))
    return job_environment(store, transport)


def state_of_store(store: Store) -> tuple[int, int]:
    """Outbox rows and history rows: everything a job leaves behind."""
    with store.session() as session:
        outbox = session.scalar(select(func.count()).select_from(OutboxMessage)) or 0
        history = session.scalar(select(func.count()).select_from(HistoryEntry)) or 0
        return outbox, history


Job = Callable[[JobEnvironment, datetime, int | None], JobResult]


@pytest.mark.parametrize(
    ("job", "day"),
    [
        (jobs.open_cycles, date(2016, 11, 21)),  # the 2016 cycle opens
        (jobs.sweep, date(2016, 12, 1)),  # 14 working days before the deadline
        (jobs.send_digest, date(2016, 12, 5)),  # a Monday with the cycle open
    ],
    ids=["open_cycles", "sweep", "digest"],
)
def test_running_a_job_twice_for_the_same_time_does_nothing_more(
    store: Store, env: JobEnvironment, job: Job, day: date
) -> None:
    if job is not jobs.open_cycles:
        jobs.open_cycles(env, vn(date(2016, 11, 21)))
    first = job(env, vn(day), None)
    after_first = state_of_store(store)

    second = job(env, vn(day), None)

    assert first.counts["queued"] > 0
    assert second.counts["queued"] == 0
    assert state_of_store(store) == after_first


def test_dispatching_twice_sends_each_message_once(
    store: Store, env: JobEnvironment, transport: MemoryTransport
) -> None:
    jobs.open_cycles(env, vn(date(2016, 11, 21)))

    first = jobs.dispatch_outbox(env, vn(date(2016, 11, 21), 10))
    second = jobs.dispatch_outbox(env, vn(date(2016, 11, 21), 10))

    assert first.counts["sent"] == 18 + 18  # the kickoff letters of 01/09, then the requests
    assert second.counts["sent"] == 0
    assert len(transport.sent) == 36


def test_the_outbox_waits_for_office_hours(env: JobEnvironment, transport: MemoryTransport) -> None:
    result = jobs.dispatch_outbox(env, vn(date(2016, 9, 1), 20))

    assert result.counts["sent"] == 0
    assert transport.sent == []


def test_closing_a_cycle_tells_the_coordinator_once_and_the_last_closing_completes_the_run(
    store: Store, env: JobEnvironment, transport: MemoryTransport
) -> None:
    jobs.open_cycles(env, vn(date(2016, 11, 21)))
    with store.session() as session:
        closes_on = session.scalars(select(ReportingCycle.closes_on).where(ReportingCycle.label == "2016")).one()

    closed = jobs.close_cycles(env, vn(closes_on))
    again = jobs.close_cycles(env, vn(closes_on))

    assert closed.counts["closed_cycles"] == 1
    assert closed.counts["queued"] == 1
    assert (again.counts["closed_cycles"], again.counts["queued"]) == (0, 0)
    with store.session() as session:
        message = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "cycle_closed")).one()
        assert message.to == [{"name": "Lê Văn Cường", "email": "sxsh@sct.haiduong.example"}]
        assert "Kết thúc kỳ báo cáo năm 2016" in message.subject
        assert session.scalars(select(ReportingCycle._state).where(ReportingCycle.label == "2016")).one() is (
            CycleState.CLOSED
        )
        assert session.scalars(select(PlanRun._state)).one() is PlanRunState.ACTIVE  # 2017–2020 to go


def test_a_run_is_complete_when_its_last_cycle_closes(store: Store, env: JobEnvironment) -> None:
    with store.session() as session:
        calendar = session.execute(
            select(ReportingCycle.opens_on, ReportingCycle.closes_on).order_by(ReportingCycle.due_on)
        ).all()
    results = []
    for opens_on, closes_on in calendar:
        jobs.open_cycles(env, vn(opens_on))
        results.append(jobs.close_cycles(env, vn(closes_on)))

    assert [r.counts["completed_runs"] for r in results] == [0, 0, 0, 0, 1]
    with store.session() as session:
        assert session.scalars(select(PlanRun._state)).one() is PlanRunState.COMPLETED
        assert set(session.scalars(select(ReportingCycle._state))) == {CycleState.CLOSED}


def test_the_cycles_closing_together_have_their_reports_made_at_once_and_each_email_carries_its_own(
    store: Store, env: JobEnvironment
) -> None:
    # A scheduler that was down: 2016 and 2017 both reach their closing day in one step.
    with store.session() as session:
        cycles = session.execute(
            select(ReportingCycle.label, ReportingCycle.opens_on, ReportingCycle.closes_on).order_by(
                ReportingCycle.due_on
            )
        ).all()
    (first, _, _), (second, opens_2017, closes_2017) = cycles[:2]
    jobs.open_cycles(env, vn(opens_2017))
    asked: list[list[tuple[int, str]]] = []

    def report_files(session: Session, closing: Sequence[tuple[int, str]], today: date) -> Any:
        asked.append(list(closing))
        return jobs._report_files(session, closing, today)

    env.report_files = report_files
    closed = jobs.close_cycles(env, vn(closes_2017))
    again = jobs.close_cycles(env, vn(closes_2017))

    with store.session() as session:
        run_id = session.scalars(select(PlanRun.id)).one()
        assert asked == [[(run_id, first), (run_id, second)]]  # one call for both, none the second time
        assert (closed.counts["closed_cycles"], closed.counts["queued"]) == (2, 2)
        assert (again.counts["closed_cycles"], again.counts["queued"]) == (0, 0)
        for label in (first, second):
            raw = session.scalars(
                select(OutboxMessage.raw).where(OutboxMessage.dedup_key == f"cycle_closed:{run_id}:{label}")
            ).one()
            names = [part.get_filename() for part in email.message_from_bytes(raw).walk() if part.get_filename()]
            assert names == [f"bao-cao-plan-2016-2020-{label}.docx", f"bao-cao-plan-2016-2020-{label}.xlsx"]

"""Where things stand: per run, agency and cycle, each task run's state and lateness; and which
scheduled job keeps failing (the ledger, ``scheduled_runs``), and what the outbox could not deliver,
for ``status``, /health and the alarm."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, func, select

from sxsh_flow.engine.calendar import WorkingCalendar
from sxsh_flow.engine.deadlines import effective_due_on, is_overdue
from sxsh_flow.engine.read_tables import agencies as _agencies
from sxsh_flow.engine.read_tables import outbox_messages as _outbox
from sxsh_flow.engine.read_tables import plan_runs as _runs
from sxsh_flow.engine.read_tables import reporting_cycles as _cycles
from sxsh_flow.engine.read_tables import scheduled_runs as _ledger
from sxsh_flow.engine.read_tables import task_runs as _task_runs
from sxsh_flow.engine.spec_terms import DayCounting
from sxsh_flow.engine.states import CycleState, OutboxState, PlanRunState, ScheduledRunState, TaskRunState
from sxsh_flow.engine.time_policy import DayUnit, TimePolicy
from sxsh_flow.errors import UnknownRun

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# Each function here takes a session (the portal, the alarm) or a bare connection (``status``, which
# loads no ORM: its tables are ``engine.read_tables``); they only read, through what both offer.


@dataclass(frozen=True)
class TaskRunStatus:
    id: int
    run_id: int
    plan_key: str
    province: str
    cycle: str
    cycle_year: int
    task_key: str
    task_title: str
    agency_code: str
    agency_name: str
    opens_on: date
    due_on: date
    extended_until: date | None
    state: TaskRunState
    overdue: bool
    days_overdue: int  # counted by the run's time policy, in ``day_unit`` (as its emails count)
    day_unit: DayUnit
    # The cycle closed (or the run ended) with the report still awaited: it was never received, and
    # ``days_overdue`` is the lateness at the cycle's close, not a count that grows for ever.
    counting_stopped: bool = False


@dataclass(frozen=True)
class CycleStatus:
    id: int
    label: str
    cadence: str
    year: int
    state: CycleState
    cutoff_start: date
    cutoff_end: date
    opens_on: date
    due_on: date
    closes_on: date


@dataclass(frozen=True)
class RunStatus:
    id: int
    plan_key: str
    plan_version: str
    plan_hash: str
    plan_title: str
    province: str
    state: PlanRunState
    cycles: tuple[CycleStatus, ...]
    task_runs: tuple[TaskRunStatus, ...]

    def count(self, state: TaskRunState) -> int:
        return sum(1 for t in self.task_runs if t.state is state)

    @property
    def overdue(self) -> int:
        return sum(1 for t in self.task_runs if t.overdue)


# A cycle in one of these states collects nothing more: lateness stops growing at its close.
_OVER = frozenset({CycleState.CLOSED, CycleState.NOT_COLLECTED, CycleState.CANCELLED})


def run_status(
    session: Session | Connection, *, today: date, run_id: int | None = None, calendar: WorkingCalendar | None = None
) -> list[RunStatus]:
    """Every run (or the one asked for), in three queries whatever its size.

    Days overdue are counted by each run's time policy, so ``status`` and the run's emails agree,
    and stop at the cycle's close once the cycle is over or the run has ended. Rows are read as
    plain columns, not as ORM objects: a province's run has thousands of task runs, and status
    changes none of them.
    """
    runs_query = select(*_RUN_COLUMNS).order_by(_runs.c.id)
    if run_id is not None:
        runs_query = runs_query.where(_runs.c.id == run_id)
    runs = list(session.execute(runs_query))
    if run_id is not None and not runs:
        raise UnknownRun(str(run_id))
    ids = [run.id for run in runs]
    cycles_by_id = {
        cycle.id: cycle for cycle in session.execute(select(*_CYCLE_COLUMNS).where(_cycles.c.plan_run_id.in_(ids)))
    }
    task_runs = session.execute(
        select(*_TASK_RUN_COLUMNS)
        .where(_task_runs.c.plan_run_id.in_(ids))
        .order_by(_task_runs.c.due_on, _task_runs.c.agency_code, _task_runs.c.task_key)
    )
    runs_by_id = {run.id: run for run in runs}
    cycles_of: dict[int, list[Row[Any]]] = {run.id: [] for run in runs}
    for cycle_row in cycles_by_id.values():
        cycles_of[cycle_row.plan_run_id].append(cycle_row)
    policies = {run.id: time_policy(run.spec, calendar=calendar) for run in runs}
    rows: dict[int, list[TaskRunStatus]] = {run.id: [] for run in runs}
    for task_run in task_runs:
        run = runs_by_id[task_run.plan_run_id]
        cycle = cycles_by_id[task_run.cycle_id]
        time = policies[run.id]
        due_on = effective_due_on(task_run.due_on, task_run.extended_until)
        overdue = is_overdue(task_run.state, due_on, today)
        stopped = overdue and (cycle.state in _OVER or run.state is not PlanRunState.ACTIVE)
        counted_until = min(today, cycle.closes_on) if stopped else today
        rows[run.id].append(
            TaskRunStatus(
                id=task_run.id,
                run_id=run.id,
                plan_key=run.plan_key,
                province=run.province_code,
                cycle=cycle.label,
                cycle_year=cycle.year,
                task_key=task_run.task_key,
                task_title=task_run.task_title,
                agency_code=task_run.agency_code,
                agency_name=task_run.agency_name,
                opens_on=task_run.opens_on,
                due_on=due_on,
                extended_until=task_run.extended_until,
                state=task_run.state,
                overdue=overdue,
                days_overdue=time.days_late(due_on, counted_until) if overdue else 0,
                day_unit=time.unit,
                counting_stopped=stopped,
            )
        )
    return [
        RunStatus(
            id=run.id,
            plan_key=run.plan_key,
            plan_version=run.plan_version,
            plan_hash=run.plan_hash,
            plan_title=run.plan_title,
            province=run.province_code,
            state=run.state,
            cycles=tuple(
                CycleStatus(
                    c.id,
                    c.label,
                    c.cadence,
                    c.year,
                    c.state,
                    c.cutoff_start,
                    c.cutoff_end,
                    c.opens_on,
                    c.due_on,
                    c.closes_on,
                )
                for c in sorted(cycles_of[run.id], key=lambda c: (c.due_on, c.label))
            ),
            task_runs=tuple(rows[run.id]),
        )
        for run in runs
    ]


def time_policy(snapshot: dict[str, Any], *, calendar: WorkingCalendar | None = None) -> TimePolicy:
    """The time policy of a run of the plan ``snapshot``, as ``TimePolicy.for_plan`` makes it.

    Read from the snapshot's reminder rules (a validated plan, as stored) without validating the
    whole plan again: that needs pydantic, whose import alone was a tenth of ``status``'s start-up.
    """
    return TimePolicy.for_reminders(DayCounting.of_snapshot(snapshot), calendar=calendar)


# The columns read (see ``run_status``); a column's type still gives the state enums and dates.
_RUN_COLUMNS = [
    _runs.c[name]
    for name in ("id", "plan_key", "plan_version", "plan_hash", "plan_title", "province_code", "state", "spec")
]
_CYCLE_COLUMNS = [
    _cycles.c[name]
    for name in (
        "id",
        "plan_run_id",
        "label",
        "cadence",
        "year",
        "state",
        "cutoff_start",
        "cutoff_end",
        "opens_on",
        "due_on",
        "closes_on",
    )
]
_TASK_RUN_COLUMNS = [
    _task_runs.c[name]
    for name in (
        "id",
        "plan_run_id",
        "cycle_id",
        "task_key",
        "task_title",
        "agency_code",
        "agency_name",
        "opens_on",
        "due_on",
        "extended_until",
        "state",
    )
]


def failed_messages(session: Session | Connection) -> int:
    """How many messages failed for good and wait for the coordinator (refused, or never built)."""
    return session.scalar(select(func.count()).where(_outbox.c.state == OutboxState.FAILED)) or 0


def refused_recipients(session: Session | Connection) -> int:
    """How many recipients of messages not yet delivered to all a mail server refused (for now or for good)."""
    waiting = session.scalars(
        select(_outbox.c.refused).where(_outbox.c.state.in_([OutboxState.RETRY, OutboxState.FAILED]))
    )
    return sum(len(refused) for refused in waiting)


def agency_name(session: Session | Connection, code: str) -> str | None:
    """The name of the agency ``code`` in any province's directory; None when no directory has it."""
    return session.scalar(select(_agencies.c.name).where(_agencies.c.code == code).limit(1))


@dataclass(frozen=True)
class FailingJob:
    """A scheduled job whose slots have failed since it last ran to the end."""

    job: str
    since: date  # the day of the first slot that failed after the last one done
    attempts: int  # tries of those slots, all failed
    last_failed_at: datetime
    error: str  # the last error, as the scheduler recorded it (may name people: not for /health)


def failing_jobs(session: Session | Connection) -> list[FailingJob]:
    """Every job whose latest slots failed, by job; a job whose later slot ran is not failing.

    A failed slot stays FAILED once its day leaves the scheduler's lookback, so what counts is
    what came after the job's last DONE slot (slots are ISO days: they sort as text).
    """
    last_done: dict[str, str] = {
        job: slot
        for job, slot in session.execute(
            select(_ledger.c.job, func.max(_ledger.c.slot))
            .where(_ledger.c.state == ScheduledRunState.DONE)
            .group_by(_ledger.c.job)
        )
    }
    failed = session.execute(
        select(
            _ledger.c.id,
            _ledger.c.job,
            _ledger.c.slot,
            _ledger.c.started_at,
            _ledger.c.finished_at,
            _ledger.c.attempts,
            _ledger.c.detail,
        )
        .where(_ledger.c.state == ScheduledRunState.FAILED)
        .order_by(_ledger.c.job, _ledger.c.slot)
    )
    streaks: dict[str, list[Row[Any]]] = {}
    for row in failed:
        if row.slot > last_done.get(row.job, ""):
            streaks.setdefault(row.job, []).append(row)
    jobs = []
    for job, rows in sorted(streaks.items()):
        last = max(rows, key=lambda row: (row.finished_at or row.started_at, row.id))
        jobs.append(
            FailingJob(
                job=job,
                since=date.fromisoformat(rows[0].slot),
                attempts=sum(row.attempts for row in rows),
                last_failed_at=last.finished_at or last.started_at,
                error=last.detail,
            )
        )
    return jobs

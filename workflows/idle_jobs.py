"""Whether a daily job certainly has nothing to do at a given time, asked in a query or two.

A simulated plan lives some 1,800 days, and on most of them no cycle opens or closes, no reminder
is due, no digest is worth sending and the outbox is empty. Running each job to find that out
costs what the job's step costs (the plan checked, the province's agencies loaded); asking costs a
query. The answers here are exact for the jobs' own conditions, not guesses: each says "idle" only
where the job would change nothing and queue nothing (``tests/workflows/test_idle_jobs.py`` runs a
simulation with and without them and compares every row and every email).

Each answer mirrors the job's own selection:

- ``open_cycles`` (``notices.open_due``): an ended agency still owing something, or a scheduled
  cycle or task run whose opening day has come;
- ``close_cycles`` (``cycles.close_due``): an open cycle whose closing day has come, or a run with
  every cycle finished (it completes);
- ``sweep`` (``notices.queue_reminders``): a task run that the run's reminder rules nudge today;
- ``digest`` (``digest.queue_digest``, weekly): a report of a shown open cycle owed within the
  digest's horizon, or overdue;
- ``dispatch`` (``outbox.claim``): a row the dispatcher could claim.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import Date, Integer, bindparam, exists, func, select
from sqlalchemy.orm import Session

from sxsh_flow.engine.clock import local_date
from sxsh_flow.engine.models import OutboxMessage, PlanRun, ReportingCycle, TaskRun
from sxsh_flow.engine.reminders import AwaitedTask, nudge_for
from sxsh_flow.engine.services.digest import digest_horizon
from sxsh_flow.engine.services.policies import run_policy
from sxsh_flow.engine.services.succession import anything_ended
from sxsh_flow.engine.spec import PlanSpec, ReminderPolicy
from sxsh_flow.engine.states import CYCLE_FINISHED, OUTBOX, CycleState, PlanRunState, TaskRunState
from sxsh_flow.engine.time_policy import TimePolicy

_ACTIVE = PlanRun.state == PlanRunState.ACTIVE

# The questions are built once, with the day as a parameter: a simulation asks them some 5,500
# times, and a statement built anew per call has its cache key computed again from its whole tree
# (about half of each question's cost, measured under cProfile).
_TODAY = bindparam("today", type_=Date)
_RUN = bindparam("run_id", type_=Integer)
_CYCLE_OPENS = (
    select(ReportingCycle.id)
    .join(PlanRun, ReportingCycle.plan_run_id == PlanRun.id)
    .where(_ACTIVE, ReportingCycle.state == CycleState.SCHEDULED, ReportingCycle.opens_on <= _TODAY)
)
_TASK_OPENS = (
    select(TaskRun.id)
    .join(PlanRun, TaskRun.plan_run_id == PlanRun.id)
    .where(_ACTIVE, TaskRun.state == TaskRunState.SCHEDULED, TaskRun.opens_on <= _TODAY)
)
_SOMETHING_OPENS = select(exists(_CYCLE_OPENS) | exists(_TASK_OPENS))
_CLOSING = (
    select(ReportingCycle.id)
    .join(PlanRun, ReportingCycle.plan_run_id == PlanRun.id)
    .where(_ACTIVE, ReportingCycle.state == CycleState.OPEN, ReportingCycle.closes_on <= _TODAY)
)
_UNFINISHED = select(ReportingCycle.id).where(
    ReportingCycle.plan_run_id == PlanRun.id, ReportingCycle.state.not_in(CYCLE_FINISHED)
)
_SOMETHING_CLOSES = select(exists(_CLOSING) | exists(select(PlanRun.id).where(_ACTIVE, ~exists(_UNFINISHED))))
# As the sweep judges them: once per (deadline, state), whatever the number of task runs.
_DEADLINES = (
    select(func.coalesce(TaskRun.extended_until, TaskRun.due_on), TaskRun._state)
    .where(TaskRun.plan_run_id == _RUN, TaskRun.awaits_report)
    .distinct()
)
# The digest shows the open and closed cycles still collecting; only their open ones count.
_OWED_SOON = select(
    exists(
        select(TaskRun.id)
        .join(ReportingCycle, TaskRun.cycle_id == ReportingCycle.id)
        .where(
            ReportingCycle.plan_run_id == _RUN,
            ReportingCycle.state == CycleState.OPEN,
            ReportingCycle.closes_on >= _TODAY,
            TaskRun.awaits_report,
            func.coalesce(TaskRun.extended_until, TaskRun.due_on) <= bindparam("soon_until", type_=Date),
        )
    )
)
# A row left SENDING counts whatever its lease: claiming it is the dispatcher's call.
_OUTBOX_DUE = select(
    exists(
        select(OutboxMessage.id).where(
            (OutboxMessage.state.in_(OUTBOX.sources("claim")) & (OutboxMessage.next_attempt_at <= bindparam("at")))
            | OutboxMessage.state.in_(OUTBOX.sources("reclaim"))
        )
    )
)
_ACTIVE_RUNS = select(PlanRun.id).where(_ACTIVE).order_by(PlanRun.id)


class IdleJobs:
    """``idle(session, job, at)``: True when ``job`` run at ``at`` would do nothing; False when it may act.

    A run's reminder policy and time policy come from its plan snapshot, which never changes: they
    are read once per run and kept.
    """

    def __init__(self) -> None:
        self._policies: dict[int, tuple[ReminderPolicy, TimePolicy]] = {}
        self._questions: dict[str, Callable[[Session, datetime], bool]] = {
            "open_cycles": self._nothing_opens,
            "close_cycles": self._nothing_closes,
            "sweep": self._nobody_nudged,
            "digest": self._nothing_to_digest,
            "dispatch": self._outbox_empty,
        }

    def __call__(self, session: Session, job: str, at: datetime) -> bool:
        question = self._questions.get(job)
        return question is not None and question(session, at)

    def _nothing_opens(self, session: Session, at: datetime) -> bool:
        today = local_date(at)
        if anything_ended(session, today):
            return False
        return not session.scalar(_SOMETHING_OPENS, {"today": today})

    def _nothing_closes(self, session: Session, at: datetime) -> bool:
        return not session.scalar(_SOMETHING_CLOSES, {"today": local_date(at)})

    def _nobody_nudged(self, session: Session, at: datetime) -> bool:
        today = local_date(at)
        for run_id in self._active_runs(session):
            reminders, time = self._policy(session, run_id)
            if not time.is_working_day(today):
                continue
            for deadline, state in session.execute(_DEADLINES, {"run_id": run_id}).tuples():
                if nudge_for(AwaitedTask(0, _as_date(deadline), state), today, reminders, time) is not None:
                    return False
        return True

    def _nothing_to_digest(self, session: Session, at: datetime) -> bool:
        today = local_date(at)
        for run_id in self._active_runs(session):
            reminders, time = self._policy(session, run_id)
            soon_until = time.shift(today, digest_horizon(reminders))
            if session.scalar(_OWED_SOON, {"run_id": run_id, "today": today, "soon_until": soon_until}):
                return False
        return True

    def _outbox_empty(self, session: Session, at: datetime) -> bool:
        return not session.scalar(_OUTBOX_DUE, {"at": at})

    def _active_runs(self, session: Session) -> list[int]:
        return list(session.scalars(_ACTIVE_RUNS))

    def _policy(self, session: Session, run_id: int) -> tuple[ReminderPolicy, TimePolicy]:
        if run_id not in self._policies:
            run = session.get_one(PlanRun, run_id)
            self._policies[run_id] = (PlanSpec.model_validate(run.spec).reminders, run_policy(run))
        return self._policies[run_id]


def _as_date(value: date | str) -> date:
    # SQLite hands back coalesce() of two DATE columns untyped, as text.
    return value if isinstance(value, date) else date.fromisoformat(value)

"""The coordinator's status digest: per open cycle, who has reported, who is late, what is due next.

Every unit still owing a report is listed, grouped by how urgent it is: overdue, due soon (within
the digest's horizon), not yet due. The weekly digest goes out only while something is due within
that horizon or overdue: a one-off task that opened a cycle in May does not bring 24 Mondays of
"nothing due". The horizon is the plan's earliest reminder (its largest ``before_due``), counted in
the run's unit of days, so the coordinator hears from the day the agencies start being reminded.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sxsh_flow.agencies.directory import ContactRole
from sxsh_flow.engine import desk_paths
from sxsh_flow.engine.calendar import WorkingCalendar
from sxsh_flow.engine.clock import local_date
from sxsh_flow.engine.labels import state_label
from sxsh_flow.engine.message import AgencyProgress, CycleDigest, MessageKind
from sxsh_flow.engine.models import PlanRun, ReportingCycle, Submission, TaskRun
from sxsh_flow.engine.services.mailing import Mailing, NoticeSummary, RunMail, active_runs, people
from sxsh_flow.engine.spec import ReminderPolicy
from sxsh_flow.engine.states import TASK_RUN_VOID, CycleState, TaskRunState
from sxsh_flow.engine.time_policy import TimePolicy

# How far ahead the digest looks when the plan's reminder policy sends no reminder before a deadline.
DEFAULT_DIGEST_HORIZON = 10  # days in the run's unit: two working weeks


def digest_horizon(policy: ReminderPolicy) -> int:
    """How many days (in the run's unit) ahead a deadline makes the weekly digest worth sending."""
    return max(policy.before_due, default=DEFAULT_DIGEST_HORIZON)


def queue_digest(
    session: Session,
    *,
    now: datetime,
    mailing: Mailing,
    actor: str,
    run_id: int | None = None,
    calendar: WorkingCalendar | None = None,
    weekly: bool = False,
) -> NoticeSummary:
    """The coordinator's status digest of each active run: per open cycle, who reported, who is late.

    With ``weekly`` (the Monday digest), a run gets one only while a report in a cycle it shows is
    overdue or due within ``digest_horizon`` days; asked for outright (``sxsh-flow digest``), always.
    """
    today = local_date(now)
    summary = NoticeSummary()
    for run in active_runs(session, run_id):
        shown = _digest_cycles(session, run, today)
        mail = RunMail(session, run, mailing, calendar=calendar, on=today)
        soon_until = mail.time.shift(today, digest_horizon(mail.spec.reminders))
        if weekly and not _anything_due(session, shown, soon_until):
            continue
        if mail.lead is None or not (to := people(mail.lead, ContactRole.FOCAL_POINT)):
            summary.problems.append(f"run {run.id}: the lead agency has no active focal point; digest not queued")
            continue
        cycles = [
            cycle_digest(session, cycle, today, mailing.language, mail.time, soon_until=soon_until) for cycle in shown
        ]
        board = mailing.desk_link(desk_paths.board(run.id))
        message = mail.message(
            kind=MessageKind.DIGEST,
            key=f"digest:{run.id}:{today.isoformat()}",
            agency=mail.lead,
            to=to,
            cc=[],
            tasks=[],
            today=today,
            cycles=cycles,
            extra={"board_url": board} if board else {},
        )
        mail.queue(summary, [message], now=now, actor=actor)
    return summary


def _anything_due(session: Session, cycles: list[ReportingCycle], soon_until: date) -> bool:
    """Whether a report of an open one of ``cycles`` is still owed and due by ``soon_until`` (or overdue)."""
    open_ids = [c.id for c in cycles if c.state is CycleState.OPEN]
    if not open_ids:
        return False
    deadline = func.coalesce(TaskRun.extended_until, TaskRun.due_on)
    owed = select(TaskRun.id).where(TaskRun.cycle_id.in_(open_ids), TaskRun.awaits_report, deadline <= soon_until)
    return session.scalars(owed.limit(1)).first() is not None


def _digest_cycles(session: Session, run: PlanRun, today: date) -> list[ReportingCycle]:
    """The open cycles, or else the next one to open, so the digest always says something useful."""
    cycles = list(
        session.scalars(
            select(ReportingCycle).where(ReportingCycle.plan_run_id == run.id).order_by(ReportingCycle.due_on)
        )
    )
    current = [c for c in cycles if c.state in (CycleState.OPEN, CycleState.CLOSED) and c.closes_on >= today]
    upcoming = [c for c in cycles if c.state is CycleState.SCHEDULED]
    return current or upcoming[:1]


def first_submissions(session: Session, task_run_ids: list[int]) -> dict[int, datetime]:
    """When each task run's first version was submitted.

    Timeliness is the first submission's: a report returned for changes was still in on time.
    """
    found: dict[int, datetime] = {}
    for start in range(0, len(task_run_ids), 500):
        chunk = task_run_ids[start : start + 500]
        for task_run_id, submitted_at in session.execute(
            select(Submission.task_run_id, func.min(Submission.submitted_at))
            .where(Submission.task_run_id.in_(chunk), Submission.submitted_at.is_not(None))
            .group_by(Submission.task_run_id)
        ).tuples():
            if submitted_at is not None:
                found[task_run_id] = submitted_at
    return found


def cycle_digest(
    session: Session,
    cycle: ReportingCycle,
    today: date,
    language: str,
    time: TimePolicy,
    *,
    soon_until: date | None = None,
) -> CycleDigest:
    """Where ``cycle`` stands on ``today``: who reported, who is late, who still owes (days counted by ``time``).

    Nothing is left out: ``due_next`` holds every unit not yet overdue, ``soon_until`` splits it.
    """
    task_runs = list(
        session.scalars(
            select(TaskRun).where(TaskRun.cycle_id == cycle.id).order_by(TaskRun.due_on, TaskRun.agency_code)
        )
    )

    def progress(task_run: TaskRun) -> AgencyProgress:
        return AgencyProgress(
            task_run.agency_code,
            task_run.agency_name,
            task_run.task_title,
            task_run.effective_due_on,
            state_label(task_run.state, language),
            time.days_late(task_run.effective_due_on, today) if task_run.is_overdue(today) else 0,
        )

    reported = [t for t in task_runs if t.state in (TaskRunState.SUBMITTED, TaskRunState.ACCEPTED)]
    first_in = first_submissions(session, [t.id for t in reported])
    late = []
    for task_run in reported:
        submitted = first_in.get(task_run.id)
        if submitted is not None and local_date(submitted) > task_run.effective_due_on:
            days_late = time.days_late(task_run.effective_due_on, local_date(submitted))
            late.append(replace(progress(task_run), days_overdue=days_late))
    return CycleDigest(
        label=cycle.label,
        cutoff_start=cycle.cutoff_start,
        cutoff_end=cycle.cutoff_end,
        due_on=cycle.due_on,
        total=sum(1 for t in task_runs if t.state not in TASK_RUN_VOID),
        reported=len(reported),
        reported_late=tuple(late),
        overdue=tuple(progress(t) for t in task_runs if t.is_overdue(today)),
        due_next=tuple(progress(t) for t in task_runs if t.state.awaits_report and not t.is_overdue(today)),
        soon_until=soon_until,
    )

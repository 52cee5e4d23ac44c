"""The coordinator's status digest: per open cycle, who has reported, who is late, what is due next."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sxsh_flow.agencies.directory import ContactRole
from sxsh_flow.notifications.message import AgencyProgress, CycleDigest, MessageKind

from ..calendar import WorkingCalendar
from ..clock import local_date
from ..labels import state_label
from ..models import PlanRun, ReportingCycle, TaskRun
from ..states import CycleState, TaskRunState
from .mailing import Mailing, NoticeSummary, RunMail, active_runs, people


def queue_digest(
    session: Session,
    *,
    now: datetime,
    mailing: Mailing,
    actor: str,
    run_id: int | None = None,
    calendar: WorkingCalendar | None = None,
) -> NoticeSummary:
    """The coordinator's status digest of each active run: per open cycle, who reported, who is late."""
    working = calendar or WorkingCalendar()
    today = local_date(now)
    summary = NoticeSummary()
    for run in active_runs(session, run_id):
        mail = RunMail(session, run, mailing)
        if mail.lead is None or not (to := people(mail.lead, ContactRole.FOCAL_POINT)):
            summary.problems.append(f"run {run.id}: the lead agency has no active focal point; digest not queued")
            continue
        cycles = [
            _cycle_digest(session, cycle, today, mailing.language) for cycle in _digest_cycles(session, run, today)
        ]
        message = mail.message(
            kind=MessageKind.DIGEST,
            key=f"digest:{run.id}:{today.isoformat()}",
            agency=mail.lead,
            to=to,
            cc=[],
            tasks=[],
            today=today,
            cycles=cycles,
        )
        mail.queue(summary, [message], now=now, calendar=working, actor=actor)
    return summary


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


def _cycle_digest(session: Session, cycle: ReportingCycle, today: date, language: str) -> CycleDigest:
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
            task_run.days_overdue(today),
        )

    reported = [t for t in task_runs if t.state in (TaskRunState.SUBMITTED, TaskRunState.ACCEPTED)]
    return CycleDigest(
        label=cycle.label,
        cutoff_start=cycle.cutoff_start,
        cutoff_end=cycle.cutoff_end,
        due_on=cycle.due_on,
        total=sum(1 for t in task_runs if t.state is not TaskRunState.CANCELLED),
        reported=len(reported),
        overdue=tuple(progress(t) for t in task_runs if t.is_overdue(today)),
        due_next=tuple(progress(t) for t in task_runs if t.state.awaits_report and not t.is_overdue(today))[:20],
    )

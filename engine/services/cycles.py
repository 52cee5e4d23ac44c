"""Closing cycles: the day after the collection ends, the cycle is consolidated and the coordinator told.

A closed cycle still takes late reports (they are counted late). When every cycle of a run is
closed or cancelled, the run is complete.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sxsh_flow.agencies.directory import ContactRole
from sxsh_flow.engine.calendar import WorkingCalendar
from sxsh_flow.engine.clock import local_date
from sxsh_flow.engine.message import Address, MailAttachment, MessageKind
from sxsh_flow.engine.models import PlanRun, ReportingCycle, TaskRun
from sxsh_flow.engine.report_counts import count_reports, counts_sentence, upward_tasks
from sxsh_flow.engine.services.digest import cycle_digest
from sxsh_flow.engine.services.mailing import Mailing, NoticeSummary, RunMail, active_runs, people
from sxsh_flow.engine.services.transitions import fire
from sxsh_flow.engine.states import CYCLE_FINISHED, CycleState, PlanRunState
from sxsh_flow.words import words

# What the closing emails carry: the consolidated report's files, and a link to its page. The files
# of every cycle closing in one step are asked for at once, (run, cycle label) pairs as of a day, so
# the hook can render them side by side (``workflows.jobs`` does, in worker processes).
ClosingCycle = tuple[int, str]
ReportFiles = Callable[[Session, Sequence[ClosingCycle], date], Mapping[ClosingCycle, Sequence[MailAttachment]]]
ReportLink = Callable[[int, str, datetime], str]  # (run, cycle, now): the report page's address


@dataclass
class ClosingSummary(NoticeSummary):
    closed_cycles: list[str] = field(default_factory=list)  # "run:label"
    completed_runs: list[int] = field(default_factory=list)


def close_due(
    session: Session,
    *,
    now: datetime,
    mailing: Mailing,
    actor: str,
    calendar: WorkingCalendar | None = None,
    run_id: int | None = None,
    report_files: ReportFiles | None = None,
    report_link: ReportLink | None = None,
) -> ClosingSummary:
    """Close the open cycles whose closing day has come; the coordinator gets each one's final status.

    Running it again the same day (or later) closes nothing twice and queues nothing new: only an
    open cycle can close, and the closing message's key is the cycle's.
    """
    today = local_date(now)
    summary = ClosingSummary()
    due = [(run, _closing_cycles(session, run, today)) for run in active_runs(session, run_id)]
    mails = {run.id: RunMail(session, run, mailing, calendar=calendar, on=today) for run, closing in due if closing}
    # Every closing cycle's files before the first write: asked for at once, they can be rendered side
    # by side, and the writes below keep the order they always had (a report reads no cycle's state
    # but cancelled or not collected, so closing it first would not change it).
    mailed = [(run.id, cycle.label) for run, closing in due if _coordinator(mails.get(run.id)) for cycle in closing]
    files = report_files(session, mailed, today) if report_files is not None and mailed else {}
    for run, closing in due:
        for cycle in closing:
            fire(session, cycle, "close", actor=actor, now=now, reason=f"closing day {cycle.closes_on.isoformat()}")
            summary.closed_cycles.append(f"{run.id}:{cycle.label}")
            _queue_closing_message(
                session,
                mails[run.id],
                cycle,
                summary,
                now=now,
                actor=actor,
                attachments=tuple(files.get((run.id, cycle.label), ())),
                link=report_link,
            )
        if _all_cycles_done(session, run):
            fire(session, run, "complete", actor=actor, now=now, reason="every cycle is closed")
            summary.completed_runs.append(run.id)
    return summary


def _closing_cycles(session: Session, run: PlanRun, today: date) -> list[ReportingCycle]:
    return list(
        session.scalars(
            select(ReportingCycle)
            .where(
                ReportingCycle.plan_run_id == run.id,
                ReportingCycle.state == CycleState.OPEN,
                ReportingCycle.closes_on <= today,
            )
            .order_by(ReportingCycle.due_on)
        )
    )


def _coordinator(mail: RunMail | None) -> list[Address]:
    """Whom a run's closing email goes to: the lead agency's active focal points (none, no email)."""
    if mail is None or mail.lead is None:
        return []
    return people(mail.lead, ContactRole.FOCAL_POINT)


def _queue_closing_message(
    session: Session,
    mail: RunMail,
    cycle: ReportingCycle,
    summary: NoticeSummary,
    *,
    now: datetime,
    actor: str,
    attachments: tuple[MailAttachment, ...],
    link: ReportLink | None,
) -> None:
    if mail.lead is None or not (to := _coordinator(mail)):
        summary.problems.append(f"run {mail.run.id}: the lead agency has no active focal point; closing not mailed")
        return
    today = local_date(now)
    extra = {"attached": "yes"} if attachments else {}
    # The counts its files state, by the one rule (engine.report_counts): the agencies' reports,
    # and the lead's own report upward apart, named with whom it goes to.
    upward = upward_tasks(mail.spec)
    counts = count_reports(session.scalars(select(TaskRun).where(TaskRun.cycle_id == cycle.id)), upward)
    recipients = {mail.spec.recipient_of(task) for task in mail.spec.tasks if task.key in upward}
    names = {a.code: a.display_name for a in mail.agencies.values() if a.code in recipients}
    upward_to = ", ".join(names.get(code, code) for code in sorted(recipients))
    lead = mail.lead.display_name
    extra["counts"] = counts_sentence(words(mail.mailing.language), counts, lead=lead, upward_to=upward_to)
    if link is not None:
        extra["report_url"] = link(mail.run.id, cycle.label, now)
    message = mail.message(
        kind=MessageKind.CYCLE_CLOSED,
        key=f"cycle_closed:{mail.run.id}:{cycle.label}",
        agency=mail.lead,
        to=to,
        cc=[],
        tasks=[],
        today=today,
        cycles=[replace(cycle_digest(session, cycle, today, mail.mailing.language, mail.time), counts=counts)],
        extra=extra,
    )
    if attachments:
        message = replace(message, rendered=replace(message.rendered, attachments=attachments))
    mail.queue(summary, [message], now=now, actor=actor)


def _all_cycles_done(session: Session, run: PlanRun) -> bool:
    states = set(session.scalars(select(ReportingCycle._state).where(ReportingCycle.plan_run_id == run.id)))
    return run.state is PlanRunState.ACTIVE and states <= CYCLE_FINISHED

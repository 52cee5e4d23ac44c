"""Who hears what, and when: kickoff letters, requests to report, reminders, one-off task messages.

Each function decides the messages in the domain's terms, renders them (no side effects) and
queues them in the caller's transaction; the dispatcher sends them later. Every message has a key
(kind, run, agency, day...) so running the same step twice queues nothing new.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from sxsh_flow.engine.calendar import WorkingCalendar
from sxsh_flow.engine.clock import local_date
from sxsh_flow.engine.message import (
    Address,
    ExtensionInfo,
    MessageKind,
    ReceiptInfo,
)
from sxsh_flow.engine.models import AgencyRecord, ContactRecord, PlanRun, ReportingCycle, TaskRun
from sxsh_flow.engine.reminders import AwaitedTask, Nudge, nudge_for
from sxsh_flow.engine.services.digest import queue_digest
from sxsh_flow.engine.services.links import LinkSigner
from sxsh_flow.engine.services.mailing import (
    AwaitedRun,
    Mailing,
    NoticeSummary,
    RunMail,
    active_runs,
    recipients,
    run_spec,
)
from sxsh_flow.engine.services.partners import Partnering
from sxsh_flow.engine.services.transitions import fire_each
from sxsh_flow.engine.states import TASK_RUN_VOID, CycleState, TaskRunState
from sxsh_flow.engine.time_policy import TimePolicy

__all__ = [
    "Mailing",
    "NoticeSummary",
    "announce_start",
    "open_due",
    "queue_digest",
    "queue_kickoffs",
    "queue_reminders",
    "queue_task_message",
]


def queue_kickoffs(
    session: Session,
    run: PlanRun,
    *,
    now: datetime,
    mailing: Mailing,
    actor: str,
    calendar: WorkingCalendar | None = None,
) -> NoticeSummary:
    """One letter per agency of a new run: its tasks and each one's first deadline, and the tasks it partners.

    An agency that leads some tasks and takes part in others gets one letter with both parts; one
    that only takes part gets a letter "để phối hợp" (for coordination): no reply link, nothing to send.
    """
    mail = RunMail(session, run, mailing, calendar=calendar, on=local_date(now))
    partnering = Partnering(session, mail.spec, run.province_code)
    today = local_date(now)
    first_runs: dict[int, dict[str, tuple[TaskRun, ReportingCycle]]] = defaultdict(dict)
    first_cycle: dict[str, int] = {}  # each task's first cycle: what its partners are told of
    first_of_task: list[tuple[TaskRun, ReportingCycle]] = []
    for task_run, cycle in session.execute(
        select(TaskRun, ReportingCycle)
        .join(ReportingCycle, TaskRun.cycle_id == ReportingCycle.id)
        .where(TaskRun.plan_run_id == run.id, TaskRun.state.not_in(TASK_RUN_VOID))
        .order_by(TaskRun.due_on, TaskRun.id)
    ).tuples():
        first_runs[task_run.agency_id].setdefault(task_run.task_key, (task_run, cycle))
        if first_cycle.setdefault(task_run.task_key, cycle.id) == cycle.id:
            first_of_task.append((task_run, cycle))
    told = partnering.told(first_of_task)
    summary = NoticeSummary()
    addressed: list[tuple[AgencyRecord, list[tuple[TaskRun, ReportingCycle]], list[Address], list[Address]]] = []
    for agency_id in dict.fromkeys([*first_runs, *told]):
        agency = mail.agencies[agency_id]
        if not agency.valid_on(today):
            # A unit the reform creates later (a commune of 2025) hears of its tasks when its first
            # cycle opens; one that has ended has handed its tasks over.
            continue
        to, cc = recipients(mail, agency)
        if not to:
            summary.problems.append(f"{agency.code}: no active contact; kickoff letter not queued")
            continue
        addressed.append((agency, list(first_runs.get(agency_id, {}).values()), to, cc))
    # A task already open at the start gets its reply link in the kickoff letter itself: every such
    # link at once (a few statements), in the order the letters list them.
    linked = [(task_run, to) for _, items, to, _ in addressed for task_run, _ in items if task_run.state.awaits_report]
    urls = iter(mail.reply_urls(linked, now=now, actor=actor))
    messages = []
    for agency, items, to, cc in addressed:
        tasks = [
            mail.task_item(
                task_run,
                cycle,
                reply_url=next(urls) if task_run.state.awaits_report else None,
                partners=partnering.names(task_run, cycle),
            )
            for task_run, cycle in items
        ]
        messages.append(
            mail.message(
                kind=MessageKind.KICKOFF,
                key=f"kickoff:{run.id}:{agency.code}",
                agency=agency,
                to=to,
                cc=cc,
                tasks=tasks,
                today=today,
                partner_tasks=tuple(told.get(agency.id, ())),
            )
        )
    mail.queue(summary, messages, now=now, actor=actor)
    return summary


def announce_start(
    session: Session,
    run: PlanRun,
    *,
    now: datetime,
    mailing: Mailing,
    actor: str,
    calendar: WorkingCalendar | None = None,
) -> NoticeSummary:
    """Right after a start: open what is already due to open, then each agency's kickoff letter.

    The kickoff letter carries the reply links of the tasks already open, so a plan started inside
    a cycle sends one letter per agency, not a kickoff and a request on the same day.
    """
    opened = open_due(session, now=now, mailing=mailing, actor=actor, calendar=calendar, run_id=run.id, ask=False)
    letters = queue_kickoffs(session, run, now=now, mailing=mailing, actor=actor, calendar=calendar)
    letters.opened_cycles, letters.opened_task_runs = opened.opened_cycles, opened.opened_task_runs
    return letters


def open_due(
    session: Session,
    *,
    now: datetime,
    mailing: Mailing,
    actor: str,
    dry_run: bool = False,
    calendar: WorkingCalendar | None = None,
    run_id: int | None = None,
    ask: bool = True,
) -> NoticeSummary:
    """Open the cycles and task runs whose opening day has come; ask each agency to report.

    First, what an agency past its last day still owes passes to its successors (``succession``).
    """
    from sxsh_flow.engine.services.directory_import import hand_over_ended

    today = local_date(now)
    summary = hand_over_ended(session, now=now, actor=actor, mailing=mailing) if not dry_run else NoticeSummary()
    for run in active_runs(session, run_id):
        cycles = session.scalars(
            select(ReportingCycle).where(
                ReportingCycle.plan_run_id == run.id,
                ReportingCycle.state == CycleState.SCHEDULED,
                ReportingCycle.opens_on <= today,
            )
        ).all()
        summary.opened_cycles += len(cycles)
        opening: dict[int, list[tuple[TaskRun, ReportingCycle]]] = defaultdict(list)
        opened = session.execute(
            select(TaskRun, ReportingCycle)
            .join(ReportingCycle, TaskRun.cycle_id == ReportingCycle.id)
            .where(TaskRun.plan_run_id == run.id, TaskRun.state == TaskRunState.SCHEDULED, TaskRun.opens_on <= today)
            .order_by(TaskRun.due_on, TaskRun.id)
        ).all()
        for task_run, cycle in opened:
            opening[task_run.agency_id].append((task_run, cycle))
        summary.opened_task_runs += len(opened)
        if not dry_run:
            # The cycles' history rows first, then the task runs', as firing them one by one wrote them.
            fire_each(session, cycles, "open", actor=actor, now=now, reason=_opening_day)
            fire_each(session, [task_run for task_run, _ in opened], "open", actor=actor, now=now, reason=_opening_day)
        if not opened or not ask:
            continue  # no one to ask: the run's people are not even loaded (most days, most runs)
        mail = RunMail(session, run, mailing, calendar=calendar, on=today)
        messages = []
        addressed: list[tuple[AgencyRecord, list[tuple[TaskRun, ReportingCycle]], list[Address], list[Address]]] = []
        partnering = Partnering(session, mail.spec, run.province_code)
        # The partners of what opened today are told of it in the same letter as the leads' request.
        told = partnering.told(row for items in opening.values() for row in items) if ask else {}
        for agency_id in dict.fromkeys([*opening, *told]) if ask else ():
            agency = mail.agencies[agency_id]
            items = opening.get(agency_id, [])
            if not agency.valid_on(today):
                if items:
                    summary.problems.append(
                        f"{agency.code}: ended on {agency.valid_to}; its successors are asked instead"
                    )
                continue
            to, cc = recipients(mail, agency)
            if not to:
                summary.problems.append(f"{agency.code}: no active contact; request to report not queued")
                continue
            addressed.append((agency, items, to, cc))
        # Every reply link of the day at once (a few statements), in the order the letters list them.
        urls = iter(mail.reply_urls([(t, to) for _, items, to, _ in addressed for t, _ in items], now=now, actor=actor))
        for agency, items, to, cc in addressed:
            messages.append(
                mail.message(
                    kind=MessageKind.REQUEST,
                    key=f"request:{run.id}:{agency.code}:{today.isoformat()}",
                    agency=agency,
                    to=to,
                    cc=cc,
                    tasks=[
                        mail.task_item(t, c, reply_url=next(urls), partners=partnering.names(t, c)) for t, c in items
                    ],
                    today=today,
                    partner_tasks=tuple(told.get(agency.id, ())),
                )
            )
        mail.queue(summary, messages, now=now, actor=actor, dry_run=dry_run)
    return summary


def _opening_day(opened: ReportingCycle | TaskRun) -> str:
    return f"opening day {opened.opens_on.isoformat()}"


def queue_reminders(
    session: Session,
    *,
    now: datetime,
    mailing: Mailing,
    actor: str,
    dry_run: bool = False,
    calendar: WorkingCalendar | None = None,
    run_id: int | None = None,
) -> NoticeSummary:
    """Today's reminders, deadline notices, overdue notices and escalations, one message per agency and kind."""
    today = local_date(now)
    summary = NoticeSummary()
    for run in active_runs(session, run_id):
        spec = run_spec(run)
        time = TimePolicy.for_plan(spec, calendar=calendar)
        if not time.is_working_day(today):
            continue  # the run's own calendar: a province's extra day off is a day off
        # Most task runs share a few deadlines: each (deadline, state) pair is judged once, in SQL's
        # terms, and only the task runs of the pairs that call for a message are read. A sweep over
        # 100,000 open task runs reads the thousands it writes about, not the 100,000.
        deadline = func.coalesce(TaskRun.extended_until, TaskRun.due_on)
        awaited = TaskRun.plan_run_id == run.id, TaskRun.awaits_report
        nudges: dict[tuple[date, TaskRunState], Nudge] = {}
        for due_on, extended_until, state in session.execute(
            select(TaskRun.due_on, TaskRun.extended_until, TaskRun._state).where(*awaited).distinct()
        ):
            pair = (extended_until or due_on, state)
            if pair not in nudges and (nudge := nudge_for(AwaitedTask(0, *pair), today, spec.reminders, time)):
                nudges[pair] = nudge
        if not nudges:
            continue
        pairs = or_(*(and_(deadline == due, TaskRun._state == state) for due, state in nudges))
        grouped: dict[tuple[int, MessageKind], list[tuple[AwaitedRun, ReportingCycle, Nudge]]] = defaultdict(list)
        cycles = {cycle.id: cycle for cycle in session.scalars(select(ReportingCycle).filter_by(plan_run_id=run.id))}
        for row in session.execute(
            select(TaskRun.id, TaskRun.agency_id, TaskRun.task_key, TaskRun.task_title, deadline, TaskRun._state)
            .add_columns(TaskRun.cycle_id)
            .where(*awaited, pairs)
            .order_by(deadline, TaskRun.id)
        ):
            task_run = AwaitedRun(*row[:5])
            nudge = nudges[task_run.effective_due_on, row[5]]
            grouped[task_run.agency_id, nudge.kind].append((task_run, cycles[row.cycle_id], nudge))
        mail = RunMail(session, run, mailing, {agency_id for agency_id, _ in grouped}, calendar, on=today)
        addressed = []
        for (agency_id, kind), items in grouped.items():
            agency = mail.agencies[agency_id]
            if not agency.valid_on(today):  # its duties pass to its successors at the next opening sweep
                summary.problems.append(f"{agency.code}: ended on {agency.valid_to}; {kind.value} not queued")
                continue
            to_head = any(n.to_head for _, _, n in items)
            to, cc = recipients(
                mail, agency, to_head=to_head, copy_coordinator=any(n.copy_coordinator for *_, n in items)
            )
            if not to:
                summary.problems.append(f"{agency.code}: no active contact; {kind.value} not queued")
                continue
            addressed.append((agency, kind, items, to, cc))
        # Every reply link of the day at once: a few queries and one flush, not a query per task run.
        linked = mail.linkable([t.id for *_, items, _, _ in addressed for t, _, _ in items]) if mailing.signer else {}
        wanted = [(linked[t.id], to) for *_, items, to, _ in addressed for t, _, _ in items] if linked else []
        urls = iter(mail.reply_urls(wanted, now=now, actor=actor) if wanted else [])
        messages = []
        for agency, kind, items, to, cc in addressed:
            message = mail.message(
                kind=kind,
                key=f"{kind.value}:{run.id}:{agency.code}:{today.isoformat()}",
                agency=agency,
                to=to,
                cc=cc,
                tasks=[mail.task_item(t, c, reply_url=next(urls, None)) for t, c, _ in items],
                today=today,
            )
            messages.append(replace(message, reason="; ".join(dict.fromkeys(nudge.reason for *_, nudge in items))))
        mail.queue(summary, messages, now=now, actor=actor, dry_run=dry_run)
    return summary


def queue_task_message(
    session: Session,
    task_run: TaskRun,
    *,
    kind: MessageKind,
    key: str,
    to_contacts: Sequence[ContactRecord] = (),
    now: datetime,
    mailing: Mailing,
    signer: LinkSigner | None = None,
    actor: str = "system",
    to_addresses: Sequence[Address] = (),
    reply_url: str | None = None,
    **details: Any,
) -> NoticeSummary:
    """One message about one task run to chosen contacts (receipts, returns, extensions, forwards).

    With a ``signer`` the message carries the first contact's reply link; ``reply_url`` gives one
    outright (a guest's). ``to_addresses``: people who are not contacts (a colleague a task was
    forwarded to). ``details`` go to the template: ``comment``, ``forwarded_by``,
    ``receipt_version`` with ``on_time``, ``extension``.
    """
    run = session.get_one(PlanRun, task_run.plan_run_id)
    mail = RunMail(session, run, replace(mailing, signer=signer), agency_ids={task_run.agency_id}, on=local_date(now))
    to = [Address(c.name, c.email) for c in to_contacts if c.active] + list(to_addresses)
    summary = NoticeSummary()
    if not to:
        summary.problems.append(f"{task_run.agency_code}: no active contact; {kind.value} not queued")
        return summary
    extras: dict[str, Any] = {}
    if "comment" in details:
        extras["comment"] = details["comment"] or ""
    if "forwarded_by" in details:
        extras["forwarded_by"] = details["forwarded_by"]
    if "receipt_version" in details:
        received_on = local_date(now)
        extras["receipt"] = ReceiptInfo(
            details["receipt_version"],
            received_on,
            bool(details.get("on_time")),
            days_late=mail.time.days_late(task_run.effective_due_on, received_on),
        )
    if details.get("extension") is not None:
        request = details["extension"]
        extras["extension"] = ExtensionInfo(
            request.state.value == "approved", request.proposed_until, request.granted_until
        )
    url = reply_url or mail.reply_url(task_run, to, now=now, actor=actor)
    item = mail.task_item(task_run, task_run.cycle, reply_url=url)
    message = mail.message(
        kind=kind,
        key=key,
        agency=mail.agencies[task_run.agency_id],
        to=to,
        cc=[],
        tasks=[item],
        today=local_date(now),
        **extras,
    )
    mail.queue(summary, [message], now=now, actor=actor)
    return summary

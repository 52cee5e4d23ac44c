"""Who hears what, and when: kickoff letters, requests to report, reminders, the coordinator's digest.

Each function decides the messages in the domain's terms, renders them (no side effects) and
queues them in the caller's transaction; the dispatcher sends them later. Every message has a key
(kind, run, agency, day...) so running the same step twice queues nothing new.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from sxsh_flow.agencies.directory import ContactRole
from sxsh_flow.notifications.compose import make_message_id
from sxsh_flow.notifications.message import (
    Address,
    AgencyProgress,
    CycleDigest,
    ExtensionInfo,
    LegalReference,
    MessageContext,
    MessageKind,
    PlanInfo,
    ReceiptInfo,
    TaskItem,
)
from sxsh_flow.notifications.render import render
from sxsh_flow.workflows.spec import PlanSpec

from ..calendar import WorkingCalendar
from ..clock import local_date
from ..labels import state_label
from ..models import AgencyRecord, ContactRecord, PlanRun, ProvinceRecord, ReportingCycle, TaskRun
from ..reminders import AwaitedTask, Nudge, nudge_for
from ..states import CycleState, PlanRunState, TaskRunState
from .links import LinkSigner, issue_link
from .outbox import OutgoingMessage, queue_messages, queued_keys
from .transitions import fire

DEFAULT_SENDER_DOMAIN = "sxsh-flow.invalid"


@dataclass(frozen=True)
class Mailing:
    """How this installation writes: its language and, when set, its own sender address."""

    language: str = "vi"
    sender_email: str | None = None  # SXSH_MAIL_FROM; else the lead agency's focal point
    signer: LinkSigner | None = None  # signs reply links; without it messages carry none


@dataclass
class NoticeSummary:
    """What a step queued (or, in a dry run, would queue), and what it could not."""

    queued: list[OutgoingMessage] = field(default_factory=list)
    already_queued: int = 0
    opened_cycles: int = 0
    opened_task_runs: int = 0
    problems: list[str] = field(default_factory=list)


class _RunMail:
    """A run's plan, province and people, loaded once per step."""

    def __init__(self, session: Session, run: PlanRun, mailing: Mailing, agency_ids: set[int] | None = None) -> None:
        self.session = session
        self.run = run
        self.spec = PlanSpec.model_validate(run.spec)
        self.mailing = mailing
        province = session.get(ProvinceRecord, run.province_code)
        # A message about one task needs two agencies, not the province's hundreds.
        query = select(AgencyRecord).where(AgencyRecord.province_code == run.province_code)
        if agency_ids is not None:
            query = query.where(or_(AgencyRecord.id.in_(agency_ids), AgencyRecord.code == self.spec.lead))
        self.agencies = {a.id: a for a in session.scalars(query.options(selectinload(AgencyRecord.contacts)))}
        lead = next((a for a in self.agencies.values() if a.code == self.spec.lead), None)
        self.lead = lead
        lead_name = lead.name if lead else self.spec.lead
        self.plan = PlanInfo(
            key=self.spec.key,
            title=self.spec.title,
            short_title=self.spec.short_title or self.spec.title,
            province_name=province.name if province else run.province_code,
            lead_name=lead_name,
            legal_basis=tuple(LegalReference(d.number, d.date, d.issuer, d.title) for d in self.spec.legal_basis),
        )
        focal = _people(lead, ContactRole.FOCAL_POINT) if lead else []
        self.coordinator = focal[0] if focal else None
        sender_email = mailing.sender_email or (self.coordinator.email if self.coordinator else None)
        self.sender = Address(lead_name, sender_email or f"noreply@{DEFAULT_SENDER_DOMAIN}")
        self.domain = self.sender.email.rpartition("@")[2] or DEFAULT_SENDER_DOMAIN

    def reply_url(self, task_run: TaskRun, to: Sequence[Address], *, now: datetime, actor: str) -> str | None:
        """The reply link of the message's first recipient for ``task_run``, issued if need be."""
        if self.mailing.signer is None or not to:
            return None
        agency = self.agencies[task_run.agency_id]
        contact = next((c for c in agency.contacts if c.active and c.email == to[0].email), None)
        if contact is None:
            return None
        link = issue_link(self.session, task_run, contact, now=now, actor=actor)
        return self.mailing.signer.url(link)

    def task_item(
        self, task_run: TaskRun, cycle: ReportingCycle, nudge: Nudge | None = None, reply_url: str | None = None
    ) -> TaskItem:
        task = self.spec.task(task_run.task_key)
        return TaskItem(
            task_run_id=task_run.id,
            task_key=task_run.task_key,
            title=task_run.task_title,
            description=task.description,
            cycle_label=cycle.label,
            cutoff_start=cycle.cutoff_start,
            cutoff_end=cycle.cutoff_end,
            due_on=task_run.effective_due_on,
            days_overdue=nudge.days_overdue if nudge else 0,
            working_days_left=nudge.working_days_left if nudge else None,
            reply_url=reply_url,
        )

    def message(
        self,
        *,
        kind: MessageKind,
        key: str,
        agency: AgencyRecord,
        to: Sequence[Address],
        cc: Sequence[Address],
        tasks: Sequence[TaskItem],
        today: date,
        cycles: Sequence[CycleDigest] = (),
        **details: Any,
    ) -> OutgoingMessage:
        context = MessageContext(
            kind=kind,
            plan=self.plan,
            today=today,
            agency_code=agency.code,
            agency_name=agency.name,
            # The person addressed by name under the agency's ("Ông/Bà ..."): the first recipient.
            greeting_name=to[0].name if to else "",
            tasks=tuple(tasks),
            coordinator=self.coordinator,
            cycles=tuple(cycles),
            **details,
        )
        return OutgoingMessage(
            dedup_key=key,
            kind=kind.value,
            plan_run_id=self.run.id,
            agency_id=agency.id,
            task_run_ids=tuple(t.task_run_id for t in tasks),
            message_id=make_message_id(self.domain, kind.value, str(self.run.id), _short_hash(key)),
            language=self.mailing.language,
            sender=self.sender,
            to=tuple(to),
            cc=tuple(a for a in _unique(cc) if a.email not in {t.email for t in to}),
            rendered=render(context, self.mailing.language),
        )


def _short_hash(key: str) -> str:
    # Message-IDs stay short enough that "Message-ID: <...>" is never folded onto a second line,
    # which some parsers read back with a leading space.
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _people(agency: AgencyRecord, role: ContactRole) -> list[Address]:
    # Retired contacts stay in the store for history, but never receive anything.
    return [Address(c.name, c.email) for c in agency.contacts if c.active and c.role == role.value]


def _unique(addresses: Iterable[Address]) -> list[Address]:
    seen: set[str] = set()
    result = []
    for address in addresses:
        if address.email.lower() not in seen:
            seen.add(address.email.lower())
            result.append(address)
    return result


def _recipients(
    mail: _RunMail, agency: AgencyRecord, *, to_head: bool = False, copy_coordinator: bool = False
) -> tuple[list[Address], list[Address]]:
    focal, heads, copies = (
        _people(agency, role) for role in (ContactRole.FOCAL_POINT, ContactRole.HEAD, ContactRole.COPY)
    )
    to = (heads or focal) if to_head else (focal or heads)
    cc = [*focal, *copies] if to_head else copies
    if copy_coordinator and mail.coordinator is not None:
        cc = [*cc, mail.coordinator]
    return to, cc


def _active_runs(session: Session, run_id: int | None = None) -> list[PlanRun]:
    query = select(PlanRun).where(PlanRun.state == PlanRunState.ACTIVE).order_by(PlanRun.id)
    if run_id is not None:
        query = query.where(PlanRun.id == run_id)
    return list(session.scalars(query))


def _queue_all(
    session: Session,
    summary: NoticeSummary,
    messages: list[OutgoingMessage],
    *,
    now: datetime,
    office_hours: tuple[int, int],
    calendar: WorkingCalendar,
    dry_run: bool,
    actor: str,
) -> None:
    if dry_run:
        known = queued_keys(session, [m.dedup_key for m in messages])
        summary.already_queued += len(known)
        summary.queued.extend(m for m in messages if m.dedup_key not in known)
        return
    created = queue_messages(session, messages, now=now, office_hours=office_hours, calendar=calendar, actor=actor)
    summary.queued.extend(m for m in messages if m.dedup_key in created)
    summary.already_queued += len(messages) - len(created)


def queue_kickoffs(
    session: Session,
    run: PlanRun,
    *,
    now: datetime,
    mailing: Mailing,
    actor: str,
    calendar: WorkingCalendar | None = None,
) -> NoticeSummary:
    """One letter per agency of a new run: its tasks and each one's first deadline."""
    working = calendar or WorkingCalendar()
    mail = _RunMail(session, run, mailing)
    today = local_date(now)
    first_runs: dict[int, dict[str, tuple[TaskRun, ReportingCycle]]] = defaultdict(dict)
    for task_run, cycle in session.execute(
        select(TaskRun, ReportingCycle)
        .join(ReportingCycle, TaskRun.cycle_id == ReportingCycle.id)
        .where(TaskRun.plan_run_id == run.id, TaskRun.state != TaskRunState.CANCELLED)
        .order_by(TaskRun.due_on, TaskRun.id)
    ).tuples():
        first_runs[task_run.agency_id].setdefault(task_run.task_key, (task_run, cycle))
    summary = NoticeSummary()
    messages = []
    for agency_id, by_task in first_runs.items():
        agency = mail.agencies[agency_id]
        to, cc = _recipients(mail, agency)
        if not to:
            summary.problems.append(f"{agency.code}: no active contact; kickoff letter not queued")
            continue
        # A task already open at the start gets its reply link in the kickoff letter itself.
        tasks = [
            mail.task_item(
                task_run,
                cycle,
                reply_url=mail.reply_url(task_run, to, now=now, actor=actor) if task_run.state.awaits_report else None,
            )
            for task_run, cycle in by_task.values()
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
            )
        )
    _queue_all(
        session,
        summary,
        messages,
        now=now,
        office_hours=mail.spec.reminders.office_hours,
        calendar=working,
        dry_run=False,
        actor=actor,
    )
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
    """Open the cycles and task runs whose opening day has come; ask each agency to report."""
    working = calendar or WorkingCalendar()
    today = local_date(now)
    summary = NoticeSummary()
    for run in _active_runs(session, run_id):
        mail = _RunMail(session, run, mailing)
        for cycle in session.scalars(
            select(ReportingCycle).where(
                ReportingCycle.plan_run_id == run.id,
                ReportingCycle.state == CycleState.SCHEDULED,
                ReportingCycle.opens_on <= today,
            )
        ):
            summary.opened_cycles += 1
            if not dry_run:
                fire(session, cycle, "open", actor=actor, now=now, reason=f"opening day {cycle.opens_on.isoformat()}")
        opening: dict[int, list[tuple[TaskRun, ReportingCycle]]] = defaultdict(list)
        for task_run, cycle in session.execute(
            select(TaskRun, ReportingCycle)
            .join(ReportingCycle, TaskRun.cycle_id == ReportingCycle.id)
            .where(TaskRun.plan_run_id == run.id, TaskRun.state == TaskRunState.SCHEDULED, TaskRun.opens_on <= today)
            .order_by(TaskRun.due_on, TaskRun.id)
        ).tuples():
            opening[task_run.agency_id].append((task_run, cycle))
            summary.opened_task_runs += 1
            if not dry_run:
                fire(
                    session,
                    task_run,
                    "open",
                    actor=actor,
                    now=now,
                    reason=f"opening day {task_run.opens_on.isoformat()}",
                )
        messages = []
        for agency_id, items in opening.items() if ask else ():
            agency = mail.agencies[agency_id]
            to, cc = _recipients(mail, agency)
            if not to:
                summary.problems.append(f"{agency.code}: no active contact; request to report not queued")
                continue
            messages.append(
                mail.message(
                    kind=MessageKind.REQUEST,
                    key=f"request:{run.id}:{agency.code}:{today.isoformat()}",
                    agency=agency,
                    to=to,
                    cc=cc,
                    tasks=[
                        mail.task_item(t, c, reply_url=mail.reply_url(t, to, now=now, actor=actor)) for t, c in items
                    ],
                    today=today,
                )
            )
        _queue_all(
            session,
            summary,
            messages,
            now=now,
            office_hours=mail.spec.reminders.office_hours,
            calendar=working,
            dry_run=dry_run,
            actor=actor,
        )
    return summary


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
    working = calendar or WorkingCalendar()
    today = local_date(now)
    summary = NoticeSummary()
    if not working.is_working_day(today):
        return summary
    for run in _active_runs(session, run_id):
        mail = _RunMail(session, run, mailing)
        policy = mail.spec.reminders
        # Read only what the policy needs; most task runs share a few deadlines, so each
        # (deadline, state) pair is judged once. A sweep over 100,000 open task runs stays fast.
        awaited = session.execute(
            select(TaskRun.id, TaskRun.agency_id, TaskRun.due_on, TaskRun.extended_until, TaskRun._state).where(
                TaskRun.plan_run_id == run.id, TaskRun.state.in_([TaskRunState.OPEN, TaskRunState.RETURNED])
            )
        ).all()
        judged: dict[tuple[date, TaskRunState], Nudge | None] = {}
        nudged: dict[int, tuple[int, Nudge]] = {}
        for task_run_id, agency_id, due_on, extended_until, state in awaited:
            deadline = extended_until or due_on
            if (deadline, state) not in judged:
                judged[deadline, state] = nudge_for(AwaitedTask(0, deadline, state), today, policy, working)
            if (nudge := judged[deadline, state]) is not None:
                nudged[task_run_id] = (agency_id, replace(nudge, task_run_id=task_run_id))
        grouped: dict[tuple[int, MessageKind], list[tuple[TaskRun, ReportingCycle, Nudge]]] = defaultdict(list)
        for task_run, cycle in _with_cycles(session, list(nudged)):
            agency_id, nudge = nudged[task_run.id]
            grouped[agency_id, nudge.kind].append((task_run, cycle, nudge))
        messages = []
        for (agency_id, kind), items in grouped.items():
            agency = mail.agencies[agency_id]
            to_head = any(n.to_head for _, _, n in items)
            to, cc = _recipients(
                mail, agency, to_head=to_head, copy_coordinator=any(n.copy_coordinator for *_, n in items)
            )
            if not to:
                summary.problems.append(f"{agency.code}: no active contact; {kind.value} not queued")
                continue
            messages.append(
                mail.message(
                    kind=kind,
                    key=f"{kind.value}:{run.id}:{agency.code}:{today.isoformat()}",
                    agency=agency,
                    to=to,
                    cc=cc,
                    tasks=[
                        mail.task_item(t, c, n, reply_url=mail.reply_url(t, to, now=now, actor=actor))
                        for t, c, n in items
                    ],
                    today=today,
                )
            )
        _queue_all(
            session,
            summary,
            messages,
            now=now,
            office_hours=policy.office_hours,
            calendar=working,
            dry_run=dry_run,
            actor=actor,
        )
    return summary


def _with_cycles(session: Session, task_run_ids: list[int]) -> list[tuple[TaskRun, ReportingCycle]]:
    """The task runs (with their cycles) of ``task_run_ids``, in deadline order, read in chunks."""
    rows: list[tuple[TaskRun, ReportingCycle]] = []
    for start in range(0, len(task_run_ids), 500):
        chunk = task_run_ids[start : start + 500]
        rows.extend(
            session.execute(
                select(TaskRun, ReportingCycle)
                .join(ReportingCycle, TaskRun.cycle_id == ReportingCycle.id)
                .where(TaskRun.id.in_(chunk))
            ).tuples()
        )
    return sorted(rows, key=lambda row: (row[0].effective_due_on, row[0].id))


def queue_task_message(
    session: Session,
    task_run: TaskRun,
    *,
    kind: MessageKind,
    key: str,
    to_contacts: Sequence[ContactRecord],
    now: datetime,
    mailing: Mailing,
    signer: LinkSigner | None = None,
    actor: str = "system",
    **details: Any,
) -> NoticeSummary:
    """One message about one task run to chosen contacts (receipts, returns, extensions, forwards).

    With a ``signer`` the message carries the first contact's reply link. ``details`` go to the
    template: ``comment``, ``forwarded_by``, ``receipt_version`` with ``on_time``, ``extension``.
    """
    run = session.get_one(PlanRun, task_run.plan_run_id)
    mail = _RunMail(session, run, replace(mailing, signer=signer), agency_ids={task_run.agency_id})
    to = [Address(c.name, c.email) for c in to_contacts if c.active]
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
        extras["receipt"] = ReceiptInfo(details["receipt_version"], local_date(now), bool(details.get("on_time")))
    if details.get("extension") is not None:
        request = details["extension"]
        extras["extension"] = ExtensionInfo(
            request.state.value == "approved", request.proposed_until, request.granted_until
        )
    item = mail.task_item(task_run, task_run.cycle, reply_url=mail.reply_url(task_run, to, now=now, actor=actor))
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
    _queue_all(
        session,
        summary,
        [message],
        now=now,
        office_hours=mail.spec.reminders.office_hours,
        calendar=WorkingCalendar(),
        dry_run=False,
        actor=actor,
    )
    return summary


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
    for run in _active_runs(session, run_id):
        mail = _RunMail(session, run, mailing)
        if mail.lead is None or not (to := _people(mail.lead, ContactRole.FOCAL_POINT)):
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
        _queue_all(
            session,
            summary,
            [message],
            now=now,
            office_hours=mail.spec.reminders.office_hours,
            calendar=working,
            dry_run=False,
            actor=actor,
        )
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

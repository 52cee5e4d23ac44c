"""How a plan run writes to people: its sender, its people, and the queueing of rendered messages.

Shared by every step that emails (``notices``, ``digest``, ``reports``): one ``RunMail`` per run and
step loads the plan snapshot, the agencies and their contacts once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from sxsh_flow.addresses import address_problem
from sxsh_flow.agencies.directory import ContactRole
from sxsh_flow.engine.calendar import WorkingCalendar
from sxsh_flow.engine.desk_paths import desk_url
from sxsh_flow.engine.duties import lead_holder
from sxsh_flow.engine.message import (
    Address,
    CycleDigest,
    LegalReference,
    MessageContext,
    MessageKind,
    MessageWriter,
    PlanInfo,
    RenderedMessage,
    TaskItem,
)
from sxsh_flow.engine.models import AgencyRecord, ContactRecord, PlanRun, ReportingCycle, TaskRun
from sxsh_flow.engine.services.agencies import succession_registry
from sxsh_flow.engine.services.links import LinkSigner, LinkTarget, issue_links
from sxsh_flow.engine.services.outbox import SMTP_POLICY, OutgoingMessage, queue_messages, queued_keys
from sxsh_flow.engine.services.outbox_failures import record_unbuilt
from sxsh_flow.engine.spec import PlanSpec, snapshot_spec
from sxsh_flow.engine.states import PlanRunState
from sxsh_flow.engine.time_policy import TimePolicy

DEFAULT_SENDER_DOMAIN = "sxsh-flow.invalid"


@dataclass(frozen=True)
class Mailing:
    """How this installation writes: how a message becomes email, its language, its own sender address."""

    writer: MessageWriter  # notifications.EMAIL_WRITER: the engine renders and composes through it
    language: str = "vi"
    sender_email: str | None = None  # SXSH_MAIL_FROM; else the lead agency's focal point
    signer: LinkSigner | None = None  # signs reply links; without it messages carry none
    # Mixed into every Message-ID, so two installations never send the same one (engine.secrets).
    installation: str = ""
    base_url: str | None = None  # the portal (SXSH_BASE_URL); else the signer's, which is the same

    def desk_link(self, path: str) -> str | None:
        """The address of a desk page (``engine.desk_paths``) for a coordinator's email; None without a portal."""
        base = self.base_url or (self.signer.base_url if self.signer is not None else None)
        return desk_url(base, path) if base else None


@dataclass
class NoticeSummary:
    """What a step queued (or, in a dry run, would queue), and what it could not."""

    queued: list[OutgoingMessage] = field(default_factory=list)
    already_queued: int = 0
    opened_cycles: int = 0
    opened_task_runs: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AwaitedRun:
    """What a message shows of a task run, read as columns: a sweep holds thousands, not their ORM objects."""

    id: int
    agency_id: int
    task_key: str
    task_title: str
    effective_due_on: date


class RunMail:
    """A run's plan, province and people, loaded once per step."""

    def __init__(
        self,
        session: Session,
        run: PlanRun,
        mailing: Mailing,
        agency_ids: set[int] | None = None,
        calendar: WorkingCalendar | None = None,
        *,
        on: date,
    ) -> None:
        self.session = session
        self.run = run
        self.spec = run_spec(run)
        self.mailing = mailing
        # The run's one time policy: every count of days and every sending hour of this step.
        self.time = TimePolicy.for_plan(self.spec, calendar=calendar)
        # Who holds the run on ``on``: after a merger, the successor province and its lead agency
        # (Hải Dương's plan is Hải Phòng's from 01/07/2025), and with them the coordinator.
        registry = succession_registry(session, run.province_code, self.spec.lead)
        province = registry.province_on(run.province_code, on) if run.province_code in registry else None
        held_by = lead_holder(self.spec, registry, run.province_code, on) if province is not None else None
        lead_key = (held_by.province, held_by.agency.code) if held_by else (run.province_code, self.spec.lead)
        provinces = [p.code for p in registry.provinces] or [run.province_code]
        # A message about one task needs two agencies, not the province's hundreds.
        query = select(AgencyRecord).where(AgencyRecord.province_code.in_(provinces))
        is_lead = (AgencyRecord.province_code == lead_key[0]) & (AgencyRecord.code == lead_key[1])
        if agency_ids is not None:
            query = select(AgencyRecord).where(or_(AgencyRecord.id.in_(agency_ids), is_lead))
        self.agencies = {a.id: a for a in session.scalars(query.options(selectinload(AgencyRecord.contacts)))}
        lead = next((a for a in self.agencies.values() if (a.province_code, a.code) == lead_key), None)
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
        focal = people(lead, ContactRole.FOCAL_POINT) if lead else []
        self.coordinator = focal[0] if focal else None
        sender_email = mailing.sender_email or (self.coordinator.email if self.coordinator else None)
        self.sender = Address(lead_name, sender_email or f"noreply@{DEFAULT_SENDER_DOMAIN}")
        self.domain = self.sender.email.rpartition("@")[2] or DEFAULT_SENDER_DOMAIN
        # An unattended sender (SXSH_MAIL_FROM=noreply@...) cannot take the replies every letter
        # invites: they go to the coordinator, a person.
        self.reply_to: tuple[Address, ...] = ()
        if self.coordinator is not None and self.coordinator.email.lower() != self.sender.email.lower():
            self.reply_to = (self.coordinator,)
        # Why an address was left out, or a message not queued; a step adds them to its summary.
        self.problems: list[str] = []

    def sendable(self, agency: AgencyRecord, addresses: Iterable[Address]) -> list[Address]:
        """``addresses`` without those the SMTP path cannot send to, each left out with a problem line."""
        kept = []
        for address in addresses:
            problem = address_problem(address.email)
            if problem is None:
                kept.append(address)
            else:
                self.problems.append(f"{agency.code}: {problem}; left out of its mail until the directory is fixed")
        return kept

    def reply_url(self, task_run: TaskRun, to: Sequence[Address], *, now: datetime, actor: str) -> str | None:
        """The reply link of the message's first recipient for ``task_run``, issued if need be."""
        return self.reply_urls([(task_run, to)], now=now, actor=actor)[0]

    def reply_urls(
        self, wanted: Sequence[tuple[TaskRun | LinkTarget, Sequence[Address]]], *, now: datetime, actor: str
    ) -> list[str | None]:
        """``reply_url`` of each (task run, recipients) of ``wanted``, the links issued together."""
        signer = self.mailing.signer
        contacts: list[ContactRecord | None] = [None] * len(wanted)
        addressed: dict[tuple[int, str], ContactRecord | None] = {}  # an agency's tasks share their recipient
        for index, (task_run, to) in enumerate(wanted):
            if signer is not None and to:
                key = (task_run.agency_id, to[0].email)
                if key not in addressed:
                    agency = self.agencies[task_run.agency_id]
                    addressed[key] = next((c for c in agency.contacts if c.active and c.email == key[1]), None)
                contacts[index] = addressed[key]
        asked = [(task_run, contact) for (task_run, _), contact in zip(wanted, contacts, strict=True) if contact]
        if signer is None or not asked:
            return [None] * len(wanted)
        urls = iter([signer.url(link) for link in issue_links(self.session, asked, now=now, actor=actor)])
        return [next(urls) if contact is not None else None for contact in contacts]

    def linkable(self, task_run_ids: Sequence[int]) -> dict[int, LinkTarget]:
        """The task runs of ``task_run_ids`` that reply links are issued for, read a few hundred a query.

        As columns: a sweep links thousands, and issuing a link needs none of their ORM objects.
        """
        found: dict[int, LinkTarget] = {}
        columns = TaskRun.id, TaskRun.plan_run_id, TaskRun.agency_id, TaskRun.cycle_id, TaskRun._state
        for start in range(0, len(task_run_ids), 500):
            chunk = task_run_ids[start : start + 500]
            found.update(
                (row[0], LinkTarget(*row))
                for row in self.session.execute(select(*columns).where(TaskRun.id.in_(chunk)))
            )
        return found

    def task_item(
        self,
        task_run: TaskRun | AwaitedRun,
        cycle: ReportingCycle,
        reply_url: str | None = None,
        partners: Sequence[str] = (),
    ) -> TaskItem:
        """``task_run`` as a message shows it; ``message`` counts its days on the message's day."""
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
            reply_url=reply_url,
            partners=tuple(partners),
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
            tasks=tuple(task.counted_on(today, self.time) for task in tasks),
            day_unit=self.time.unit,
            coordinator=self.coordinator,
            cycles=tuple(cycles),
            installation=self.mailing.installation,
            **details,
        )
        return OutgoingMessage(
            dedup_key=key,
            kind=kind.value,
            plan_run_id=self.run.id,
            agency_id=agency.id,
            task_run_ids=tuple(t.task_run_id for t in tasks),
            message_id=self.mailing.writer.message_id(
                self.domain,
                kind.value,
                str(self.run.id),
                short_hash(f"{self.mailing.installation}:{key}" if self.mailing.installation else key),
            ),
            language=self.mailing.language,
            sender=self.sender,
            to=tuple(to),
            cc=tuple(a for a in unique(cc) if a.email.lower() not in {t.email.lower() for t in to}),
            rendered=self.mailing.writer.render(context, self.mailing.language),
        )

    def queue(
        self,
        summary: NoticeSummary,
        messages: list[OutgoingMessage],
        *,
        now: datetime,
        actor: str,
        dry_run: bool = False,
    ) -> None:
        """Queue ``messages`` in the plan's office hours (a dry run only says what is new).

        Each message is built here first, dry run or not. One that cannot be built never stops the
        others (issue 12: one address stopped every reminder): it gets a problem line and, unless in
        a dry run, a FAILED row in the outbox with why, under its key, so a second run records it once.
        """
        built: dict[str, bytes] = {}
        sendable = []
        unbuilt: list[tuple[OutgoingMessage, str]] = []
        for message in messages:
            try:
                built[message.message_id] = self._serialise(message, now=now)
            except ValueError as exc:
                agency = self.agencies.get(message.agency_id) if message.agency_id is not None else None
                self.problems.append(f"{agency.code if agency else '-'}: {message.kind} cannot be sent: {exc}")
                unbuilt.append((message, str(exc)))
                continue
            sendable.append(message)
        summary.problems.extend(dict.fromkeys(self.problems))
        self.problems.clear()
        messages = sendable

        def composed(
            rendered: RenderedMessage,
            *,
            sender: Address,
            to: Sequence[Address],
            cc: Sequence[Address],
            reply_to: Sequence[Address] = (),
            message_id: str,
            sent_at: datetime,
            language: str,
        ) -> bytes:
            return built[message_id]  # the very message built above

        if dry_run:
            known = queued_keys(self.session, [m.dedup_key for m in messages])
            summary.already_queued += len(known)
            summary.queued.extend(m for m in messages if m.dedup_key not in known)
            return
        record_unbuilt(self.session, unbuilt, now=now, actor=actor)
        created = queue_messages(
            self.session,
            messages,
            compose=composed,
            now=now,
            time=self.time,
            actor=actor,
        )
        summary.queued.extend(m for m in messages if m.dedup_key in created)
        summary.already_queued += len(messages) - len(created)

    def _serialise(self, message: OutgoingMessage, *, now: datetime) -> bytes:
        """The bytes the outbox keeps for ``message`` (``ValueError`` when it cannot be built)."""
        writer = self.mailing.writer
        arguments: dict[str, Any] = dict(
            sender=message.sender, to=message.to, cc=message.cc, reply_to=self.reply_to,
            message_id=message.message_id, sent_at=now, language=message.language,
        )  # fmt: skip
        if writer.compose_bytes is not None:
            return writer.compose_bytes(message.rendered, **arguments)
        return writer.compose(message.rendered, **arguments).as_bytes(policy=SMTP_POLICY)


def run_spec(run: PlanRun) -> PlanSpec:
    """``run``'s plan snapshot, validated once per content hash (``engine.spec.snapshot_spec``)."""
    return snapshot_spec(run.spec, run.plan_hash)


def short_hash(key: str) -> str:
    # Message-IDs stay short enough that "Message-ID: <...>" is never folded onto a second line,
    # which some parsers read back with a leading space.
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def people(agency: AgencyRecord, role: ContactRole) -> list[Address]:
    # Retired contacts stay in the store for history, but never receive anything.
    return [Address(c.name, c.email) for c in agency.contacts if c.active and c.role == role.value]


def unique(addresses: Iterable[Address]) -> list[Address]:
    seen: set[str] = set()
    result = []
    for address in addresses:
        if address.email.lower() not in seen:
            seen.add(address.email.lower())
            result.append(address)
    return result


def recipients(
    mail: RunMail, agency: AgencyRecord, *, to_head: bool = False, copy_coordinator: bool = False
) -> tuple[list[Address], list[Address]]:
    focal, heads, copies = (
        people(agency, role) for role in (ContactRole.FOCAL_POINT, ContactRole.HEAD, ContactRole.COPY)
    )
    focal, heads, copies = (mail.sendable(agency, group) for group in (focal, heads, copies))
    to = (heads or focal) if to_head else (focal or heads)
    cc = [*focal, *copies] if to_head else copies
    if copy_coordinator and mail.coordinator is not None:
        cc = [*cc, mail.coordinator]
    return to, cc


def active_runs(session: Session, run_id: int | None = None) -> list[PlanRun]:
    query = select(PlanRun).where(PlanRun.state == PlanRunState.ACTIVE).order_by(PlanRun.id)
    if run_id is not None:
        query = query.where(PlanRun.id == run_id)
    return list(session.scalars(query))

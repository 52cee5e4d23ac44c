"""What a message is about (its context), what rendering makes of it, and who it goes to.

The engine decides what to say and to whom; how that becomes an email belongs to the layer above,
``notifications/``, which hands the engine a ``MessageWriter``: ``render`` turns a ``MessageContext``
into a ``RenderedMessage`` with no side effects, ``compose`` builds the ``EmailMessage`` a transport
sends. The outbox stores the composed bytes, so a resent message is the very same message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from email.message import EmailMessage
from typing import Protocol

from sxsh_flow.engine.message_kind import MessageKind as MessageKind  # re-exported: its users import it from here
from sxsh_flow.engine.report_counts import ReportCounts
from sxsh_flow.engine.time_policy import DayUnit, TimePolicy


@dataclass(frozen=True)
class Address:
    name: str
    email: str


@dataclass(frozen=True)
class LegalReference:
    number: str
    date: date
    issuer: str
    title: str = ""


@dataclass(frozen=True)
class PlanInfo:
    key: str
    title: str
    short_title: str
    province_name: str
    lead_name: str  # Sở Công Thương tỉnh Hải Dương
    legal_basis: tuple[LegalReference, ...]


@dataclass(frozen=True)
class TaskItem:
    """One task run as a message shows it."""

    task_run_id: int
    task_key: str
    title: str
    description: str
    cycle_label: str
    cutoff_start: date
    cutoff_end: date
    due_on: date
    # Counted by the run's TimePolicy, in the message's ``day_unit``: days past the deadline, and
    # days until it (None once it has passed).
    days_overdue: int = 0
    days_left: int | None = None
    reply_url: str | None = None  # the signed link of the reply portal (a later issue)
    partners: tuple[str, ...] = ()  # KICKOFF, REQUEST: the names of the agencies that take part

    def counted_on(self, today: date, time: TimePolicy) -> TaskItem:
        """This task with its days left (None once the deadline passed) and days overdue on ``today``."""
        left = time.days_left(self.due_on, today) if self.due_on >= today else None
        return replace(self, days_left=left, days_overdue=time.days_late(self.due_on, today))


@dataclass(frozen=True)
class PartnerTask:
    """A task an agency takes part in without reporting on it ("để phối hợp"): told, never asked."""

    task_key: str
    title: str
    description: str
    cycle_label: str
    cutoff_start: date
    cutoff_end: date
    due_on: date  # the lead agencies' deadline
    leads: tuple[str, ...]  # the names of the agencies that carry it out and report


@dataclass(frozen=True)
class AgencyProgress:
    """A line of the coordinator's digest."""

    agency_code: str
    agency_name: str
    task_title: str
    due_on: date
    state_label: str
    days_overdue: int = 0  # in the message's day_unit


@dataclass(frozen=True)
class CycleDigest:
    label: str
    cutoff_start: date
    cutoff_end: date
    due_on: date
    total: int
    reported: int  # submitted or accepted
    reported_late: tuple[AgencyProgress, ...] = ()
    overdue: tuple[AgencyProgress, ...] = ()
    due_next: tuple[AgencyProgress, ...] = ()  # every unit still owing a report, not yet overdue
    soon_until: date | None = None  # DIGEST: the last day of "due soon" (N working days ahead)
    # CYCLE_CLOSED: the counts its consolidated report states (the lead's own report upward apart).
    counts: ReportCounts | None = None

    @property
    def due_soon(self) -> tuple[AgencyProgress, ...]:
        """The units of ``due_next`` whose deadline falls by ``soon_until``."""
        return tuple(p for p in self.due_next if self.soon_until is not None and p.due_on <= self.soon_until)

    @property
    def due_later(self) -> tuple[AgencyProgress, ...]:
        """The units of ``due_next`` not yet due soon."""
        return tuple(p for p in self.due_next if self.soon_until is None or p.due_on > self.soon_until)


@dataclass(frozen=True)
class ReceiptInfo:
    version: int
    received_on: date
    on_time: bool
    days_late: int = 0  # in the message's day_unit


@dataclass(frozen=True)
class ExtensionInfo:
    approved: bool
    requested_until: date
    granted_until: date | None  # the new deadline when approved


@dataclass(frozen=True)
class HandedOver:
    """A duty that passed from an agency that ended to its successor, as a message shows it."""

    task_run_id: int  # the successor's task run: the line of ``tasks`` it belongs to (HANDOVER)
    task_title: str
    cycle_label: str
    from_name: str  # the name the ended agency had
    to_name: str
    since: date  # the first day the successor holds the duty
    merged: bool  # the successor already held the task in that cycle: its own task run carries it
    lettered: bool = True  # SUCCESSION: the successor got a handover letter (it has a contact to write to)


@dataclass(frozen=True)
class MessageContext:
    """Everything a template may show; fields a kind does not use stay empty."""

    kind: MessageKind
    plan: PlanInfo
    today: date
    agency_code: str
    agency_name: str
    greeting_name: str  # the person addressed ("Kính gửi: Ông/Bà ...")
    tasks: tuple[TaskItem, ...] = ()
    # KICKOFF, REQUEST: the tasks the agency takes part in for coordination (no reply link, no reminder)
    partner_tasks: tuple[PartnerTask, ...] = ()
    coordinator: Address | None = None  # who to ask (the lead agency's focal point)
    cycles: tuple[CycleDigest, ...] = ()  # DIGEST only
    receipt: ReceiptInfo | None = None  # RECEIPT only
    comment: str = ""  # RETURNED: the coordinator's comment; EXTENSION: the answer's reason
    extension: ExtensionInfo | None = None  # EXTENSION only
    forwarded_by: str = ""  # FORWARDED: the name of the colleague who forwarded the task
    handovers: tuple[HandedOver, ...] = ()  # HANDOVER: the duties taken over; SUCCESSION: every move
    letters: int = 0  # SUCCESSION: how many handover letters went to successors
    day_unit: DayUnit = DayUnit.WORKING  # what every count of days in the message counts (the run's policy)
    installation: str = ""  # mixed into calendar UIDs: two installations never share an event
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MailAttachment:
    """A file sent with a message (the consolidated report's .docx and .xlsx)."""

    filename: str
    content_type: str  # "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    data: bytes


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str
    calendar: str | None = None  # an iCalendar (.ics) document of the deadlines, if any
    attachments: tuple[MailAttachment, ...] = ()


@dataclass(frozen=True)
class Envelope:
    """A serialised message and its SMTP envelope: what the dispatcher hands a transport.

    Building the envelope from the outbox row, not from the message's headers, spares parsing
    every header back (Python's ``email`` parser is the slowest part of sending otherwise).
    """

    sender: str
    recipients: tuple[str, ...]
    data: bytes  # CRLF line endings, 7-bit, as it goes on the wire


class Composer(Protocol):
    def __call__(
        self,
        rendered: RenderedMessage,
        *,
        sender: Address,
        to: Sequence[Address],
        cc: Sequence[Address],
        reply_to: Sequence[Address] = (),
        message_id: str,
        sent_at: datetime,
        language: str,
    ) -> EmailMessage: ...


class RawComposer(Protocol):
    """A ``Composer`` that gives the serialised bytes (CRLF, 7-bit) rather than an ``EmailMessage``."""

    def __call__(
        self,
        rendered: RenderedMessage,
        *,
        sender: Address,
        to: Sequence[Address],
        cc: Sequence[Address],
        reply_to: Sequence[Address] = (),
        message_id: str,
        sent_at: datetime,
        language: str,
    ) -> bytes: ...


@dataclass(frozen=True)
class MessageWriter:
    """How a message becomes an email: given to the engine by ``notifications`` (``EMAIL_WRITER``).

    The engine never imports the layer that renders: it calls what it is given, so templates,
    MIME and transports can change without the engine knowing.
    """

    render: Callable[[MessageContext, str], RenderedMessage]  # (context, language)
    compose: Composer
    message_id: Callable[..., str]  # (domain, *parts): stable, so a resent message keeps its id
    # The bytes ``compose`` gives under the SMTP policy, written faster; without it, ``compose`` is serialised.
    compose_bytes: RawComposer | None = None

"""The outbox in the store: queue once, claim safely (``outbox_outcomes`` records what the server said).

Queueing is an insert that does nothing when the message's key is already there, so a sweep run
twice, or two sweeps at once, queue a reminder once. Claiming is one UPDATE that takes due rows
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several dispatchers never take the same row; SQLite
serialises writers). Rows a dead dispatcher left in SENDING are taken again after a lease, measured
on the database's clock: dispatchers on machines whose clocks disagree read the same one.

Delivery is per recipient: a later try goes only to the recipients still waiting (neither
``delivered_to`` nor refused for good), with the very same bytes and Message-ID.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import policy as email_policy

from sqlalchemy import and_, func, literal_column, or_, select
from sqlalchemy.orm import Session

from sxsh_flow.engine.message import Address, Composer, Envelope, RawComposer, RenderedMessage
from sxsh_flow.engine.models import OutboxMessage
from sxsh_flow.engine.services.transitions import create_new, fire, fire_where
from sxsh_flow.engine.states import OUTBOX
from sxsh_flow.engine.time_policy import NATIONAL, TimePolicy
from sxsh_flow.errors import MessageNeverBuilt, UnknownOutboxMessage

# How the outbox serialises: CRLF line endings, as SMTP carries them and as .eml files are.
SMTP_POLICY = email_policy.SMTP
DEFAULT_LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class OutgoingMessage:
    """A rendered message and where it goes, ready to queue."""

    dedup_key: str
    kind: str
    plan_run_id: int | None
    agency_id: int | None
    task_run_ids: tuple[int, ...]
    message_id: str
    language: str
    sender: Address
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    rendered: RenderedMessage
    reason: str = ""  # why it is sent: for a reminder, why its rule fired (``Nudge.reason``)


@dataclass(frozen=True)
class ClaimedMessage:
    """What a dispatcher needs to send a row; plain data, no ORM object crosses to the sender."""

    id: int
    message_id: str
    envelope: Envelope


def _addresses(items: Sequence[Address]) -> list[dict[str, str]]:
    return [{"name": a.name, "email": a.email} for a in items]


def queue_message(
    session: Session,
    message: OutgoingMessage,
    *,
    compose: Composer | RawComposer,
    now: datetime,
    time: TimePolicy = NATIONAL,
    actor: str = "system",
) -> int | None:
    """Queue ``message`` unless its key is queued already; return the new row's id, or None."""
    queued = queue_messages(session, [message], compose=compose, now=now, time=time, actor=actor)
    return queued.get(message.dedup_key)


def queue_messages(
    session: Session,
    messages: Sequence[OutgoingMessage],
    *,
    compose: Composer | RawComposer,
    now: datetime,
    time: TimePolicy = NATIONAL,
    actor: str = "system",
) -> dict[str, int]:
    """Queue every message whose key is not queued yet, in two statements; return {key: new id}.

    Each message is composed here, once: what is queued is exactly what will be sent.
    """
    if not messages:
        return {}
    # Sent in the office hours of the run's plan, on its working days.
    not_before = time.next_office_instant(now)
    rows = [_row(message, compose, now=now, not_before=not_before) for message in messages]
    created = create_new(
        session, OutboxMessage, rows, unique=("dedup_key",), actor=actor, now=now, reason=lambda row: row["dedup_key"]
    )
    return {key: row_id for (key,), row_id in created.items()}


def _row(
    message: OutgoingMessage, compose: Composer | RawComposer, *, now: datetime, not_before: datetime
) -> dict[str, object]:
    email = compose(
        message.rendered, sender=message.sender, to=message.to, cc=message.cc, message_id=message.message_id,
        sent_at=now, language=message.language,
    )  # fmt: skip
    return {
        **message_columns(message),
        "raw": email if isinstance(email, bytes) else email.as_bytes(policy=SMTP_POLICY),
        "queued_at": now,
        "next_attempt_at": not_before,
        "attempts": 0,
    }


def message_columns(message: OutgoingMessage) -> dict[str, object]:
    """The columns a row takes from its message, built or not."""
    return {
        "dedup_key": message.dedup_key,
        "kind": message.kind,
        "plan_run_id": message.plan_run_id,
        "agency_id": message.agency_id,
        "task_run_ids": list(message.task_run_ids),
        "message_id": message.message_id,
        "language": message.language,
        "sender": {"name": message.sender.name, "email": message.sender.email},
        "to": _addresses(message.to),
        "cc": _addresses(message.cc),
        "subject": message.rendered.subject,
        "reason": message.reason,
    }


def queued_keys(session: Session, keys: Sequence[str]) -> set[str]:
    """Which of ``keys`` are in the outbox already (for dry runs)."""
    if not keys:
        return set()
    return set(session.scalars(select(OutboxMessage.dedup_key).where(OutboxMessage.dedup_key.in_(keys))))


def claim(
    session: Session,
    *,
    now: datetime,
    dispatcher: str,
    limit: int = 100,
    lease: timedelta = DEFAULT_LEASE,
) -> list[ClaimedMessage]:
    """Take up to ``limit`` rows that are due, or abandoned by a dead dispatcher, for sending.

    Due is judged on ``now`` (the plan's time); the lease on the database's clock, read once here.
    """
    held_since = database_now(session)
    due = or_(
        and_(OutboxMessage.state.in_(OUTBOX.sources("claim")), OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.state.in_(OUTBOX.sources("reclaim")), OutboxMessage.claimed_at < held_since - lease),
    )
    candidates = select(OutboxMessage.id).where(due).order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    candidates = candidates.limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    claimed: list[int] = []
    while not claimed:
        ids = list(session.scalars(candidates))
        if not ids:
            return []
        # SQLite takes no row locks: another dispatcher may take these rows between the SELECT and
        # the moves. Each move re-checks its own condition, so such a row (now SENDING with a fresh
        # claim) is not taken twice; a dispatcher that lost every row of its choice chooses again.
        claimed = _take(session, ids, now=now, held_since=held_since, dispatcher=dispatcher, lease=lease)
    rows = session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(claimed)).execution_options(populate_existing=True)
    )
    return [
        ClaimedMessage(
            id=row.id,
            message_id=row.message_id,
            envelope=Envelope(sender=row.sender["email"], recipients=waiting_recipients(row), data=row.raw),
        )
        for row in sorted(rows, key=lambda r: r.id)
    ]


def database_now(session: Session) -> datetime:
    """The database's clock, in UTC: the one clock every dispatcher of a store shares.

    Leases are measured on it, never on the dispatcher's own clock, which may be minutes off
    (or, in a simulation, years).
    """
    if session.get_bind().dialect.name == "sqlite":
        # CURRENT_TIMESTAMP has whole seconds only; a lease of a second would be a coin toss.
        text = session.scalar(select(func.strftime("%Y-%m-%d %H:%M:%f", literal_column("'now'"))))
        return datetime.fromisoformat(str(text)).replace(tzinfo=UTC)
    moment = session.scalar(select(func.clock_timestamp()))
    assert isinstance(moment, datetime)
    return moment.astimezone(UTC)


def waiting_recipients(row: OutboxMessage) -> tuple[str, ...]:
    """Who should still get the message: To and Cc, less those who have it or refused it for good."""
    done = {address.lower() for address in row.delivered_to}
    done |= {address.lower() for address, answer in row.refused.items() if answer.get("permanent")}
    waiting: list[str] = []
    for address in (a["email"] for a in (*row.to, *row.cc)):
        if address.lower() not in done:
            done.add(address.lower())
            waiting.append(address)
    return tuple(waiting)


def _take(
    session: Session, ids: list[int], *, now: datetime, held_since: datetime, dispatcher: str, lease: timedelta
) -> list[int]:
    """Move the chosen rows to SENDING (reclaiming abandoned ones): their ids, each with its history row."""
    taken = {"claimed_by": dispatcher, "claimed_at": held_since, "attempts": OutboxMessage.attempts + 1}
    actor = f"dispatcher:{dispatcher}"
    chosen = OutboxMessage.id.in_(ids)
    abandoned = and_(chosen, OutboxMessage.claimed_at < held_since - lease)
    return [
        *fire_where(
            session, OutboxMessage, "reclaim", where=abandoned, actor=actor, now=now, values=taken,
            reason="the dispatcher that claimed it did not finish",
        ),
        *fire_where(
            session, OutboxMessage, "claim", where=and_(chosen, OutboxMessage.next_attempt_at <= now), actor=actor,
            now=now, values=taken,
        ),
    ]  # fmt: skip


def requeue(session: Session, outbox_id: int, *, now: datetime, actor: str) -> OutboxMessage:
    """Send a failed or waiting message again at once (after the coordinator fixed the address).

    A message that could not be built is refused with why (``MessageNeverBuilt``): it has no bytes,
    and what it said is not kept to build it again.
    """
    row = session.get(OutboxMessage, outbox_id)
    if row is None:
        raise UnknownOutboxMessage(outbox_id)
    if not row.raw:  # never built (``outbox_failures.record_unbuilt``): there are no bytes to send
        raise MessageNeverBuilt(outbox_id, row.last_error or "")
    fire(session, row, "requeue", actor=actor, now=now, reason="requeued by hand")
    row.next_attempt_at = now
    row.refused = {}  # every refusal is tried again; who has the message does not get it twice
    return row


def outbox_counts(session: Session) -> dict[str, int]:
    return {
        str(state): count
        for state, count in session.execute(select(OutboxMessage._state, func.count()).group_by(OutboxMessage._state))
    }

"""What the mail server said of each message sent, written to the outbox (``record``).

Delivery is per recipient: a row remembers who has the message (``delivered_to``) and who refused
it (``refused``: 4xx waits for another try, 5xx for the coordinator). A dispatcher records every
message it sends, so ``record`` writes in a few statements whatever the number of outcomes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from sxsh_flow.engine.models import DeliveryAttempt, OutboxMessage
from sxsh_flow.engine.services.transitions import RowMove, fire_rows
from sxsh_flow.engine.states import OUTBOX
from sxsh_flow.engine.time_policy import RunPolicies

NO_RUNS = RunPolicies()  # every row on the national calendar, 08–17

# Built once (see transitions: a reused statement's cache key is memoised); Core, not the ORM's bulk path.
_ATTEMPTS = insert(DeliveryAttempt.__table__)  # type: ignore[arg-type]  # a Table, typed FromClause
_COLUMNS = select(
    OutboxMessage.id, OutboxMessage._state, OutboxMessage.attempts, OutboxMessage.plan_run_id,
    OutboxMessage.delivered_to, OutboxMessage.refused,
).where(OutboxMessage.id.in_(bindparam("p_ids", expanding=True)))  # fmt: skip
_COLUMNS_LOCKED = _COLUMNS.with_for_update()


@dataclass(frozen=True)
class Refusal:
    """One recipient the server turned down, and its answer: 5xx is for good, anything else for now."""

    address: str
    code: int
    response: str

    @property
    def permanent(self) -> bool:
        return 500 <= self.code < 600


@dataclass(frozen=True)
class Outcome:
    """What happened to one claimed message (the transport's answer).

    ``ok`` means the server took the message for ``recipients`` except those in ``refused``; when it
    is false with ``refused`` given, the server refused every recipient, each with its own answer.
    """

    outbox_id: int
    ok: bool
    permanent: bool
    code: int | None
    response: str
    recipients: tuple[str, ...] = ()  # the envelope this attempt went to
    refused: tuple[Refusal, ...] = ()


Move = Literal["deliver", "defer", "fail"]


@dataclass(frozen=True)
class Recorded:
    """What the outbox made of one outcome: ``move`` is "deliver", "defer" or "fail"."""

    outbox_id: int
    move: Move
    error: str  # "" when delivered; else the server's answers, per refused recipient when it named them


def record(
    session: Session,
    outcomes: Sequence[Outcome],
    *,
    now: datetime,
    dispatcher: str,
    policies: RunPolicies | None = None,
) -> list[Recorded]:
    """Write each attempt and move each row: sent, retry later, or failed for the coordinator.

    A message refused for now is tried again after its backoff, in the office hours of its run's plan.
    A row waits while any recipient refused it for now, and fails once the only ones left refused
    it for good. Returns, per outcome, the move decided and what to tell the coordinator.

    A dispatcher calls this for every message it sends, so it writes in a few statements whatever
    the number of outcomes (``fire_rows``), and reads the rows' columns, not their bytes.
    """
    if not outcomes:
        return []
    # The attempts first: on SQLite that write takes the database's write lock, so the rows read
    # next cannot change before the commit; on PostgreSQL, FOR UPDATE holds them.
    session.execute(
        _ATTEMPTS,
        [
            {
                "message_id": o.outbox_id, "at": now, "dispatcher": dispatcher, "ok": o.ok,
                "permanent": o.permanent, "code": o.code, "response": o.response[:2000],
            }
            for o in outcomes
        ],
    )  # fmt: skip
    reading = _COLUMNS_LOCKED if session.get_bind().dialect.name == "postgresql" else _COLUMNS
    rows = {row.id: row for row in session.execute(reading, {"p_ids": [o.outbox_id for o in outcomes]})}
    recorded: list[Recorded] = []
    moves: list[RowMove] = []
    kept: list[dict[str, object]] = []
    for outcome in outcomes:
        row = rows[outcome.outbox_id]
        delivered, refused = list(row.delivered_to), dict(row.refused)
        if outcome.ok or outcome.refused:
            move, error = _per_recipient(delivered, refused, outcome)
        else:
            move, error = _whole(outcome)
        recorded.append(Recorded(row.id, move, error))
        columns: dict[str, object] = {"delivered_to": delivered, "refused": refused}
        if not OUTBOX.can(row._state, move):
            # Someone requeued or cancelled it meanwhile: keep the attempt and who has it, leave the state.
            kept.append({"p_id": row.id, "p_delivered_to": delivered, "p_refused": refused})
            continue
        if move == "deliver":
            columns |= {"sent_at": now, "smtp_response": outcome.response, "last_error": None}
        else:
            columns["last_error"] = error
        if move == "defer":
            columns["next_attempt_at"] = (policies or NO_RUNS).of(row.plan_run_id).retry_at(now, row.attempts)
        reason = error[:200] if error else outcome.response[:200]
        moves.append(RowMove(row.id, row._state, move, row.plan_run_id, reason, columns))
    fire_rows(session, OutboxMessage, moves, actor=f"dispatcher:{dispatcher}", now=now)
    if kept:
        table = OutboxMessage.__mapper__.columns["id"].table
        session.execute(
            update(table)
            .where(table.c.id == bindparam("p_id"))
            .values(delivered_to=bindparam("p_delivered_to"), refused=bindparam("p_refused")),
            kept,
        )
    return recorded


def _whole(outcome: Outcome) -> tuple[Move, str]:
    """The server refused the message itself (or could not be reached): one answer for every recipient."""
    return ("fail" if outcome.permanent else "defer"), outcome.response


def _per_recipient(delivered: list[str], refused: dict[str, dict[str, Any]], outcome: Outcome) -> tuple[Move, str]:
    """Note in ``delivered`` who has the message and in ``refused`` who refused it (both updated in place).

    Returns the move (the row waits while any refusal was for now) and, unless every recipient has
    the message, what to tell the coordinator.
    """
    refused_now = {refusal.address.lower(): refusal for refusal in outcome.refused}
    accepted = [a for a in outcome.recipients if a.lower() not in refused_now] if outcome.ok else []
    for address in accepted:
        if address.lower() not in {d.lower() for d in delivered}:
            delivered.append(address)
        refused.pop(address, None)
    for refusal in outcome.refused:
        refused[refusal.address] = {
            "code": refusal.code,
            "response": refusal.response[:500],
            "permanent": refusal.permanent,
        }
    if not refused:
        return "deliver", ""
    error = "; ".join(f"{address}: {answer['code']} {answer['response']}" for address, answer in refused.items())
    return ("defer" if any(not answer["permanent"] for answer in refused.values()) else "fail"), error

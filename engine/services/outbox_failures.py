"""What the coordinator must act on in the outbox: messages that could not be built, and failures.

A message that cannot be built (an address the mail path cannot send to) never stops the others
(issue 12): it is recorded here as a FAILED row with why, under its key, so ``outbox list`` and
``status`` show it instead of a line that scrolls away, and the same step run again records it once.
Such a row has no bytes: the dispatcher takes no failed row, and ``requeue`` refuses it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from sxsh_flow.engine.models import OutboxMessage
from sxsh_flow.engine.services.outbox import OutgoingMessage, message_columns
from sxsh_flow.engine.services.transitions import create_new


def record_unbuilt(
    session: Session,
    failures: Sequence[tuple[OutgoingMessage, str]],
    *,
    now: datetime,
    actor: str = "system",
) -> dict[str, int]:
    """Record each message that could not be built, with why, as a FAILED row; return {key: new id}.

    A key already in the outbox (queued, sent or failed before) is left as it is.
    """
    if not failures:
        return {}
    rows = [
        {
            **message_columns(message),
            "raw": b"",
            "last_error": why,
            "queued_at": now,
            "next_attempt_at": now,
            "attempts": 0,
        }
        for message, why in failures
    ]
    created = create_new(
        session, OutboxMessage, rows, unique=("dedup_key",), actor=actor, now=now, transition="refuse",
        reason=lambda row: str(row["last_error"])[:200],
    )  # fmt: skip
    return {key: row_id for (key,), row_id in created.items()}

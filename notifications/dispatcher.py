"""The dispatcher: take due rows from the outbox, send them, record what the server said.

Rows are claimed in batches in one short transaction and sent concurrently (up to the transport's
pool); each outcome is recorded in its own transaction as soon as the server answers. A crash
therefore leaves unrecorded only the messages in flight at that instant (at most the pool's size):
after the lease another dispatcher takes them and sends the same Message-IDs again, once each.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sxsh_flow.engine.calendar import WorkingCalendar
from sxsh_flow.engine.clock import Clock
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.services.outbox import DEFAULT_LEASE, ClaimedMessage, Outcome, Recorded, claim, record
from sxsh_flow.engine.services.policies import run_policies
from sxsh_flow.notifications.transports import Delivery, Transport


@dataclass
class DispatchSummary:
    sent: int = 0
    deferred: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    outside_office_hours: bool = False

    @property
    def attempted(self) -> int:
        return self.sent + self.deferred + self.failed


async def _deliver(transport: Transport, item: ClaimedMessage) -> Outcome:
    try:
        delivery: Delivery = await transport.send_raw(item.envelope)
    except Exception as exc:  # a transport bug must not lose the row: it is retried later
        return Outcome(item.id, ok=False, permanent=False, code=None, response=f"{type(exc).__name__}: {exc}")
    return Outcome(
        item.id, delivery.ok, delivery.permanent, delivery.code, delivery.response,
        recipients=item.envelope.recipients, refused=delivery.refused,
    )  # fmt: skip


async def dispatch(
    store: Store,
    transport: Transport,
    clock: Clock,
    *,
    batch_size: int = 100,
    limit: int | None = None,
    lease: timedelta = DEFAULT_LEASE,
    dispatcher: str | None = None,
    calendar: WorkingCalendar | None = None,
    office_hours: bool = True,
    on_batch: Callable[[DispatchSummary], None] | None = None,
) -> DispatchSummary:
    """Send what is due now, batch after batch, until nothing is due (or ``limit`` were tried).

    Outside office hours (the plans' own, on Vietnam's working days) nothing is sent: mail waits
    for the morning. ``office_hours=False`` sends whatever the hour (what is due is still due).
    Each message retried later waits for the office hours of its own run's plan.
    """
    name = dispatcher or uuid.uuid4().hex[:12]
    summary = DispatchSummary()
    with store.session() as session:
        policies = run_policies(session, calendar)
    # One reading of the clock decides: two readings of a running clock never agree, and a
    # comparison of them would find every instant outside office hours.
    if office_hours and not policies.office_open(clock.now()):
        summary.outside_office_hours = True
        return summary
    while limit is None or summary.attempted < limit:
        size = batch_size if limit is None else min(batch_size, limit - summary.attempted)
        now = clock.now()
        with store.session() as session:
            claimed = claim(session, now=now, dispatcher=name, limit=size, lease=lease)
        if not claimed:
            break

        async def send_and_record(item: ClaimedMessage) -> tuple[Outcome, Recorded]:
            outcome = await _deliver(transport, item)
            # Recorded before the next await: a crash from here on cannot send this message again.
            # The write is a few milliseconds, done on the event loop on purpose: handing it to a
            # thread would reopen the window between the server's answer and the record.
            with store.session() as session:
                (recorded,) = record(session, [outcome], now=clock.now(), dispatcher=name, policies=policies)
            return outcome, recorded

        results = await asyncio.gather(*(send_and_record(item) for item in claimed))
        outcomes = [outcome for outcome, _ in results]
        for _, recorded in results:
            if recorded.move == "deliver":
                summary.sent += 1
                continue
            if recorded.move == "fail":
                summary.failed += 1
            else:
                summary.deferred += 1
            summary.errors.append(f"#{recorded.outbox_id}: {recorded.error}")
        if on_batch is not None:
            on_batch(summary)
        if any(not o.ok and not o.permanent and not o.refused for o in outcomes):
            break  # the server is unwell: leave the rest for the next run instead of hammering it
    return summary

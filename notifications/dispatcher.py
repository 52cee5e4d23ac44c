"""The dispatcher: take due rows from the outbox, send them, record what the server said.

Rows are claimed in batches in one short transaction, sent concurrently (up to the transport's
pool), and the outcomes recorded in another. A crash between sending and recording leaves the
rows claimed; after the lease another dispatcher takes them and sends the same Message-IDs again.
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
from sxsh_flow.engine.services.outbox import DEFAULT_LEASE, ClaimedMessage, Outcome, claim, record
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
    return Outcome(item.id, delivery.ok, delivery.permanent, delivery.code, delivery.response)


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
        outcomes = await asyncio.gather(*(_deliver(transport, item) for item in claimed))
        with store.session() as session:
            record(
                session,
                outcomes,
                now=clock.now(),
                dispatcher=name,
                policies=policies,
            )
        for outcome in outcomes:
            if outcome.ok:
                summary.sent += 1
            elif outcome.permanent:
                summary.failed += 1
                summary.errors.append(f"#{outcome.outbox_id}: {outcome.response}")
            else:
                summary.deferred += 1
                summary.errors.append(f"#{outcome.outbox_id}: {outcome.response}")
        if on_batch is not None:
            on_batch(summary)
        if any(not o.ok and not o.permanent for o in outcomes):
            break  # the server is unwell: leave the rest for the next run instead of hammering it
    return summary

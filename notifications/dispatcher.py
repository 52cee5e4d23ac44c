"""The dispatcher: take due rows from the outbox, send them, record what the server said.

Rows are claimed in batches in one short transaction. One sender per connection the transport can
use at once (``concurrency``) takes the batch's messages one after another. While the outcome of
its last message is committed, it sends the next one's envelope (MAIL, RCPT), and it hands that
message over (DATA) only once the commit is done. A crash therefore leaves unrecorded only the
messages delivered at that instant (at most the pool's size, one per sender): after the lease
another dispatcher takes them and sends the same Message-IDs again, once each.

What keeps the pool busy while the store writes (``OutcomeRecorder``): outcomes are committed off
the event loop, so the other connections go on sending during a commit, and every outcome that
arrives during one commit goes into the next, together (a group commit). The next batch is claimed,
also off the loop, while the current one is sent, once the server has taken a message of it, but
only when batches go fast beside the lease: a claim takes again the rows claimed longer than a
lease ago, and a row of ours still waiting to go must never look abandoned to our own next claim.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from sxsh_flow.engine.calendar import WorkingCalendar
from sxsh_flow.engine.clock import Clock
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.services.outbox import DEFAULT_LEASE, ClaimedMessage, claim
from sxsh_flow.engine.services.outbox_outcomes import Outcome, Recorded, record
from sxsh_flow.engine.services.policies import run_policies
from sxsh_flow.engine.time_policy import RunPolicies
from sxsh_flow.notifications.delivery import BeforeHandOver, concurrency
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

    def add(self, recorded: Recorded) -> None:
        if recorded.move == "deliver":
            self.sent += 1
            return
        if recorded.move == "fail":
            self.failed += 1
        else:
            self.deferred += 1
        self.errors.append(f"#{recorded.outbox_id}: {recorded.error}")


async def _deliver(transport: Transport, item: ClaimedMessage, before_hand_over: BeforeHandOver) -> Outcome:
    try:
        delivery: Delivery = await transport.send_raw(item.envelope, before_hand_over=before_hand_over)
    except Exception as exc:  # a transport bug must not lose the row: it is retried later
        return Outcome(item.id, ok=False, permanent=False, code=None, response=f"{type(exc).__name__}: {exc}")
    return Outcome(
        item.id, delivery.ok, delivery.permanent, delivery.code, delivery.response,
        recipients=item.envelope.recipients, refused=delivery.refused,
    )  # fmt: skip


_LEASE_MARGIN = 3  # the claim ahead waits until a batch takes less than a third of the lease


def _server_unwell(outcome: Outcome) -> bool:
    """A transient failure of the whole message (not of one recipient): the server, not the message."""
    return not outcome.ok and not outcome.permanent and not outcome.refused


class OutcomeRecorder:
    """Commits outcomes in groups, off the event loop; ``record`` returns once its outcome is committed.

    One commit at a time: the outcomes that arrive while one is written wait for the next, and go in
    it together. The store's writes are the same as one ``record`` call per outcome would make.
    """

    def __init__(self, store: Store, clock: Clock, dispatcher: str, policies: RunPolicies) -> None:
        self._store, self._clock, self._dispatcher, self._policies = store, clock, dispatcher, policies
        self._waiting: list[tuple[Outcome, asyncio.Future[Recorded]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def record(self, outcome: Outcome) -> Recorded:
        answer: asyncio.Future[Recorded] = asyncio.get_running_loop().create_future()
        self._waiting.append((outcome, answer))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        return await answer

    async def _write(self) -> None:
        while self._waiting:
            group, self._waiting = self._waiting, []
            try:
                recorded = await asyncio.to_thread(self._commit, [outcome for outcome, _ in group])
            except BaseException as exc:
                for _, answer in group:
                    if not answer.done():
                        answer.set_exception(exc)
                if not isinstance(exc, Exception):
                    raise
                continue
            for (_, answer), result in zip(group, recorded, strict=True):
                if not answer.done():
                    answer.set_result(result)

    def _commit(self, outcomes: Sequence[Outcome]) -> list[Recorded]:
        with self._store.session() as session:
            return record(
                session, outcomes, now=self._clock.now(), dispatcher=self._dispatcher, policies=self._policies
            )


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
    Each message retried later waits for the office hours of its own run's plan. Every message
    claimed is tried; when the server fails a message as a whole for now, no further batch is claimed.
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
    recorder = OutcomeRecorder(store, clock, name, policies)
    claimed = 0
    unwell = False
    next_batch: asyncio.Task[list[ClaimedMessage]] | None = None
    # A row claimed ahead waits for the batch before it; claiming ahead again during its own batch
    # must find it younger than the lease: so only while a batch takes well under a third of it.
    ahead_safe = False

    def claim_next() -> list[ClaimedMessage]:
        size = batch_size if limit is None else min(batch_size, limit - claimed)
        if size <= 0:
            return []
        with store.session() as session:
            return claim(session, now=clock.now(), dispatcher=name, limit=size, lease=lease)

    def claim_ahead() -> asyncio.Task[list[ClaimedMessage]]:
        return asyncio.create_task(asyncio.to_thread(claim_next))

    async def sender(queue: list[ClaimedMessage]) -> None:
        nonlocal unwell, next_batch
        # The outcome of this sender's last message, being committed while the next one's envelope
        # goes; the next one is handed over only once it is (``settle``), so a crash finds at most
        # one message per sender delivered and unrecorded.
        recording: asyncio.Task[Recorded] | None = None

        async def settle() -> None:
            nonlocal recording
            if recording is not None:
                summary.add(await recording)  # a failed commit raises here, and again at the next call
                recording = None

        while queue:
            outcome = await _deliver(transport, queue.pop(), settle)
            await settle()  # when the message was refused before its hand-over
            unwell = unwell or _server_unwell(outcome)
            if outcome.ok and not unwell and ahead_safe and next_batch is None:
                next_batch = claim_ahead()  # the server takes mail: claim the next batch while this one goes
            recording = asyncio.create_task(recorder.record(outcome))
        await settle()

    next_batch = claim_ahead()
    while True:
        batch = await next_batch
        if not batch:
            break
        claimed += len(batch)
        next_batch = None
        queue = list(reversed(batch))  # popped from the end: sent in the order claimed
        began = time.monotonic()
        await asyncio.gather(*(sender(queue) for _ in range(min(concurrency(transport), len(batch)))))
        ahead_safe = (time.monotonic() - began) * _LEASE_MARGIN < lease.total_seconds()
        if on_batch is not None:
            on_batch(summary)
        if next_batch is None:
            if unwell:
                break  # the server is unwell: leave the rest for the next run instead of hammering it
            next_batch = claim_ahead()
    return summary

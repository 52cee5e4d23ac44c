"""The dispatcher: nothing sent twice by accident, nothing ever lost — failures, outages, crashes."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.engine.clock import FixedClock, parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.message import Address, Envelope, RenderedMessage
from sxsh_flow.engine.models import DeliveryAttempt, HistoryEntry, OutboxMessage, PlanRun
from sxsh_flow.engine.services.agencies import import_directory, load_registry
from sxsh_flow.engine.services.notices import Mailing, announce_start, open_due
from sxsh_flow.engine.services.outbox import OutgoingMessage, claim, queue_message, requeue
from sxsh_flow.engine.services.start import start_plan
from sxsh_flow.engine.states import OutboxState
from sxsh_flow.notifications import EMAIL_WRITER
from sxsh_flow.notifications.delivery import BeforeHandOver
from sxsh_flow.notifications.dispatcher import DispatchSummary, dispatch
from sxsh_flow.notifications.smtp_url import parse_smtp_url
from sxsh_flow.notifications.transports import Delivery, MemoryTransport, SmtpTransport, Transport
from sxsh_flow.workflows import load_builtin_plan

from .conftest import SmtpServer

OPENING_DAY = "2016-11-21"  # the 2016 cycle opens: 18 kickoff letters and 18 requests to report


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(parse_instant(OPENING_DAY))


@pytest.fixture
def queued(store: Store, clock: FixedClock) -> Store:
    """18 kickoff letters queued on 01/09/2016, and 18 requests on the opening day, nothing sent."""
    start = parse_instant("2016-09-01")
    with store.session() as session:
        import_directory(session, builtin_directory("HD"), now=start)
        plan = load_builtin_plan("plan-2016-2020")
        started = start_plan(session, plan, load_registry(session, "HD"), "HD", now=start, actor="t")
        announce_start(
            session,
            session.get_one(PlanRun, started.run_id),
            now=start,
            mailing=Mailing(writer=EMAIL_WRITER),
            actor="t",
        )
        open_due(session, now=clock.now(), mailing=Mailing(writer=EMAIL_WRITER), actor="t")
    return store


def send(store: Store, transport: Transport, clock: FixedClock, **options: object) -> DispatchSummary:
    return asyncio.run(dispatch(store, transport, clock, **options))  # type: ignore[arg-type]


def send_smtp(store: Store, url: str, clock: FixedClock) -> DispatchSummary:
    """One dispatch run over a fresh connection pool, as each `outbox send` or scheduler tick makes."""

    async def run() -> DispatchSummary:
        transport = SmtpTransport(parse_smtp_url(url))
        try:
            return await dispatch(store, transport, clock)
        finally:
            await transport.close()

    return asyncio.run(run())


def states(store: Store) -> dict[str, int]:
    with store.session() as session:
        rows = session.execute(select(OutboxMessage._state, func.count()).group_by(OutboxMessage._state))
        return {str(state): count for state, count in rows}


def test_every_queued_message_is_sent_once_with_its_stored_message_id(queued: Store, clock: FixedClock) -> None:
    transport = MemoryTransport()
    summary = send(queued, transport, clock)
    assert summary.sent == 36
    assert states(queued) == {"sent": 36}
    with queued.session() as session:
        stored = set(session.scalars(select(OutboxMessage.message_id)))
        moves = session.scalars(select(HistoryEntry.transition).where(HistoryEntry.entity == "outbox_message")).all()
    assert sorted(m["Message-ID"] for m in transport.sent) == sorted(stored)
    assert sorted(set(moves)) == ["claim", "create", "deliver"]
    assert len(moves) == 36 * 3


def test_a_transient_failure_waits_for_its_backoff_then_goes(queued: Store, clock: FixedClock) -> None:
    transport = MemoryTransport()
    transport.fail_next(count=36, permanent=False)
    first = send(queued, transport, clock, batch_size=36)
    assert (first.sent, first.deferred) == (0, 36)
    assert states(queued) == {"retry": 36}
    assert send(queued, transport, clock).attempted == 0  # not due yet
    clock.advance(timedelta(minutes=5))
    assert send(queued, transport, clock).sent == 36
    with queued.session() as session:
        assert session.scalar(select(func.count()).select_from(DeliveryAttempt)) == 72
        assert set(session.scalars(select(OutboxMessage.attempts))) == {2}


def test_a_permanent_failure_waits_for_the_coordinator(queued: Store, clock: FixedClock) -> None:
    transport = MemoryTransport()
    transport.fail_next(count=1, permanent=True, code=550, response="550 5.1.1 no such user")
    summary = send(queued, transport, clock)
    assert (summary.sent, summary.failed) == (35, 1)
    with queued.session() as session:
        failed = session.scalars(select(OutboxMessage).where(OutboxMessage.state == OutboxState.FAILED)).one()
        assert failed.last_error is not None
        assert "550" in failed.last_error
        requeue(session, failed.id, now=clock.now(), actor="coordinator")
    assert send(queued, transport, clock).sent == 1
    assert states(queued) == {"sent": 36}


def test_a_dispatcher_that_dies_mid_batch_loses_nothing(queued: Store, clock: FixedClock) -> None:
    lease = timedelta(seconds=2)  # measured on the database's clock, which this test cannot set
    with queued.session() as session:
        abandoned = claim(session, now=clock.now(), dispatcher="dead", limit=10, lease=lease)
    transport = MemoryTransport()
    assert send(queued, transport, clock, lease=lease).sent == 26
    assert states(queued) == {"sent": 26, "sending": 10}
    time.sleep(2.1)  # past the lease
    assert send(queued, transport, clock, lease=lease).sent == 10
    message_ids = [m["Message-ID"] for m in transport.sent]
    assert len(message_ids) == len(set(message_ids)) == 36
    assert {item.message_id for item in abandoned} <= set(message_ids)


class WatchingTransport(MemoryTransport):
    """Notes, as each message is handed over, how many messages the store already records as sent."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.recorded_before: list[int] = []

    async def send_raw(self, envelope: Envelope, *, before_hand_over: BeforeHandOver | None = None) -> Delivery:
        async def hand_over() -> None:
            if before_hand_over is not None:
                await before_hand_over()
            with self.store.session() as session:
                sent = select(func.count()).where(OutboxMessage._state == OutboxState.SENT)
                self.recorded_before.append(session.scalar(sent) or 0)

        return await super().send_raw(envelope, before_hand_over=hand_over)


def test_each_outcome_is_recorded_as_soon_as_the_server_answers(queued: Store, clock: FixedClock) -> None:
    # A crash after the 20th answer must find those 20 recorded: only the message in flight may go twice.
    transport = WatchingTransport(queued)
    send(queued, transport, clock, batch_size=36)
    assert transport.recorded_before == list(range(36))


def test_nothing_is_sent_outside_office_hours(queued: Store) -> None:
    evening = FixedClock(parse_instant("2016-11-21T18:30"))
    summary = send(queued, MemoryTransport(), evening)
    assert summary.outside_office_hours
    assert states(queued) == {"queued": 36}


def test_an_smtp_outage_of_days_delays_mail_and_loses_none(
    queued: Store, clock: FixedClock, smtp_server: SmtpServer
) -> None:
    smtp_server.stop()
    for _ in range(3):  # three office days of failed tries, a few each day
        for _hour in range(3):
            send_smtp(queued, smtp_server.url, clock)
            clock.advance(timedelta(hours=2))
        clock.advance(timedelta(hours=18))
    waiting = states(queued)
    assert waiting.get("sent", 0) == 0
    assert waiting["retry"] == 36
    with queued.session() as session:
        errors = session.scalars(select(DeliveryAttempt.response).where(DeliveryAttempt.ok.is_(False))).all()
    assert len(errors) >= 36 * 2
    smtp_server.start()
    for _ in range(6):  # back: the next tries (each after its backoff, in office hours) get through
        send_smtp(queued, smtp_server.url, clock)
        clock.advance(timedelta(hours=2))
    assert states(queued) == {"sent": 36}
    received_ids = [m["Message-ID"] for m in smtp_server.inbox.messages()]
    assert len(received_ids) == len(set(received_ids)) == 36


def _synthetic(count: int) -> list[OutgoingMessage]:
    rendered = RenderedMessage("Thư thử nghiệm", "Nội dung", "<p>Nội dung</p>")
    return [
        OutgoingMessage(
            dedup_key=f"test:{n}",
            kind="digest",
            plan_run_id=None,
            agency_id=None,
            task_run_ids=(),
            message_id=f"<test.{n}@sct.haiduong.example>",
            language="vi",
            sender=Address("Sở Công Thương", "sxsh@sct.haiduong.example"),
            to=(Address("Cán bộ đầu mối", f"dau.moi.{n}@haiduong.example"),),
            cc=(),
            rendered=rendered,
        )
        for n in range(count)
    ]


def test_two_dispatchers_at_once_never_send_a_row_twice(database_url: str) -> None:
    clock = FixedClock(parse_instant(OPENING_DAY))
    with Store(database_url) as store, store.session() as session:
        for message in _synthetic(300):
            queue_message(session, message, compose=EMAIL_WRITER.compose, now=clock.now())
    transports = [MemoryTransport(), MemoryTransport()]

    def work(transport: MemoryTransport) -> None:
        with Store(database_url) as store:
            asyncio.run(dispatch(store, transport, clock, batch_size=7))

    threads = [threading.Thread(target=work, args=(t,)) for t in transports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent = [m["Message-ID"] for t in transports for m in t.sent]
    assert len(sent) == len(set(sent)) == 300
    assert all(t.sent for t in transports), "both dispatchers should have taken part"


def test_the_office_hours_are_the_plans_not_eight_to_five(queued: Store) -> None:
    # A plan whose offices open 07:00–11:00: mail goes at 07:30 and waits at noon.
    with queued.session() as session:
        run = session.scalars(select(PlanRun)).one()
        run.spec = {**run.spec, "reminders": {**run.spec["reminders"], "office_hours": [7, 11]}}
    noon = send(queued, MemoryTransport(), FixedClock(parse_instant("2016-11-22T12:00")))
    assert noon.outside_office_hours
    assert states(queued) == {"queued": 36}

    early = send(queued, MemoryTransport(), FixedClock(parse_instant("2016-11-22T07:30")))
    assert (early.outside_office_hours, early.sent) == (False, 36)


class PooledTransport(MemoryTransport):
    """Takes a while per message and carries ``pool_size`` at once, as an SMTP pool does; notes, as each
    message is handed over, how many handed over before it had no outcome recorded yet."""

    pool_size = 3

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.started = 0
        self.unrecorded_at_send: list[int] = []

    async def send_raw(self, envelope: Envelope, *, before_hand_over: BeforeHandOver | None = None) -> Delivery:
        async def hand_over() -> None:
            if before_hand_over is not None:
                await before_hand_over()
            with self.store.session() as session:
                recorded = session.scalar(select(func.count()).select_from(DeliveryAttempt)) or 0
            self.unrecorded_at_send.append(self.started - recorded)
            self.started += 1

        await asyncio.sleep(0.002)  # the envelope's round trips
        return await super().send_raw(envelope, before_hand_over=hand_over)


def test_a_pooled_transport_never_has_more_than_its_pool_in_flight_unrecorded(queued: Store, clock: FixedClock) -> None:
    # Sends overlap the commits of earlier outcomes, but a crash still finds at most the pool unrecorded.
    transport = PooledTransport(queued)
    summary = send(queued, transport, clock, batch_size=10)
    assert summary.sent == 36
    assert states(queued) == {"sent": 36}
    assert max(transport.unrecorded_at_send) < PooledTransport.pool_size  # with the one about to go: the pool
    assert max(transport.unrecorded_at_send) > 1, "the pool should have carried messages at once"

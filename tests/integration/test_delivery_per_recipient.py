"""Delivery is per recipient: a mailbox the server refuses is retried (4xx) or failed (5xx) on its own,
and the recipients it accepted never get the message twice."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sxsh_flow.engine.clock import FixedClock, parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.message import Address, RenderedMessage
from sxsh_flow.engine.models import OutboxMessage
from sxsh_flow.engine.services.outbox import OutgoingMessage, queue_message, requeue
from sxsh_flow.engine.states import OutboxState
from sxsh_flow.notifications import EMAIL_WRITER
from sxsh_flow.notifications.dispatcher import DispatchSummary, dispatch
from sxsh_flow.notifications.smtp_url import parse_smtp_url
from sxsh_flow.notifications.transports import SmtpTransport

from .conftest import SmtpServer

MORNING = parse_instant("2016-12-01T09:00+07:00")  # a Thursday, in office hours
AGENCY = "dau.moi@skhcn.haiduong.example"
COORDINATOR = "dieu.phoi@sct.haiduong.example"


def queue_overdue_notice(store: Store) -> int:
    """An overdue notice to the agency, the coordinator in Cc, as `remind` queues one."""
    message = OutgoingMessage(
        dedup_key="overdue:1:SKHCN:2016-12-01",
        kind="overdue",
        plan_run_id=None,
        agency_id=None,
        task_run_ids=(),
        message_id="<overdue.1.skhcn@sct.haiduong.example>",
        language="vi",
        sender=Address("Sở Công Thương", "sxsh@sct.haiduong.example"),
        to=(Address("Cán bộ đầu mối", AGENCY),),
        cc=(Address("Điều phối", COORDINATOR),),
        rendered=RenderedMessage("Quá hạn báo cáo", "Nội dung", "<p>Nội dung</p>"),
    )
    with store.session() as session:
        row_id = queue_message(session, message, compose=EMAIL_WRITER.compose, now=MORNING)
    assert row_id is not None
    return row_id


def send_smtp(store: Store, server: SmtpServer, clock: FixedClock) -> DispatchSummary:
    async def run() -> DispatchSummary:
        transport = SmtpTransport(parse_smtp_url(server.url))
        try:
            return await dispatch(store, transport, clock)
        finally:
            await transport.close()

    return asyncio.run(run())


def row(store: Store, row_id: int) -> OutboxMessage:
    with store.session() as session:
        found = session.get_one(OutboxMessage, row_id)
        session.expunge(found)
        return found


def test_a_recipient_refused_for_now_is_retried_alone_and_the_accepted_one_gets_one_copy(
    store: Store, smtp_server: SmtpServer
) -> None:
    clock = FixedClock(MORNING)
    row_id = queue_overdue_notice(store)
    smtp_server.inbox.refuse[AGENCY] = "450 4.2.0 mailbox busy, try later"

    first = send_smtp(store, smtp_server, clock)

    assert (first.sent, first.deferred, first.failed) == (0, 1, 0)
    waiting = row(store, row_id)
    assert waiting.state == OutboxState.RETRY
    assert waiting.delivered_to == [COORDINATOR]
    assert waiting.refused[AGENCY]["code"] == 450
    assert waiting.last_error is not None
    assert AGENCY in waiting.last_error
    assert smtp_server.inbox.envelopes() == [[COORDINATOR]]

    smtp_server.inbox.refuse.clear()  # the agency's mailbox takes mail again
    clock.advance(timedelta(minutes=5))  # past the first backoff
    second = send_smtp(store, smtp_server, clock)

    assert second.sent == 1
    assert row(store, row_id).state == OutboxState.SENT
    assert row(store, row_id).refused == {}
    assert smtp_server.inbox.envelopes() == [[COORDINATOR], [AGENCY]]  # the coordinator got one copy


def test_a_recipient_refused_for_good_fails_alone_and_a_retry_reaches_only_it(
    store: Store, smtp_server: SmtpServer
) -> None:
    clock = FixedClock(MORNING)
    row_id = queue_overdue_notice(store)
    smtp_server.inbox.refuse[AGENCY] = "554 5.7.1 recipient address rejected"

    first = send_smtp(store, smtp_server, clock)

    assert (first.sent, first.deferred, first.failed) == (0, 0, 1)
    assert AGENCY in first.errors[0]
    assert "554" in first.errors[0]
    failed = row(store, row_id)
    assert failed.state == OutboxState.FAILED
    assert failed.delivered_to == [COORDINATOR]
    assert failed.refused[AGENCY]["code"] == 554
    clock.advance(timedelta(hours=2))
    assert send_smtp(store, smtp_server, clock).attempted == 0  # waits for the coordinator

    smtp_server.inbox.refuse.clear()  # the coordinator had the agency fix its mailbox
    with store.session() as session:
        requeue(session, row_id, now=clock.now(), actor="coordinator")
    assert send_smtp(store, smtp_server, clock).sent == 1
    assert row(store, row_id).state == OutboxState.SENT
    assert smtp_server.inbox.envelopes() == [[COORDINATOR], [AGENCY]]


def test_every_recipient_refused_keeps_each_answer(store: Store, smtp_server: SmtpServer) -> None:
    clock = FixedClock(MORNING)
    row_id = queue_overdue_notice(store)
    smtp_server.inbox.refuse |= {AGENCY: "554 5.7.1 rejected", COORDINATOR: "450 4.2.0 busy"}

    summary = send_smtp(store, smtp_server, clock)

    assert summary.deferred == 1  # the coordinator's mailbox may take it later
    waiting = row(store, row_id)
    assert (waiting.state, waiting.delivered_to) == (OutboxState.RETRY, [])
    assert {a: r["code"] for a, r in waiting.refused.items()} == {AGENCY: 554, COORDINATOR: 450}
    smtp_server.inbox.refuse.clear()
    clock.advance(timedelta(minutes=5))
    send_smtp(store, smtp_server, clock)
    assert smtp_server.inbox.envelopes() == [[COORDINATOR]]  # the agency's refusal was for good
    assert row(store, row_id).state == OutboxState.FAILED

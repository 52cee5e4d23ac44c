"""Recording what the server said of each message: one group of outcomes, each row its own move."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from sxsh_flow.engine.clock import parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.message import Address, RenderedMessage
from sxsh_flow.engine.models import DeliveryAttempt, HistoryEntry, OutboxMessage
from sxsh_flow.engine.services.outbox import OutgoingMessage, claim, queue_messages
from sxsh_flow.engine.services.outbox_outcomes import Outcome, Refusal, record
from sxsh_flow.engine.states import OutboxState
from sxsh_flow.notifications import EMAIL_WRITER

MORNING = parse_instant("2016-12-01T09:00:00")  # a Thursday, inside office hours


def message(n: int) -> OutgoingMessage:
    return OutgoingMessage(
        dedup_key=f"test:{n}", kind="digest", plan_run_id=None, agency_id=None, task_run_ids=(),
        message_id=f"<test.{n}@sct.haiduong.example>", language="vi",
        sender=Address("Sở Công Thương", "sxsh@sct.haiduong.example"),
        to=(Address("Cán bộ đầu mối", f"dau.moi.{n}@haiduong.example"),),
        cc=(Address("Lãnh đạo", "lanh.dao@haiduong.example"),),
        rendered=RenderedMessage("Thư thử nghiệm", "Nội dung", "<p>Nội dung</p>"),
    )  # fmt: skip


def claimed_ids(store: Store, count: int) -> list[int]:
    with store.session() as session:
        queue_messages(
            session, [message(n) for n in range(count)], compose=EMAIL_WRITER.compose, now=MORNING, actor="t"
        )
    with store.session() as session:
        return [c.id for c in claim(session, now=MORNING, dispatcher="d1", limit=count)]


def test_one_group_delivers_defers_and_fails_each_row_by_its_own_answer(store: Store) -> None:
    sent, waiting, refused = claimed_ids(store, 3)
    focal, lead = "dau.moi.{}@haiduong.example", "lanh.dao@haiduong.example"
    with store.session() as session:
        recorded = record(
            session,
            [
                Outcome(sent, True, False, 250, "250 queued as A1", recipients=(focal.format(0), lead)),
                Outcome(waiting, True, False, 250, "250 OK", recipients=(focal.format(1), lead),
                        refused=(Refusal(lead, 452, "mailbox full"),)),
                Outcome(refused, False, True, 554, "554 message refused"),
            ],
            now=MORNING,
            dispatcher="d1",
        )  # fmt: skip
    assert [(r.outbox_id, r.move) for r in recorded] == [(sent, "deliver"), (waiting, "defer"), (refused, "fail")]
    assert recorded[1].error == "lanh.dao@haiduong.example: 452 mailbox full"
    with store.session() as session:
        rows = {row.id: row for row in session.scalars(select(OutboxMessage))}
        history = session.execute(
            select(HistoryEntry.entity_id, HistoryEntry.transition, HistoryEntry.reason)
            .where(HistoryEntry.actor == "dispatcher:d1", HistoryEntry.transition != "claim")
            .order_by(HistoryEntry.id)
        ).all()
        attempts = session.execute(select(DeliveryAttempt.message_id, DeliveryAttempt.code)).all()
    assert (rows[sent].state, rows[sent].sent_at, rows[sent].smtp_response) == (
        OutboxState.SENT,
        MORNING,
        "250 queued as A1",
    )
    assert rows[sent].delivered_to == ["dau.moi.0@haiduong.example", "lanh.dao@haiduong.example"]
    assert rows[waiting].state is OutboxState.RETRY
    assert rows[waiting].delivered_to == ["dau.moi.1@haiduong.example"]
    assert rows[waiting].refused == {
        "lanh.dao@haiduong.example": {"code": 452, "response": "mailbox full", "permanent": False}
    }
    assert rows[waiting].next_attempt_at > MORNING
    assert (rows[refused].state, rows[refused].last_error) == (OutboxState.FAILED, "554 message refused")
    assert [tuple(h) for h in history] == [
        (sent, "deliver", "250 queued as A1"),
        (waiting, "defer", "lanh.dao@haiduong.example: 452 mailbox full"),
        (refused, "fail", "554 message refused"),
    ]
    assert sorted(tuple(a) for a in attempts) == [(sent, 250), (waiting, 250), (refused, 554)]


def test_an_answer_for_a_row_already_delivered_keeps_the_attempt_and_leaves_the_state(store: Store) -> None:
    # d1 claimed the row and went quiet; after the lease d2 took it again and delivered it. d1's late
    # answer is kept as an attempt, and who has the message is noted, but the row stays sent, once.
    [row_id] = claimed_ids(store, 1)
    later = MORNING + timedelta(minutes=20)
    with store.session() as session:
        [again] = claim(session, now=later, dispatcher="d2", limit=1, lease=timedelta(0))
        record(session, [Outcome(again.id, True, False, 250, "250 OK", recipients=("dau.moi.0@haiduong.example",))],
               now=later, dispatcher="d2")  # fmt: skip
    with store.session() as session:
        [late] = record(
            session,
            [Outcome(row_id, True, False, 250, "250 OK", recipients=("lanh.dao@haiduong.example",))],
            now=later,
            dispatcher="d1",
        )
    assert late.move == "deliver"
    with store.session() as session:
        row = session.get_one(OutboxMessage, row_id)
        delivers = session.scalars(select(HistoryEntry.actor).where(HistoryEntry.transition == "deliver")).all()
        attempts = session.scalars(select(DeliveryAttempt.dispatcher).order_by(DeliveryAttempt.id)).all()
    assert row.state is OutboxState.SENT
    assert row.delivered_to == ["dau.moi.0@haiduong.example", "lanh.dao@haiduong.example"]
    assert delivers == ["dispatcher:d2"]
    assert attempts == ["d2", "d1"]

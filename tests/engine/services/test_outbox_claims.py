"""The outbox's claims and records move rows through ``OUTBOX`` and write one history row per row moved;
a queued reminder keeps the reason its rule fired."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from sqlalchemy import select

from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.engine.clock import parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.message import Address, RenderedMessage
from sxsh_flow.engine.models import HistoryEntry, OutboxMessage, PlanRun
from sxsh_flow.engine.services.agencies import import_directory, load_registry
from sxsh_flow.engine.services.notices import Mailing, announce_start, queue_reminders
from sxsh_flow.engine.services.outbox import OutgoingMessage, claim, queue_messages
from sxsh_flow.engine.services.outbox_outcomes import Outcome, record
from sxsh_flow.engine.services.start import start_plan
from sxsh_flow.engine.states import OutboxState
from sxsh_flow.notifications import EMAIL_WRITER
from sxsh_flow.workflows import load_builtin_plan

# 09:00 on a Thursday in Vietnam: inside office hours, so a queued row is due at once.
MORNING = parse_instant("2016-12-01T09:00+07:00")


def message(n: int, *, reason: str = "") -> OutgoingMessage:
    return OutgoingMessage(
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
        rendered=RenderedMessage("Thư thử nghiệm", "Nội dung", "<p>Nội dung</p>"),
        reason=reason,
    )


def queue(store: Store, count: int) -> dict[str, int]:
    with store.session() as session:
        return queue_messages(
            session, [message(n) for n in range(count)], compose=EMAIL_WRITER.compose, now=MORNING, actor="t"
        )


def moves(store: Store, transition: str) -> list[tuple[int, str | None, str, str, datetime]]:
    with store.session() as session:
        rows = session.scalars(
            select(HistoryEntry)
            .where(HistoryEntry.entity == "outbox_message", HistoryEntry.transition == transition)
            .order_by(HistoryEntry.entity_id)
        )
        return [(e.entity_id, e.from_state, e.to_state, e.actor, e.at) for e in rows]


def states(store: Store) -> dict[int, OutboxState]:
    with store.session() as session:
        return dict(session.execute(select(OutboxMessage.id, OutboxMessage._state)).tuples().all())


def test_queueing_creates_each_row_queued_with_one_history_row(store: Store) -> None:
    ids = queue(store, 3)
    assert set(states(store).values()) == {OutboxState.QUEUED}
    assert moves(store, "create") == [(ids[f"test:{n}"], None, "queued", "t", MORNING) for n in range(3)]


def test_a_claim_moves_due_rows_to_sending_and_writes_a_history_row_for_each(store: Store) -> None:
    ids = queue(store, 3)
    with store.session() as session:
        claimed = claim(session, now=MORNING, dispatcher="d1", limit=2)
    assert [c.id for c in claimed] == sorted(ids.values())[:2]
    assert moves(store, "claim") == [(c.id, "queued", "sending", "dispatcher:d1", MORNING) for c in claimed]
    assert sorted(states(store).values()) == [OutboxState.QUEUED, OutboxState.SENDING, OutboxState.SENDING]


def test_a_row_waiting_to_retry_is_claimed_from_retry_and_says_so(store: Store) -> None:
    (row_id,) = queue(store, 1).values()
    with store.session() as session:
        claim(session, now=MORNING, dispatcher="d1")
        record(session, [Outcome(row_id, False, False, 451, "try later")], now=MORNING, dispatcher="d1")
    assert states(store) == {row_id: OutboxState.RETRY}
    later = MORNING + timedelta(hours=1)
    with store.session() as session:
        assert [c.id for c in claim(session, now=later, dispatcher="d2")] == [row_id]
    assert moves(store, "defer") == [(row_id, "sending", "retry", "dispatcher:d1", MORNING)]
    assert moves(store, "claim") == [
        (row_id, "queued", "sending", "dispatcher:d1", MORNING),
        (row_id, "retry", "sending", "dispatcher:d2", later),
    ]


def test_a_dispatcher_whose_clock_runs_eleven_minutes_ahead_cannot_take_a_row_another_holds(store: Store) -> None:
    # The lease (10 minutes) is measured on the database's clock, not on the dispatcher's.
    queue(store, 3)
    with store.session() as session:
        assert len(claim(session, now=MORNING, dispatcher="d1")) == 3
    with store.session() as session:
        assert claim(session, now=MORNING + timedelta(minutes=11), dispatcher="d2") == []
    assert moves(store, "reclaim") == []


def test_a_row_a_dead_dispatcher_left_sending_is_reclaimed_after_the_lease_on_the_database_clock(
    store: Store,
) -> None:
    lease = timedelta(seconds=1)  # long enough that a busy machine does not end it between two claims
    (row_id,) = queue(store, 1).values()
    with store.session() as session:
        claim(session, now=MORNING, dispatcher="d1", lease=lease)
    with store.session() as session:
        assert claim(session, now=MORNING, dispatcher="d2", lease=lease) == []  # d1 may still be sending
    time.sleep(1.1)
    behind = MORNING - timedelta(hours=1)  # a dispatcher whose clock runs an hour late still sees the lease end
    with store.session() as session:
        assert [c.id for c in claim(session, now=behind, dispatcher="d2", lease=lease)] == [row_id]
    assert moves(store, "reclaim") == [(row_id, "sending", "sending", "dispatcher:d2", behind)]
    with store.session() as session:
        row = session.get_one(OutboxMessage, row_id)
        assert (row.claimed_by, row.attempts) == ("d2", 2)


def test_recording_an_outcome_for_a_row_no_longer_sending_keeps_the_attempt_and_the_state(store: Store) -> None:
    (row_id,) = queue(store, 1).values()
    with store.session() as session:
        record(session, [Outcome(row_id, True, False, 250, "OK")], now=MORNING, dispatcher="d1")
    assert states(store) == {row_id: OutboxState.QUEUED}
    assert moves(store, "deliver") == []
    with store.session() as session:
        assert len(session.get_one(OutboxMessage, row_id).attempts_log) == 1


def test_a_queued_reminder_keeps_the_reason_its_rule_fired(store: Store) -> None:
    start = parse_instant("2016-11-21")
    mailing = Mailing(writer=EMAIL_WRITER)
    with store.session() as session:
        import_directory(session, builtin_directory("HD"), now=start)
        started = start_plan(
            session, load_builtin_plan("plan-2016-2020"), load_registry(session, "HD"), "HD", now=start, actor="t"
        )
        announce_start(session, session.get_one(PlanRun, started.run_id), now=start, mailing=mailing, actor="t")
    with store.session() as session:
        queue_reminders(session, now=parse_instant("2016-12-01"), mailing=mailing, actor="t")
    with store.session() as session:
        reasons = dict(session.execute(select(OutboxMessage.dedup_key, OutboxMessage.reason)).tuples().all())
    reminders = {key: reason for key, reason in reasons.items() if key.startswith("reminder:")}
    assert len(reminders) == 18
    # 14 working days before the 21/12 deadline; Sở Công Thương's consolidated report, due 28/12, waits.
    assert set(reminders.values()) == {"14 working day(s) before the deadline"}
    assert {reason for key, reason in reasons.items() if key.startswith("kickoff:")} == {""}

"""The scheduler's ledger moves only through ``SCHEDULED_RUN`` and leaves a history row per move."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import HistoryEntry, ScheduledRun
from sxsh_flow.engine.services import ledger
from sxsh_flow.engine.states import ScheduledRunState


def history(store: Store) -> list[tuple[str, str | None, str, str, str]]:
    with store.session() as session:
        rows = session.scalars(
            select(HistoryEntry).where(HistoryEntry.entity == "scheduled_run").order_by(HistoryEntry.id)
        )
        return [(e.transition, e.from_state, e.to_state, e.actor, e.reason) for e in rows]


def state_of(store: Store, job: str, slot: str) -> ScheduledRunState:
    with store.session() as session:
        return session.scalars(
            select(ScheduledRun._state).where(ScheduledRun.job == job, ScheduledRun.slot == slot)
        ).one()


def test_a_claim_creates_the_slot_running_and_writes_its_first_history_row(store: Store, now: datetime) -> None:
    with store.session() as session:
        claimed = ledger.claim(session, "sweep", "2016-12-01", now=now, owner="host:1")
        assert claimed is not None
        assert claimed.state is ScheduledRunState.RUNNING
        run_id = claimed.id
    assert history(store) == [("claim", None, "running", "host:1", "")]
    with store.session() as session:
        entry = session.scalars(select(HistoryEntry).where(HistoryEntry.entity == "scheduled_run")).one()
        assert (entry.entity_id, entry.plan_run_id, entry.at) == (run_id, None, now)


def test_finishing_and_failing_are_moves_of_the_table_with_their_detail(store: Store, now: datetime) -> None:
    with store.session() as session:
        done = ledger.claim(session, "sweep", "2016-12-01", now=now, owner="host:1")
        failed = ledger.claim(session, "digest", "2016-12-01", now=now, owner="host:1")
        assert done is not None
        assert failed is not None
        ledger.finish(session, done.id, now=now + timedelta(seconds=3), detail="18 queued")
        ledger.fail(session, failed.id, now=now + timedelta(seconds=4), error="SMTP down")
    assert history(store)[2:] == [
        ("finish", "running", "done", "host:1", "18 queued"),
        ("fail", "running", "failed", "host:1", "SMTP down"),
    ]
    assert state_of(store, "sweep", "2016-12-01") is ScheduledRunState.DONE
    assert state_of(store, "digest", "2016-12-01") is ScheduledRunState.FAILED


def test_a_failed_slot_is_retried_and_a_done_one_is_not_claimed_again(store: Store, now: datetime) -> None:
    later = now + timedelta(hours=1)
    with store.session() as session:
        failed = ledger.claim(session, "sweep", "2016-12-01", now=now, owner="host:1")
        done = ledger.claim(session, "digest", "2016-12-01", now=now, owner="host:1")
        assert failed is not None
        assert done is not None
        ledger.fail(session, failed.id, now=now, error="boom")
        ledger.finish(session, done.id, now=now, detail="ok")
    with store.session() as session:
        again = ledger.claim(session, "sweep", "2016-12-01", now=later, owner="host:2")
        assert again is not None
        assert (again.owner, again.attempts) == ("host:2", 2)
        assert ledger.claim(session, "digest", "2016-12-01", now=later, owner="host:2") is None
    assert history(store)[-1] == ("retry", "failed", "running", "host:2", "failed before")
    assert len(history(store)) == 5  # two claims, a fail, a finish, the retry: the refused claim wrote nothing


def test_a_running_slot_is_taken_over_only_from_a_dead_owner_or_after_the_lease(store: Store, now: datetime) -> None:
    with store.session() as session:
        assert ledger.claim(session, "sweep", "2016-12-01", now=now, owner="host:1") is not None
    with store.session() as session:
        alive = ledger.claim(session, "sweep", "2016-12-01", now=now, owner="host:2", alive=lambda _owner: True)
        assert alive is None
        dead = ledger.claim(session, "sweep", "2016-12-01", now=now, owner="host:2", alive=lambda _owner: False)
        assert dead is not None
        assert dead.owner == "host:2"
    with store.session() as session:
        late = now + ledger.DEFAULT_LEASE + timedelta(minutes=1)
        leased = ledger.claim(session, "sweep", "2016-12-01", now=late, owner="host:3", alive=lambda _owner: True)
        assert leased is not None
        assert leased.owner == "host:3"
    assert history(store) == [
        ("claim", None, "running", "host:1", ""),
        ("take_over", "running", "running", "host:2", "host:1 is gone"),
        ("take_over", "running", "running", "host:3", "host:2 held it past the lease"),
    ]


def test_a_skipped_slot_is_created_skipped_with_its_reason_and_only_once(store: Store, now: datetime) -> None:
    with store.session() as session:
        assert ledger.skip(session, "sweep", "2016-11-30", now=now, owner="host:1", reason="missed by 26 h")
        assert not ledger.skip(session, "sweep", "2016-11-30", now=now, owner="host:1", reason="again")
        assert ledger.claim(session, "sweep", "2016-11-30", now=now, owner="host:1") is None
    assert history(store) == [("skip", None, "skipped", "host:1", "missed by 26 h")]
    assert state_of(store, "sweep", "2016-11-30") is ScheduledRunState.SKIPPED

"""The embedded scheduler: what is due when, and each day's slot run once across restarts and crashes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from sxsh_flow.engine.clock import VIETNAM, FixedClock
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import OutboxMessage, ScheduledRun
from sxsh_flow.engine.services import ledger
from sxsh_flow.engine.states import ScheduledRunState
from sxsh_flow.workflows.jobs import JobEnvironment
from sxsh_flow.workflows.scheduler import Runner, Timetable

from .conftest import job_environment, start_plan_on


def vn(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=VIETNAM)


MONDAY = date(2016, 12, 12)
SATURDAY = date(2016, 12, 17)


def test_every_day_has_its_openings_and_closings_but_the_sweep_only_on_working_days() -> None:
    timetable = Timetable()

    assert timetable.jobs_on(date(2016, 12, 13)) == ["open_cycles", "close_cycles", "sweep"]
    assert timetable.jobs_on(SATURDAY) == ["open_cycles", "close_cycles"]
    assert timetable.jobs_on(date(2017, 1, 30)) == ["open_cycles", "close_cycles"]  # Tết holiday, a Monday


def test_the_digest_goes_out_on_mondays_with_the_sweep() -> None:
    assert Timetable().jobs_on(MONDAY) == ["open_cycles", "close_cycles", "sweep", "digest"]


def test_nothing_is_due_before_the_daily_time() -> None:
    slots = list(Timetable().slots(vn(MONDAY, 7, 59)))

    assert {slot.day for slot, _ in slots} == {MONDAY - timedelta(days=1)}  # yesterday's, long past


def test_a_slot_missed_by_less_than_the_grace_may_still_run_and_an_older_one_may_not() -> None:
    timetable = Timetable(misfire_grace=timedelta(hours=8))

    due = dict(((slot.job, slot.day), in_time) for slot, in_time in timetable.slots(vn(MONDAY, 15, 0)))

    assert due["sweep", MONDAY] is True
    assert ("sweep", MONDAY - timedelta(days=3)) not in due  # Friday, 3 days ago, is not looked at
    assert due["open_cycles", MONDAY - timedelta(days=1)] is False  # Sunday's, 31 hours late


def test_slots_due_before_the_schedule_began_are_not_owed() -> None:
    # A simulated world that begins on Monday at 08:00 had no Sunday: nothing of Sunday's was missed.
    slots = list(Timetable().slots(vn(MONDAY, 8, 0), since=vn(MONDAY, 8, 0)))

    assert {(slot.day, in_time) for slot, in_time in slots} == {(MONDAY, True)}


def test_the_daily_time_is_configurable_and_in_vietnam_time() -> None:
    timetable = Timetable(daily_at=time(7, 30))

    assert timetable.due_at(MONDAY) == vn(MONDAY, 7, 30)
    assert timetable.next_due(vn(MONDAY, 7, 31)) == vn(MONDAY + timedelta(days=1), 7, 30)


@pytest.fixture
def env(store: Store) -> JobEnvironment:
    start_plan_on(store, date(2016, 9, 1))
    return job_environment(store)


def ledger_rows(store: Store) -> list[tuple[str, str, ScheduledRunState]]:
    with store.session() as session:
        return [
            (row.job, row.slot, row.state)
            for row in session.scalars(select(ScheduledRun).order_by(ScheduledRun.job, ScheduledRun.slot))
        ]


def outbox_keys(store: Store) -> list[str]:
    with store.session() as session:
        return sorted(session.scalars(select(OutboxMessage.dedup_key)))


def test_a_day_runs_its_jobs_once_in_order_and_records_them(store: Store, env: JobEnvironment) -> None:
    clock = FixedClock(vn(date(2016, 11, 21), 8, 5))
    runner = Runner(env, clock, owner="host:1")

    results = runner.run_due()

    assert [r.job for r in results] == ["open_cycles", "close_cycles", "sweep", "digest"]
    assert results[0].counts["opened"] == 26  # the 2016 cycle opens on Monday 21/11/2016
    # The digest job runs and is recorded, but sends nothing yet: the 21/12 deadline is beyond the plan's
    # first reminder (14 working days), and nothing is overdue.
    assert results[3].counts["queued"] == 0
    assert runner.run_due() == []
    assert [row for row in ledger_rows(store) if row[1] == "2016-11-21"] == [
        ("close_cycles", "2016-11-21", ScheduledRunState.DONE),
        ("digest", "2016-11-21", ScheduledRunState.DONE),
        ("open_cycles", "2016-11-21", ScheduledRunState.DONE),
        ("sweep", "2016-11-21", ScheduledRunState.DONE),
    ]


def test_a_restarted_process_does_not_run_a_slot_again(store: Store, env: JobEnvironment) -> None:
    clock = FixedClock(vn(date(2016, 12, 1), 8, 0))
    Runner(env, clock, owner="host:1").run_due()
    queued = outbox_keys(store)

    clock.advance(timedelta(hours=2))
    assert Runner(env, clock, owner="host:2").run_due() == []
    assert outbox_keys(store) == queued


def test_a_process_restarted_after_the_daily_time_runs_the_slot_it_missed(store: Store, env: JobEnvironment) -> None:
    clock = FixedClock(vn(date(2016, 12, 1), 7, 0))
    assert [r.job for r in Runner(env, clock, owner="host:1").run_due()] == []

    clock.instant = vn(date(2016, 12, 1), 11, 30)  # down from 07:00 to 11:30: the 08:00 run was missed
    results = Runner(env, clock, owner="host:2").run_due()

    sweep = next(r for r in results if r.job == "sweep")
    assert sweep.counts["queued"] == 18  # 1/12/2016 is 14 working days before the deadline: everyone


def test_a_slot_missed_beyond_the_grace_is_skipped_not_run_late(store: Store, env: JobEnvironment) -> None:
    clock = FixedClock(vn(date(2016, 12, 1), 20, 0))

    results = Runner(env, clock, Timetable(misfire_grace=timedelta(hours=8)), owner="host:1").run_due()

    assert [r.job for r in results] == []
    assert ("sweep", "2016-12-01", ScheduledRunState.SKIPPED) in ledger_rows(store)
    assert not any(key.startswith("reminder:") for key in outbox_keys(store))


def test_a_slot_left_running_by_a_dead_process_is_taken_over(store: Store) -> None:
    at = vn(date(2016, 12, 1), 8, 0)
    with store.session() as session:
        assert ledger.claim(session, "sweep", "2016-12-01", now=at, owner="host:1") is not None

    with store.session() as session:  # host:1 was killed (kill -9) a minute later
        taken = ledger.claim(
            session, "sweep", "2016-12-01", now=at + timedelta(minutes=1), owner="host:2", alive=lambda o: o != "host:1"
        )
        assert taken is not None
        assert (taken.owner, taken.attempts, taken.state) == ("host:2", 2, ScheduledRunState.RUNNING)


def test_a_done_slot_is_never_taken_again(store: Store) -> None:
    at = vn(date(2016, 12, 1), 8, 0)
    with store.session() as session:
        row = ledger.claim(session, "sweep", "2016-12-01", now=at, owner="host:1")
        assert row is not None
        ledger.finish(session, row.id, now=at, detail="sweep: queued 18")
    with store.session() as session:
        assert ledger.claim(session, "sweep", "2016-12-01", now=at, owner="host:2", alive=lambda o: False) is None


def test_a_slot_another_live_process_is_running_is_left_alone(store: Store) -> None:
    at = vn(date(2016, 12, 1), 8, 0)
    with store.session() as session:
        assert ledger.claim(session, "sweep", "2016-12-01", now=at, owner="other-host:1") is not None
    with store.session() as session:
        assert ledger.claim(session, "sweep", "2016-12-01", now=at + timedelta(minutes=5), owner="host:2") is None
    with store.session() as session:  # but not forever: after the lease it is taken over
        late = at + ledger.DEFAULT_LEASE + timedelta(minutes=1)
        assert ledger.claim(session, "sweep", "2016-12-01", now=late, owner="host:2") is not None


def test_a_failed_slot_is_tried_again_at_the_next_wake_up(store: Store, env: JobEnvironment) -> None:
    clock = FixedClock(vn(date(2016, 12, 1), 8, 0))
    with store.session() as session:
        run = ledger.claim(session, "sweep", "2016-12-01", now=clock.now(), owner="host:1")
        assert run is not None
        ledger.fail(session, run.id, now=clock.now(), error="OperationalError: database is locked")

    results = Runner(env, clock, owner="host:1").run_due()

    assert "sweep" in [r.job for r in results]
    with store.session() as session:
        row = session.scalars(
            select(ScheduledRun).where(ScheduledRun.job == "sweep", ScheduledRun.slot == "2016-12-01")
        ).one()
        assert (row.state, row.attempts) == (ScheduledRunState.DONE, 2)

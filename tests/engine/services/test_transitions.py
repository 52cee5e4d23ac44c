"""States change in one place: ``fire`` refuses illegal moves and writes a history row per move."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.engine.clock import parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import HistoryEntry, TaskRun
from sxsh_flow.engine.services.agencies import import_directory, load_registry
from sxsh_flow.engine.services.start import start_plan
from sxsh_flow.engine.services.transitions import fire, fire_each, fire_where, record_creation
from sxsh_flow.engine.states import TaskRunState
from sxsh_flow.errors import TransitionNotAllowed
from sxsh_flow.workflows import load_builtin_plan


@pytest.fixture
def started(store: Store, now: datetime) -> Store:
    with store.session() as session:
        import_directory(session, builtin_directory("HD"), now=now)
        start_plan(session, load_builtin_plan("plan-2016-2020"), load_registry(session, "HD"), "HD", now=now, actor="t")
    return store


def first_task_run(store: Store) -> int:
    with store.session() as session:
        return session.scalars(select(TaskRun.id).order_by(TaskRun.id)).first() or 0


def test_a_legal_move_changes_the_state_and_is_recorded(started: Store) -> None:
    task_run_id = first_task_run(started)
    at = parse_instant("2016-11-21")
    with started.session() as session:
        task_run = session.get_one(TaskRun, task_run_id)
        fire(session, task_run, "open", actor="scheduler", now=at, reason="opening day")
    with started.session() as session:
        assert session.get_one(TaskRun, task_run_id).state is TaskRunState.OPEN
        entry = session.scalars(
            select(HistoryEntry).where(HistoryEntry.entity_id == task_run_id, HistoryEntry.transition == "open")
        ).one()
        assert (entry.entity, entry.from_state, entry.to_state, entry.actor, entry.reason, entry.at) == (
            "task_run",
            "scheduled",
            "open",
            "scheduler",
            "opening day",
            at,
        )


def test_an_illegal_move_is_refused_and_nothing_is_recorded(started: Store, now: datetime) -> None:
    task_run_id = first_task_run(started)
    with pytest.raises(TransitionNotAllowed, match="accept"), started.session() as session:
        fire(session, session.get_one(TaskRun, task_run_id), "accept", actor="x", now=now)
    with started.session() as session:
        assert session.get_one(TaskRun, task_run_id).state is TaskRunState.SCHEDULED
        moves = session.scalars(select(HistoryEntry.transition).where(HistoryEntry.entity_id == task_run_id))
        assert "accept" not in set(moves)


def test_the_state_cannot_be_assigned_by_hand(started: Store) -> None:
    with started.session() as session:
        task_run = session.get_one(TaskRun, first_task_run(started))
        with pytest.raises(AttributeError):
            task_run.state = TaskRunState.ACCEPTED  # type: ignore[misc]


def test_a_set_based_move_takes_only_rows_in_its_source_states_and_records_each(started: Store) -> None:
    at = parse_instant("2016-11-21")
    with started.session() as session:
        first, second, third = session.scalars(select(TaskRun.id).order_by(TaskRun.id).limit(3)).all()
        fire(session, session.get_one(TaskRun, first), "open", actor="x", now=at)
        fire(session, session.get_one(TaskRun, first), "submit", actor="x", now=at)
    with started.session() as session:
        moved = fire_where(
            session, TaskRun, "cancel", where=TaskRun.id.in_([first, second]), actor="coordinator", now=at, reason="why"
        )
    assert moved == [first, second]
    with started.session() as session:
        states = dict(
            session.execute(select(TaskRun.id, TaskRun._state).where(TaskRun.id.in_([first, second, third])))
            .tuples()
            .all()
        )
        assert states == {first: TaskRunState.CANCELLED, second: TaskRunState.CANCELLED, third: TaskRunState.SCHEDULED}
        cancels = session.execute(
            select(HistoryEntry.entity_id, HistoryEntry.from_state, HistoryEntry.plan_run_id, HistoryEntry.reason)
            .where(HistoryEntry.transition == "cancel")
            .order_by(HistoryEntry.entity_id)
        ).all()
        plan_run_id = session.get_one(TaskRun, first).plan_run_id
    assert [tuple(row) for row in cancels] == [
        (first, "submitted", plan_run_id, "why"),
        (second, "scheduled", plan_run_id, "why"),
    ]


def test_a_set_based_move_selects_nothing_from_states_it_does_not_leave(started: Store, now: datetime) -> None:
    with started.session() as session:
        assert fire_where(session, TaskRun, "accept", where=TaskRun.id > 0, actor="x", now=now) == []  # all scheduled
        assert session.scalars(select(HistoryEntry).where(HistoryEntry.transition == "accept")).all() == []


def test_a_creation_is_recorded_only_in_the_state_the_machine_starts_rows_in(started: Store, now: datetime) -> None:
    with started.session() as session:
        task_run = session.get_one(TaskRun, first_task_run(started))
        assert record_creation(session, task_run, actor="x", now=now).to_state == "scheduled"
        fire(session, task_run, "open", actor="x", now=now)
        with pytest.raises(TransitionNotAllowed, match="'create' task_run"):
            record_creation(session, task_run, actor="x", now=now)


def test_moving_loaded_rows_together_records_what_moving_them_one_by_one_records(started: Store) -> None:
    at = parse_instant("2016-11-21")
    with started.session() as session:
        task_runs = session.scalars(select(TaskRun).order_by(TaskRun.id.desc()).limit(3)).all()
        fire(session, task_runs[1], "open", actor="x", now=at)
        fire(session, task_runs[1], "submit", actor="x", now=at)
        fire_each(session, task_runs, "cancel", actor="coordinator", now=at, reason=lambda t: f"run {t.id}")
        # The loaded rows show their new state, with nothing left to write.
        assert [t.state for t in task_runs] == [TaskRunState.CANCELLED] * 3
        assert not session.dirty
    ids = [t.id for t in task_runs]
    with started.session() as session:
        states = session.scalars(select(TaskRun._state).where(TaskRun.id.in_(ids))).all()
        cancels = session.execute(
            select(HistoryEntry.entity_id, HistoryEntry.from_state, HistoryEntry.reason)
            .where(HistoryEntry.transition == "cancel")
            .order_by(HistoryEntry.id)
        ).all()
    assert states == [TaskRunState.CANCELLED] * 3
    # In the order given, each naming the state its row left, as fire writes them.
    assert [tuple(row) for row in cancels] == [
        (ids[0], "scheduled", f"run {ids[0]}"),
        (ids[1], "submitted", f"run {ids[1]}"),
        (ids[2], "scheduled", f"run {ids[2]}"),
    ]


def test_moving_loaded_rows_together_moves_none_if_one_may_not_move(started: Store, now: datetime) -> None:
    with started.session() as session:
        task_runs = session.scalars(select(TaskRun).order_by(TaskRun.id).limit(2)).all()
        fire(session, task_runs[1], "open", actor="x", now=now)
        with pytest.raises(TransitionNotAllowed, match="'open' task_run"):
            fire_each(session, task_runs, "open", actor="y", now=now)
        first = task_runs[0].id
        assert session.scalars(select(TaskRun._state).where(TaskRun.id == first)).one() is TaskRunState.SCHEDULED
        assert session.scalars(select(HistoryEntry).where(HistoryEntry.actor == "y")).all() == []


def test_a_row_moved_meanwhile_is_not_taken(started: Store, now: datetime) -> None:
    with started.session() as session:
        task_run = session.scalars(select(TaskRun).order_by(TaskRun.id).limit(1)).one()
        # Another process opened it since it was read.
        fire_where(session, TaskRun, "open", where=TaskRun.id == task_run.id, actor="other", now=now)
        with pytest.raises(TransitionNotAllowed, match="'cancel' task_run"):
            fire_each(session, [task_run], "cancel", actor="x", now=now)

"""States change in one place: ``fire`` refuses illegal moves and writes a history row per move."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.engine.clock import parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import HistoryEntry, TaskRun
from sxsh_flow.engine.services.agencies import import_directory, load_directory
from sxsh_flow.engine.services.start import start_plan
from sxsh_flow.engine.services.transitions import fire
from sxsh_flow.engine.states import TaskRunState
from sxsh_flow.errors import TransitionNotAllowed
from sxsh_flow.workflows import load_builtin_plan


@pytest.fixture
def started(store: Store, now: datetime) -> Store:
    with store.session() as session:
        import_directory(session, builtin_directory("HD"), now=now)
        start_plan(session, load_builtin_plan("plan-2016-2020"), load_directory(session, "HD"), now=now, actor="t")
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

"""``fire_rows``: many rows, each by its own move and with its own columns, in a few statements."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.engine.clock import parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import HistoryEntry, TaskRun
from sxsh_flow.engine.services.agencies import import_directory, load_registry
from sxsh_flow.engine.services.start import start_plan
from sxsh_flow.engine.services.transitions import RowMove, fire, fire_rows
from sxsh_flow.engine.states import TaskRunState
from sxsh_flow.errors import TransitionNotAllowed
from sxsh_flow.workflows import load_builtin_plan

AT = parse_instant("2016-11-21")
SCHEDULED = TaskRunState.SCHEDULED


@pytest.fixture
def three(store: Store, now: datetime) -> tuple[Store, list[tuple[int, int]]]:
    """A started plan; the first three task runs (id, plan run id), all scheduled."""
    with store.session() as session:
        import_directory(session, builtin_directory("HD"), now=now)
        start_plan(session, load_builtin_plan("plan-2016-2020"), load_registry(session, "HD"), "HD", now=now, actor="t")
    with store.session() as session:
        rows = session.execute(select(TaskRun.id, TaskRun.plan_run_id).order_by(TaskRun.id).limit(3)).tuples().all()
    return store, list(rows)


def test_each_row_takes_its_own_move_values_and_reason(three: tuple[Store, list[tuple[int, int]]]) -> None:
    store, [(first, run), (second, _), (third, _)] = three
    with store.session() as session:
        fire_rows(
            session,
            TaskRun,
            [
                RowMove(first, SCHEDULED, "open", run, "opening day", {"extended_until": date(2017, 1, 5)}),
                RowMove(second, SCHEDULED, "cancel", run, "not needed"),
            ],
            actor="coordinator",
            now=AT,
        )
    with store.session() as session:
        found = {
            row.id: (row.state, row.extended_until)
            for row in session.scalars(select(TaskRun).where(TaskRun.id.in_([first, second, third])))
        }
        history = session.execute(
            select(HistoryEntry.entity_id, HistoryEntry.transition, HistoryEntry.from_state, HistoryEntry.to_state,
                   HistoryEntry.reason, HistoryEntry.actor, HistoryEntry.plan_run_id)
            .where(HistoryEntry.entity == "task_run", HistoryEntry.actor == "coordinator")
            .order_by(HistoryEntry.id)
        ).tuples().all()  # fmt: skip
    assert found == {
        first: (TaskRunState.OPEN, date(2017, 1, 5)),
        second: (TaskRunState.CANCELLED, None),
        third: (TaskRunState.SCHEDULED, None),
    }
    assert history == [
        (first, "open", "scheduled", "open", "opening day", "coordinator", run),
        (second, "cancel", "scheduled", "cancelled", "not needed", "coordinator", run),
    ]


def test_a_move_the_machine_forbids_is_refused_before_anything_is_written(
    three: tuple[Store, list[tuple[int, int]]],
) -> None:
    store, [(first, run), (second, _), _third] = three
    with pytest.raises(TransitionNotAllowed), store.session() as session:
        fire_rows(
            session,
            TaskRun,
            [RowMove(first, SCHEDULED, "open", run), RowMove(second, SCHEDULED, "submit", run)],
            actor="x",
            now=AT,
        )
    with store.session() as session:
        assert session.get_one(TaskRun, first).state is TaskRunState.SCHEDULED


def test_a_row_that_moved_since_it_was_read_is_named_and_nothing_is_kept(
    three: tuple[Store, list[tuple[int, int]]],
) -> None:
    store, [(first, run), (second, _), _third] = three
    with store.session() as session:
        fire(session, session.get_one(TaskRun, second), "cancel", actor="coordinator", now=AT)
    with pytest.raises(TransitionNotAllowed) as refused, store.session() as session:
        # Both were read as scheduled; the second was cancelled meanwhile.
        fire_rows(
            session,
            TaskRun,
            [RowMove(first, SCHEDULED, "open", run), RowMove(second, SCHEDULED, "open", run)],
            actor="scheduler",
            now=AT,
        )
    assert (refused.value.entity_id, refused.value.state, refused.value.transition) == (second, "cancelled", "open")
    with store.session() as session:
        assert session.get_one(TaskRun, first).state is TaskRunState.SCHEDULED
        assert not session.scalars(select(HistoryEntry).where(HistoryEntry.actor == "scheduler")).all()

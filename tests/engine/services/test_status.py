"""Status: per agency and cycle, the state, the deadline and what is overdue (derived, not stored)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.engine.clock import parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.services.agencies import import_directory, load_registry
from sxsh_flow.engine.services.notices import Mailing, open_due
from sxsh_flow.engine.services.start import start_plan
from sxsh_flow.engine.services.status import run_status
from sxsh_flow.engine.states import TaskRunState
from sxsh_flow.errors import UnknownRun
from sxsh_flow.notifications import EMAIL_WRITER
from sxsh_flow.workflows import load_builtin_plan


@pytest.fixture
def opened_2016(store: Store) -> Store:
    """The plan started on 01/12/2016, when the 2016 cycle is collecting reports."""
    at = parse_instant("2016-12-01")
    with store.session() as session:
        import_directory(session, builtin_directory("HD"), now=at)
        start_plan(session, load_builtin_plan("plan-2016-2020"), load_registry(session, "HD"), "HD", now=at, actor="t")
        open_due(session, now=at, mailing=Mailing(writer=EMAIL_WRITER), actor="t")
    return store


def status_on(store: Store, day: date) -> list:  # type: ignore[type-arg]
    with store.session() as session:
        return run_status(session, today=day)


def test_status_lists_every_task_run_of_the_run(opened_2016: Store) -> None:
    (run,) = status_on(opened_2016, date(2016, 12, 1))
    assert len(run.task_runs) == 131
    assert [c.label for c in run.cycles] == ["2016", "2017", "2018", "2019", "2020"]
    assert run.count(TaskRunState.OPEN) == 26


def test_nothing_is_overdue_on_the_deadline_itself(opened_2016: Store) -> None:
    (run,) = status_on(opened_2016, date(2016, 12, 21))
    assert run.overdue == 0


def test_open_task_runs_are_overdue_the_day_after_their_deadline(opened_2016: Store) -> None:
    (run,) = status_on(opened_2016, date(2016, 12, 22))
    late = [t for t in run.task_runs if t.overdue]
    assert len(late) == 25  # all but the consolidated report, due 28/12
    assert {t.days_overdue for t in late} == {1}
    assert "sct-consolidated-report" not in {t.task_key for t in late}


def test_scheduled_task_runs_are_never_overdue(opened_2016: Store) -> None:
    (run,) = status_on(opened_2016, date(2019, 1, 1))
    assert all(not t.overdue for t in run.task_runs if t.state is TaskRunState.SCHEDULED)


def test_an_unknown_run_is_a_clear_error(opened_2016: Store) -> None:
    with pytest.raises(UnknownRun), opened_2016.session() as session:
        run_status(session, today=date(2016, 12, 1), run_id=999)


def test_an_empty_store_has_no_runs(store: Store, now: datetime) -> None:
    with store.session() as session:
        assert run_status(session, today=now.date()) == []

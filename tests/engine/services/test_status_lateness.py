"""Days late in ``status``: counted in the run's unit, and only while the cycle still collects.

plan-2016-2020 counts working days. Its 2016 cycle is due 21/12/2016 and closes on 26/12/2016:
three working days later (22, 23 and 26 December).
"""

from __future__ import annotations

from datetime import date

import pytest

from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.engine.clock import parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.services.agencies import import_directory, load_registry
from sxsh_flow.engine.services.cycles import close_due
from sxsh_flow.engine.services.notices import Mailing, open_due
from sxsh_flow.engine.services.start import start_plan
from sxsh_flow.engine.services.status import TaskRunStatus, agency_name, run_status
from sxsh_flow.engine.time_policy import DayUnit
from sxsh_flow.notifications import EMAIL_WRITER
from sxsh_flow.workflows import load_builtin_plan

MAILING = Mailing(writer=EMAIL_WRITER)


@pytest.fixture
def opened_2016(store: Store) -> Store:
    at = parse_instant("2016-12-01")
    with store.session() as session:
        import_directory(session, builtin_directory("HD"), now=at)
        start_plan(session, load_builtin_plan("plan-2016-2020"), load_registry(session, "HD"), "HD", now=at, actor="t")
        open_due(session, now=at, mailing=MAILING, actor="t")
    return store


def late_2016(store: Store, day: date) -> list[TaskRunStatus]:
    with store.session() as session:
        (run,) = run_status(session, today=day)
    return [t for t in run.task_runs if t.cycle == "2016" and t.overdue]


def test_while_the_cycle_collects_lateness_grows_in_working_days(opened_2016: Store) -> None:
    late = late_2016(opened_2016, date(2016, 12, 26))
    assert {(t.days_overdue, t.day_unit, t.counting_stopped) for t in late} == {(3, DayUnit.WORKING, False)}


def test_once_the_cycle_closed_a_missing_report_is_late_by_what_it_was_at_the_close(opened_2016: Store) -> None:
    with opened_2016.session() as session:
        close_due(session, now=parse_instant("2016-12-27"), mailing=MAILING, actor="t")

    years_later = late_2016(opened_2016, date(2023, 6, 1))

    assert len(years_later) == 26
    assert all(t.counting_stopped for t in years_later)
    # The lead's consolidated report was due on 28/12, after the close: it was not yet late then.
    assert {(t.task_key == "sct-consolidated-report", t.days_overdue) for t in years_later} == {(False, 3), (True, 0)}


def test_an_agency_is_found_in_the_directory_whether_or_not_it_holds_a_task(opened_2016: Store) -> None:
    with opened_2016.session() as session:
        assert agency_name(session, "TTKC") is not None
        assert agency_name(session, "NO-SUCH") is None

"""The plan calendar: cut-off periods, deadlines, opening and closing days of every cycle."""

from __future__ import annotations

from datetime import date

import pytest

from sxsh_flow.engine.calendar import WorkingCalendar
from sxsh_flow.engine.schedule import build_calendar, deadline_after, six_monthly_cutoffs
from sxsh_flow.engine.spec import Cadence, Cutoff, Deadline, PlanSpec
from sxsh_flow.workflows import load_builtin_plan


@pytest.fixture(scope="module")
def plan_2016_2020() -> PlanSpec:
    return load_builtin_plan("plan-2016-2020").spec


def test_the_annual_cutoff_runs_from_15_12_of_the_previous_year_to_14_12() -> None:
    assert Cutoff(start="12-15", end="12-14").period_of(2017) == (date(2016, 12, 15), date(2017, 12, 14))


def test_a_calendar_year_cutoff_stays_in_its_year() -> None:
    assert Cutoff(start="01-01", end="12-31").period_of(2017) == (date(2017, 1, 1), date(2017, 12, 31))


def test_six_monthly_halves_cover_the_year_without_gap_or_overlap() -> None:
    halves = six_monthly_cutoffs(Cutoff(start="12-15", end="06-14"), 2017)
    assert halves == [
        ("2017-H1", date(2016, 12, 15), date(2017, 6, 14)),
        ("2017-H2", date(2017, 6, 15), date(2017, 12, 14)),
    ]


def test_a_deadline_in_working_days_skips_weekends() -> None:
    # 14/12/2016 is a Wednesday: 5 working days later is Wednesday 21/12.
    rule = Deadline(days_after_cutoff=5, working_days=True)
    assert deadline_after(date(2016, 12, 14), rule, WorkingCalendar()) == date(2016, 12, 21)


def test_a_deadline_in_working_days_skips_tet() -> None:
    # Cut-off on Friday 20/01/2017; Tết holidays run 26/01–01/02/2017.
    rule = Deadline(days_after_cutoff=5, working_days=True)
    assert deadline_after(date(2017, 1, 20), rule, WorkingCalendar()) == date(2017, 2, 3)


def test_a_deadline_in_calendar_days_counts_every_day() -> None:
    rule = Deadline(days_after_cutoff=5, working_days=False)
    assert deadline_after(date(2016, 12, 14), rule, WorkingCalendar()) == date(2016, 12, 19)


@pytest.mark.parametrize(
    ("on_day", "expected"),
    [("12-20", date(2016, 12, 20)), ("12-14", date(2016, 12, 14)), ("01-15", date(2017, 1, 15))],
)
def test_a_fixed_day_is_the_first_such_day_on_or_after_the_cutoff_end(on_day: str, expected: date) -> None:
    assert deadline_after(date(2016, 12, 14), Deadline(on_day=on_day), WorkingCalendar()) == expected


def test_the_2016_2020_plan_has_one_annual_cycle_per_year(plan_2016_2020: PlanSpec) -> None:
    calendar = build_calendar(plan_2016_2020, WorkingCalendar())
    assert [c.label for c in calendar.cycles] == ["2016", "2017", "2018", "2019", "2020"]
    assert {c.cadence for c in calendar.cycles} == {Cadence.ANNUAL}


def test_the_2016_cycle_dates_follow_the_plan(plan_2016_2020: PlanSpec) -> None:
    cycle = build_calendar(plan_2016_2020, WorkingCalendar()).cycles[0]
    assert (cycle.cutoff_start, cycle.cutoff_end) == (date(2015, 12, 15), date(2016, 12, 14))
    assert cycle.due_on == date(2016, 12, 21)  # 5 working days after the cut-off
    assert cycle.opens_on == date(2016, 11, 21)  # 30 days before, moved to a working day
    assert cycle.closes_on == date(2016, 12, 26)  # 3 working days after the deadline


def test_the_consolidated_report_is_due_after_the_agencies_report(plan_2016_2020: PlanSpec) -> None:
    calendar = build_calendar(plan_2016_2020, WorkingCalendar())
    consolidated = [t for t in calendar.tasks if t.task_key == "sct-consolidated-report"]
    assert [t.due_on for t in consolidated][:2] == [date(2016, 12, 28), date(2017, 12, 28)]
    assert all(t.due_on > c.closes_on for t, c in zip(consolidated, calendar.cycles, strict=True))


def test_a_task_done_once_belongs_to_the_cycle_holding_its_due_date(plan_2016_2020: PlanSpec) -> None:
    calendar = build_calendar(plan_2016_2020, WorkingCalendar())
    (database,) = [t for t in calendar.tasks if t.task_key == "sct-database"]
    assert (database.cycle_label, database.due_on, database.opens_on) == ("2017", date(2017, 6, 30), date(2017, 5, 31))
    cycle_2017 = next(c for c in calendar.cycles if c.label == "2017")
    assert cycle_2017.opens_on == date(2017, 5, 31)  # the cycle opens with its earliest task run


def test_six_monthly_tasks_get_two_cycles_a_year(plan_2016_2020: PlanSpec) -> None:
    task = plan_2016_2020.tasks[0].model_copy(update={"cadence": Cadence.SIX_MONTHLY})
    spec = plan_2016_2020.model_copy(update={"tasks": (task,)})
    calendar = build_calendar(spec, WorkingCalendar())
    assert [c.label for c in calendar.cycles][:2] == ["2016-H1", "2016-H2"]
    assert len(calendar.tasks) == 10
    first = calendar.cycles[0]
    assert (first.cutoff_start, first.cutoff_end) == (date(2015, 12, 15), date(2016, 6, 14))

"""A run's time policy: one count of days in one unit, the deadline after an extension, office hours."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from sxsh_flow.engine.calendar import WorkingCalendar
from sxsh_flow.engine.clock import VIETNAM
from sxsh_flow.engine.spec import PlanSpec, ReminderPolicy
from sxsh_flow.engine.time_policy import (
    LONGEST_RETRY_WAIT,
    NATIONAL,
    DayUnit,
    RunPolicies,
    TimePolicy,
    backoff,
    days_in_words,
)
from sxsh_flow.workflows import load_builtin_plan

DUE = date(2016, 12, 21)  # Wednesday: the 2016 deadline of plan-2016-2020
WORKING = TimePolicy()
CALENDAR = TimePolicy(unit=DayUnit.CALENDAR)


@pytest.fixture(scope="module")
def plan_2016_2020() -> PlanSpec:
    return load_builtin_plan("plan-2016-2020").spec


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=VIETNAM)


def test_the_plan_gives_the_unit_and_the_office_hours(plan_2016_2020: PlanSpec) -> None:
    policy = TimePolicy.for_plan(plan_2016_2020)
    assert (policy.unit, policy.office_hours) == (DayUnit.WORKING, (8, 17))
    calendar_days = plan_2016_2020.model_copy(
        update={"reminders": ReminderPolicy(working_days=False, office_hours=(7, 11))}
    )
    assert (TimePolicy.for_plan(calendar_days).unit, TimePolicy.for_plan(calendar_days).office_hours) == (
        DayUnit.CALENDAR,
        (7, 11),
    )


def test_working_days_late_skip_the_weekend_and_calendar_days_do_not() -> None:
    tuesday = date(2016, 12, 27)  # Thu 22, Fri 23, Mon 26, Tue 27 are working days; 24 and 25 are not
    assert (WORKING.days_late(DUE, tuesday), WORKING.unit) == (4, DayUnit.WORKING)
    assert (CALENDAR.days_late(DUE, tuesday), CALENDAR.unit) == (6, DayUnit.CALENDAR)


def test_days_left_and_days_late_are_one_count_seen_from_either_side() -> None:
    friday = date(2016, 12, 16)
    assert WORKING.days_left(DUE, friday) == 3
    assert WORKING.days_late(DUE, friday) == 0
    assert WORKING.days_after(DUE, friday) == -3
    assert WORKING.days_left(DUE, DUE) == WORKING.days_late(DUE, DUE) == 0
    for day in (date(2016, 12, 1) + timedelta(days=n) for n in range(60)):
        for policy in (WORKING, CALENDAR):
            after = policy.days_after(DUE, day)
            assert policy.days_late(DUE, day) - policy.days_left(DUE, day) == after


def test_an_extension_replaces_the_deadline_that_counts() -> None:
    granted = date(2016, 12, 30)
    assert TimePolicy.effective_deadline(DUE, granted) == granted
    assert TimePolicy.effective_deadline(DUE, None) == DUE
    assert WORKING.days_late(TimePolicy.effective_deadline(DUE, granted), date(2016, 12, 28)) == 0


def test_a_day_off_the_plan_adds_is_not_counted_and_closes_the_office() -> None:
    provincial_day_off = date(2016, 12, 23)  # a Friday the province gives off
    policy = TimePolicy(calendar=WorkingCalendar(extra_holidays=[provincial_day_off]))
    assert policy.days_late(DUE, date(2016, 12, 27)) == 3
    assert not policy.is_office_hour(at(provincial_day_off, 9))
    assert policy.next_office_instant(at(provincial_day_off, 9)) == at(date(2016, 12, 26), 8)


def test_a_swapped_saturday_is_a_working_day() -> None:
    saturday = date(2016, 12, 24)
    policy = TimePolicy(calendar=WorkingCalendar(extra_working_days=[saturday]))
    assert policy.days_late(DUE, date(2016, 12, 26)) == 4
    assert policy.is_office_hour(at(saturday, 10))


@pytest.mark.parametrize(
    ("instant", "open_"),
    [
        (at(DUE, 7, 59), False),
        (at(DUE, 8), True),
        (at(DUE, 16, 59), True),
        (at(DUE, 17), False),
        (at(date(2016, 12, 24), 10), False),  # Saturday
    ],
)
def test_office_hours_are_the_plans_on_working_days(instant: datetime, open_: bool) -> None:
    assert WORKING.is_office_hour(instant) is open_


def test_office_hours_other_than_eight_to_five_are_honoured() -> None:
    early = TimePolicy(office_hours=(7, 11))
    assert early.is_office_hour(at(DUE, 7, 30))
    assert not early.is_office_hour(at(DUE, 12))
    assert early.next_office_instant(at(DUE, 12)) == at(date(2016, 12, 22), 7)


def test_a_retry_waits_for_its_backoff_then_for_the_office() -> None:
    assert WORKING.retry_at(at(DUE, 9), 1) == at(DUE, 9, 5)
    assert WORKING.retry_at(at(DUE, 16, 58), 1) == at(date(2016, 12, 22), 8)
    assert TimePolicy(office_hours=(7, 11)).retry_at(at(DUE, 10, 58), 2) == at(date(2016, 12, 22), 7)


def test_each_run_keeps_its_own_office_hours() -> None:
    policies = RunPolicies({1: TimePolicy(office_hours=(7, 11)), 2: WORKING})
    assert policies.of(1).office_hours == (7, 11)
    assert policies.of(None) is NATIONAL
    assert policies.of(99) is NATIONAL
    assert policies.office_open(at(DUE, 7, 30))  # run 1's office is open
    assert not policies.office_open(at(DUE, 18))


def test_counts_are_written_in_their_unit_and_language() -> None:
    assert days_in_words(3, DayUnit.WORKING, "vi") == "3 ngày làm việc"
    assert days_in_words(3, DayUnit.CALENDAR, "vi") == "3 ngày"
    assert days_in_words(1, DayUnit.WORKING, "en") == "1 working day"
    assert days_in_words(3, DayUnit.CALENDAR, "en") == "3 days"


def test_the_retry_wait_doubles_from_five_minutes() -> None:
    assert [backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (5, 10, 20, 40)]


def test_the_retry_wait_stops_growing_at_two_hours_however_long_the_outage() -> None:
    assert backoff(6) == backoff(40) == backoff(10_000) == LONGEST_RETRY_WAIT == timedelta(hours=2)

"""Working days in Vietnam: weekends, public holidays (Tết included), and days a plan swaps."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sxsh_flow.engine.calendar import WorkingCalendar

TET_2017 = [date(2017, 1, 26) + timedelta(days=offset) for offset in range(7)]  # 26/01 to 01/02/2017


@pytest.fixture
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


@pytest.mark.parametrize("day", TET_2017, ids=lambda d: d.isoformat())
def test_every_day_of_tet_2017_is_a_holiday(calendar: WorkingCalendar, day: date) -> None:
    assert calendar.is_holiday(day)
    assert not calendar.is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [date(2017, 1, 25), date(2017, 2, 2)],
    ids=["wednesday-before-tet", "thursday-after-tet"],
)
def test_the_weekdays_around_tet_2017_are_working_days(calendar: WorkingCalendar, day: date) -> None:
    assert calendar.is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2016, 9, 2),
        date(2019, 9, 2),
        date(2020, 9, 2),
        date(2019, 4, 30),
        date(2019, 5, 1),
        date(2020, 4, 30),
    ],
    ids=lambda d: d.isoformat(),
)
def test_national_day_reunification_day_and_labour_day_are_holidays(
    calendar: WorkingCalendar,
    day: date,
) -> None:
    assert day.weekday() < 5, "chosen to fall on a weekday, so only the holiday makes it a day off"
    assert calendar.is_holiday(day)
    assert not calendar.is_working_day(day)


def test_a_holiday_on_a_weekend_gives_a_day_off_on_the_next_monday(calendar: WorkingCalendar) -> None:
    # National Day 02/09/2017 was a Saturday; Monday 04/09/2017 was the day off in lieu.
    assert date(2017, 9, 2).weekday() == 5
    assert not calendar.is_working_day(date(2017, 9, 4))
    assert calendar.is_working_day(date(2017, 9, 5))


@pytest.mark.parametrize("day", [date(2016, 9, 3), date(2016, 9, 4)], ids=["saturday", "sunday"])
def test_weekends_are_not_working_days_though_not_holidays(calendar: WorkingCalendar, day: date) -> None:
    assert not calendar.is_holiday(day)
    assert not calendar.is_working_day(day)


def test_an_ordinary_weekday_is_a_working_day(calendar: WorkingCalendar) -> None:
    assert calendar.is_working_day(date(2016, 9, 7))
    assert not calendar.is_holiday(date(2016, 9, 7))


def test_adding_working_days_skips_weekends(calendar: WorkingCalendar) -> None:
    friday = date(2016, 9, 9)
    assert calendar.add_working_days(friday, 1) == date(2016, 9, 12)
    assert calendar.add_working_days(friday, 5) == date(2016, 9, 16)


def test_adding_working_days_jumps_over_tet(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_days(date(2017, 1, 25), 1) == date(2017, 2, 2)
    # 5 working days after Friday 20/01/2017: 23, 24, 25 January, then 2 and 3 February.
    assert calendar.add_working_days(date(2017, 1, 20), 5) == date(2017, 2, 3)


def test_counting_back_jumps_over_tet(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_days(date(2017, 2, 2), -1) == date(2017, 1, 25)
    assert calendar.add_working_days(date(2017, 2, 3), -5) == date(2017, 1, 20)


def test_counting_back_from_a_monday_lands_on_the_friday(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_days(date(2016, 9, 12), -1) == date(2016, 9, 9)


def test_adding_zero_working_days_keeps_a_working_day(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_days(date(2017, 1, 25), 0) == date(2017, 1, 25)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (date(2016, 9, 3), date(2016, 9, 5)),  # Saturday -> Monday
        (date(2017, 1, 28), date(2017, 2, 2)),  # inside Tết -> first day back
        (date(2016, 9, 2), date(2016, 9, 5)),  # National Day (Friday) -> Monday
    ],
    ids=["weekend", "tet", "national-day"],
)
def test_adding_zero_working_days_to_a_day_off_gives_the_next_working_day(
    calendar: WorkingCalendar,
    start: date,
    expected: date,
) -> None:
    assert calendar.add_working_days(start, 0) == expected
    assert calendar.next_working_day(start) == expected


def test_adding_working_days_from_a_day_off_counts_from_that_day(calendar: WorkingCalendar) -> None:
    saturday = date(2016, 9, 3)
    assert calendar.add_working_days(saturday, 1) == date(2016, 9, 5)
    # Friday 02/09/2016 is National Day, so the working day before is Thursday 01/09.
    assert calendar.add_working_days(saturday, -1) == date(2016, 9, 1)


def test_working_days_between_counts_the_end_but_not_the_start(calendar: WorkingCalendar) -> None:
    monday, friday = date(2016, 9, 5), date(2016, 9, 9)
    assert calendar.working_days_between(monday, friday) == 4
    assert calendar.working_days_between(monday, monday) == 0


def test_working_days_between_ignores_tet(calendar: WorkingCalendar) -> None:
    assert calendar.working_days_between(date(2017, 1, 25), date(2017, 2, 2)) == 1
    assert calendar.working_days_between(date(2017, 1, 20), date(2017, 2, 3)) == 5


def test_working_days_between_is_negative_when_the_end_comes_first(calendar: WorkingCalendar) -> None:
    assert calendar.working_days_between(date(2017, 2, 3), date(2017, 1, 20)) == -5


@pytest.mark.parametrize("count", [1, 3, 10, 25, 60])
def test_working_days_between_undoes_add_working_days(calendar: WorkingCalendar, count: int) -> None:
    start = date(2016, 12, 14)  # the annual cut-off's end, across New Year and Tết 2017
    assert calendar.working_days_between(start, calendar.add_working_days(start, count)) == count


def test_an_extra_holiday_declared_by_a_plan_is_a_day_off() -> None:
    provincial_day_off = date(2016, 9, 7)
    calendar = WorkingCalendar(extra_holidays=[provincial_day_off])
    assert calendar.is_holiday(provincial_day_off)
    assert not calendar.is_working_day(provincial_day_off)
    assert calendar.add_working_days(date(2016, 9, 6), 1) == date(2016, 9, 8)


def test_a_compensatory_working_saturday_counts_as_a_working_day() -> None:
    saturday = date(2016, 9, 10)
    calendar = WorkingCalendar(extra_working_days=[saturday])
    assert calendar.is_working_day(saturday)
    assert calendar.add_working_days(date(2016, 9, 9), 1) == saturday
    assert calendar.working_days_between(date(2016, 9, 9), date(2016, 9, 12)) == 2


def test_extra_days_apply_only_to_the_calendar_that_was_given_them(calendar: WorkingCalendar) -> None:
    WorkingCalendar(extra_holidays=[date(2016, 9, 7)], extra_working_days=[date(2016, 9, 10)])
    assert calendar.is_working_day(date(2016, 9, 7))
    assert not calendar.is_working_day(date(2016, 9, 10))


@pytest.mark.parametrize(
    ("day_off", "working_saturday"),
    [(date(2019, 4, 29), date(2019, 5, 4)), (date(2025, 5, 2), date(2025, 4, 26))],
    ids=["2019", "2025"],
)
def test_the_saturday_swapped_for_a_bridge_day_off_is_a_working_day(
    calendar: WorkingCalendar,
    day_off: date,
    working_saturday: date,
) -> None:
    # The government bridged the holiday with a day off and had a Saturday worked in exchange.
    assert not calendar.is_working_day(day_off)
    assert working_saturday.weekday() == 5
    assert calendar.is_working_day(working_saturday)


def test_a_deadline_count_includes_a_swapped_working_saturday(calendar: WorkingCalendar) -> None:
    # Friday 03/05/2019, then Saturday 04/05/2019 was worked in exchange for Monday 29/04/2019.
    assert calendar.add_working_days(date(2019, 5, 3), 1) == date(2019, 5, 4)
    assert calendar.working_days_between(date(2019, 4, 26), date(2019, 5, 6)) == 4  # 2, 3, 4 and 6 May

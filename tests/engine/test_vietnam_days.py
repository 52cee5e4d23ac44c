"""The table of Vietnam's days off and swapped working days says what the ``holidays`` package says."""

from __future__ import annotations

from datetime import date

import pytest

from sxsh_flow.engine import vietnam_days
from sxsh_flow.engine.calendar import WorkingCalendar, package_public_holidays, package_swapped_working_days

YEARS = range(vietnam_days.FIRST_YEAR, vietnam_days.LAST_YEAR + 1)


@pytest.mark.parametrize("year", YEARS)
def test_the_table_has_the_public_holidays_of_the_package_for_every_year(year: int) -> None:
    calendar = WorkingCalendar()
    table = {day for day in _days(year) if calendar.is_holiday(day)}

    assert table == package_public_holidays(year)


@pytest.mark.parametrize("year", YEARS)
def test_the_table_has_the_swapped_working_days_of_the_package_for_every_year(year: int) -> None:
    calendar = WorkingCalendar()
    swapped = {day for day in _days(year) if day.weekday() >= 5 and calendar.is_working_day(day)}

    assert swapped == package_swapped_working_days(year)


def test_a_year_past_the_table_is_asked_of_the_package() -> None:
    year = vietnam_days.LAST_YEAR + 1
    calendar = WorkingCalendar()

    assert {day for day in _days(year) if calendar.is_holiday(day)} == package_public_holidays(year)
    assert date(year, 9, 2) in package_public_holidays(year)  # National Day, every year


def _days(year: int) -> list[date]:
    return [
        date.fromordinal(ordinal) for ordinal in range(date(year, 1, 1).toordinal(), date(year + 1, 1, 1).toordinal())
    ]

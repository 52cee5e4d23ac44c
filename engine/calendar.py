"""Working days in Vietnam: Monday to Friday, less the public holidays (Tết included).

The holiday list comes from the maintained ``holidays`` package, which computes the lunar dates
(Tết, Giỗ Tổ Hùng Vương) for any year; the years plans run in are read from a table of its answers
(``engine/vietnam_days.py``), which loads in no time. A plan may add days the government swaps or declares.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from sxsh_flow.engine import vietnam_days
from sxsh_flow.engine.clock import VIETNAM


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    if vietnam_days.FIRST_YEAR <= year <= vietnam_days.LAST_YEAR:
        return _days_of(year, vietnam_days.PUBLIC_HOLIDAYS.get(year, ""))
    return package_public_holidays(year)


@lru_cache(maxsize=64)
def _swapped_working_days(year: int) -> frozenset[date]:
    """Weekend days worked in exchange for a bridge day off (04/05/2019 for 29/04/2019)."""
    if vietnam_days.FIRST_YEAR <= year <= vietnam_days.LAST_YEAR:
        return _days_of(year, vietnam_days.SWAPPED_WORKING_DAYS.get(year, ""))
    return package_swapped_working_days(year)


def _days_of(year: int, days: str) -> frozenset[date]:
    return frozenset(date.fromisoformat(f"{year}-{day}") for day in days.split())


def package_public_holidays(year: int) -> frozenset[date]:
    """Vietnam's public holidays of ``year`` as the ``holidays`` package computes them."""
    import holidays  # loads every country it knows: only for years outside the table, and its test

    return frozenset(holidays.country_holidays("VN", years=year).keys())


def package_swapped_working_days(year: int) -> frozenset[date]:
    """The weekend days of ``year`` worked for a bridge day off, as the ``holidays`` package knows them."""
    import holidays

    calendar = holidays.country_holidays("VN", years=year)
    return frozenset(day for day in getattr(calendar, "weekend_workdays", ()) if day.year == year)


class WorkingCalendar:
    """Answers "is this a working day" and counts working days; pure, no clock."""

    def __init__(self, extra_holidays: Iterable[date] = (), extra_working_days: Iterable[date] = ()):
        self._extra_holidays = frozenset(extra_holidays)
        # Compensatory Saturdays the government sometimes declares when it bridges a holiday.
        self._extra_working_days = frozenset(extra_working_days)
        # Answers already given: a sweep asks about the same few deadlines for every task run, and a
        # simulation about the same days every day. The calendar never changes, so neither do they.
        self._working: dict[date, bool] = {}
        self._between: dict[tuple[date, date], int] = {}

    def is_holiday(self, day: date) -> bool:
        return day in self._extra_holidays or day in _public_holidays(day.year)

    def is_working_day(self, day: date) -> bool:
        known = self._working.get(day)
        if known is None:
            known = self._working[day] = self._is_working_day(day)
        return known

    def _is_working_day(self, day: date) -> bool:
        if day in self._extra_working_days or day in _swapped_working_days(day.year):
            return True
        return day.weekday() < 5 and not self.is_holiday(day)

    def add_working_days(self, start: date, count: int) -> date:
        """The day ``count`` working days after ``start`` (before it when negative).

        ``count == 0`` gives ``start`` itself when it is a working day, else the next working day.
        """
        step = 1 if count >= 0 else -1
        day = start
        if count == 0:
            while not self.is_working_day(day):
                day += timedelta(days=1)
            return day
        remaining = abs(count)
        while remaining:
            day += timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def next_working_day(self, day: date) -> date:
        """``day`` if it is a working day, else the first working day after it."""
        return self.add_working_days(day, 0)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in ``(start, end]``; negative when ``end`` is before ``start``."""
        if end < start:
            return -self.working_days_between(end, start)
        known = self._between.get((start, end))
        if known is None:
            if len(self._between) > 65536:
                self._between.clear()  # a bound on memory over a long simulation
            known = self._between[start, end] = self._count_working_days(start, end)
        return known

    def _count_working_days(self, start: date, end: date) -> int:
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def next_office_instant(instant: datetime, office_hours: tuple[int, int], calendar: WorkingCalendar) -> datetime:
    """``instant`` if it falls in office hours on a working day in Vietnam, else the next opening.

    Emails to agencies go out when someone is at the desk to read them.
    """
    start_hour, end_hour = office_hours
    local = instant.astimezone(VIETNAM)
    day = local.date()
    if calendar.is_working_day(day) and start_hour <= local.hour < end_hour:
        return instant
    before_opening = calendar.is_working_day(day) and local.hour < start_hour
    opening_day = day if before_opening else calendar.add_working_days(day, 1)
    return datetime.combine(opening_day, time(start_hour, 0), VIETNAM).astimezone(instant.tzinfo)

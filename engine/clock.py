"""Time, injected. Domain code never reads the system clock; it is handed a ``Clock`` or a ``now``.

Dates that people see (deadlines, cut-offs) are calendar dates in Vietnam's time zone; instants
(history rows, sending times) are timezone-aware datetimes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic
from typing import Protocol
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

# A date given alone ("--now 2016-09-01") means the start of that office day: replays then act as
# the morning sweep would.
OFFICE_DAY_START = time(8, 0)


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that says what it is told; tests and replays move it by hand."""

    instant: datetime

    def __post_init__(self) -> None:
        if self.instant.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")

    def now(self) -> datetime:
        return self.instant

    def advance(self, delta: timedelta) -> None:
        self.instant = self.instant + delta


class AcceleratedClock:
    """A clock that starts at ``start`` and runs ``rate`` times faster than real time.

    For watching ``sxsh-flow serve`` live through a plan's dates (SXSH_NOW with SXSH_CLOCK_RATE):
    at 21600, one simulated day passes every four real seconds.
    """

    def __init__(self, start: datetime, rate: float, real_time: Callable[[], float] = monotonic) -> None:
        if start.tzinfo is None:
            raise ValueError("AcceleratedClock needs a timezone-aware start")
        if rate <= 0:
            raise ValueError("the clock rate must be positive")
        self.start, self.rate = start, rate
        self._real_time = real_time
        self._origin = real_time()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(self._real_time() - self._origin) * self.rate)

    def restart(self) -> None:
        """Start again from ``start`` now: the seconds a process spends starting up are hours at this rate."""
        self._origin = self._real_time()


def local_date(instant: datetime) -> date:
    """The calendar date in Vietnam at ``instant``."""
    return instant.astimezone(VIETNAM).date()


def parse_instant(text: str) -> datetime:
    """Parse ``--now``/``SXSH_NOW``: a date (start of that office day in Vietnam) or an ISO datetime.

    A datetime without an offset is read as Vietnam time.
    """
    value = text.strip()
    try:
        if not any(mark in value for mark in "T :"):  # a date alone, in extended or basic form
            return datetime.combine(date.fromisoformat(value), OFFICE_DAY_START, VIETNAM)
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"'{text}' is not a date (2016-09-01) or an ISO datetime (2016-09-01T09:30+07:00)") from exc
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=VIETNAM)

"""Time, injected. Domain code never reads the system clock; it is handed a ``Clock`` or a ``now``.

Dates that people see (deadlines, cut-offs) are calendar dates in Vietnam's time zone; instants
(history rows, sending times) are timezone-aware datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
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

"""A plan run's time policy: the one owner of "how many days", "by when" and "is the office open".

Built once per run from its plan (``TimePolicy.for_plan``) and handed to everything that speaks of
time: the reminder sweep, the outbox and the dispatcher, ``status``, the digest, the emails, the
consolidated report and the simulation. "Days left" and "days late" both come from
``TimePolicy.days_after``, so every place states the same number, in the same unit, for the same
task on the same day. Pure: no I/O, no clock; a decision reads the clock once and passes the instant.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from sxsh_flow.engine.calendar import WorkingCalendar, next_office_instant
from sxsh_flow.engine.spec_terms import OFFICE_HOURS, DayCounting
from sxsh_flow.words import words

if TYPE_CHECKING:  # only named: ``status`` reads a run's policy without loading pydantic
    from sxsh_flow.engine.spec import PlanSpec, ReminderPolicy

DEFAULT_OFFICE_HOURS = OFFICE_HOURS

# Retrying a message the server refused for now: 5 minutes after the first failure, doubling, at
# most 2 hours, so a long outage is waited out without hammering the server.
FIRST_RETRY = timedelta(minutes=5)
LONGEST_RETRY_WAIT = timedelta(hours=2)


class DayUnit(StrEnum):
    """What a count of days counts: working days (the calendar's) or every calendar day."""

    WORKING = "working"
    CALENDAR = "calendar"


def days_in_words(count: int, unit: DayUnit, language: str) -> str:
    """A count of days written in ``unit`` and ``language``, the one way every message, page and report says it."""
    said = words(language)
    return said.working_days(count) if unit is DayUnit.WORKING else said.calendar_days(count)


@dataclass(frozen=True)
class TimePolicy:
    """How one plan run counts time (see the module's docstring)."""

    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    unit: DayUnit = DayUnit.WORKING
    office_hours: tuple[int, int] = DEFAULT_OFFICE_HOURS

    def __post_init__(self) -> None:
        start, end = self.office_hours
        if not 0 <= start < end <= 24:
            raise ValueError(f"office hours must open before they close within a day, not {start}–{end}")

    @classmethod
    def for_plan(
        cls,
        spec: PlanSpec,
        *,
        calendar: WorkingCalendar | None = None,
        extra_holidays: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
    ) -> TimePolicy:
        """The policy of a run of ``spec``: its reminder rules' unit and office hours, on Vietnam's calendar.

        ``extra_holidays`` and ``extra_working_days`` are the days off and the swapped working
        Saturdays a province declares beyond the national calendar (or give a whole ``calendar``).
        """
        return cls.for_reminders(
            spec.reminders,
            calendar=calendar or WorkingCalendar(extra_holidays, extra_working_days),
        )

    @classmethod
    def for_reminders(
        cls, reminders: ReminderPolicy | DayCounting, *, calendar: WorkingCalendar | None = None
    ) -> TimePolicy:
        """The policy a plan's reminder rules imply: their unit of days and their office hours.

        ``reminders`` is a validated plan's rules, or only how they count days as a snapshot says it
        (``DayCounting.of_snapshot``: ``status`` reads it without loading pydantic).
        """
        return cls(
            calendar=calendar or WorkingCalendar(),
            unit=DayUnit.WORKING if reminders.working_days else DayUnit.CALENDAR,
            office_hours=(reminders.office_hours[0], reminders.office_hours[1]),
        )

    # --- days -------------------------------------------------------------------------------------

    @property
    def counts_working_days(self) -> bool:
        return self.unit is DayUnit.WORKING

    def shift(self, day: date, count: int) -> date:
        """The day ``count`` days (in the policy's unit) after ``day``; before it when negative."""
        if self.counts_working_days:
            return self.calendar.add_working_days(day, count)
        return day + timedelta(days=count)

    def days_after(self, deadline: date, day: date) -> int:
        """Days from ``deadline`` to ``day`` in the policy's unit: positive when late, negative before it.

        The one count behind "days left" and "days late": every other count of days derives from it.
        """
        if self.counts_working_days:
            return self.calendar.working_days_between(deadline, day)
        return (day - deadline).days

    def days_late(self, deadline: date, day: date) -> int:
        """How late something done (or still undone) on ``day`` is; 0 on or before the deadline."""
        return max(self.days_after(deadline, day), 0) if day > deadline else 0

    def days_left(self, deadline: date, day: date) -> int:
        """How many days remain on ``day`` before the deadline; 0 on or after it."""
        return max(-self.days_after(deadline, day), 0) if day < deadline else 0

    @staticmethod
    def effective_deadline(due_on: date, extended_until: date | None) -> date:
        """The deadline that counts: an approved extension replaces the plan's date."""
        return extended_until or due_on

    # --- office hours -----------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        return self.calendar.is_working_day(day)

    def is_office_hour(self, instant: datetime) -> bool:
        """Whether someone is at the desk at ``instant`` (Vietnam time, a working day, office hours)."""
        return self.next_office_instant(instant) == instant

    def next_office_instant(self, instant: datetime) -> datetime:
        """``instant`` itself in office hours, else the next opening of the office."""
        return next_office_instant(instant, self.office_hours, self.calendar)

    def retry_at(self, now: datetime, attempts: int) -> datetime:
        """When to try again a message refused for now after ``attempts`` tries: backoff, then office hours."""
        return self.next_office_instant(now + backoff(attempts))


def backoff(attempts: int) -> timedelta:
    """5 minutes after the first failure, doubling, at most 2 hours: a long outage is waited out."""
    # The exponent is capped before multiplying: after 40 attempts (a week of outage) 2**39 × 5 min
    # would overflow timedelta, and the batch would be stuck in "sending" for good.
    wait: timedelta = FIRST_RETRY * (2 ** min(max(attempts - 1, 0), 16))
    return min(wait, LONGEST_RETRY_WAIT)


NATIONAL = TimePolicy()
"""Working days on Vietnam's national calendar, 08–17: for a message with no plan run behind it."""


@dataclass(frozen=True)
class RunPolicies:
    """The time policy of each plan run, for what serves several runs at once (the outbox)."""

    by_run: Mapping[int, TimePolicy] = field(default_factory=dict)
    default: TimePolicy = NATIONAL

    def of(self, plan_run_id: int | None) -> TimePolicy:
        return self.by_run.get(plan_run_id, self.default) if plan_run_id is not None else self.default

    def office_open(self, instant: datetime) -> bool:
        """Whether some run's office is open at ``instant`` (or the default's, with no run at all)."""
        policies = list(self.by_run.values()) or [self.default]
        return any(policy.is_office_hour(instant) for policy in policies)

"""The plan format's plain terms: what is read of a plan without validating it (no pydantic here).

``engine.spec`` validates whole plans with pydantic, and re-exports these names; a reader that needs
only a cadence's name or how a run counts its days (``status``, the labels) imports them from here
and does not load pydantic for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Cadence(StrEnum):
    ONCE = "once"
    ANNUAL = "annual"
    SIX_MONTHLY = "six_monthly"


class Aggregation(StrEnum):
    SUM = "sum"  # counts add up across agencies and years
    RATIO = "ratio"  # sum of numerators over sum of denominators, never an average of percentages
    LATEST = "latest"  # a level, not a flow: the latest report counts


# ``ReminderPolicy``'s defaults for how days are counted (engine.spec uses these very values).
COUNT_WORKING_DAYS = True
OFFICE_HOURS = (8, 17)


@dataclass(frozen=True)
class DayCounting:
    """How a plan's reminder rules count days: working days or calendar days, and the office hours."""

    working_days: bool = COUNT_WORKING_DAYS
    office_hours: tuple[int, int] = OFFICE_HOURS

    @classmethod
    def of_snapshot(cls, snapshot: Mapping[str, Any]) -> DayCounting:
        """What a run's plan snapshot (a validated plan, as stored) says; its defaults where it is silent."""
        reminders = snapshot.get("reminders") or {}
        start, end = reminders.get("office_hours", OFFICE_HOURS)
        return cls(working_days=bool(reminders.get("working_days", COUNT_WORKING_DAYS)), office_hours=(start, end))

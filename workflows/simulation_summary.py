"""What a simulation reports: per cycle, how many reports came in on time, late or never, and what was sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass
class CycleOutcome:
    label: str
    expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    nudges_sent: int = 0  # reminders, deadline-day, overdue notices and escalations
    never_reported: list[str] = field(default_factory=list)  # agency codes

    @property
    def on_time_rate(self) -> float:
        return round(100 * self.on_time / self.expected, 1) if self.expected else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "cycle": self.label,
            "expected": self.expected,
            "on_time": self.on_time,
            "late": self.late,
            "missing": self.missing,
            "on_time_rate": self.on_time_rate,
            "nudges_sent": self.nudges_sent,
            "never_reported": self.never_reported,
        }


@dataclass
class SimulationSummary:
    run_id: int
    plan_key: str
    province: str
    seed: int
    first_day: date
    last_day: date
    cycles: list[CycleOutcome]
    messages_sent: dict[str, int]
    submissions: int
    returned: int
    run_state: str

    def to_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "plan": self.plan_key,
            "province": self.province,
            "seed": self.seed,
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "run_state": self.run_state,
            "submissions": self.submissions,
            "returned": self.returned,
            "messages_sent": dict(sorted(self.messages_sent.items())),
            "cycles": [cycle.to_json() for cycle in self.cycles],
        }

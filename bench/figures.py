"""The benchmarks' shared shape: each one measures and returns its figures; this module names them.

A benchmark module has ``measure(say) -> dict[str, float | int | str]``: it reports progress and
human-readable lines through ``say`` and returns its figures under short keys. ``python -m bench
--json`` gathers every module's figures into one JSON document ({module: {key: value}}), and
``python -m bench table FILE`` turns such a document into the README's table, using ``GOALS``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Say = Callable[[str], None]
Figures = dict[str, float | int | str]


@dataclass(frozen=True)
class Goal:
    """A figure the README's table shows: where it is in the JSON, what it means, and its limit."""

    module: str
    key: str
    label: str
    unit: str
    limit: float | None = None  # None: reported, no limit
    at_least: bool = False  # the figure must reach the limit (throughput), not stay under it (time)

    def met(self, value: float) -> bool | None:
        if self.limit is None:
            return None
        return value >= self.limit if self.at_least else value < self.limit

    def goal_text(self) -> str:
        if self.limit is None:
            return "—"
        return f"{'≥' if self.at_least else '<'} {self.limit:g} {self.unit}"


# The figures (issue 14), in the README's order.
GOALS: tuple[Goal, ...] = (
    Goal("simulate", "wall_s", "`simulate plan-2016-2020`, one province", "s", 10),
    Goal("sweep", "runs_100000_s", "daily sweep over 100,000 open task runs, 1,000 reminders queued", "s", 1),
    Goal("sweep", "runs_100000_peak_mib", "the same sweep's memory peak (Python allocations)", "MiB"),
    Goal("sweep", "runs_20000_s", "the same sweep over 20,000 task runs", "s", 1),
    Goal("portal", "sqlite_open_rps", "portal on SQLite (WAL), opening a form", "req/s", 500, at_least=True),
    Goal("portal", "sqlite_open_p99_ms", "portal on SQLite (WAL), opening a form, p99", "ms", 50),
    Goal("portal", "sqlite_submit_rps", "portal on SQLite (WAL), submitting a report", "req/s", 150, at_least=True),
    Goal("portal", "sqlite_submit_p99_ms", "portal on SQLite (WAL), submitting a report, p99", "ms", 150),
    Goal("portal", "postgresql_open_rps", "portal on PostgreSQL, opening a form", "req/s", 500, at_least=True),
    Goal("portal", "postgresql_open_p99_ms", "portal on PostgreSQL, opening a form, p99", "ms", 50),
    Goal("portal", "postgresql_submit_rps", "portal on PostgreSQL, submitting a report", "req/s", 150, at_least=True),
    Goal("portal", "postgresql_submit_p99_ms", "portal on PostgreSQL, submitting a report, p99", "ms", 150),
    Goal("cli", "status_ms", "`sxsh-flow status` on a small database (median)", "ms", 400),
    Goal("cli", "status_json_ms", "`sxsh-flow status --json` on a small database (median)", "ms", 400),
    Goal("cli", "help_ms", "`sxsh-flow --help` (median)", "ms"),
    Goal("dispatch", "share_pct", "dispatch, share of the SMTP sink's ceiling", "%", 85, at_least=True),
    Goal("dispatch", "rate_msg_s", "dispatch rate (claim, send, record)", "msg/s"),
    Goal("national", "postgresql_daily_s", "national, PostgreSQL: one day's jobs over 34 provinces", "s", 30),
    Goal("national", "postgresql_close_s", "national, PostgreSQL: closing one cycle (34 consolidations)", "s", 60),
    Goal("national", "postgresql_status_one_s", "national, PostgreSQL: `status --json`, one province's run", "s", 0.5),
    Goal("national", "postgresql_status_all_s", "national, PostgreSQL: `status --json` of every run", "s"),
    Goal("national", "sqlite_daily_s", "national, SQLite: one day's jobs over 34 provinces", "s", 30),
    Goal("national", "sqlite_close_s", "national, SQLite: closing one cycle (34 consolidations)", "s", 60),
    Goal("national", "sqlite_status_one_s", "national, SQLite: `status --json`, one province's run", "s", 0.5),
    Goal("national", "sqlite_status_all_s", "national, SQLite: `status --json` of every run", "s"),
)  # fmt: skip


def table(document: Mapping[str, Mapping[str, Any]]) -> str:
    """The README's table of figures, from one ``python -m bench --json`` document."""
    lines = ["| figure | measured | goal | met |", "|---|---|---|---|"]
    for goal in GOALS:
        value = document.get(goal.module, {}).get(goal.key)
        if not isinstance(value, int | float):
            lines.append(f"| {goal.label} | not measured | {goal.goal_text()} | |")
            continue
        met = goal.met(float(value))
        mark = "" if met is None else ("yes" if met else "**no**")
        lines.append(f"| {goal.label} | {value:,.4g} {goal.unit} | {goal.goal_text()} | {mark} |")
    return "\n".join(lines)


def dumps(document: Mapping[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True)

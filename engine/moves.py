"""A duty that passed from an agency that ended to its successor: what a directory change moved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Move:
    """One task run of one cycle, handed from ``from_*`` (ended) to ``to_*`` from ``since``.

    ``merged`` when the successor already held the same task in that cycle (a merger: one task run
    carries what its predecessors still owed); otherwise ``new_task_run_id`` was created by the move.
    """

    change_id: int  # the directory import that caused it (``DirectoryChange``)
    plan_run_id: int
    plan_key: str
    cycle_label: str
    task_key: str
    task_title: str
    from_agency_id: int
    from_code: str
    from_name: str
    to_agency_id: int
    to_code: str
    to_name: str
    since: date  # the day after the old agency's last day
    old_task_run_id: int
    new_task_run_id: int
    merged: bool

"""A task run's deadline rules as functions of its columns: the deadline that counts, and overdue.

The ``TaskRun`` model states its rules through these, and readers that take rows as columns and
load no ORM (``status``) call the same functions, so both say the same of every task run.
"""

from __future__ import annotations

from datetime import date

from sxsh_flow.engine.states import TaskRunState


def effective_due_on(due_on: date, extended_until: date | None) -> date:
    """The deadline that counts: an approved extension replaces the plan's date."""
    return extended_until or due_on


def is_overdue(state: TaskRunState, deadline: date, today: date) -> bool:
    """The agency still owes the report and ``deadline`` (the one that counts) has passed."""
    return state.awaits_report and today > deadline

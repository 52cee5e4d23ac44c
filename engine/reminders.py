"""The reminder policy as small ordered rules, each saying why it fired. Pure: no I/O, no clock.

Every step is a day counted from the deadline, in working days when the plan says so (else in
calendar days). Messages go out on working days only: a step that falls on a day off fires on the
next working day, except the "due today" notice, which comes on the last working day up to the
deadline. Only task runs that still await a report get anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sxsh_flow.engine.message import MessageKind
from sxsh_flow.engine.spec import ReminderPolicy
from sxsh_flow.engine.states import TaskRunState
from sxsh_flow.engine.time_policy import TimePolicy


@dataclass(frozen=True)
class AwaitedTask:
    task_run_id: int
    due_on: date
    state: TaskRunState


@dataclass(frozen=True)
class Nudge:
    """One reason to write to an agency today about one task run."""

    task_run_id: int
    kind: MessageKind
    reason: str
    days_left: int | None = None  # in the run's unit (TimePolicy.unit), as days_overdue
    days_overdue: int = 0
    to_head: bool = False
    copy_coordinator: bool = False


class _Steps:
    """The rules' view of time: the plan's reminder policy and the run's time policy."""

    def __init__(self, policy: ReminderPolicy, time: TimePolicy) -> None:
        self.policy = policy
        self.time = time
        self.shift = time.shift

    def fires_today(self, step: date, today: date) -> bool:
        return self.time.calendar.next_working_day(step) == today

    @property
    def unit(self) -> str:
        return "working day(s)" if self.time.counts_working_days else "day(s)"


Rule = Callable[[AwaitedTask, date, _Steps], Nudge | None]


def _before_due(task: AwaitedTask, today: date, steps: _Steps) -> Nudge | None:
    for days in sorted(steps.policy.before_due, reverse=True):
        if steps.fires_today(steps.shift(task.due_on, -days), today) and today < task.due_on:
            left = steps.time.days_left(task.due_on, today)
            return Nudge(task.task_run_id, MessageKind.REMINDER, f"{days} {steps.unit} before the deadline", left)
    return None


def _on_due(task: AwaitedTask, today: date, steps: _Steps) -> Nudge | None:
    if not steps.policy.on_due:
        return None
    last_working = task.due_on
    while not steps.time.is_working_day(last_working):
        last_working -= timedelta(days=1)
    if today == last_working:
        return Nudge(task.task_run_id, MessageKind.DUE_TODAY, "the deadline is today", 0)
    return None


def _escalation(task: AwaitedTask, today: date, steps: _Steps) -> Nudge | None:
    after = steps.policy.escalate_after
    if after <= 0 or not steps.fires_today(steps.shift(task.due_on, after), today):
        return None
    late = steps.time.days_late(task.due_on, today)
    return Nudge(
        task.task_run_id,
        MessageKind.ESCALATION,
        f"{after} {steps.unit} overdue: the head of the agency is told",
        days_overdue=late,
        to_head=True,
        copy_coordinator=True,
    )


def _overdue(task: AwaitedTask, today: date, steps: _Steps) -> Nudge | None:
    if today <= task.due_on:
        return None
    late = steps.time.days_late(task.due_on, today)
    if late > steps.policy.overdue_notices_until:
        return None
    every = steps.policy.overdue_every
    # Steps 1, 1 + every, 1 + 2 * every, ... after the deadline; the first one at or before today.
    step = 1 + max(late - 1, 0) // every * every
    if not steps.fires_today(steps.shift(task.due_on, step), today):
        return None
    copy = late >= steps.policy.coordinator_copy_after > 0
    reason = f"{late} {steps.unit} overdue" + ("; the coordinator is in copy" if copy else "")
    return Nudge(task.task_run_id, MessageKind.OVERDUE, reason, days_overdue=late, copy_coordinator=copy)


# Order matters: the first rule that fires decides a task run's message for the day.
RULES: tuple[Rule, ...] = (_before_due, _on_due, _escalation, _overdue)


def nudge_for(task: AwaitedTask, today: date, policy: ReminderPolicy, time: TimePolicy) -> Nudge | None:
    """Today's message about ``task``, if the reminder ``policy`` calls for one; days count by ``time``."""
    if not task.state.awaits_report or not time.is_working_day(today):
        return None
    steps = _Steps(policy, time)
    for rule in RULES:
        nudge = rule(task, today, steps)
        if nudge is not None:
            return nudge
    return None

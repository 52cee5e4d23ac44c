"""The reminder policy: which message an agency gets on which day about a task run it still owes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sxsh_flow.engine.message import MessageKind
from sxsh_flow.engine.reminders import AwaitedTask, Nudge, nudge_for
from sxsh_flow.engine.spec import ReminderPolicy
from sxsh_flow.engine.states import TaskRunState
from sxsh_flow.engine.time_policy import TimePolicy

DUE = date(2016, 12, 21)  # a Wednesday: the 2016 deadline of plan-2016-2020
CALENDAR = TimePolicy()  # working days on the national calendar, as ReminderPolicy() counts


def ladder(policy: ReminderPolicy, task: AwaitedTask, start: date, end: date) -> list[tuple[date, Nudge]]:
    days = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return [
        (day, nudge)
        for day in days
        if (nudge := nudge_for(task, day, policy, TimePolicy.for_reminders(policy))) is not None
    ]


def test_the_default_ladder_in_working_days() -> None:
    sent = ladder(ReminderPolicy(), AwaitedTask(1, DUE, TaskRunState.OPEN), date(2016, 11, 15), date(2017, 1, 11))
    assert [(day, nudge.kind, nudge.days_left, nudge.days_overdue) for day, nudge in sent] == [
        (date(2016, 12, 1), MessageKind.REMINDER, 14, 0),
        (date(2016, 12, 12), MessageKind.REMINDER, 7, 0),
        (date(2016, 12, 16), MessageKind.REMINDER, 3, 0),
        (date(2016, 12, 20), MessageKind.REMINDER, 1, 0),
        (date(2016, 12, 21), MessageKind.DUE_TODAY, 0, 0),
        (date(2016, 12, 22), MessageKind.OVERDUE, None, 1),
        (date(2016, 12, 27), MessageKind.OVERDUE, None, 4),
        (date(2016, 12, 28), MessageKind.ESCALATION, None, 5),
        (date(2016, 12, 30), MessageKind.OVERDUE, None, 7),
        # 02/01/2017 is the New Year holiday (observed): the tenth working day late is 05/01.
        (date(2017, 1, 5), MessageKind.OVERDUE, None, 10),
        (date(2017, 1, 10), MessageKind.OVERDUE, None, 13),
    ]


def test_the_escalation_goes_to_the_head_with_the_coordinator_in_copy() -> None:
    nudge = nudge_for(AwaitedTask(1, DUE, TaskRunState.OPEN), date(2016, 12, 28), ReminderPolicy(), CALENDAR)
    assert nudge is not None
    assert (nudge.kind, nudge.to_head, nudge.copy_coordinator) == (MessageKind.ESCALATION, True, True)


def test_the_coordinator_is_copied_only_from_the_configured_day() -> None:
    policy = ReminderPolicy()
    task = AwaitedTask(1, DUE, TaskRunState.OPEN)
    copied = {
        day: n.copy_coordinator
        for day, n in ladder(policy, task, DUE, date(2017, 1, 11))
        if n.kind is MessageKind.OVERDUE
    }
    assert copied == {
        date(2016, 12, 22): False,
        date(2016, 12, 27): False,
        date(2016, 12, 30): False,
        date(2017, 1, 5): True,
        date(2017, 1, 10): True,
    }


@pytest.mark.parametrize(
    "state", [TaskRunState.SCHEDULED, TaskRunState.SUBMITTED, TaskRunState.ACCEPTED, TaskRunState.CANCELLED]
)
def test_nothing_goes_about_a_task_run_that_does_not_await_a_report(state: TaskRunState) -> None:
    assert ladder(ReminderPolicy(), AwaitedTask(1, DUE, state), date(2016, 11, 1), date(2017, 2, 1)) == []


def test_a_returned_report_is_reminded_again() -> None:
    assert (
        ladder(ReminderPolicy(), AwaitedTask(1, DUE, TaskRunState.RETURNED), DUE, DUE)[0][1].kind
        is MessageKind.DUE_TODAY
    )


def test_nothing_goes_out_on_a_day_off() -> None:
    weekend_and_holidays = [date(2016, 12, 24), date(2016, 12, 25), date(2017, 1, 2), date(2017, 1, 28)]
    task = AwaitedTask(1, DUE, TaskRunState.OPEN)
    assert [nudge_for(task, day, ReminderPolicy(), CALENDAR) for day in weekend_and_holidays] == [None] * 4


def test_in_calendar_days_a_step_on_a_day_off_moves_to_the_next_working_day() -> None:
    policy = ReminderPolicy(working_days=False, before_due=(3,), overdue_every=30, escalate_after=0)
    sent = ladder(policy, AwaitedTask(1, DUE, TaskRunState.OPEN), date(2016, 12, 1), date(2016, 12, 23))
    # 3 days before 21/12 is Sunday 18/12: the reminder comes on Monday 19/12.
    assert [(day, nudge.kind) for day, nudge in sent] == [
        (date(2016, 12, 19), MessageKind.REMINDER),
        (date(2016, 12, 21), MessageKind.DUE_TODAY),
        (date(2016, 12, 22), MessageKind.OVERDUE),
    ]


def test_a_deadline_on_a_day_off_is_announced_on_the_last_working_day_before_it() -> None:
    saturday = date(2016, 12, 24)
    policy = ReminderPolicy(working_days=False, before_due=(), escalate_after=0)
    sent = ladder(policy, AwaitedTask(1, saturday, TaskRunState.OPEN), date(2016, 12, 20), date(2016, 12, 27))
    assert [(day, nudge.kind) for day, nudge in sent][:2] == [
        (date(2016, 12, 23), MessageKind.DUE_TODAY),
        (date(2016, 12, 26), MessageKind.OVERDUE),
    ]


def test_without_an_on_due_notice_the_day_itself_is_quiet() -> None:
    policy = ReminderPolicy(on_due=False)
    assert nudge_for(AwaitedTask(1, DUE, TaskRunState.OPEN), DUE, policy, CALENDAR) is None


def test_every_nudge_says_why_it_fired() -> None:
    sent = ladder(ReminderPolicy(), AwaitedTask(1, DUE, TaskRunState.OPEN), date(2016, 11, 15), date(2017, 1, 11))
    assert all(nudge.reason for _, nudge in sent)
    assert sent[0][1].reason == "14 working day(s) before the deadline"

"""The deadlines of a message as an iCalendar file (deadline.ics) that people add to their calendar.

One all-day event per task run, published (``METHOD:PUBLISH``: information, not an invitation to
answer). The UID depends only on the installation, the plan and the task run, so a later file with the same task run
(a reminder, a changed deadline) updates the event instead of adding a second one. Nothing reads
the clock: DTSTAMP is the ``stamp`` the caller passes, so the same input gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from sxsh_flow.engine.message import PlanInfo, TaskItem
from sxsh_flow.words import Words, words

PRODUCT_ID = "-//sxsh-flow//vi"


def event_uid(plan_key: str, task_run_id: int, installation: str = "") -> str:
    """The stable UID of a task run's deadline event, unique to the installation that sends it.

    Run and task-run numbers start at 1 in every installation: without ``installation`` a calendar
    that hears from two provinces would merge their events.
    """
    where = f".{installation}" if installation else ""
    return f"{plan_key}.task-run-{task_run_id}{where}@sxsh-flow"


def deadline_calendar(
    tasks: Sequence[TaskItem],
    plan: PlanInfo,
    agency_name: str,
    *,
    stamp: datetime,
    language: str = "vi",
    installation: str = "",
) -> str:
    """An iCalendar document (CRLF lines) with one all-day VEVENT per task deadline.

    Each event carries a display alarm one day before. ``stamp`` (timezone-aware) becomes every
    DTSTAMP; it is never taken from the system clock.
    """
    if stamp.tzinfo is None:
        raise ValueError("deadline_calendar needs a timezone-aware stamp")
    said = words(language)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", plan.short_title)
    for task in tasks:
        uid = event_uid(plan.key, task.task_run_id, installation)
        calendar.add_component(_deadline_event(task, plan, agency_name, stamp.astimezone(UTC), said, uid))
    document: bytes = calendar.to_ical()
    return document.decode("utf-8")


def _deadline_event(task: TaskItem, plan: PlanInfo, agency_name: str, stamp: datetime, said: Words, uid: str) -> Event:
    summary = said.gettext("Report due: {title}", title=task.title)
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", task.due_on)
    # An all-day event ends (exclusively) on the next day (RFC 5545, 3.6.1).
    event.add("dtend", task.due_on + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", _description(task, plan, agency_name, said))
    # A deadline does not make anyone busy: leave free/busy time untouched.
    event.add("transp", "TRANSPARENT")
    if task.reply_url:
        event.add("url", task.reply_url)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(days=-1))
    alarm.add("description", summary)
    event.add_component(alarm)
    return event


def _description(task: TaskItem, plan: PlanInfo, agency_name: str, said: Words) -> str:
    lines = [
        plan.title,
        said.gettext("Agency: {agency}", agency=agency_name),
        said.gettext("Reporting period: {cycle}", cycle=said.cycle_name(task.cycle_label)),
        said.gettext(
            "Data period: {start} to {end}", start=said.date(task.cutoff_start), end=said.date(task.cutoff_end)
        ),
        said.gettext("Deadline: {date}", date=said.date(task.due_on)),
    ]
    if task.reply_url:
        lines.append(said.gettext("Report online: {url}", url=task.reply_url))
    return "\n".join(lines)

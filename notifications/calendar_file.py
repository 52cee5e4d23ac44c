"""The deadlines of a message as an iCalendar file (deadline.ics) that people add to their calendar.

One all-day event per task run, published (``METHOD:PUBLISH``: information, not an invitation to
answer). The UID depends only on the installation, the plan and the task run, so a later file with the same task run
(a reminder, a changed deadline) updates the event instead of adding a second one. Nothing reads
the clock: DTSTAMP is the ``stamp`` the caller passes, so the same input gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event, vText

from sxsh_flow.engine.message import PlanInfo, TaskItem
from sxsh_flow.notifications.shapes import MARK, MARK_OPEN, mark
from sxsh_flow.words import Words, words

PRODUCT_ID = "-//sxsh-flow//vi"


def event_uid(plan_key: str, task_run_id: int, installation: str = "") -> str:
    """The stable UID of a task run's deadline event, unique to the installation that sends it.

    Run and task-run numbers start at 1 in every installation: without ``installation`` a calendar
    that hears from two provinces would merge their events.
    """
    return _uid(plan_key, str(task_run_id), installation)


def _uid(plan_key: str, task_run_id: str, installation: str) -> str:
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
    uids = [event_uid(plan.key, task.task_run_id, installation) for task in tasks]
    document: bytes = _calendar(tasks, plan, agency_name, uids, stamp, language).to_ical()
    return document.decode("utf-8")


def _calendar(
    tasks: Sequence[TaskItem], plan: PlanInfo, agency_name: str, uids: Sequence[str], stamp: datetime, language: str
) -> Calendar:
    if stamp.tzinfo is None:
        raise ValueError("deadline_calendar needs a timezone-aware stamp")
    said = words(language)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", plan.short_title)
    for task, uid in zip(tasks, uids, strict=True):
        calendar.add_component(_deadline_event(task, plan, agency_name, stamp.astimezone(UTC), said, uid))
    return calendar


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


# Properties whose values are not TEXT, so not escaped (RFC 5545, 3.3.13: a URI is written as is).
_UNESCAPED = frozenset({"URL"})
_FOLD_OCTETS = 74  # RFC 5545, 3.1: a content line's pieces, before the continuation's space


@dataclass(frozen=True)
class CalendarShape:
    """A deadline.ics but for the task run ids, reply links and agency name: built once, filled per message.

    An opening day sends a request to every agency of a province with the same tasks and deadlines;
    building and folding the document through ``icalendar`` costs more than the rest of the
    message. The shape holds each content line folded, but for the lines a value goes in, which
    are kept unfolded with marks in place of the values, then escaped, filled and folded per message
    as ``icalendar`` escapes and folds them: ``fill`` gives ``deadline_calendar``'s very text.
    """

    _lines: tuple[tuple[str, bool | None], ...]  # (folded line, None) or (marked line, escape its values)
    _linked: tuple[bool, ...]  # which tasks have a reply link: it is part of the document's shape
    _named: bool

    def fill(self, tasks: Sequence[TaskItem], agency_name: str) -> str:
        """``deadline_calendar(tasks, ..., agency_name, ...)`` for the tasks this shape was made for.

        Raises ``ValueError`` for tasks or a name that do not fit the shape (a link or the name
        missing where the shape has one, a line break that escaping would change).
        """
        linked = tuple(bool(task.reply_url) for task in tasks)
        if linked != self._linked or bool(agency_name) != self._named:
            raise ValueError("these tasks or this agency name do not fit the calendar's shape")
        values = [str(task.task_run_id) for task in tasks] + [task.reply_url or "" for task in tasks] + [agency_name]
        if any("\r" in value or "\n" in value for value in values):
            raise ValueError("a value with a line break does not fit the calendar's shape")
        escaped = [vText(value).to_ical().decode("utf-8") for value in values]
        lines = []
        for line, escape in self._lines:
            if escape is None:
                lines.append(line)
            else:
                lines.append(_folded(_filled(line, escaped if escape else values)))
        return "\r\n".join(lines) + "\r\n"


def calendar_shape(
    tasks: Sequence[TaskItem],
    plan: PlanInfo,
    agency_name: str,
    *,
    stamp: datetime,
    language: str = "vi",
    installation: str = "",
) -> CalendarShape:
    """The shape of ``deadline_calendar(tasks, plan, agency_name, ...)``, for any task run ids and any
    reply links and agency name that are present where these are (see ``CalendarShape.fill``)."""
    count = len(tasks)
    marked = [
        dataclasses.replace(task, reply_url=mark(count + index) if task.reply_url else task.reply_url)
        for index, task in enumerate(tasks)
    ]
    uids = [_uid(plan.key, mark(index), installation) for index in range(count)]
    name = mark(2 * count) if agency_name else agency_name
    lines: list[tuple[str, bool | None]] = []
    for line in _calendar(marked, plan, name, uids, stamp, language).content_lines():
        if not line:
            continue  # the end of the document: its final line break
        if MARK_OPEN in line:
            lines.append((str(line), re.split("[;:]", line, maxsplit=1)[0].upper() not in _UNESCAPED))
        else:
            lines.append((_folded(line), None))
    return CalendarShape(tuple(lines), tuple(bool(task.reply_url) for task in tasks), bool(agency_name))


def _filled(line: str, values: Sequence[str]) -> str:
    return MARK.sub(lambda found: values[int(found[1])], line)


def _folded(line: str) -> str:
    """``line`` folded as ``icalendar`` folds a content line (``Contentline.to_ical``), in bytes at once.

    RFC 5545, 3.1: pieces of at most 74 octets (75 with the continuation's space), never inside a
    character; like icalendar (its issue #1501), a piece does not end in a backslash or caret,
    which would split an escape: that character opens the next piece instead.
    """
    data = line.encode("utf-8")
    if len(data) <= _FOLD_OCTETS:
        return line
    pieces = []
    start = 0
    while len(data) - start > _FOLD_OCTETS:
        cut = start + _FOLD_OCTETS
        while data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: the character starts earlier
            cut -= 1
        if data[cut - 1] in b"\\^" and cut - 1 > start:
            cut -= 1
        pieces.append(data[start:cut])
        start = cut
    pieces.append(data[start:])
    return b"\r\n ".join(pieces).decode("utf-8")

"""Rendering once per message shape: what a message says but for whom, and the recipient's values apart.

A sweep sends a thousand reminders that differ only in the agency's name and code, the person
addressed and the reply links. Rendering the templates costs far more than the rest of a message,
so ``render`` renders a *shape* once, with a mark in place of each of those values, and puts the
values in each copy. That gives the very text of rendering each message, because for these kinds:

- the templates show those values as they are (escaped in HTML, as is in text), never test them
  except for being empty, never measure or transform them: an empty value and a missing link stay
  in the shape itself, as they are;
- the task run ids are shown nowhere but in the calendar (rendered per message) and in handovers
  (a message with handovers is rendered whole);
- the text around a value is tidied (trailing blanks, blank lines, the subject's spaces), so only
  values that tidying leaves alone take part: one line, single spaces, none at either end.

Any other message, or one with a value that fails these, is rendered whole.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from markupsafe import escape

from sxsh_flow.engine.message import MessageContext, MessageKind, RenderedMessage, TaskItem

SHAPED_KINDS = frozenset(
    {
        MessageKind.REMINDER,
        MessageKind.DUE_TODAY,
        MessageKind.OVERDUE,
        MessageKind.ESCALATION,
        MessageKind.REQUEST,
        MessageKind.KICKOFF,
    }
)
# Private-use characters: no template, translation or name contains them, and no escaping or
# tidying touches them (iCalendar's neither: ``calendar_file`` marks its shapes with them too).
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"
MARK = re.compile(f"{MARK_OPEN}(\\d+){MARK_CLOSE}")


def mark(index: int) -> str:
    """The mark of the ``index``-th value of a shape."""
    return f"{MARK_OPEN}{index}{MARK_CLOSE}"


# What a shape is made of: every field but the recipient's values, which marks stand for.
_TASK_FIELDS = tuple(f.name for f in dataclasses.fields(TaskItem) if f.name not in {"task_run_id", "reply_url"})
_CONTEXT_FIELDS = tuple(
    f.name
    for f in dataclasses.fields(MessageContext)
    if f.name not in {"agency_code", "agency_name", "greeting_name", "tasks", "extra"}
)


@dataclass(frozen=True)
class Shape:
    """A message's shape: ``key`` names it, ``values`` are what its marks stand for in this message."""

    key: Hashable
    values: tuple[str, ...]
    _context: MessageContext
    _marks: tuple[str | None, ...]  # each task's link, then the agency's code and name, the greeting

    def context(self) -> MessageContext:
        """The context to render the shape from: the message's, with marks for its values."""
        *links, code, name, greeting = self._marks
        tasks = tuple(
            # The id only matches handovers (none here); the calendar, which shows it, is per message.
            dataclasses.replace(task, task_run_id=index, reply_url=link)
            for index, (task, link) in enumerate(zip(self._context.tasks, links, strict=True))
        )
        return dataclasses.replace(
            self._context, agency_code=str(code), agency_name=str(name), greeting_name=str(greeting), tasks=tasks
        )


def shape_of(context: MessageContext) -> Shape | None:
    """``context``'s shape, or None when it is rendered whole (not a kind sent in bulk, or a value a mark
    could not stand for)."""
    if context.kind not in SHAPED_KINDS or context.handovers:
        return None
    values: list[str] = []
    refused = False

    def marked(value: str | None) -> str | None:
        nonlocal refused
        if not value:
            return value  # the templates test emptiness: an empty value or no link is part of the shape
        if value != " ".join(value.split()) or MARK_OPEN in value or MARK_CLOSE in value:
            refused = True
        values.append(value)
        return mark(len(values) - 1)

    marks = (
        *(marked(task.reply_url) for task in context.tasks),
        marked(context.agency_code),
        marked(context.agency_name),
        marked(context.greeting_name),
    )
    if refused:
        return None
    key = (
        tuple(getattr(context, name) for name in _CONTEXT_FIELDS),
        tuple(sorted(context.extra.items())),
        tuple(tuple(getattr(task, name) for name in _TASK_FIELDS) for task in context.tasks),
        marks,
    )
    try:
        hash(key)
    except TypeError:
        return None
    return Shape(key, tuple(values), context, marks)


def fill(shape: RenderedMessage, values: Sequence[str], calendar: str | None) -> RenderedMessage:
    """The message of ``shape`` with its marks replaced by ``values``: as is in text, escaped in HTML."""
    escaped = [str(escape(value)) for value in values]
    return dataclasses.replace(
        shape,
        subject=MARK.sub(lambda found: values[int(found[1])], shape.subject),
        text=MARK.sub(lambda found: values[int(found[1])], shape.text),
        html=MARK.sub(lambda found: escaped[int(found[1])], shape.html),
        calendar=calendar,
    )

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

from markupsafe import escape

from sxsh_flow.engine.message import MessageContext, MessageKind, RenderedMessage

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
# tidying touches them.
_OPEN, _CLOSE = "\ue000", "\ue001"
_MARK = re.compile(f"{_OPEN}(\\d+){_CLOSE}")


def shape_of(context: MessageContext) -> tuple[Hashable, MessageContext, tuple[str, ...]] | None:
    """``context``'s shape (a key, and the context to render with marks) and the values of its marks.

    None when ``context`` is rendered whole: not a kind sent in bulk, or with a value a mark
    could not stand for.
    """
    if context.kind not in SHAPED_KINDS or context.handovers:
        return None
    values: list[str] = []

    def mark(value: str) -> str | None:
        if not value:
            return value  # the templates test emptiness: an empty value is part of the shape
        if value != " ".join(value.split()) or _OPEN in value or _CLOSE in value:
            return None
        values.append(value)
        return f"{_OPEN}{len(values) - 1}{_CLOSE}"

    tasks = []
    for index, task in enumerate(context.tasks):
        url = mark(task.reply_url) if task.reply_url is not None else None
        if task.reply_url is not None and url is None:
            return None
        # The id only matches handovers (none here); the calendar, which shows it, is per message.
        tasks.append(dataclasses.replace(task, task_run_id=index, reply_url=url))
    fields = [mark(context.agency_code), mark(context.agency_name), mark(context.greeting_name)]
    if any(field is None for field in fields):
        return None
    code, name, greeting = (str(field) for field in fields)
    shape = dataclasses.replace(context, agency_code=code, agency_name=name, greeting_name=greeting, tasks=tuple(tasks))
    key = tuple(getattr(shape, f.name) for f in dataclasses.fields(shape) if f.name != "extra")
    key += (tuple(sorted(shape.extra.items())),)
    try:
        hash(key)
    except TypeError:
        return None
    return key, shape, tuple(values)


def fill(shape: RenderedMessage, values: Sequence[str], calendar: str | None) -> RenderedMessage:
    """The message of ``shape`` with its marks replaced by ``values``: as is in text, escaped in HTML."""
    escaped = [str(escape(value)) for value in values]
    return dataclasses.replace(
        shape,
        subject=_MARK.sub(lambda found: values[int(found[1])], shape.subject),
        text=_MARK.sub(lambda found: values[int(found[1])], shape.text),
        html=_MARK.sub(lambda found: escaped[int(found[1])], shape.html),
        calendar=calendar,
    )

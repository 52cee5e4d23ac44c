"""Turn a ``MessageContext`` into the subject, text, HTML and calendar file people receive.

Pure: the same context gives the same message, and nothing but the template files is read. Each
kind of message has one ``<kind>.txt`` and one ``<kind>.html`` under ``templates/``, whatever the
language: their words are English msgids of the ``mail`` gettext catalogue, translated when the
template is rendered in the Jinja environment of the message's language. The subject is the
``subject`` block of the ``.txt`` template, rendered alone and flattened to one line.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Hashable
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, pass_context, select_autoescape
from jinja2.runtime import Context

from sxsh_flow.engine.clock import OFFICE_DAY_START, VIETNAM
from sxsh_flow.engine.legal_basis import in_force
from sxsh_flow.engine.message import MessageContext, MessageKind, RenderedMessage, TaskItem
from sxsh_flow.engine.time_policy import DayUnit, days_in_words
from sxsh_flow.notifications.calendar_file import CalendarShape, calendar_shape, deadline_calendar
from sxsh_flow.notifications.shapes import fill, shape_of
from sxsh_flow.words import translations, words

LANGUAGES = ("vi", "en")
TEMPLATE_FOLDER = Path(__file__).with_name("templates")

# Only the messages that announce deadlines carry the calendar file; reminders and later messages
# would only repeat it (and an event already past is of no use).
_KINDS_WITH_CALENDAR = frozenset({MessageKind.KICKOFF, MessageKind.REQUEST})


def render(context: MessageContext, language: str = "vi") -> RenderedMessage:
    """Render ``context`` in ``language`` ("vi", the default, or "en").

    The messages a sweep sends by the thousand (``shapes.SHAPED_KINDS``) are rendered once per
    shape, what they say but for whom, and the recipient's values put in each copy: the same
    result as rendering each one (``shapes`` says why, and its tests show it).
    """
    if language not in LANGUAGES:
        raise ValueError(f"no templates for language '{language}'; use one of: {', '.join(LANGUAGES)}")
    shaped = shape_of(context)
    if shaped is None:
        return render_each(context, language)
    upcoming = _upcoming(context)
    cached = _SHAPES.get((shaped.key, language))
    if cached is None:
        if len(_SHAPES) >= _MOST_SHAPES:
            _SHAPES.clear()  # a bound on memory; a long run meets new shapes each day
        calendar = None if upcoming is None else calendar_shape(upcoming, **_calendar_arguments(context, language))
        message = _render_templates(shaped.context(), language, has_calendar=calendar is not None)
        cached = _SHAPES[shaped.key, language] = (message, calendar)
    message, calendar = cached
    # The calendar's UIDs and links are the message's own; the rest of it is the shape's.
    return fill(
        message, shaped.values, None if calendar is None else calendar.fill(upcoming or (), context.agency_name)
    )


# Rendered shapes and their calendars, by (shape, language): a sweep meets a few dozen.
_SHAPES: dict[tuple[Hashable, str], tuple[RenderedMessage, CalendarShape | None]] = {}
_MOST_SHAPES = 512


def render_each(context: MessageContext, language: str) -> RenderedMessage:
    """Render ``context`` through the templates, whatever its kind (``render`` without shapes)."""
    upcoming = _upcoming(context)
    calendar = None if upcoming is None else deadline_calendar(upcoming, **_calendar_arguments(context, language))
    return dataclasses.replace(
        _render_templates(context, language, has_calendar=calendar is not None), calendar=calendar
    )


def _render_templates(context: MessageContext, language: str, *, has_calendar: bool) -> RenderedMessage:
    """Subject, text and HTML of ``context`` (no calendar)."""
    tasks = context.tasks
    variables = _variables(context, tasks, language, has_calendar=has_calendar)
    environment = _environment(language)
    text_template = environment.get_template(f"{context.kind.value}.txt")
    text_variables = {**variables, "m": _macros(language, "txt", context.day_unit)}
    subject = _subject(text_template, text_variables)
    text = _tidy(text_template.render(text_variables))
    html_template = environment.get_template(f"{context.kind.value}.html")
    html = _tidy(html_template.render(variables, m=_macros(language, "html", context.day_unit), subject=subject))
    return RenderedMessage(subject=subject, text=text, html=html)


@cache
def _environment(language: str) -> Environment:
    """The templates with the words and formats of ``language``: one environment per language."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATE_FOLDER),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False, default=False),
        undefined=StrictUndefined,  # a misspelt field fails the tests instead of printing nothing
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates ship with the package: no need to stat them at every message
        extensions=["jinja2.ext.i18n"],
    )
    environment.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    # The macro modules are rendered without the message's variables: they see the language here.
    environment.globals["language"] = language
    said = words(language)
    environment.filters.update(
        date=said.date,
        weekday=said.weekday,
        long_date=said.long_date,
        number=said.number,
        cycle_name=said.cycle_name,
        legal_reference=said.legal_reference,
        days=_days,
    )
    return environment


@cache
def _macros(language: str, extension: str, day_unit: DayUnit) -> Any:
    """The shared macros of a language and format, handed to templates as ``m``.

    Passed in rather than imported by each template, so that the subject block, rendered on its
    own, sees them too. The macros take what they show as arguments and need no context.
    """
    # The module knows the language and the unit of days, which the ``days`` filter writes counts in.
    template = _environment(language).get_template(f"_macros.{extension}")
    return template.make_module({"language": language, "day_unit": day_unit})


def _subject(template: Template, variables: dict[str, Any]) -> str:
    block = template.blocks.get("subject")
    if block is None:
        raise LookupError(f"template {template.name} has no subject block")
    text = "".join(block(template.new_context(variables)))
    return " ".join(text.split())


@pass_context
def _days(template_context: Context, count: int) -> str:
    """``{{ n | days }}``: a count of days in the message's unit and language ("3 ngày làm việc", "3 days").

    The engine counted the days by the run's time policy; the unit comes with them in the context.
    """
    return days_in_words(count, template_context["day_unit"], template_context["language"])


def _upcoming(context: MessageContext) -> tuple[TaskItem, ...] | None:
    """The deadlines the message's calendar shows, or None when it carries none."""
    upcoming = tuple(task for task in context.tasks if task.due_on >= context.today)
    if context.kind not in _KINDS_WITH_CALENDAR or not upcoming:
        return None
    return upcoming


def _calendar_arguments(context: MessageContext, language: str) -> dict[str, Any]:
    # DTSTAMP: the start of the office day the message is about, so rendering stays repeatable.
    stamp = datetime.combine(context.today, OFFICE_DAY_START, VIETNAM)
    return {
        "plan": context.plan,
        "agency_name": context.agency_name,
        "stamp": stamp,
        "language": language,
        "installation": context.installation,
    }


def _variables(
    context: MessageContext, tasks: tuple[TaskItem, ...], language: str, *, has_calendar: bool
) -> dict[str, Any]:
    variables = {field.name: getattr(context, field.name) for field in dataclasses.fields(context)}
    receipt = context.receipt
    receipt_days_late = receipt.days_late if receipt is not None and not receipt.on_time else 0
    variables.update(
        tasks=tasks,
        language=language,
        has_calendar=has_calendar,
        # A letter cites only what was already issued on its date (the plan may list later decrees).
        legal_basis=in_force(context.plan.legal_basis, context.today),
        first_task=tasks[0] if tasks else None,
        first_due=min((task.due_on for task in tasks), default=None),
        soonest_days_left=min((task.days_left for task in tasks if task.days_left is not None), default=0),
        most_days_late=max((task.days_overdue for task in tasks), default=0),
        any_without_link=any(task.reply_url is None for task in tasks),
        receipt_days_late=receipt_days_late,
    )
    return variables


def _tidy(rendered: str) -> str:
    """No trailing blanks, at most one empty line in a row, one final newline."""
    lines = [line.rstrip() for line in rendered.splitlines()]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return text + "\n"

"""A submitted report as its form reads: the form's labels, and values written the Vietnamese way.

One layout for every reader of a report (the coordinator's desk, ``sxsh-flow submissions show``):
the form's groups in its order, each a list of (label, value) rows, the enterprises as a table.
Numbers are written 1.234.567 and 8,5, money in đồng, dates dd/mm/yyyy, text as it was typed.
Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sxsh_flow.engine.report_form import PARTICIPATION, FieldDef, FormDefinition, form_label
from sxsh_flow.words import NP_, words

READING = "report reading"  # the context of the words below (the base catalogue)
GROUP_TITLES: dict[str, str] = {
    "indicators": NP_("report reading", "Indicators"),
    "fields": NP_("report reading", "Other figures"),
    "sections": NP_("report reading", "Report text"),
    "funding": NP_("report reading", "Funding"),
}
ENTERPRISES_TITLE = NP_("report reading", "Enterprises taking part")
ENTERPRISE_COLUMNS = (
    NP_("report reading", "Enterprise"),
    NP_("report reading", "Sector"),
    NP_("report reading", "Participation"),
)
NOT_FILLED = NP_("report reading", "(not filled in)")
NONE_LISTED = NP_("report reading", "(none listed)")


@dataclass(frozen=True)
class Row:
    key: str  # the form field's name: lines up the versions of one report side by side
    label: str
    value: str  # as people read it; the "not filled in" words when empty
    filled: bool
    long: bool = False  # a paragraph of text (the report's sections), not a figure


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str  # what to say when there are no rows


@dataclass(frozen=True)
class Section:
    title: str
    rows: tuple[Row, ...] = ()
    table: Table | None = None


def read_submission(definition: FormDefinition, values: Mapping[str, Any], language: str) -> tuple[Section, ...]:
    """The sections of a report with ``values``, laid out as the form of ``definition`` in ``language``."""
    said = words(language)
    sections = []
    for group, title in GROUP_TITLES.items():
        fields = definition.group(group)
        if fields:
            rows = tuple(_row(field, values.get(field.key), language) for field in fields)
            sections.append(Section(said.pgettext(READING, title), rows))
    if definition.enterprises:
        sections.append(Section(said.pgettext(READING, ENTERPRISES_TITLE), table=_enterprises(values, language)))
    return tuple(sections)


def _row(field: FieldDef, value: Any, language: str) -> Row:
    label = field.label(language)
    if field.unit and field.kind not in {"money"}:
        label = f"{label} ({field.unit})"
    if value is None or value == "":
        return Row(field.key, label, words(language).pgettext(READING, NOT_FILLED), False)
    return Row(field.key, label, format_value(field.kind, value, language), True, field.kind == "textarea")


def format_value(kind: str, value: Any, language: str) -> str:
    """A stored value of a field of ``kind`` as people read it in ``language``."""
    said = words(language)
    if kind in {"integer", "number", "money"}:
        number = _number(value)
        if number is None:
            return str(value)
        return said.money(number) if kind == "money" else said.number(number)
    if kind == "date" and isinstance(value, str):
        try:
            return said.date(date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _enterprises(values: Mapping[str, Any], language: str) -> Table:
    said = words(language)
    kinds = dict(PARTICIPATION)
    listed: Sequence[Any] = values.get("enterprises") or []
    rows = []
    for item in listed:
        if not isinstance(item, Mapping):
            continue
        participation = str(item.get("participation") or "")
        shown = form_label(kinds[participation], language) if participation in kinds else participation
        rows.append((str(item.get("name") or ""), str(item.get("sector") or ""), shown))
    return Table(
        said.pgettext(READING, ENTERPRISES_TITLE),
        tuple(said.pgettext(READING, column) for column in ENTERPRISE_COLUMNS),
        tuple(rows),
        said.pgettext(READING, NONE_LISTED),
    )

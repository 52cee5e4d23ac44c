"""The report form as a page shows it, and what a browser posts back.

The engine defines the form (``FormDefinition``) and reads it (``parse_form``); this module only
turns stored values into the text people type (1.234.567 and 8,5, dd/mm/yyyy) and back into the
plain mapping the engine reads; and it keeps what the two small side forms (extension, forward)
show again after a refusal. Numbers are always shown the Vietnamese way, even on the English
page, because that is how the engine reads them: "1,234" would come back as 1.234.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache

from starlette.datastructures import UploadFile
from starlette.requests import Request

from sxsh_flow.engine.attachments import MAX_BYTES, IncomingFile
from sxsh_flow.engine.report_form import (
    ENTERPRISE_ROWS,
    PARTICIPATION,
    Bound,
    FieldDef,
    FormDefinition,
    form_label,
    read_date,
)
from sxsh_flow.web.pages import text
from sxsh_flow.words import words

GROUPS = ("indicators", "fields", "sections", "funding")
MAX_FILES = 20
MAX_FIELDS = 2000  # 3 per enterprise row: room for several hundred enterprises
MAX_FIELD_BYTES = 256 * 1024  # a textarea holds at most 20,000 characters (report_form)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
Errors = Mapping[str, tuple[str, str]]  # field -> (Vietnamese, English), as the engine gives them
_NUMERIC = frozenset({"integer", "money", "number"})
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9][0-9., \u00a0]{0,39}")
_STORED_DECIMAL = re.compile(r"-?[0-9]{1,400}(\.[0-9]{1,400})?")  # as engine.report_form.stored_number writes it
_INPUT_MODES = {"integer": "numeric", "money": "numeric", "number": "decimal", "date": "numeric"}


@dataclass(frozen=True)
class PostedForm:
    data: dict[str, str]
    files: tuple[IncomingFile, ...]

    def get(self, key: str) -> str:
        return self.data.get(key, "")


async def read_posted_form(request: Request, *, max_file_bytes: int = MAX_BYTES) -> PostedForm:
    """Text fields (first value of each name) and the files posted as "attachments".

    A file is read to one byte past the engine's limit, never further: enough for the engine to
    refuse it with its own message, without holding a huge upload in memory.
    """
    form = await request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS, max_part_size=MAX_FIELD_BYTES)
    data: dict[str, str] = {}
    files: list[IncomingFile] = []
    try:
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                if key == "attachments":
                    content = await value.read(max_file_bytes + 1)
                    name = clean(value.filename or "")
                    if content or name:  # browsers send an empty part when no file was chosen
                        files.append(IncomingFile(name, content))
            else:
                data.setdefault(key, clean(value))
    finally:
        await form.close()
    return PostedForm(data, tuple(files))


def clean(value: str) -> str:
    # PostgreSQL refuses NUL in text, and other control characters are never typed on purpose.
    return _CONTROL.sub("", value)


def guard_numbers(definition: FormDefinition, data: Mapping[str, str]) -> dict[str, str]:
    """``data`` with number fields the engine cannot safely read replaced by text it refuses politely.

    The engine reads numbers with ``Decimal``, which also takes exponents: "1e999999" would become an
    integer of a million digits (slow to build, and refused by the JSON encoder: a server error).
    People type digits and separators; anything else, or anything absurdly long, is a format error.
    """
    guarded = dict(data)
    for spec_field in definition.fields:
        raw = guarded.get(spec_field.key, "").strip()
        if spec_field.kind in _NUMERIC and raw and not _PLAIN_NUMBER.fullmatch(raw):
            guarded[spec_field.key] = "?"
    return guarded


def read_day(raw: str) -> date | None:
    """dd/mm/yyyy as people write it, or yyyy-mm-dd as a date picker sends it; None if neither, or if
    its year is beyond the range the form reads (a year like 9999 overflowed the calendar: a 500)."""
    try:
        return read_date(raw.strip())
    except ValueError:
        return None


def vietnamese_number(value: int | float | Decimal) -> str:
    """1234567 → "1.234.567", 8.5 → "8,5"; every digit kept, so a prefilled form sends back what it got.

    copy_abs(), not abs(): abs() rounds to Decimal's 28-digit context, and a stored value may be longer.
    """
    exact = Decimal(value) if isinstance(value, int | Decimal) else Decimal(repr(value))
    if not exact.is_finite():
        return str(value)
    whole, _, fraction = format(exact.copy_abs(), "f").partition(".")
    fraction = fraction.rstrip("0")
    grouped = f"{int(whole):,}".replace(",", ".")
    return ("-" if exact.is_signed() else "") + grouped + ("," + fraction if fraction else "")


def shown_value(kind: str, value: object) -> str:
    """A stored value as the text of its input (a decimal is stored as its canonical text, "8.5")."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return vietnamese_number(value)
    if kind in _NUMERIC and isinstance(value, str) and _STORED_DECIMAL.fullmatch(value):
        return vietnamese_number(Decimal(value))
    if kind == "date" and isinstance(value, str):
        day = read_day(value)
        return words("vi").date(day) if day else value
    return str(value)


def stored_texts(definition: FormDefinition, values: Mapping[str, object]) -> dict[str, str]:
    return {f.key: shown_value(f.kind, values.get(f.key)) for f in definition.fields}


def stored_enterprises(values: Mapping[str, object]) -> list[dict[str, str]]:
    """The enterprises saved, then blank rows to add more."""
    saved = values.get("enterprises")
    rows = [
        {key: str(row.get(key, "")) for key in ("name", "sector", "participation")}
        for row in (saved if isinstance(saved, list) else [])
        if isinstance(row, dict)
    ]
    return rows + [{"name": "", "sector": "", "participation": ""}] * ENTERPRISE_ROWS


def typed_enterprises(data: Mapping[str, str]) -> list[dict[str, str]]:
    """The rows as posted, blank ones included, so row numbers (and their errors) stay where they were."""
    rows = []
    index = 0
    while f"enterprise.{index}.name" in data:
        rows.append({key: data.get(f"enterprise.{index}.{key}", "") for key in ("name", "sector", "participation")})
        index += 1
    return rows or stored_enterprises({})


def input_id(key: str) -> str:
    return "f-" + key.replace(".", "-")


@dataclass(frozen=True)
class FieldView:
    key: str
    id: str
    label: str
    kind: str
    unit: str
    required: bool
    value: str
    error: str | None
    hint: str | None = None  # the bound of a number field, "Từ 0 đến 1.000.000.000."

    @property
    def input_mode(self) -> str | None:
        return _INPUT_MODES.get(self.kind)


@dataclass(frozen=True)
class EnterpriseRow:
    index: int
    name: str
    sector: str
    participation: str
    error: str | None


@dataclass(frozen=True)
class ErrorLink:
    """One line of the error summary: a link to the field and its message."""

    target: str
    label: str
    message: str


@dataclass(frozen=True)
class ReportFormView:
    groups: list[tuple[str, list[FieldView]]]
    enterprises: list[EnterpriseRow] | None
    participation: list[tuple[str, str]]
    attachments: bool
    attachment_error: str | None
    errors: list[ErrorLink]


def report_form_view(
    definition: FormDefinition,
    *,
    texts: Mapping[str, str],
    enterprises: Sequence[Mapping[str, str]],
    errors: Mapping[str, tuple[str, str]],
    language: str,
) -> ReportFormView:
    """The form to render: each field with its text and its error in ``language``."""

    def message(key: str) -> str | None:
        pair = errors.get(key)
        return None if pair is None else pair[1] if language == "en" else pair[0]

    def view(spec_field: FieldDef) -> FieldView:
        return FieldView(
            spec_field.key,
            input_id(spec_field.key),
            spec_field.label(language),
            spec_field.kind,
            spec_field.unit,
            spec_field.required,
            texts.get(spec_field.key, ""),
            message(spec_field.key),
            bound_hint(spec_field.bound, language) if spec_field.bound else None,
        )

    groups = [(name, [view(f) for f in definition.group(name)]) for name in GROUPS]
    groups = [(name, fields) for name, fields in groups if fields]
    rows = [
        EnterpriseRow(i, row["name"], row["sector"], row["participation"], message(f"enterprise.{i}.participation"))
        for i, row in enumerate(enterprises)
    ]
    summary = [ErrorLink(f.id, f.label, f.error) for _, fields in groups for f in fields if f.error]
    summary += [
        ErrorLink(input_id(f"enterprise.{r.index}.participation"), text("enterprise", language, number=i + 1), r.error)
        for i, r in enumerate(rows)
        if r.error
    ]
    attachment_error = message("attachments")
    if attachment_error:
        summary.append(ErrorLink(input_id("attachments"), text("attachments", language), attachment_error))
    # An error about something the page does not show still has to be seen, or a 422 would look like nothing.
    shown = {f.key for f in definition.fields} | {"attachments"}
    shown |= {f"enterprise.{r.index}.participation" for r in rows}
    summary += [ErrorLink("report", key, message(key) or "") for key in errors if key not in shown]
    return ReportFormView(
        groups=groups,
        enterprises=rows if definition.enterprises else None,
        participation=[(key, form_label(name, language)) for key, name in PARTICIPATION],
        attachments=definition.attachments,
        attachment_error=attachment_error,
        errors=summary,
    )


@cache
def bound_hint(bound: Bound, language: str) -> str:
    """A number field's bound in words, made once: Babel formats its figure, a tenth of a page's rendering."""
    return bound.hint(language)


@dataclass(frozen=True)
class SideForm:
    """What to show again in the extension or forward form after a refusal."""

    values: Mapping[str, str] = field(default_factory=dict)
    errors: Errors = field(default_factory=dict)
    problem: tuple[str, str] | None = None  # a refusal that is about the whole request


@dataclass(frozen=True)
class SideView:
    """A side form's values and messages in the page's language."""

    values: Mapping[str, str]
    errors: Mapping[str, str]
    problem: str | None


def side_view(form: SideForm, language: str) -> SideView:
    def pick(pair: tuple[str, str]) -> str:
        return pair[1] if language == "en" else pair[0]

    return SideView(
        form.values,
        {key: pick(pair) for key, pair in form.errors.items()},
        pick(form.problem) if form.problem else None,
    )


# The inputs of the extension and forward forms, by field name: (element id, label key).
_SIDE_FIELDS = {
    "reason": ("x-reason", "reason"),
    "proposed_until": ("x-proposed-until", "proposed_until"),
    "name": ("w-name", "colleague_name"),
    "email": ("w-email", "colleague_email"),
}


def side_errors(extension: SideView, forward: SideView, language: str) -> list[ErrorLink]:
    """The refusals of the extension and forward forms, for the summary at the top of the page."""
    links = []
    if extension.problem:
        links.append(ErrorLink("extension-problem", text("extension_title", language), extension.problem))
    for side in (extension, forward):
        for name, message in side.errors.items():
            element_id, label = _SIDE_FIELDS[name]
            links.append(ErrorLink(element_id, text(label, language), message))
    return links

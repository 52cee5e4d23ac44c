"""The report form of a task, generated from the plan, and the reading of what an agency typed.

Pure: no I/O. Numbers are read the Vietnamese way: "." groups thousands and "," marks decimals
(1.234.567 and 8,5); "8.5" (a dot followed by other than three digits) is read as a decimal too.
Ratio indicators ask for their numerator and denominator, never a percentage, so the province's
figure can be computed as a sum over sums.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sxsh_flow.engine.spec import Aggregation, FieldType, PlanSpec, Section, Task
from sxsh_flow.words import N_, NP_, words

# (key, English name): the name is a msgid of the ``base`` catalogue, said "in the report form".
FUNDING_SOURCES: tuple[tuple[str, str], ...] = (
    ("central_budget", NP_("report form", "Central budget")),
    ("local_budget", NP_("report form", "Local budget")),
    ("industrial_extension", NP_("report form", "Industrial extension funds")),
    ("international", NP_("report form", "International cooperation")),
    ("enterprise_counterpart", NP_("report form", "Enterprise counterpart funds")),
)
PARTICIPATION: tuple[tuple[str, str], ...] = (
    ("informed", NP_("report form", "Informed")),
    ("trained", NP_("report form", "Trained")),
    ("quick_assessment", NP_("report form", "Quick assessment")),
    ("detailed_assessment", NP_("report form", "Detailed assessment")),
    ("applying", NP_("report form", "Applying cleaner production")),
)
SECTION_LABELS: dict[Section, str] = {
    Section.RESULTS: NP_("report form", "Results"),
    Section.DIFFICULTIES: NP_("report form", "Difficulties"),
    Section.RECOMMENDATIONS: NP_("report form", "Recommendations"),
    Section.NEXT_TASKS: NP_("report form", "Next tasks"),
}
ENTERPRISE_ROWS = 5  # blank rows offered beyond those already filled
# Years a date of the form may have: a plan runs for a few years, and a year like 9999 is a typo
# that would overflow the calendar's arithmetic further on.
FIRST_YEAR, LAST_YEAR = 2000, 2100
FORM = "report form"  # the context the form's own words are said in (the base catalogue)


def form_label(message: str, language: str) -> str:
    """One of the form's own words (a funding source, a kind of participation, a section) in ``language``."""
    return words(language).pgettext(FORM, message)


@dataclass(frozen=True)
class FieldDef:
    key: str  # the form field's name, e.g. "indicator.informed.numerator"
    name: str  # as the plan writes it, or a msgid of the form's own words when ``ours``
    kind: str  # integer | number | money | text | textarea | date
    unit: str = ""
    required: bool = False  # on submit; a draft may be partial
    group: str = "fields"  # indicators | fields | sections | funding
    ours: bool = False  # the name is one of the form's own words, translated; else the plan's, as written

    def label(self, language: str) -> str:
        return form_label(self.name, language) if self.ours else self.name

    @property
    def bound(self) -> Bound | None:
        """What a number field accepts (None for text and dates)."""
        if self.kind == "number" and self.unit.strip() == "%":
            return PERCENT_BOUND
        return BOUNDS.get(self.kind)


@dataclass(frozen=True)
class Bound:
    """The figures a number field accepts: from 0 to ``maximum``, with at most ``places`` decimals.

    Every figure has one, stated on the form and enforced when it is read, so that nothing an
    agency types is beyond what the report can add up and print.
    """

    maximum: Decimal
    places: int = 0

    def hint(self, language: str) -> str:
        """ "From 0 to 1.000.000.000." (numbers as the form reads them, the Vietnamese way)."""
        return words(language).gettext(N_("From 0 to {maximum}."), maximum=words("vi").number(self.maximum))

    def error(self) -> tuple[str, str]:
        if self.places:
            return said_both(
                N_("Enter a number from 0 to {maximum}, with at most {places} digits after the comma."),
                maximum=words("vi").number(self.maximum),
                places=self.places,
            )
        return said_both(N_("Enter a whole number from 0 to {maximum}."), maximum=words("vi").number(self.maximum))

    def admits(self, number: Decimal) -> bool:
        return 0 <= number <= self.maximum and -number.as_tuple().exponent <= self.places  # type: ignore[operator]


BOUNDS: dict[str, Bound] = {
    "integer": Bound(Decimal(10) ** 9),  # a count: more than any province's people or enterprises
    "money": Bound(Decimal(10) ** 15),  # đồng: more than a province's whole budget for a year
    "number": Bound(Decimal(10) ** 12, places=6),  # tonnes, kWh, hours ...
}
PERCENT_BOUND = Bound(Decimal(100), places=2)


@dataclass(frozen=True)
class FormDefinition:
    task_key: str
    task_title: str
    fields: tuple[FieldDef, ...]
    enterprises: bool
    attachments: bool
    ratios: tuple[tuple[str, str], ...] = ()  # (numerator key, denominator key): numerator ≤ denominator

    def group(self, name: str) -> list[FieldDef]:
        return [f for f in self.fields if f.group == name]


@dataclass
class ParsedForm:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (vi, en), see ``said_both``

    @property
    def ok(self) -> bool:
        return not self.errors


def form_definition(spec: PlanSpec, task: Task) -> FormDefinition:
    """Every field the agency fills for ``task``, in the order the page shows them."""
    fields: list[FieldDef] = []
    ratios: list[tuple[str, str]] = []
    for code in task.report.indicators:
        indicator = spec.indicator(code)
        if indicator.aggregation is Aggregation.RATIO:
            numerator, denominator = f"indicator.{code}.numerator", f"indicator.{code}.denominator"
            fields.append(
                FieldDef(
                    numerator,
                    indicator.numerator or indicator.name,
                    "integer",
                    required=True,
                    group="indicators",
                )
            )
            fields.append(
                FieldDef(
                    denominator,
                    indicator.denominator or "",
                    "integer",
                    required=True,
                    group="indicators",
                )
            )
            ratios.append((numerator, denominator))
        else:
            fields.append(
                FieldDef(
                    f"indicator.{code}.value",
                    indicator.name,
                    "number",
                    indicator.unit,
                    required=True,
                    group="indicators",
                )
            )
    for custom in task.report.fields:
        kind = {FieldType.TEXT: "text", FieldType.DATE: "date"}.get(custom.type, custom.type.value)
        fields.append(FieldDef(f"field.{custom.key}", custom.label, kind, custom.unit, custom.required))
    for section in task.report.sections:
        fields.append(
            FieldDef(
                f"section.{section.value}",
                SECTION_LABELS[section],
                "textarea",
                required=section is Section.RESULTS,
                group="sections",
                ours=True,
            )
        )
    if task.report.funding:
        for key, name in FUNDING_SOURCES:
            fields.append(FieldDef(f"funding.{key}", name, "money", "đồng", group="funding", ours=True))
    return FormDefinition(
        task.key, task.title, tuple(fields), task.report.enterprises, task.report.attachments, tuple(ratios)
    )


_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
# Digits, separators and a sign only: Decimal would also take "1e999999", a million-digit number.
_NUMBER_TEXT = re.compile(r"^-?[\d.,]{1,40}$")


class NotANumber(ValueError):
    """Typed text that is not a number written the Vietnamese way."""


def parse_vietnamese_number(text: str) -> Decimal:
    """ "1.234.567" → 1234567; "8,5" → 8.5; "1.234,5" → 1234.5; "8.5" → 8.5. Raises ValueError."""
    value = text.strip().replace(" ", "").replace("\u00a0", "")
    if not _NUMBER_TEXT.match(value):
        raise NotANumber(text[:50])
    if "," in value:
        value = value.replace(".", "").replace(",", ".")
    elif _THOUSANDS.match(value):
        value = value.replace(".", "")
    try:
        number = Decimal(value)
    except InvalidOperation as exc:
        raise NotANumber(text) from exc
    if not number.is_finite():
        raise NotANumber(text)
    return number


def parse_form(definition: FormDefinition, data: Mapping[str, str], *, submitting: bool) -> ParsedForm:
    """Read what was typed; on submit, required fields must be there. Errors are (vi, en) per field.

    Whole numbers are stored as ints; a decimal as its canonical text ("8.5"), since a JSON float
    keeps only 17 digits; text with one "\\n" per line typed, whatever line ends the browser sent.
    """
    parsed = ParsedForm()
    for spec_field in definition.fields:
        raw = (data.get(spec_field.key) or "").strip()
        if not raw:
            if submitting and spec_field.required:
                parsed.errors[spec_field.key] = said_both(N_("Please fill in this field."))
            continue
        try:
            parsed.values[spec_field.key] = _read(spec_field, raw)
        except OutOfBounds as refused:
            parsed.errors[spec_field.key] = refused.bound.error()
        except ValueError:
            parsed.errors[spec_field.key] = _format_error(spec_field.kind)
    for numerator, denominator in definition.ratios:
        top, bottom = parsed.values.get(numerator), parsed.values.get(denominator)
        if isinstance(top, int) and isinstance(bottom, int) and top > bottom:
            parsed.errors[numerator] = said_both(N_("This cannot exceed the total below."))
    if definition.enterprises:
        parsed.values["enterprises"] = _enterprises(data, parsed)
    return parsed


class OutOfBounds(ValueError):
    """A number beyond what its field accepts."""

    def __init__(self, bound: Bound) -> None:
        super().__init__(bound.maximum)
        self.bound = bound


def _read(spec_field: FieldDef, raw: str) -> Any:
    kind, bound = spec_field.kind, spec_field.bound
    if bound is not None:
        number = parse_vietnamese_number(raw)
        if kind != "number" and (number != number.to_integral_value() or number < 0):
            raise ValueError(raw)  # money is whole đồng, a count a whole number: the format is wrong
        if not bound.admits(number.normalize() if number else Decimal(0)):
            raise OutOfBounds(bound)
        return stored_number(number)
    if kind == "date":
        return read_date(raw).isoformat()
    if len(raw) > 20000:
        raise ValueError("too long")
    return "\n".join(raw.splitlines()) if kind == "textarea" else raw


def stored_number(number: Decimal) -> int | str:
    """A bounded number as JSON stores it exactly: an int if it is whole, else its canonical text."""
    if number == number.to_integral_value():
        return int(number)
    return format(number.normalize(), "f")


def read_date(raw: str) -> date:
    """dd/mm/yyyy as people write it, or the ISO form a date picker sends, from FIRST_YEAR to LAST_YEAR."""
    if "/" in raw:
        parts = raw.split("/")
        if len(parts) != 3 or any(len(part) > 4 for part in parts):
            raise ValueError(raw[:50])
        day, month, year = (int(part) for part in parts)
        read = date(year, month, day)
    elif len(raw) == len("2017-12-21"):
        read = date.fromisoformat(raw)
    else:
        raise ValueError(raw[:50])
    if not FIRST_YEAR <= read.year <= LAST_YEAR:
        raise ValueError(raw[:50])
    return read


_FORMAT_ERRORS = {
    "integer": N_("Enter a whole number, e.g. 1.234."),
    "money": N_("Enter an amount in đồng, e.g. 1.023.600.000."),
    "number": N_("Enter a number, e.g. 8,5."),
    "date": N_("Enter a date as dd/mm/yyyy."),
}


def _format_error(kind: str) -> tuple[str, str]:
    return said_both(_FORMAT_ERRORS.get(kind, N_("Too long.")))


def said_both(message: str, **params: Any) -> tuple[str, str]:
    """An error of the form in both languages, (vi, en): the page picks the reader's when it shows it."""
    return words("vi").gettext(message, **params), words("en").gettext(message, **params)


def _enterprises(data: Mapping[str, str], parsed: ParsedForm) -> list[dict[str, str]]:
    rows = []
    index = 0
    allowed = {key for key, _ in PARTICIPATION}
    while f"enterprise.{index}.name" in data:
        name = (data.get(f"enterprise.{index}.name") or "").strip()
        sector = (data.get(f"enterprise.{index}.sector") or "").strip()
        participation = (data.get(f"enterprise.{index}.participation") or "").strip()
        if name:
            if participation and participation not in allowed:
                parsed.errors[f"enterprise.{index}.participation"] = said_both(N_("Choose from the list."))
            rows.append({"name": name[:300], "sector": sector[:200], "participation": participation})
        index += 1
    return rows

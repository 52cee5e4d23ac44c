"""The plan-file format: a plan is data, validated on load into frozen objects.

A plan file (YAML) names its legal basis, period, indicators (targets), tasks with who leads and
who takes part, each task's cadence, cut-off period and deadline rule, its report form, and the
reminder policy. ``docs/plan-format.md`` explains every field; ``docs/plan.schema.json`` is the
JSON Schema generated from these models (``sxsh-flow plans schema``).
"""

from __future__ import annotations

import copy
import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    WithJsonSchema,
    field_validator,
    model_serializer,
)

from sxsh_flow.agencies.kinds import AGENCY_CODE_PATTERN, KIND_SELECTOR_PREFIX, AgencyKind
from sxsh_flow.engine.spec_terms import COUNT_WORKING_DAYS, OFFICE_HOURS
from sxsh_flow.engine.spec_terms import Aggregation as Aggregation  # re-exported: the plan format's names
from sxsh_flow.engine.spec_terms import Cadence as Cadence
from sxsh_flow.problems import Saying
from sxsh_flow.words import N_

PLAN_FORMAT = 1

MONTH_DAY_PATTERN = r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
KEY_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


def _check_selector(value: str) -> str:
    if value.startswith(KIND_SELECTOR_PREFIX):
        kind = value.removeprefix(KIND_SELECTOR_PREFIX)
        if kind not in {k.value for k in AgencyKind}:
            allowed = ", ".join(KIND_SELECTOR_PREFIX + k.value for k in AgencyKind)
            raise ValueError(
                Saying(N_("'{value}' names no agency kind; use one of: {allowed}"), value=value, allowed=allowed)
            )
        return value
    if not re.match(AGENCY_CODE_PATTERN, value):
        raise ValueError(
            Saying(
                N_(
                    "'{value}' is neither an agency code (capitals, digits, '-': SCT, UBND-KINHMON) "
                    "nor a kind selector (kind:district)"
                ),
                value=value,
            )
        )
    return value


def _one_or_many(value: object) -> object:
    return (value,) if isinstance(value, str) else value


_SELECTOR_SCHEMA = {"type": "string", "description": "An agency code (SCT) or a kind selector (kind:district)"}

# A task's lead or partners: one selector, or a list of them.
AgencySelectors = Annotated[
    tuple[Annotated[str, AfterValidator(lambda value: _check_selector(value))], ...],
    BeforeValidator(_one_or_many),
    WithJsonSchema({"anyOf": [_SELECTOR_SCHEMA, {"type": "array", "items": _SELECTOR_SCHEMA}]}),
]

AgencySelector = Annotated[
    str,
    Field(
        description="An agency code from the province's directory (SCT) or every agency of a kind (kind:district).",
        examples=["SCT", "kind:district"],
    ),
]


class LegalDocument(_Frozen):
    number: str = Field(min_length=1, description="Number and symbol, e.g. 1419/QĐ-TTg")
    date: date
    issuer: str = Field(min_length=1, description="Issuing body, e.g. Thủ tướng Chính phủ")
    title: str = ""
    note: str = ""


class Period(_Frozen):
    first_year: int = Field(ge=2000, le=2100)
    last_year: int = Field(ge=2000, le=2100)


class Cutoff(_Frozen):
    """The data cut-off period of the first report of a year, as month-day pairs.

    When ``start`` falls after ``end`` in the calendar, the period starts in the previous year
    (15/12 of the previous year to 14/12 is Decree 09/2019/NĐ-CP's annual default).
    """

    start: str = Field(pattern=MONTH_DAY_PATTERN, description="MM-DD")
    end: str = Field(pattern=MONTH_DAY_PATTERN, description="MM-DD")

    def period_of(self, year: int) -> tuple[date, date]:
        """The cut-off period that ends in ``year``."""
        end = month_day(self.end, year)
        start = month_day(self.start, year)
        return (month_day(self.start, year - 1), end) if start > end else (start, end)


DEFAULT_ANNUAL_CUTOFF = Cutoff(start="12-15", end="12-14")  # Decree 09/2019/NĐ-CP, art. 12
DEFAULT_SIX_MONTHLY_CUTOFF = Cutoff(start="12-15", end="06-14")


def month_day(text: str, year: int) -> date:
    """``"12-14"`` in ``year``."""
    return date(year, int(text[:2]), int(text[3:]))


class Deadline(_Frozen):
    """When a report is due: a number of (working) days after the cut-off ends, or a fixed day.

    ``on_day`` (MM-DD) is the first such day on or after the cut-off's end. (Not ``on``: YAML 1.1
    reads a bare ``on`` key as the boolean true.)
    """

    days_after_cutoff: int | None = Field(default=None, ge=0, le=366)
    working_days: bool = True
    on_day: str | None = Field(default=None, pattern=MONTH_DAY_PATTERN, description="MM-DD")


class Reporting(_Frozen):
    """Defaults every task inherits unless it says otherwise."""

    recipient: AgencySelector = "SCT"
    cutoff_annual: Cutoff = DEFAULT_ANNUAL_CUTOFF
    cutoff_six_monthly: Cutoff = DEFAULT_SIX_MONTHLY_CUTOFF
    deadline: Deadline = Deadline(days_after_cutoff=5, working_days=True)
    opens_days_before_due: int = Field(default=30, ge=0, le=366)
    closes_working_days_after_due: int = Field(default=3, ge=0, le=60)
    source: str = Field(default="", description="Where these defaults come from")

    @field_validator("recipient")
    @classmethod
    def _recipient(cls, value: str) -> str:
        return _check_selector(value)


class TargetStage(_Frozen):
    """The target of a stage of the plan: the years up to ``until_year`` after the stage before it."""

    until_year: int = Field(ge=2000, le=2100, description="The stage's last year, inclusive")
    min: float | None = None
    max: float | None = None


class Target(_Frozen):
    """At least ``min``, at most ``max``, or a range with both (8–13%).

    A plan of two stages may ask for different figures in each (70% informed by 2025, 100% by 2030):
    ``stages`` then gives each stage's ``min``/``max``, and ``min``/``max`` apply to the years after
    the last stage, if any.
    """

    min: float | None = None
    max: float | None = None
    scope: Literal["plan", "annual"] = "plan"
    stages: tuple[TargetStage, ...] = Field(default=(), description="Targets per stage, in increasing years")

    @model_serializer(mode="wrap")
    def _without_empty_stages(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # A target without stages dumps as it did before stages existed, so a plan's content hash
        # (and the spec a run stored) stays the same.
        data: dict[str, Any] = handler(self)
        if not self.stages:
            data.pop("stages", None)
        return data

    def stage_of(self, year: int) -> TargetStage | None:
        """The stage whose years hold ``year``; None past the last stage, or without stages."""
        return next((stage for stage in self.stages if year <= stage.until_year), None)

    def in_year(self, year: int | None) -> Target | None:
        """What the plan asks in ``year``: the stage's figures, or ``min``/``max`` after the last stage.

        The target itself when it has no stages or no year is given; None when that year asks nothing.
        """
        if not self.stages or year is None:
            return self
        stage = self.stage_of(year)
        low, high = (stage.min, stage.max) if stage is not None else (self.min, self.max)
        return None if low is None and high is None else Target(min=low, max=high, scope=self.scope)


class Indicator(_Frozen):
    code: str = Field(pattern=KEY_PATTERN)
    name: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    aggregation: Aggregation
    numerator: str | None = Field(default=None, description="What is counted above the line")
    denominator: str | None = Field(default=None, description="What is counted below the line")
    target: Target | None = Field(default=None, description="None for a work-volume count")
    source: str = ""


class FieldType(StrEnum):
    INTEGER = "integer"
    NUMBER = "number"
    MONEY = "money"
    TEXT = "text"
    DATE = "date"


class FormField(_Frozen):
    key: str = Field(pattern=KEY_PATTERN)
    label: str = Field(min_length=1)
    type: FieldType = FieldType.TEXT
    unit: str = ""
    required: bool = False


class Section(StrEnum):
    RESULTS = "results"
    DIFFICULTIES = "difficulties"
    RECOMMENDATIONS = "recommendations"
    NEXT_TASKS = "next_tasks"


class ReportForm(_Frozen):
    indicators: tuple[str, ...] = ()
    sections: tuple[Section, ...] = (Section.RESULTS, Section.DIFFICULTIES, Section.RECOMMENDATIONS)
    funding: bool = True
    enterprises: bool = False
    attachments: bool = True
    fields: tuple[FormField, ...] = ()


class Task(_Frozen):
    key: str = Field(pattern=KEY_PATTERN)
    title: str = Field(min_length=1)
    description: str = ""
    lead: AgencySelectors = Field(
        min_length=1, description="Who carries it out and reports: one task run per agency, per cycle"
    )
    partners: AgencySelectors = ()
    recipient: AgencySelector | None = Field(default=None, description="Defaults to reporting.recipient")
    cadence: Cadence = Cadence.ANNUAL
    due: date | None = Field(default=None, description="Only for cadence 'once'")
    deadline: Deadline | None = None
    report: ReportForm = ReportForm()
    source: str = ""

    @field_validator("recipient")
    @classmethod
    def _recipient(cls, value: str | None) -> str | None:
        return None if value is None else _check_selector(value)


class ReminderPolicy(_Frozen):
    """When agencies hear about a deadline; counted in working days unless told otherwise."""

    working_days: bool = COUNT_WORKING_DAYS
    before_due: tuple[int, ...] = (14, 7, 3, 1)
    on_due: bool = True
    overdue_every: int = Field(default=3, ge=1, le=60)
    escalate_after: int = Field(default=5, ge=0, le=120, description="Overdue days before the head hears")
    coordinator_copy_after: int = Field(default=10, ge=0, le=120)
    # A unit that never reports is not told every few days for the rest of the plan: after this many
    # (working) days overdue the notices stop, and the unit stays on the consolidated report's late list.
    overdue_notices_until: int = Field(default=20, ge=1, le=366, description="Overdue days after which notices stop")
    office_hours: tuple[int, int] = OFFICE_HOURS
    source: str = ""


class SelectorChangeSpec(_Frozen):
    """From ``since``, ``selector`` means ``becomes`` (read in the province that holds the plan then).

    Without one, a kind that ends is carried by its agencies' successors in the directory, which is
    what the 2025 reform needs; a plan states a change only to say something else.
    """

    selector: AgencySelector
    since: date
    becomes: AgencySelector
    source: str = ""

    @field_validator("selector", "becomes")
    @classmethod
    def _selectors(cls, value: str) -> str:
        return _check_selector(value)


class PlanSpec(_Frozen):
    """A whole plan file."""

    format: Literal[1] = Field(description="Version of the plan-file format")
    key: str = Field(pattern=KEY_PATTERN, description="Stable identifier, e.g. plan-2016-2020")
    version: str = Field(min_length=1, description="Version of this plan's content")
    title: str = Field(min_length=1)
    short_title: str = ""
    province: str = Field(pattern=r"^[A-Z]{2,8}$", description="Default province code")
    lead: AgencySelector
    period: Period
    effective_from: date | None = Field(default=None, description="The day the plan takes effect")
    legal_basis: tuple[LegalDocument, ...] = Field(min_length=1)
    reporting: Reporting = Reporting()
    indicators: tuple[Indicator, ...] = ()
    tasks: tuple[Task, ...] = Field(min_length=1)
    reminders: ReminderPolicy = ReminderPolicy()
    selector_changes: tuple[SelectorChangeSpec, ...] = Field(
        default=(), description="What a selector means from a given day, when the directory's successors do not say it"
    )

    @field_validator("lead")
    @classmethod
    def _lead(cls, value: str) -> str:
        return _check_selector(value)

    def task(self, key: str) -> Task:
        for task in self.tasks:
            if task.key == key:
                return task
        raise KeyError(key)

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(code)

    def deadline_of(self, task: Task) -> Deadline:
        return task.deadline or self.reporting.deadline

    def recipient_of(self, task: Task) -> str:
        return task.recipient or self.reporting.recipient


# Every place that serves a run validates the plan snapshot it keeps (status, the portal's pages,
# the sweep), and the 34 runs of a national deployment keep the same snapshot. Validated once per
# content hash: comparing the snapshot (a dict) with the one validated costs a fraction of validating
# it again, and a snapshot that differs under the same hash (one edited by hand) is validated anew.
_SNAPSHOTS: dict[str, tuple[dict[str, Any], PlanSpec]] = {}


def snapshot_spec(snapshot: dict[str, Any], content_hash: str) -> PlanSpec:
    """The ``PlanSpec`` of a run's plan snapshot and its hash, validated once per process (it is frozen)."""
    known = _SNAPSHOTS.get(content_hash)
    if known is not None and known[0] == snapshot:
        return known[1]
    spec = PlanSpec.model_validate(snapshot)
    if len(_SNAPSHOTS) >= 256:
        _SNAPSHOTS.clear()  # a bound on memory: a process meets a few plans, not hundreds
    _SNAPSHOTS[content_hash] = (copy.deepcopy(snapshot), spec)
    return spec

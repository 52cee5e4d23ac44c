"""The consolidated report of a run: one model that the HTML page, the Word file and the workbook render.

Pure: ``reports.collect`` reads the database and builds this model with the functions of
``reports.sums`` (how figures add up) and ``reports.verdicts``; the renderers (``html``, ``docx``,
``xlsx``, ``charts``) only write it, through ``reports.writing``. Nothing here computes twice what
another part shows, so the outputs cannot disagree.

Amounts are whole đồng (``int``); ratios are kept as their numerator and denominator, and the
percentage is computed from the sums, never by averaging percentages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum
from typing import Any

from sxsh_flow.engine.report_counts import ReportCounts
from sxsh_flow.engine.time_policy import DayUnit
from sxsh_flow.reports.decree30 import place_and_date
from sxsh_flow.words import N_, words

# A ratio's percentage is shown, and judged, to one decimal place (8,5%): a figure that prints as
# "90,0%" must not be judged below a 90% target because of a hidden 89,96.
PERCENT_PLACES = Decimal("0.1")


class Attainment(StrEnum):
    MET = "met"  # within the target (at least min, at most max)
    BELOW = "below"  # under the minimum
    ABOVE = "above"  # over the maximum of a range (8–13%: 15% is not "met")
    IN_PROGRESS = "in_progress"  # a plan-wide sum target, judged only over the whole plan
    NO_TARGET = "no_target"  # a work-volume count
    NO_DATA = "no_data"  # nobody reported a figure (or a ratio's denominator is zero)

    def label(self, language: str = "vi") -> str:
        """The words every output uses for this verdict, so the page, the document and the workbook agree."""
        return words(language).gettext(_ATTAINMENT_LABELS[self])


_ATTAINMENT_LABELS: dict[Attainment, str] = {
    Attainment.MET: N_("Met"),
    Attainment.BELOW: N_("Below target"),
    Attainment.ABOVE: N_("Above the range"),
    Attainment.IN_PROGRESS: N_("In progress"),
    Attainment.NO_TARGET: N_("No target"),
    Attainment.NO_DATA: N_("No data"),
}


@dataclass(frozen=True)
class Figure:
    """One indicator's figure: a value, or for a ratio its numerator and denominator too.

    A ratio's value is ``numerator / denominator × 100`` rounded half up to one decimal place.
    """

    value: Decimal | None  # the percentage for a ratio (numerator / denominator × 100)
    numerator: int | None = None
    denominator: int | None = None


@dataclass(frozen=True)
class AgencyFigure:
    agency_code: str
    agency_name: str
    figure: Figure


@dataclass(frozen=True)
class IndicatorResult:
    code: str
    name: str
    unit: str
    aggregation: str  # sum | ratio | latest
    target_min: float | None  # for an annual sum target in a cumulative report: per year × years covered
    target_max: float | None
    target_scope: str | None  # plan | annual | None (no target)
    province: Figure
    attainment: Attainment
    by_agency: tuple[AgencyFigure, ...] = ()
    target_until: int | None = None  # the last year of the plan's stage the target belongs to, if staged

    @property
    def attainment_percent(self) -> Decimal | None:
        """How far the province's figure is toward the target's minimum (for the chart), if it has one."""
        if self.province.value is None or not self.target_min:
            return None
        return self.province.value / Decimal(str(self.target_min)) * 100


@dataclass(frozen=True)
class WorkVolumeRow:
    """A line of the work-volume table (seed 003): activity, unit, quantity, the years it covers."""

    activity: str
    unit: str
    quantity: Decimal
    years: tuple[int, ...]


@dataclass(frozen=True)
class FundingRow:
    """One agency's (or the province's) funding, by source key (see ``report_form.FUNDING_SOURCES``).

    ``by_source`` always holds the five keys, in that order (0 for a source nobody reported).
    """

    label: str  # the agency's name, or "Tổng cộng"
    by_source: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_source.values())

    @property
    def state_budget(self) -> int:
        """Central plus local budget: what seed 003 calls "vốn ngân sách nhà nước"."""
        return self.by_source.get("central_budget", 0) + self.by_source.get("local_budget", 0)


@dataclass(frozen=True)
class AgencyText:
    agency_code: str
    agency_name: str
    task_title: str
    text: str
    cycle_label: str = ""  # the cycle it was written for (several in a cumulative report)


@dataclass(frozen=True)
class LateUnit:
    """A unit that reported after its deadline, or has not reported at all (``submitted_on`` None)."""

    cycle_label: str
    agency_code: str
    agency_name: str
    task_title: str
    due_on: date
    submitted_on: date | None
    # Counted by the run's time policy, as its emails count: None for a unit that has not reported.
    days_late: int | None = None
    day_unit: DayUnit = DayUnit.WORKING


@dataclass(frozen=True)
class EnterpriseRow:
    name: str
    sector: str
    participation: str  # the label in the report's language ("Đánh giá nhanh SXSH")
    year: int
    reported_by: str  # the agency's name (several, joined by ", ", when more than one reported it)


@dataclass(frozen=True)
class CycleTimeliness:
    """For the on-time chart: how a cycle's reports came in."""

    cycle_label: str
    expected: int
    on_time: int
    late: int
    missing: int

    @property
    def on_time_rate(self) -> Decimal | None:
        return None if not self.expected else Decimal(self.on_time) / Decimal(self.expected) * 100

    @property
    def pending(self) -> int:
        """Not in yet, and not yet due: neither late nor missing."""
        return self.expected - self.on_time - self.late - self.missing


@dataclass(frozen=True)
class DocumentHeader:
    """What Decree 30/2020 puts above the title of an administrative report."""

    superior_body: str  # "UBND TỈNH HẢI DƯƠNG"
    issuing_body: str  # "SỞ CÔNG THƯƠNG"
    number_symbol: str  # "Số:      /BC-SCT" (the number is given when the report is registered)
    place: str  # "Hải Dương"
    issued_on: date
    title: str  # "BÁO CÁO"
    subtitle: str  # "Kết quả thực hiện Kế hoạch ... năm 2017"
    recipients: tuple[str, ...]  # "Nơi nhận"
    signer_title: str  # "GIÁM ĐỐC"
    signer_name: str

    @property
    def place_and_date(self) -> str:
        """ "Hải Dương, ngày 05 tháng 01 năm 2018" (see ``decree30.place_and_date``)."""
        return place_and_date(self.place, self.issued_on)


@dataclass(frozen=True)
class ConsolidatedReport:
    run_id: int
    plan_key: str
    plan_title: str
    legal_basis: tuple[str, ...]  # "Quyết định số 1419/QĐ-TTg ngày 07/09/2009 của Thủ tướng Chính phủ ..."
    scope: str  # cycle | cumulative
    cycle_labels: tuple[str, ...]  # ("2017",) or every cycle up to the chosen one
    years: tuple[int, ...]
    period_start: date  # the first cut-off day covered
    period_end: date  # the last cut-off day covered
    header: DocumentHeader
    indicators: tuple[IndicatorResult, ...]
    work_volume: tuple[WorkVolumeRow, ...]
    funding_by_agency: tuple[FundingRow, ...]
    funding_total: FundingRow
    texts: dict[str, tuple[AgencyText, ...]]  # section key (results, difficulties, ...) -> texts
    late_units: tuple[LateUnit, ...]  # of the cycles covered only
    enterprises: tuple[EnterpriseRow, ...]
    timeliness: tuple[CycleTimeliness, ...]  # every cycle up to the chosen one, so the chart shows the trend
    reports_expected: int = 0
    reports_received: int = 0  # reports whose figures are counted (accepted, or sent and awaiting review)
    notes: tuple[str, ...] = field(default_factory=tuple)
    reports_pending_review: int = 0  # counted, though the coordinator has not accepted them yet
    final: bool = False  # plan-wide sum targets are judged (a cumulative report through the last cycle)
    period_label: str = ""  # "năm 2017", "giai đoạn 2016 - 2020", "từ năm 2016 đến năm 2018"
    language: str = "vi"
    lead_name: str = ""  # "Sở Công Thương", as the body of the report names the lead agency
    # The lead's own reports upward in the cycles covered (Sở Công Thương's to UBND tỉnh): not part of
    # ``reports_expected`` (this report is that report), stated beside it (engine.report_counts).
    upward_expected: int = 0
    upward_received: int = 0
    upward_to: str = ""  # whom they go to: "UBND tỉnh"

    @property
    def counts(self) -> ReportCounts:
        return ReportCounts(self.reports_expected, self.reports_received, self.upward_expected, self.upward_received)

    @property
    def enterprise_count(self) -> int:
        """Enterprises that took part, each counted once whatever it did and whoever reported it."""
        return len({row.name.casefold() for row in self.enterprises})

    @property
    def file_stem(self) -> str:
        """ "bao-cao-plan-2016-2020-2017", or "...-2016-2018" cumulative: ASCII, so every mail client keeps it."""
        labels = self.cycle_labels
        span = labels[-1] if len(labels) == 1 else f"{labels[0]}-{labels[-1]}"
        return f"bao-cao-{self.plan_key}-{span}"


def percentage(numerator: int, denominator: int) -> Decimal | None:
    """``numerator / denominator × 100`` to one decimal place; None when the denominator is zero."""
    if not denominator:
        return None
    # In a context as wide as the figures: rounding past Decimal's default 28 digits raises, and a
    # stored numerator may be anything (the form bounds it, an older row may not be).
    with localcontext() as context:
        context.prec = max(context.prec, len(str(abs(numerator))) + 30)
        return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP)


# --- figures as data ---------------------------------------------------------------------------


def figures(report: ConsolidatedReport) -> dict[str, Any]:
    """The report's figures as plain JSON-ready data (for ``sxsh-flow report --json`` and scripts)."""

    def number(value: Decimal | None) -> int | float | None:
        if value is None:
            return None
        return int(value) if value == value.to_integral_value() else float(value)

    def figure(item: Figure) -> dict[str, Any]:
        return {"value": number(item.value), "numerator": item.numerator, "denominator": item.denominator}

    return {
        "run_id": report.run_id,
        "plan_key": report.plan_key,
        "scope": report.scope,
        "cycles": list(report.cycle_labels),
        "years": list(report.years),
        "period_start": report.period_start.isoformat(),
        "period_end": report.period_end.isoformat(),
        "issued_on": report.header.issued_on.isoformat(),
        "reports_expected": report.reports_expected,
        "reports_received": report.reports_received,
        "reports_pending_review": report.reports_pending_review,
        "upward_expected": report.upward_expected,
        "upward_received": report.upward_received,
        "reports_expected_in_all": report.counts.all_expected,
        "reports_received_in_all": report.counts.all_received,
        "indicators": [
            {
                "code": item.code,
                "name": item.name,
                "unit": item.unit,
                "aggregation": item.aggregation,
                "target_min": item.target_min,
                "target_max": item.target_max,
                "target_scope": item.target_scope,
                **figure(item.province),
                "attainment": item.attainment.value,
                "by_agency": [{"agency": a.agency_code, **figure(a.figure)} for a in item.by_agency],
            }
            for item in report.indicators
        ],
        "work_volume": [
            {"activity": row.activity, "unit": row.unit, "quantity": number(row.quantity), "years": list(row.years)}
            for row in report.work_volume
        ],
        "funding": {
            "by_agency": [
                {"agency": row.label, **row.by_source, "total": row.total} for row in report.funding_by_agency
            ],
            "total": {**report.funding_total.by_source, "total": report.funding_total.total},
        },
        "late_units": [
            {
                "cycle": unit.cycle_label,
                "agency": unit.agency_code,
                "task": unit.task_title,
                "due_on": unit.due_on.isoformat(),
                "submitted_on": unit.submitted_on.isoformat() if unit.submitted_on else None,
                "days_late": unit.days_late,
                "day_unit": unit.day_unit.value,
            }
            for unit in report.late_units
        ],
        "enterprises": len(report.enterprises),
        "enterprises_distinct": report.enterprise_count,
        "timeliness": [
            {
                "cycle": row.cycle_label,
                "expected": row.expected,
                "on_time": row.on_time,
                "late": row.late,
                "missing": row.missing,
                "on_time_rate": number(None if row.on_time_rate is None else round(row.on_time_rate, 1)),
            }
            for row in report.timeliness
        ],
        "notes": list(report.notes),
    }

"""How the report writes its figures, targets, sources and periods: once, for every output.

The HTML page, the Word file, the workbook and the charts take these phrases from here and their
numbers, amounts, dates and cycle names from ``sxsh_flow.words.words(report.language)``, so one
report states the same figures in every output (1.023.600.000 in Vietnamese, 1,023,600,000 in
English), and no renderer carries its own copy of a rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sxsh_flow.engine.report_counts import counts_sentence
from sxsh_flow.engine.report_form import FUNDING_SOURCES, form_label
from sxsh_flow.engine.time_policy import days_in_words
from sxsh_flow.reports.model import AgencyText, ConsolidatedReport, Figure, FundingRow, IndicatorResult, LateUnit
from sxsh_flow.reports.money_words import amount_in_words
from sxsh_flow.words import Number, Words, words

NO_FIGURE = "—"
STATE_BUDGET = ("central_budget", "local_budget")  # the sources that make up the state budget


def percent(w: Words, value: Number | None) -> str:
    """ "72,1%" (vi) · "72.1%" (en), one decimal place; "—" without a figure."""
    return NO_FIGURE if value is None else f"{w.number(value, 1)}%"


def total_in_words(amount: int) -> str:
    """The funding total in Vietnamese words; a negative total (the form refuses a negative amount,
    an older row may hold one) is said "Âm ..." rather than stopping the report."""
    if amount >= 0:
        return amount_in_words(amount)
    positive = amount_in_words(-amount)
    return "Âm " + positive[0].lower() + positive[1:]


def quantity(w: Words, value: Number, unit: str) -> str:
    """ "6 doanh nghiệp", "1.200 tấn": the figure, then its unit if it has one."""
    return f"{w.number(value)} {unit}".rstrip()


def figure_text(w: Words, indicator: IndicatorResult, figure: Figure) -> str:
    """ "72,1%" for a ratio or a percentage, "6 doanh nghiệp" for a count, "—" with no figure."""
    if figure.value is None:
        return NO_FIGURE
    if indicator.aggregation == "ratio" or indicator.unit == "%":
        return percent(w, figure.value)
    return quantity(w, figure.value, indicator.unit)


def ratio_parts(w: Words, figure: Figure) -> str:
    """ "1.134/1.450": a ratio's numerator over its denominator; "" for a figure that is not a ratio."""
    if figure.numerator is None or figure.denominator is None:
        return ""
    return f"{w.number(figure.numerator)}/{w.number(figure.denominator)}"


def target_text(w: Words, minimum: float | None, maximum: float | None, unit: str) -> str:
    """ "≥ 90%", "8–13%", "≤ 5 cuộc", "≥ 15 doanh nghiệp"; "" without a target."""
    if minimum is None and maximum is None:
        return ""
    suffix = unit if unit == "%" else f" {unit}" if unit else ""
    if minimum is not None and maximum is not None:
        return f"{_plain(w, minimum)}–{_plain(w, maximum)}{suffix}"
    if minimum is not None:
        return f"≥ {_plain(w, minimum)}{suffix}"
    assert maximum is not None
    return f"≤ {_plain(w, maximum)}{suffix}"


def _plain(w: Words, number: float) -> str:
    # A target is written as the plan gives it: 90, not 90,0; 8,5 as 8,5.
    value = Decimal(str(number))
    return w.number(value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize())


def years_text(w: Words, years: Sequence[int]) -> str:
    """ "Năm 2016, 2017" · "Year 2016, 2017" (years are names, not amounts: no grouping); "" for none."""
    if not years:
        return ""
    return w.gettext("Year {years}", years=", ".join(str(year) for year in years))


def period_text(report: ConsolidatedReport) -> str:
    """The period the report covers, in its language: its label, else its cycles' names."""
    if report.period_label:
        return report.period_label
    w = words_of(report)
    first, last = report.cycle_labels[0], report.cycle_labels[-1]
    if first == last:
        return w.cycle_name(last)
    return f"{w.cycle_name(first)} – {w.cycle_name(last)}"


def source_label(key: str, language: str) -> str:
    """A source of funding as the form names it ("Ngân sách trung ương"); an unknown key as it is."""
    for known, name in FUNDING_SOURCES:
        if key == known:
            return form_label(name, language)
    return key


def sources(row: FundingRow) -> list[str]:
    """``row``'s source keys: every source of the form in its order, then any the form does not know."""
    known = [key for key, _ in FUNDING_SOURCES]
    return known + [key for key in row.by_source if key not in known]


def late_by(w: Words, unit: LateUnit) -> str:
    """ "Chậm 4 ngày làm việc": how late, in the run's unit as its emails say it; "Chưa nộp" if not sent."""
    if unit.days_late is None:
        return w.gettext("Not received")
    return w.gettext("{days} late", days=days_in_words(unit.days_late, unit.day_unit, w.language))


def counts_text(report: ConsolidatedReport) -> str:
    """How many reports were due and received, the lead's own report upward apart: the sentence the
    closing email says too (``engine.report_counts.counts_sentence``)."""
    lead = report.lead_name or report.header.issuing_body
    return counts_sentence(words_of(report), report.counts, lead=lead, upward_to=report.upward_to)


def texts_by_agency(w: Words, items: Sequence[AgencyText], *, cycles: bool) -> list[tuple[str, list[tuple[str, str]]]]:
    """What agencies wrote, each agency once with its tasks under it: [(agency, [(task, text)])].

    An agency with seven tasks is named once and each paragraph names its task (with its cycle in a
    report of several cycles), rather than the agency's name seven times and no task.
    """
    grouped: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for item in items:
        task = item.task_title
        if cycles and item.cycle_label:
            task += f" ({w.cycle_name(item.cycle_label)})"
        grouped.setdefault(item.agency_code, (item.agency_name, []))[1].append((task, item.text))
    return list(grouped.values())


def words_of(report: ConsolidatedReport) -> Words:
    """The words and formats of the report's language."""
    return words(report.language)

"""How the figures agencies reported add up into the consolidated report. Pure: no I/O, no clock.

The service turns each task run into a ``Duty`` (who owed which report, by when, and the values that
count); the functions here make the parts of ``engine.consolidation.ConsolidatedReport`` from them.
Ratios are the sum of the numerators over the sum of the denominators, never an average of
percentages; counts add up; amounts are whole đồng.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sxsh_flow.engine.report_form import FUNDING_SOURCES, PARTICIPATION, form_label
from sxsh_flow.engine.spec import Aggregation, FieldType, Indicator, PlanSpec, Section
from sxsh_flow.engine.time_policy import NATIONAL, TimePolicy
from sxsh_flow.reports.model import (
    AgencyFigure,
    AgencyText,
    CycleTimeliness,
    EnterpriseRow,
    Figure,
    FundingRow,
    IndicatorResult,
    LateUnit,
    WorkVolumeRow,
    percentage,
)
from sxsh_flow.reports.verdicts import assess, effective_target, target_until


@dataclass(frozen=True)
class Duty:
    """One task run the report covers: who owed which report, by when, and what counts of it.

    ``values`` is the version whose figures count (see ``engine.services.consolidation``), or None;
    ``submitted_on`` is the day the agency first sent a version, whatever became of it.
    """

    cycle_label: str
    year: int
    task_key: str
    task_title: str
    agency_code: str
    agency_name: str
    due_on: date  # the deadline that counts (an approved extension included)
    submitted_on: date | None = None
    values: Mapping[str, Any] | None = None
    reviewed: bool = True  # False while the counted version awaits the coordinator's review

    @property
    def counted(self) -> bool:
        return self.values is not None


# Longer text is not a number anyone stored (Decimal would spend its time on "1e999999").
STORED_NUMBER_LENGTH = 400

# --- indicators --------------------------------------------------------------------------------


def indicator_results(
    spec: PlanSpec,
    duties: Sequence[Duty],
    *,
    cumulative: bool,
    final: bool,
    years: int = 1,
    year: int | None = None,
    closes_year: bool = True,
) -> tuple[IndicatorResult, ...]:
    """Every indicator some task reports on, for the province and per agency, in the plan's order.

    Ratios are the sum of the numerators over the sum of the denominators (over agencies, tasks and
    cycles); sums add up; a level ("latest") takes each agency's latest cycle and adds the agencies.
    ``duties`` come in cycle order, as the service gives them. ``year`` is the report's (last) year,
    which picks the stage of a staged target (see ``verdicts.assess``).
    """
    reported = {code for task in spec.tasks for code in task.report.indicators}
    counted = [duty for duty in duties if duty.values is not None]
    results = []
    for indicator in spec.indicators:
        if indicator.code not in reported:
            continue
        per_agency = _per_agency(indicator, counted)
        province = _combine(indicator, [figure for _, _, figure in per_agency])
        target = effective_target(indicator, cumulative=cumulative, years=years, year=year)
        results.append(
            IndicatorResult(
                code=indicator.code,
                name=indicator.name,
                unit=indicator.unit,
                aggregation=indicator.aggregation.value,
                target_min=None if target is None else target.min,
                target_max=None if target is None else target.max,
                target_scope=None if target is None else target.scope,
                province=province,
                attainment=assess(
                    indicator,
                    province.value,
                    cumulative=cumulative,
                    final=final,
                    years=years,
                    year=year,
                    closes_year=closes_year,
                ),
                by_agency=tuple(AgencyFigure(code, name, figure) for code, name, figure in per_agency),
                target_until=target_until(indicator, year),
            )
        )
    return tuple(results)


def _per_agency(indicator: Indicator, duties: Sequence[Duty]) -> list[tuple[str, str, Figure]]:
    grouped: dict[str, list[Duty]] = {}
    for duty in duties:
        grouped.setdefault(duty.agency_code, []).append(duty)
    rows = []
    for code, own in grouped.items():
        if indicator.aggregation is Aggregation.LATEST:
            reported = [d.cycle_label for d in own if _value(d, indicator.code) is not None]
            own = [d for d in own if reported and d.cycle_label == reported[-1]]
        figures = [figure for figure in (_reported_figure(indicator, d) for d in own) if figure is not None]
        if figures:
            rows.append((code, own[-1].agency_name, _combine(indicator, figures)))
    return rows


def _reported_figure(indicator: Indicator, duty: Duty) -> Figure | None:
    if indicator.aggregation is Aggregation.RATIO:
        numerator = _integer(duty, f"indicator.{indicator.code}.numerator")
        denominator = _integer(duty, f"indicator.{indicator.code}.denominator")
        if numerator is None or denominator is None:
            return None
        return Figure(percentage(numerator, denominator), numerator, denominator)
    value = _value(duty, indicator.code)
    return None if value is None else Figure(value)


def _combine(indicator: Indicator, figures: Sequence[Figure]) -> Figure:
    if indicator.aggregation is Aggregation.RATIO:
        if not figures:
            return Figure(None)
        numerator = sum(f.numerator or 0 for f in figures)
        denominator = sum(f.denominator or 0 for f in figures)
        return Figure(percentage(numerator, denominator), numerator, denominator)
    values = [f.value for f in figures if f.value is not None]
    return Figure(sum(values, Decimal(0)) if values else None)


def _value(duty: Duty, code: str) -> Decimal | None:
    return _decimal((duty.values or {}).get(f"indicator.{code}.value"))


def _integer(duty: Duty, key: str) -> int | None:
    raw = (duty.values or {}).get(key)
    return raw if isinstance(raw, int) and not isinstance(raw, bool) else None


def _decimal(raw: object) -> Decimal | None:
    """A stored number as an exact Decimal; None for anything that is not a finite number.

    The form stores a decimal as its canonical text ("8.5") and a whole number as an int; older
    rows hold JSON floats, whose str() is the shortest exact form (8.5, not 8.4999...). A count
    typed into a number field (6.0) is the count 6, which every output then writes as "6".
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float | Decimal | str):
        try:
            value = Decimal(str(raw).strip()) if len(str(raw)) <= STORED_NUMBER_LENGTH else None
        except InvalidOperation:
            return None
        if value is None or not value.is_finite():
            return None
        # int(), not quantize(): quantize raises past Decimal's 28 digits, and a stored value may be huge.
        return Decimal(int(value)) if value == value.to_integral_value() else value
    return None


# --- work volume ---------------------------------------------------------------------------------


def work_volume(spec: PlanSpec, duties: Sequence[Duty]) -> tuple[WorkVolumeRow, ...]:
    """The seed-003 table: sum indicators without a target, then the integer fields of the tasks.

    A row appears once someone reported it (zero included); its years are those with a quantity.
    Fields of different tasks with the same key, label and unit are one activity.
    """
    counted = [duty for duty in duties if duty.values is not None]
    rows: list[WorkVolumeRow] = []
    for indicator in spec.indicators:
        if indicator.aggregation is Aggregation.SUM and indicator.target is None:
            row = _volume_row(indicator.name, indicator.unit, f"indicator.{indicator.code}.value", counted)
            if row is not None:
                rows.append(row)
    seen: set[tuple[str, str, str]] = set()
    for task in spec.tasks:
        for custom in task.report.fields:
            identity = (custom.key, custom.label, custom.unit)
            if custom.type is not FieldType.INTEGER or identity in seen:
                continue
            seen.add(identity)
            same = {t.key for t in spec.tasks for f in t.report.fields if (f.key, f.label, f.unit) == identity}
            row = _volume_row(
                custom.label, custom.unit, f"field.{custom.key}", [d for d in counted if d.task_key in same]
            )
            if row is not None:
                rows.append(row)
    return tuple(rows)


def _volume_row(activity: str, unit: str, key: str, duties: Iterable[Duty]) -> WorkVolumeRow | None:
    total = Decimal(0)
    years: set[int] = set()
    reported = False
    for duty in duties:
        value = _decimal((duty.values or {}).get(key))
        if value is None:
            continue
        reported = True
        total += value
        if value:
            years.add(duty.year)
    return WorkVolumeRow(activity, unit, total, tuple(sorted(years))) if reported else None


# --- funding ----------------------------------------------------------------------------------


def funding(duties: Sequence[Duty], *, total_label: str = "Tổng cộng") -> tuple[tuple[FundingRow, ...], FundingRow]:
    """Each agency's funding by source (over its tasks and the cycles covered), and the province's total.

    An agency has a row once it reported any source, in the order the duties come (directory order).
    """
    keys = [key for key, _ in FUNDING_SOURCES]
    per_agency: dict[str, dict[str, int]] = {}
    names: dict[str, str] = {}
    for duty in duties:
        values = duty.values or {}
        amounts = {key: values[f"funding.{key}"] for key in keys if _is_amount(values.get(f"funding.{key}"))}
        if not amounts:
            continue
        row = per_agency.setdefault(duty.agency_code, dict.fromkeys(keys, 0))
        names[duty.agency_code] = duty.agency_name
        for key, amount in amounts.items():
            row[key] += amount
    rows = tuple(FundingRow(names[code], by_source) for code, by_source in per_agency.items())
    total = {key: sum(row.by_source[key] for row in rows) for key in keys}
    return rows, FundingRow(total_label, total)


def _is_amount(raw: object) -> bool:
    return isinstance(raw, int) and not isinstance(raw, bool)


# --- texts -------------------------------------------------------------------------------------


def texts(duties: Sequence[Duty]) -> dict[str, tuple[AgencyText, ...]]:
    """What agencies wrote, grouped by section in the form's order; empty sections are left out."""
    grouped: dict[str, list[AgencyText]] = {section.value: [] for section in Section}
    for duty in duties:
        for section in Section:
            written = (duty.values or {}).get(f"section.{section.value}")
            if isinstance(written, str) and written.strip():
                grouped[section.value].append(
                    AgencyText(
                        duty.agency_code,
                        duty.agency_name,
                        duty.task_title,
                        "\n".join(written.strip().splitlines()),  # one "\n" per line, whatever the browser sent
                        duty.cycle_label,
                    )
                )
    return {key: tuple(items) for key, items in grouped.items() if items}


# --- reporting discipline ----------------------------------------------------------------------


def late_units(duties: Sequence[Duty], *, today: date, time: TimePolicy = NATIONAL) -> tuple[LateUnit, ...]:
    """Who reported after the deadline that counts, and who has not reported though it has passed.

    How late is counted by the run's time policy ``time``: the number and unit its emails state.
    """
    rows = []
    for duty in duties:
        late = duty.submitted_on is not None and duty.submitted_on > duty.due_on
        missing = duty.submitted_on is None and today > duty.due_on
        if late or missing:
            rows.append(
                LateUnit(
                    duty.cycle_label,
                    duty.agency_code,
                    duty.agency_name,
                    duty.task_title,
                    duty.due_on,
                    duty.submitted_on,
                    time.days_late(duty.due_on, duty.submitted_on) if duty.submitted_on is not None else None,
                    time.unit,
                )
            )
    return tuple(rows)


def timeliness(duties: Sequence[Duty], cycle_labels: Sequence[str], *, today: date) -> tuple[CycleTimeliness, ...]:
    """Per cycle: reports expected, in on time, in late, and missing (due and not in)."""
    rows = []
    for label in cycle_labels:
        own = [duty for duty in duties if duty.cycle_label == label]
        on_time = sum(1 for d in own if d.submitted_on is not None and d.submitted_on <= d.due_on)
        late = sum(1 for d in own if d.submitted_on is not None and d.submitted_on > d.due_on)
        missing = sum(1 for d in own if d.submitted_on is None and today > d.due_on)
        rows.append(CycleTimeliness(label, len(own), on_time, late, missing))
    return tuple(rows)


# --- enterprises -------------------------------------------------------------------------------


def participation_label(key: str, language: str = "vi") -> str:
    for known, name in PARTICIPATION:
        if key == known:
            return form_label(name, language)
    return key


def enterprises(duties: Sequence[Duty], *, language: str = "vi") -> tuple[EnterpriseRow, ...]:
    """The appendix: each enterprise, what it took part in, the year; by year, then name.

    The same enterprise doing the same thing in the same year, reported by two agencies (the
    department and the district, say), is one row naming both.
    """
    rows: dict[tuple[str, str, int], tuple[str, str, str, list[str]]] = {}
    for duty in duties:
        listed = (duty.values or {}).get("enterprises")
        if not isinstance(listed, list):
            continue
        for item in listed:
            if not isinstance(item, Mapping):
                continue
            name = " ".join(str(item.get("name") or "").split())
            if not name:
                continue
            participation = str(item.get("participation") or "")
            identity = (name.casefold(), participation, duty.year)
            sector = " ".join(str(item.get("sector") or "").split())
            if identity not in rows:
                rows[identity] = (name, sector, participation, [duty.agency_name])
            else:
                reporters = rows[identity][3]
                if duty.agency_name not in reporters:
                    reporters.append(duty.agency_name)
    ordered = sorted(rows.items(), key=lambda item: (item[0][2], item[0][0], item[0][1]))
    return tuple(
        EnterpriseRow(name, sector, participation_label(participation, language), year, ", ".join(reporters))
        for (_, _, year), (name, sector, participation, reporters) in ordered
    )

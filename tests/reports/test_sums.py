"""Staged targets in the report's figures: each report is judged against the stage that holds its year.

plan-2021-2030 asks 70% of industrial zones, clusters and craft villages informed by 2025 and 100% by
2030; 5–8% less raw material and fuel in 2021–2025 and 7–10% by 2030; at least 5 models by 2025.
Pure: every case builds ``Duty`` values by hand, as ``test_model`` does for plan-2016-2020.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from sxsh_flow.engine.spec import PlanSpec
from sxsh_flow.reports.model import Attainment, IndicatorResult
from sxsh_flow.reports.sums import Duty, indicator_results
from sxsh_flow.workflows import load_builtin_plan

SPEC = load_builtin_plan("plan-2021-2030").spec
BEFORE = load_builtin_plan("plan-2016-2020").spec


def duty(year: int, values: dict[str, Any], *, agency: str = "SCT", task: str = "sct-dissemination") -> Duty:
    return Duty(
        cycle_label=str(year),
        year=year,
        task_key=task,
        task_title=task,
        agency_code=agency,
        agency_name=f"Cơ quan {agency}",
        due_on=date(year, 12, 21),
        submitted_on=date(year, 12, 20),
        values=values,
    )


def informed(year: int, numerator: int, denominator: int = 100) -> Duty:
    return duty(year, {"indicator.informed.numerator": numerator, "indicator.informed.denominator": denominator})


def models(year: int, count: int) -> Duty:
    return duty(year, {"indicator.models.value": count}, task="sct-cleaner-production")


def result(results: tuple[IndicatorResult, ...], code: str) -> IndicatorResult:
    return next(r for r in results if r.code == code)


def judged(code: str, duties: list[Duty], *, year: int, cumulative: bool = False, **more: Any) -> IndicatorResult:
    years = len({d.year for d in duties}) if cumulative else 1
    results = indicator_results(SPEC, duties, cumulative=cumulative, final=False, years=years, year=year, **more)
    return result(results, code)


# --- a rate the plan wants held: the stage of the report's year -----------------------------------


@pytest.mark.parametrize(
    ("year", "target", "verdict"),
    [(2021, 70, Attainment.MET), (2025, 70, Attainment.MET), (2026, 100, Attainment.BELOW)],
)
def test_a_ratio_is_judged_against_the_stage_of_the_reports_year(year: int, target: int, verdict: Attainment) -> None:
    figure = judged("informed", [informed(year, 80)], year=year)
    assert (figure.province.value, figure.target_min, figure.attainment) == (Decimal("80.0"), target, verdict)
    assert figure.target_until == (2025 if year <= 2025 else 2030)


def test_a_cumulative_report_is_judged_against_the_stage_of_its_last_year() -> None:
    duties = [informed(2024, 90), informed(2025, 90), informed(2026, 90)]
    across = judged("informed", duties, year=2026, cumulative=True)
    assert (across.province.value, across.target_min, across.attainment) == (Decimal("90.0"), 100, Attainment.BELOW)
    through_2025 = judged("informed", duties[:2], year=2025, cumulative=True)
    assert (through_2025.target_min, through_2025.attainment) == (70, Attainment.MET)


@pytest.mark.parametrize(
    ("year", "low", "high", "verdict"),
    [(2023, 5, 8, Attainment.ABOVE), (2028, 7, 10, Attainment.MET), (2030, 7, 10, Attainment.MET)],
)
def test_a_range_moves_with_the_stage(year: int, low: int, high: int, verdict: Attainment) -> None:
    cut = duty(
        year,
        {"indicator.consumption_cut.numerator": 9, "indicator.consumption_cut.denominator": 100},
        task="sct-cleaner-production",
    )
    figure = judged("consumption_cut", [cut], year=year)
    assert (figure.target_min, figure.target_max, figure.attainment) == (low, high, verdict)


# --- a total over a stage: judged when the stage is over ----------------------------------------


def test_a_stages_total_is_in_progress_until_the_cumulative_report_reaches_the_stages_end() -> None:
    early = [models(2021, 1), models(2022, 1), models(2023, 1)]
    assert judged("models", early, year=2023, cumulative=True).attainment is Attainment.IN_PROGRESS
    short = [*early, models(2024, 0), models(2025, 1)]
    at_end = judged("models", short, year=2025, cumulative=True)
    assert (at_end.province.value, at_end.target_min, at_end.attainment) == (Decimal(4), 5, Attainment.BELOW)
    reached = judged("models", [*early, models(2024, 2)], year=2024, cumulative=True)
    assert reached.attainment is Attainment.MET


def test_a_stages_total_is_not_judged_in_one_years_report_nor_before_the_years_last_cycle() -> None:
    assert judged("models", [models(2025, 9)], year=2025).attainment is Attainment.IN_PROGRESS
    four = [models(2021, 2), models(2025, 2)]
    not_closed = judged("models", four, year=2025, cumulative=True, closes_year=False)
    assert not_closed.attainment is Attainment.IN_PROGRESS


def test_after_the_last_stage_a_count_without_further_target_is_work_volume() -> None:
    later = judged("models", [models(2026, 3)], year=2026)
    assert (later.target_min, later.target_until, later.attainment) == (None, None, Attainment.NO_TARGET)


def test_the_target_beside_the_stages_applies_after_the_last_one() -> None:
    plan = PlanSpec.model_validate(
        SPEC.model_dump()
        | {
            "indicators": [
                SPEC.indicator("informed").model_dump()
                | {"target": {"min": 95, "stages": [{"until_year": 2025, "min": 70}]}}
            ],
            "tasks": [SPEC.task("sct-dissemination").model_dump() | {"report": {"indicators": ["informed"]}}],
        }
    )
    results = indicator_results(plan, [informed(2027, 90)], cumulative=False, final=False, year=2027)
    figure = result(results, "informed")
    assert (figure.target_min, figure.target_until, figure.attainment) == (95, None, Attainment.BELOW)


# --- a plan without stages ------------------------------------------------------------------------


@pytest.mark.parametrize("year", [None, 2016, 2020, 2031])
def test_a_plan_without_stages_is_judged_the_same_whatever_the_year(year: int | None) -> None:
    duties = [
        Duty(
            "2017",
            2017,
            "sct-technical-support",
            "t",
            "SCT",
            "Sở Công Thương",
            date(2017, 12, 21),
            date(2017, 12, 20),
            {
                "indicator.quick_assessments.value": 9,
                "indicator.saving.numerator": 9,
                "indicator.saving.denominator": 100,
            },
        )
    ]
    plain = indicator_results(BEFORE, duties, cumulative=True, final=False, years=1)
    assert indicator_results(BEFORE, duties, cumulative=True, final=False, years=1, year=year) == plain
    assert all(figure.target_until is None for figure in plain)

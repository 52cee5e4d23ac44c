"""Verdicts on a report's figures: where a province figure stands against the plan's target.

A target may hold for the whole plan or per year, and may change by stage (70% informed by 2025,
100% by 2030): ``effective_target`` is the one that applies to a report, ``assess`` the verdict.
"""

from __future__ import annotations

from decimal import Decimal

from sxsh_flow.engine.spec import Aggregation, Indicator, Target
from sxsh_flow.reports.model import Attainment


def judge(value: Decimal | None, target: Target | None) -> Attainment:
    """Where ``value`` stands against ``target``: a minimum, a maximum, or a range such as 8–13%.

    Above the maximum of a range is ABOVE, not MET: saving 15% where the plan asks 8–13% is off target.
    """
    if target is None or (target.min is None and target.max is None):
        return Attainment.NO_TARGET
    if value is None:
        return Attainment.NO_DATA
    if target.min is not None and value < Decimal(str(target.min)):
        return Attainment.BELOW
    if target.max is not None and value > Decimal(str(target.max)):
        return Attainment.ABOVE
    return Attainment.MET


def assess(
    indicator: Indicator,
    value: Decimal | None,
    *,
    cumulative: bool,
    final: bool,
    years: int = 1,
    year: int | None = None,
    closes_year: bool = True,
) -> Attainment:
    """The verdict on one indicator's province figure, in a report of one cycle or of several.

    A plan-wide sum target (15 enterprises assessed over 2016–2020) says nothing about one year: in
    a single-cycle report it is IN_PROGRESS. A cumulative report calls it MET once reached and, until
    it covers the plan's last cycle (``final``), IN_PROGRESS while not yet reached. Ratios and levels
    are rates the plan wants held, so they are judged in every report.

    ``year`` is the report's (last) year: a staged target is judged against the stage that holds it,
    and a staged total is over, like the plan's at ``final``, once a cumulative report reaches the
    stage's last cycle (its last year, and ``closes_year``: no later cycle of that year remains).
    """
    target = effective_target(indicator, cumulative=cumulative, years=years, year=year)
    verdict = judge(value, target)
    if verdict in (Attainment.NO_TARGET, Attainment.NO_DATA):
        return verdict
    plan_wide_sum = indicator.aggregation is Aggregation.SUM and target is not None and target.scope == "plan"
    over = final or (closes_year and _stage_ends(indicator, year))
    if plan_wide_sum and (not cumulative or (not over and verdict is Attainment.BELOW)):
        return Attainment.IN_PROGRESS
    return verdict


def _stage_ends(indicator: Indicator, year: int | None) -> bool:
    stage = None if indicator.target is None or year is None else indicator.target.stage_of(year)
    return stage is not None and stage.until_year == year


def target_until(indicator: Indicator, year: int | None) -> int | None:
    """The last year of the stage whose target applies in ``year``; None for a target without stages."""
    stage = None if indicator.target is None or year is None else indicator.target.stage_of(year)
    return None if stage is None else stage.until_year


def effective_target(indicator: Indicator, *, cumulative: bool, years: int, year: int | None = None) -> Target | None:
    """The target that applies in ``year`` (its stage's, for a staged one); an annual sum target over
    several years is the yearly figure times the years covered."""
    target = None if indicator.target is None else indicator.target.in_year(year)
    if target is None or not cumulative or target.scope != "annual" or indicator.aggregation is not Aggregation.SUM:
        return target
    return Target(
        min=None if target.min is None else target.min * years,
        max=None if target.max is None else target.max * years,
        scope="annual",
    )

"""The present-day built-in plan: Hải Dương's action plan 2021–2030 under Decision 889/QĐ-TTg.

What ``shared/DOMAIN.md`` says of it is what the file holds: the legal basis, the agencies of the
2016–2020 assignments, the targets of each stage, and a stated source for every default.
"""

from __future__ import annotations

import json
import re
from datetime import date
from importlib import resources

import pytest

from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.agencies.registry import Registry
from sxsh_flow.engine.calendar import WorkingCalendar
from sxsh_flow.engine.plan_file import LoadedPlan
from sxsh_flow.engine.schedule import build_calendar
from sxsh_flow.engine.spec import Cadence, PlanSpec
from sxsh_flow.workflows import builtin_plan_keys, load_builtin_plan

KEY = "plan-2021-2030"
TEXT = (resources.files("sxsh_flow.workflows") / "plans" / f"{KEY}.yaml").read_text(encoding="utf-8")
TAGS = {"[Q889]", "[Q3529]", "[Q2627]", "[S001]", "[D09]", "[SXF]"}


@pytest.fixture(scope="module")
def loaded() -> LoadedPlan:
    return load_builtin_plan(KEY)


@pytest.fixture(scope="module")
def spec(loaded: LoadedPlan) -> PlanSpec:
    return loaded.spec


def test_the_plan_is_built_in_beside_the_2016_2020_one() -> None:
    assert {"plan-2016-2020", KEY} <= set(builtin_plan_keys())


def test_the_plan_is_hai_duongs_for_2021_to_2030_led_by_so_cong_thuong(spec: PlanSpec) -> None:
    assert (spec.key, spec.province, spec.lead) == (KEY, "HD", "SCT")
    assert (spec.period.first_year, spec.period.last_year) == (2021, 2030)
    assert spec.effective_from == date(2020, 8, 31)
    assert "2021 - 2030" in spec.title, "the report header then does not repeat the period"


def test_the_plan_rests_on_the_national_programme_the_ministrys_plan_and_the_provincial_decision(
    spec: PlanSpec,
) -> None:
    basis = {document.number: (document.date, document.issuer) for document in spec.legal_basis}
    assert basis["889/QĐ-TTg"] == (date(2020, 6, 24), "Thủ tướng Chính phủ")
    assert basis["3529/QĐ-BCT"] == (date(2020, 12, 30), "Bộ Công Thương")
    assert basis["2627/QĐ-UBND"] == (date(2020, 8, 31), "Ủy ban nhân dân tỉnh Hải Dương")


def test_every_cycle_is_annual_from_2021_to_2030(spec: PlanSpec) -> None:
    cycles = build_calendar(spec, WorkingCalendar()).cycles
    assert [cycle.label for cycle in cycles] == [str(year) for year in range(2021, 2031)]
    assert {cycle.cadence for cycle in cycles} == {Cadence.ANNUAL}


# --- tasks ------------------------------------------------------------------------------------


def test_tasks_go_to_the_agencies_of_the_2016_2020_assignments_under_their_2021_codes(spec: PlanSpec) -> None:
    leads = {selector for task in spec.tasks for selector in task.lead}
    assert leads == {"SCT", "SKHCN", "STC", "STNMT", "SKHDT", "BQLKCN", "kind:district"}


def test_so_cong_thuong_leads_several_tasks_and_reports_upward_to_the_provincial_committee(spec: PlanSpec) -> None:
    own = [task.key for task in spec.tasks if task.lead == ("SCT",)]
    assert len(own) >= 5
    assert spec.recipient_of(spec.task("sct-consolidated-report")) == "UBND-TINH"
    assert {spec.recipient_of(task) for task in spec.tasks if task.key != "sct-consolidated-report"} == {"SCT"}


def test_the_district_task_reports_the_places_informed_and_the_models(spec: PlanSpec) -> None:
    district = spec.task("district-implementation")
    assert district.lead == ("kind:district",)
    assert {"informed", "models"} <= set(district.report.indicators)


def test_every_selector_answers_in_the_2021_directory_of_hai_duong(spec: PlanSpec) -> None:
    registry = Registry([builtin_directory("HD")])
    selectors = {spec.lead, spec.reporting.recipient}
    for task in spec.tasks:
        selectors |= {*task.lead, *task.partners, spec.recipient_of(task)}
    unanswered = sorted(s for s in selectors if not registry.holders(s, "HD", date(2021, 1, 1)))
    assert unanswered == []


# --- targets per stage ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "year", "low", "high"),
    [
        ("informed", 2021, 70, None),
        ("informed", 2025, 70, None),
        ("informed", 2026, 100, None),
        ("informed", 2030, 100, None),
        ("consumption_cut", 2023, 5, 8),
        ("consumption_cut", 2028, 7, 10),
        ("green_packaging", 2025, 85, None),
        ("green_packaging", 2030, 100, None),
        ("models", 2025, 5, None),
    ],
)
def test_each_stage_has_the_targets_the_programme_and_the_provincial_plan_set(
    spec: PlanSpec, code: str, year: int, low: float, high: float | None
) -> None:
    target = spec.indicator(code).target
    assert target is not None
    in_year = target.in_year(year)
    assert in_year is not None
    assert (in_year.min, in_year.max) == (low, high)


def test_the_two_stages_end_in_2025_and_2030(spec: PlanSpec) -> None:
    for code in ("informed", "consumption_cut", "green_packaging"):
        target = spec.indicator(code).target
        assert target is not None
        assert [stage.until_year for stage in target.stages] == [2025, 2030]


def test_the_models_count_has_no_target_after_2025_since_the_sources_give_none(spec: PlanSpec) -> None:
    target = spec.indicator("models").target
    assert target is not None
    assert target.in_year(2026) is None
    assert "no figure for 2026–2030" in spec.indicator("models").source


def test_work_volume_counts_have_no_target(spec: PlanSpec) -> None:
    assert [i.code for i in spec.indicators if i.target is None] == ["campaigns", "training_events", "leaflets"]


# --- sources ------------------------------------------------------------------------------------


def test_every_default_states_its_source_with_a_tag_the_header_explains(spec: PlanSpec) -> None:
    notes = {
        "reporting": spec.reporting.source,
        "reminders": spec.reminders.source,
        **{f"indicator {i.code}": i.source for i in spec.indicators},
        **{f"task {t.key}": t.source for t in spec.tasks},
    }
    untagged = sorted(where for where, note in notes.items() if not set(re.findall(r"\[[A-Z0-9]+\]", note)) & TAGS)
    assert untagged == []
    header = TEXT.split("\nformat:", 1)[0]
    assert all(tag in header for tag in TAGS), "the header explains every tag"


def test_the_file_says_its_per_department_tasks_are_modelled_on_2016_2020() -> None:
    header = " ".join(TEXT.split("\nformat:", 1)[0].split())
    assert "PER-DEPARTMENT TASK LIST IS NOT IN OUR SOURCES" in header
    assert "modelled on the 2016–2020 assignments" in header


def test_the_copy_a_run_stores_keeps_the_stages(loaded: LoadedPlan) -> None:
    stored = json.loads(json.dumps(loaded.spec.model_dump(mode="json")))
    assert PlanSpec.model_validate(stored) == loaded.spec
    assert stored["indicators"][0]["target"]["stages"] == [
        {"until_year": 2025, "min": 70, "max": None},
        {"until_year": 2030, "min": 100, "max": None},
    ]

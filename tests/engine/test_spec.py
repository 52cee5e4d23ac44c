"""The plan-file format as models: selectors, defaults inherited from the plan, frozen objects."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from sxsh_flow.engine.spec import (
    DEFAULT_ANNUAL_CUTOFF,
    DEFAULT_SIX_MONTHLY_CUTOFF,
    AgencyKind,
    Cadence,
    Cutoff,
    Deadline,
    PlanSpec,
    ReminderPolicy,
    Reporting,
    Task,
    month_day,
    snapshot_spec,
)

Plan = dict[str, Any]  # plan data from the `plan` fixture (conftest.py)


def task(**fields: Any) -> Task:
    return Task.model_validate({"key": "a-task", "title": "Một nhiệm vụ", "lead": ["SCT"], **fields})


# --- agency selectors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "selector",
    ["SCT", "UBND-KINHMON", "UBND_TINH", "S2", "kind:district", "kind:commune", "kind:industrial_zone_board"],
)
def test_an_agency_code_or_a_kind_selector_is_accepted(selector: str) -> None:
    assert task(lead=[selector], partners=[selector], recipient=selector).lead == (selector,)


@pytest.mark.parametrize(
    "selector",
    [
        "sct",
        "Sở Công Thương",
        "S C T",
        "",
        "-SCT",
        "kind:",
        "kind:districts",
        "kind:District",
        "KIND:district",
    ],
)
@pytest.mark.parametrize("field", ["lead", "partners", "recipient"])
def test_anything_else_is_refused_as_a_selector(selector: str, field: str) -> None:
    value: Any = selector if field == "recipient" else [selector]
    with pytest.raises(ValidationError):
        task(**{field: value})


def test_every_agency_kind_can_be_selected() -> None:
    for kind in AgencyKind:
        assert task(lead=[f"kind:{kind.value}"]).lead == (f"kind:{kind.value}",)


def test_a_single_lead_or_partner_is_a_list_of_one() -> None:
    single = task(lead="SCT", partners="BQLKCN")
    assert single.lead == ("SCT",)
    assert single.partners == ("BQLKCN",)
    assert single == task(lead=["SCT"], partners=["BQLKCN"])


def test_a_task_needs_at_least_one_lead() -> None:
    with pytest.raises(ValidationError):
        task(lead=[])


@pytest.mark.parametrize(("lead", "valid"), [("kind:department", True), ("sct", False), (["SCT"], False)])
def test_the_plan_lead_is_one_selector(plan: Plan, lead: Any, valid: bool) -> None:
    plan["lead"] = lead
    if valid:
        assert PlanSpec.model_validate(plan).lead == lead
        return
    with pytest.raises(ValidationError) as error:
        PlanSpec.model_validate(plan)
    assert [entry["loc"] for entry in error.value.errors()] == [("lead",)]


# --- defaults -------------------------------------------------------------------------------------


def test_a_task_is_annual_with_the_usual_report_sections_by_default() -> None:
    plain = task()
    assert plain.cadence is Cadence.ANNUAL
    assert plain.due is None
    assert plain.deadline is None
    assert plain.recipient is None
    assert plain.partners == ()
    assert [section.value for section in plain.report.sections] == [
        "results",
        "difficulties",
        "recommendations",
    ]
    assert plain.report.funding
    assert plain.report.attachments
    assert not plain.report.enterprises


def test_reporting_defaults_follow_decree_09_2019() -> None:
    reporting = Reporting()
    assert reporting.recipient == "SCT"
    assert (reporting.cutoff_annual.start, reporting.cutoff_annual.end) == ("12-15", "12-14")
    assert (reporting.cutoff_six_monthly.start, reporting.cutoff_six_monthly.end) == ("12-15", "06-14")
    assert reporting.deadline == Deadline(days_after_cutoff=5, working_days=True)
    assert reporting.deadline.on_day is None


def test_the_default_reminder_ladder() -> None:
    policy = ReminderPolicy()
    assert policy.before_due == (14, 7, 3, 1)
    assert policy.on_due
    assert policy.working_days
    assert policy.office_hours == (8, 17)


def test_a_plan_without_reporting_or_reminders_takes_the_defaults(plan: Plan) -> None:
    spec = PlanSpec.model_validate(plan)
    assert spec.reporting == Reporting()
    assert spec.reminders == ReminderPolicy()


# --- cut-off periods ------------------------------------------------------------------------------


def test_the_annual_cut_off_runs_from_15_december_of_the_previous_year() -> None:
    assert DEFAULT_ANNUAL_CUTOFF.period_of(2017) == (date(2016, 12, 15), date(2017, 12, 14))


def test_the_six_monthly_cut_off_ends_on_14_june() -> None:
    assert DEFAULT_SIX_MONTHLY_CUTOFF.period_of(2017) == (date(2016, 12, 15), date(2017, 6, 14))


def test_a_cut_off_inside_one_calendar_year_stays_in_that_year() -> None:
    assert Cutoff(start="01-01", end="12-31").period_of(2018) == (date(2018, 1, 1), date(2018, 12, 31))


def test_month_day_places_a_month_day_in_a_year() -> None:
    assert month_day("12-14", 2016) == date(2016, 12, 14)


@pytest.mark.parametrize("value", ["1-5", "13-01", "12-32", "00-10", "12/14", "2016-12-14"])
def test_a_cut_off_day_must_be_written_mm_dd(value: str) -> None:
    with pytest.raises(ValidationError):
        Cutoff(start=value, end="12-14")


@pytest.mark.parametrize("days", [-1, 367])
def test_days_after_the_cut_off_stay_within_a_year(days: int) -> None:
    with pytest.raises(ValidationError):
        Deadline(days_after_cutoff=days)


# --- what a plan answers --------------------------------------------------------------------------


def test_a_task_without_its_own_deadline_uses_the_plans(plan: Plan) -> None:
    plan["reporting"] = {"deadline": {"days_after_cutoff": 7, "working_days": False}}
    plan["tasks"][1]["deadline"] = {"on_day": "12-20"}
    spec = PlanSpec.model_validate(plan)
    assert spec.deadline_of(spec.task("dissemination")) == Deadline(days_after_cutoff=7, working_days=False)
    assert spec.deadline_of(spec.task("district-report")) == Deadline(on_day="12-20")


def test_a_task_without_its_own_recipient_reports_to_the_plans(plan: Plan) -> None:
    plan["tasks"][1]["recipient"] = "UBND-TINH"
    spec = PlanSpec.model_validate(plan)
    assert spec.recipient_of(spec.task("dissemination")) == "SCT"
    assert spec.recipient_of(spec.task("district-report")) == "UBND-TINH"


def test_tasks_and_indicators_are_found_by_key(plan: Plan) -> None:
    spec = PlanSpec.model_validate(plan)
    assert spec.task("district-report").lead == ("kind:district",)
    assert spec.indicator("leaflets").unit == "tờ"
    with pytest.raises(KeyError):
        spec.task("no-such-task")
    with pytest.raises(KeyError):
        spec.indicator("no-such-indicator")


# --- a plan is frozen data ------------------------------------------------------------------------


def test_a_loaded_plan_cannot_be_changed(plan: Plan) -> None:
    spec = PlanSpec.model_validate(plan)
    with pytest.raises(ValidationError):
        spec.title = "Kế hoạch khác"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        spec.tasks[0].lead = ("STC",)  # type: ignore[misc]
    assert isinstance(spec.tasks, tuple)
    assert isinstance(spec.tasks[0].lead, tuple)


def test_a_plan_refuses_fields_it_does_not_know(plan: Plan) -> None:
    plan["tasks"][0]["owner"] = "SCT"
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        PlanSpec.model_validate(plan)


@pytest.mark.parametrize("version", [0, 2, "1.0"])
def test_only_format_1_is_understood(plan: Plan, version: object) -> None:
    plan["format"] = version
    with pytest.raises(ValidationError):
        PlanSpec.model_validate(plan)


@pytest.mark.parametrize(
    ("field", "value"),
    [("key", "Plan 2016"), ("province", "hd"), ("province", "HAIDUONGTINH"), ("version", ""), ("title", "")],
)
def test_plan_identifiers_have_a_fixed_form(plan: Plan, field: str, value: str) -> None:
    plan[field] = value
    with pytest.raises(ValidationError):
        PlanSpec.model_validate(plan)


def test_a_plan_needs_a_legal_basis_and_a_task(plan: Plan) -> None:
    plan["legal_basis"] = []
    plan["tasks"] = []
    with pytest.raises(ValidationError) as error:
        PlanSpec.model_validate(plan)
    assert {entry["loc"] for entry in error.value.errors()} == {("legal_basis",), ("tasks",)}


# --- a run's snapshot, validated once -------------------------------------------------------------


def test_a_snapshot_is_validated_once_per_hash(plan: Plan) -> None:
    first = snapshot_spec(plan, "hash-of-the-plan")

    assert snapshot_spec(copy.deepcopy(plan), "hash-of-the-plan") is first
    assert first == PlanSpec.model_validate(plan)


def test_a_snapshot_that_differs_under_the_same_hash_is_validated_anew(plan: Plan) -> None:
    first = snapshot_spec(plan, "a-hash-edited-by-hand")
    plan["reminders"] = {"working_days": False}

    again = snapshot_spec(plan, "a-hash-edited-by-hand")

    assert again is not first
    assert not again.reminders.working_days


def test_changing_the_snapshot_afterwards_changes_nothing_validated(plan: Plan) -> None:
    spec = snapshot_spec(plan, "a-hash-kept-apart")
    plan["title"] = "Một tên khác"

    assert snapshot_spec(plan, "a-hash-kept-apart") is not spec
    assert spec.title != "Một tên khác"

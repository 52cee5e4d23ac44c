"""The plan's plain terms: read from a run's snapshot as ``engine.spec`` validates them, without pydantic."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from sxsh_flow.engine import spec, spec_terms
from sxsh_flow.engine.services.status import time_policy
from sxsh_flow.engine.spec import PlanSpec, ReminderPolicy
from sxsh_flow.engine.time_policy import TimePolicy
from sxsh_flow.workflows import load_builtin_plan


@pytest.fixture(scope="module")
def plan() -> PlanSpec:
    return load_builtin_plan("plan-2016-2020").spec


def test_the_plan_format_names_are_the_plain_ones() -> None:
    assert spec.Cadence is spec_terms.Cadence
    assert spec.Aggregation is spec_terms.Aggregation


def test_the_defaults_are_the_reminder_policys() -> None:
    default = ReminderPolicy()
    counting = spec_terms.DayCounting()
    assert (counting.working_days, counting.office_hours) == (default.working_days, default.office_hours)


@pytest.mark.parametrize(
    "reminders",
    [{}, {"working_days": False}, {"office_hours": (7, 16)}, {"working_days": False, "office_hours": (9, 18)}],
)
def test_a_snapshot_counts_days_as_its_validated_plan_does(plan: PlanSpec, reminders: dict[str, Any]) -> None:
    changed = plan.model_copy(update={"reminders": ReminderPolicy(**reminders)})
    snapshot = changed.model_dump(mode="json")
    expected = TimePolicy.for_plan(PlanSpec.model_validate(snapshot))

    policy = time_policy(snapshot)

    assert (policy.unit, policy.office_hours) == (expected.unit, expected.office_hours)


def test_a_snapshot_silent_on_reminders_has_the_defaults(plan: PlanSpec) -> None:
    snapshot = plan.model_dump(mode="json")
    del snapshot["reminders"]
    expected = TimePolicy.for_plan(PlanSpec.model_validate(snapshot))

    policy = time_policy(snapshot)

    assert (policy.unit, policy.office_hours) == (expected.unit, expected.office_hours)


def test_the_plain_terms_load_no_pydantic() -> None:
    code = "import sys, sxsh_flow.engine.spec_terms, sxsh_flow.engine.labels; print('pydantic' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"

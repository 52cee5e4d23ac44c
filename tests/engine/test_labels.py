"""State labels come from the base catalogue, said in the context of their machine."""

from __future__ import annotations

from sxsh_flow.agencies.kinds import AgencyKind
from sxsh_flow.engine.labels import code_label, state_label
from sxsh_flow.engine.message import MessageKind
from sxsh_flow.engine.states import (
    CycleState,
    ExtensionState,
    OutboxState,
    PlanRunState,
    SubmissionState,
    TaskRunState,
)


def test_one_english_state_is_said_differently_by_each_machine_in_vietnamese() -> None:
    assert state_label(CycleState.SCHEDULED) == "chưa mở"
    assert state_label(TaskRunState.SCHEDULED) == "chưa đến kỳ"
    assert state_label(TaskRunState.OPEN, "vi") == "chờ báo cáo"


def test_in_english_a_state_is_its_english_label() -> None:
    assert state_label(CycleState.SCHEDULED, "en") == "scheduled"
    assert state_label(CycleState.OPEN, "en") == "collecting reports"
    assert state_label(TaskRunState.OPEN, "en") == "awaiting report"


def test_every_state_of_every_machine_is_translated_into_vietnamese() -> None:
    untranslated = [
        (machine.__name__, state.value)
        for machine in (PlanRunState, CycleState, TaskRunState)
        for state in machine
        if state_label(state, "vi") == state_label(state, "en")
    ]
    assert untranslated == []


def test_every_email_kind_and_stored_code_has_a_vietnamese_label() -> None:
    # A new kind without a label would show its code ("sign_in") in the CLI's Vietnamese summaries.
    machines = (MessageKind, SubmissionState, ExtensionState, OutboxState, AgencyKind)
    unlabelled = [
        (machine.__name__, code.value)
        for machine in machines
        for code in machine
        if code_label(machine, code.value, "vi") in (code.value, code_label(machine, code.value, "en"))
    ]
    assert unlabelled == []

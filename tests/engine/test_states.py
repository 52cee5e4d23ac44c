"""The state machines: every (state, move) pair of every machine, checked against a table written out here.

The expected tables are spelled out independently of ``engine/states.py`` so that a change to a
transition table shows up as a failing pair, not as a silently updated expectation.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import pytest

from sxsh_flow.engine.states import (
    CYCLE,
    EXTENSION,
    OUTBOX,
    PLAN_RUN,
    SCHEDULED_RUN,
    SUBMISSION,
    TASK_RUN,
    TASK_RUN_AWAITING_REPORT,
    CycleState,
    ExtensionState,
    OutboxState,
    PlanRunState,
    ScheduledRunState,
    StateMachine,
    SubmissionState,
    TaskRunState,
)
from sxsh_flow.errors import SxshError, TransitionNotAllowed

# (machine, {(source state, move): target state}); every pair not listed must be refused.
EXPECTED_TABLES: list[tuple[StateMachine, dict[tuple[StrEnum, str], StrEnum]]] = [
    (
        PLAN_RUN,
        {
            (PlanRunState.ACTIVE, "complete"): PlanRunState.COMPLETED,
            (PlanRunState.ACTIVE, "cancel"): PlanRunState.CANCELLED,
        },
    ),
    (
        CYCLE,
        {
            (CycleState.SCHEDULED, "open"): CycleState.OPEN,
            (CycleState.OPEN, "close"): CycleState.CLOSED,
            (CycleState.SCHEDULED, "cancel"): CycleState.CANCELLED,
            (CycleState.OPEN, "cancel"): CycleState.CANCELLED,
        },
    ),
    (
        TASK_RUN,
        {
            (TaskRunState.SCHEDULED, "open"): TaskRunState.OPEN,
            (TaskRunState.OPEN, "submit"): TaskRunState.SUBMITTED,
            (TaskRunState.RETURNED, "submit"): TaskRunState.SUBMITTED,
            (TaskRunState.SUBMITTED, "return"): TaskRunState.RETURNED,
            (TaskRunState.SUBMITTED, "accept"): TaskRunState.ACCEPTED,
            (TaskRunState.SCHEDULED, "cancel"): TaskRunState.CANCELLED,
            (TaskRunState.OPEN, "cancel"): TaskRunState.CANCELLED,
            (TaskRunState.SUBMITTED, "cancel"): TaskRunState.CANCELLED,
            (TaskRunState.RETURNED, "cancel"): TaskRunState.CANCELLED,
            # An ended agency's owed duty passes to its successor; a report already sent stays.
            (TaskRunState.SCHEDULED, "hand_over"): TaskRunState.HANDED_OVER,
            (TaskRunState.OPEN, "hand_over"): TaskRunState.HANDED_OVER,
            (TaskRunState.RETURNED, "hand_over"): TaskRunState.HANDED_OVER,
        },
    ),
    (
        OUTBOX,
        {
            (OutboxState.QUEUED, "claim"): OutboxState.SENDING,
            (OutboxState.RETRY, "claim"): OutboxState.SENDING,
            (OutboxState.SENDING, "reclaim"): OutboxState.SENDING,
            (OutboxState.SENDING, "deliver"): OutboxState.SENT,
            (OutboxState.SENDING, "defer"): OutboxState.RETRY,
            (OutboxState.SENDING, "fail"): OutboxState.FAILED,
            (OutboxState.FAILED, "requeue"): OutboxState.QUEUED,
            (OutboxState.RETRY, "requeue"): OutboxState.QUEUED,
            (OutboxState.QUEUED, "cancel"): OutboxState.CANCELLED,
            (OutboxState.RETRY, "cancel"): OutboxState.CANCELLED,
            (OutboxState.FAILED, "cancel"): OutboxState.CANCELLED,
        },
    ),
    (
        SUBMISSION,
        {
            (SubmissionState.DRAFT, "submit"): SubmissionState.SUBMITTED,
            (SubmissionState.SUBMITTED, "accept"): SubmissionState.ACCEPTED,
            (SubmissionState.SUBMITTED, "return"): SubmissionState.RETURNED,
        },
    ),
    (
        EXTENSION,
        {
            (ExtensionState.PENDING, "approve"): ExtensionState.APPROVED,
            (ExtensionState.PENDING, "deny"): ExtensionState.DENIED,
        },
    ),
    (
        SCHEDULED_RUN,
        {
            (ScheduledRunState.RUNNING, "finish"): ScheduledRunState.DONE,
            (ScheduledRunState.RUNNING, "fail"): ScheduledRunState.FAILED,
            (ScheduledRunState.FAILED, "retry"): ScheduledRunState.RUNNING,
            (ScheduledRunState.RUNNING, "take_over"): ScheduledRunState.RUNNING,
        },
    ),
]

# The moves that create a row, and the state it starts in. They leave no existing state: from every
# state they are refused like any illegal move (they are in the every-pair test below).
EXPECTED_CREATIONS: dict[str, dict[str, StrEnum]] = {
    "plan_run": {"create": PlanRunState.ACTIVE},
    "cycle": {"create": CycleState.SCHEDULED, "pass_over": CycleState.NOT_COLLECTED},
    "task_run": {"create": TaskRunState.SCHEDULED},
    "outbox_message": {"create": OutboxState.QUEUED, "refuse": OutboxState.FAILED},
    "submission": {"create": SubmissionState.DRAFT},
    "extension_request": {"create": ExtensionState.PENDING},
    "scheduled_run": {"claim": ScheduledRunState.RUNNING, "skip": ScheduledRunState.SKIPPED},
}

# A move no machine knows must be refused from every state, like any illegal move.
UNKNOWN_MOVE = "reopen"


def _every_pair() -> list[Any]:
    pairs = []
    for machine, table in EXPECTED_TABLES:
        moves = sorted({move for _, move in table} | set(EXPECTED_CREATIONS[machine.name]) | {UNKNOWN_MOVE})
        for state in machine.states:
            for move in moves:
                target = table.get((state, move))
                pairs.append(pytest.param(machine, state, move, target, id=f"{machine.name}:{state}-{move}"))
    return pairs


EVERY_PAIR = _every_pair()
LEGAL_PAIRS = [pair for pair in EVERY_PAIR if pair.values[3] is not None]
ILLEGAL_PAIRS = [pair for pair in EVERY_PAIR if pair.values[3] is None]


@pytest.mark.parametrize(("machine", "table"), EXPECTED_TABLES, ids=lambda value: getattr(value, "name", ""))
def test_machine_declares_exactly_the_expected_moves(machine: StateMachine, table: dict) -> None:
    declared = {
        (source, transition.name): transition.target
        for transition in machine.transitions
        for source in transition.sources
    }
    assert declared == table


def test_every_machine_is_in_the_every_pair_test() -> None:
    tested = {machine.name for machine, _ in EXPECTED_TABLES}
    assert tested == {m.name for m in (PLAN_RUN, CYCLE, TASK_RUN, OUTBOX, SUBMISSION, EXTENSION, SCHEDULED_RUN)}
    assert set(EXPECTED_CREATIONS) == tested


@pytest.mark.parametrize(("machine", "table"), EXPECTED_TABLES, ids=lambda value: getattr(value, "name", ""))
def test_a_new_row_starts_in_the_state_its_creating_move_names(machine: StateMachine, table: dict) -> None:
    creations = {t.name: t.target for t in machine.transitions if t.creates}
    assert creations == EXPECTED_CREATIONS[machine.name]
    for move, state in creations.items():
        assert machine.initial(move) is state


@pytest.mark.parametrize(("machine", "table"), EXPECTED_TABLES, ids=lambda value: getattr(value, "name", ""))
def test_a_move_between_states_cannot_create_a_row(machine: StateMachine, table: dict) -> None:
    for move in {move for _, move in table} | {UNKNOWN_MOVE}:
        with pytest.raises(TransitionNotAllowed, match=f"'{move}' {machine.name} #None while it is 'new'"):
            machine.initial(move)


@pytest.mark.parametrize(("machine", "state", "move", "target"), LEGAL_PAIRS)
def test_a_legal_move_leads_to_its_target(
    machine: StateMachine,
    state: StrEnum,
    move: str,
    target: StrEnum,
) -> None:
    assert machine.can(state, move)
    assert machine.target(state, move, entity_id=7) is target


@pytest.mark.parametrize(("machine", "state", "move", "target"), ILLEGAL_PAIRS)
def test_an_illegal_move_is_refused_naming_machine_id_state_and_move(
    machine: StateMachine,
    state: StrEnum,
    move: str,
    target: None,
) -> None:
    assert not machine.can(state, move)
    with pytest.raises(TransitionNotAllowed) as refused:
        machine.target(state, move, entity_id=42)
    error = refused.value
    assert (error.machine, error.entity_id, error.state, error.transition) == (
        machine.name,
        42,
        state.value,
        move,
    )
    for message in (error.message("en"), error.message("vi"), str(error)):
        assert machine.name in message
        assert "#42" in message
        assert f"'{state.value}'" in message
        assert f"'{move}'" in message


@pytest.mark.parametrize(("machine", "table"), EXPECTED_TABLES, ids=lambda value: getattr(value, "name", ""))
def test_available_transitions_are_the_legal_moves_from_each_state(
    machine: StateMachine,
    table: dict,
) -> None:
    for state in machine.states:
        expected = {move for (source, move) in table if source is state}
        available = machine.available_transitions(state)
        assert set(available) == expected, state
        assert len(available) == len(expected), f"{state} lists a move twice"


def test_transition_not_allowed_is_a_conflict_for_the_cli_and_the_web() -> None:
    error = TransitionNotAllowed("task_run", 3, "accepted", "submit")
    assert isinstance(error, SxshError)
    assert error.exit_code == 4
    assert error.http_status == 409
    assert error.message("en") == "Cannot 'submit' task_run #3 while it is 'accepted'."
    assert error.message("vi") == "Không thể 'submit' task_run #3 khi đang ở trạng thái 'accepted'."


@pytest.mark.parametrize(
    ("state", "awaits_report"),
    [
        (TaskRunState.SCHEDULED, False),
        (TaskRunState.OPEN, True),
        (TaskRunState.SUBMITTED, False),
        (TaskRunState.RETURNED, True),
        (TaskRunState.ACCEPTED, False),
        (TaskRunState.CANCELLED, False),
    ],
)
def test_only_open_and_returned_task_runs_await_a_report(state: TaskRunState, awaits_report: bool) -> None:
    assert state.awaits_report is awaits_report
    assert (state in TASK_RUN_AWAITING_REPORT) is awaits_report


@pytest.mark.parametrize(
    ("state", "is_terminal"),
    [
        (TaskRunState.SCHEDULED, False),
        (TaskRunState.OPEN, False),
        (TaskRunState.SUBMITTED, False),
        (TaskRunState.RETURNED, False),
        (TaskRunState.ACCEPTED, True),
        (TaskRunState.CANCELLED, True),
    ],
)
def test_accepted_and_cancelled_task_runs_are_terminal(state: TaskRunState, is_terminal: bool) -> None:
    assert state.is_terminal is is_terminal


@pytest.mark.parametrize("state", list(TaskRunState))
def test_a_task_run_is_terminal_exactly_when_no_move_leaves_it(state: TaskRunState) -> None:
    assert state.is_terminal is (TASK_RUN.available_transitions(state) == [])


@pytest.mark.parametrize("state", [s for s in TaskRunState if s.awaits_report])
def test_a_task_run_that_awaits_a_report_can_be_submitted(state: TaskRunState) -> None:
    assert TASK_RUN.can(state, "submit")


@pytest.mark.parametrize(
    ("machine", "final_states"),
    [
        (PLAN_RUN, {PlanRunState.COMPLETED, PlanRunState.CANCELLED}),
        (CYCLE, {CycleState.CLOSED, CycleState.CANCELLED, CycleState.NOT_COLLECTED}),
    ],
    ids=["plan_run", "cycle"],
)
def test_no_move_leaves_a_finished_plan_run_or_cycle(
    machine: StateMachine,
    final_states: set[StrEnum],
) -> None:
    assert {state for state in machine.states if not machine.available_transitions(state)} == final_states


def test_a_refusal_without_an_entity_id_still_names_the_machine_and_move() -> None:
    with pytest.raises(TransitionNotAllowed, match=r"Cannot 'close' cycle .* while it is 'scheduled'"):
        CYCLE.target(CycleState.SCHEDULED, "close")

"""The state machines: one enum and one transition table per aggregate.

Nothing assigns a state by hand. Services ask a machine for the target of a named transition
(``machine.target(state, "submit")``), which refuses illegal moves with ``TransitionNotAllowed``;
``engine.services.transitions`` applies it (to one row with ``fire``, to many with ``fire_where``)
and writes the history rows. A move without source states creates a row: ``machine.initial("create")``
is the state a new row starts in. "Overdue" is not a state: it is derived from the deadline and the
state (``TaskRunState.awaits_report``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from sxsh_flow.errors import TransitionNotAllowed

S = TypeVar("S", bound=StrEnum)


@dataclass(frozen=True)
class Transition(Generic[S]):
    name: str
    sources: frozenset[S]  # empty for a move that creates the row
    target: S

    @property
    def creates(self) -> bool:
        return not self.sources


class StateMachine(Generic[S]):
    """A transition table: named moves from a set of source states to one target."""

    def __init__(self, name: str, states: type[S], transitions: Iterable[Transition[S]]) -> None:
        self.name = name
        self.states = states
        self._transitions: Mapping[str, Transition[S]] = {t.name: t for t in transitions}

    @property
    def transitions(self) -> tuple[Transition[S], ...]:
        return tuple(self._transitions.values())

    def can(self, state: S, transition: str) -> bool:
        move = self._transitions.get(transition)
        return move is not None and state in move.sources

    def sources(self, transition: str) -> frozenset[S]:
        """The states a move may start from (for queries that apply it to many rows at once)."""
        return self._transitions[transition].sources

    def available_transitions(self, state: S) -> list[str]:
        return [t.name for t in self._transitions.values() if state in t.sources]

    def target(self, state: S, transition: str, *, entity_id: object = None) -> S:
        if not self.can(state, transition):
            raise TransitionNotAllowed(self.name, entity_id, str(state), transition)
        return self._transitions[transition].target

    def initial(self, transition: str = "create") -> S:
        """The state a row created by ``transition`` starts in; refused for a move between states."""
        move = self._transitions.get(transition)
        if move is None or not move.creates:
            raise TransitionNotAllowed(self.name, None, "new", transition)
        return move.target


def _move(name: str, sources: Iterable[S], target: S) -> Transition[S]:
    return Transition(name, frozenset(sources), target)


def _create(name: str, target: S) -> Transition[S]:
    return Transition(name, frozenset(), target)


class PlanRunState(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


PLAN_RUN = StateMachine(
    "plan_run",
    PlanRunState,
    [
        _create("create", PlanRunState.ACTIVE),
        _move("complete", [PlanRunState.ACTIVE], PlanRunState.COMPLETED),
        _move("cancel", [PlanRunState.ACTIVE], PlanRunState.CANCELLED),
    ],
)


class CycleState(StrEnum):
    SCHEDULED = "scheduled"  # its opening date has not come
    OPEN = "open"  # requests to report are out; reports are being collected
    CLOSED = "closed"  # consolidated; late reports are still accepted but counted late
    CANCELLED = "cancelled"
    # Closed before the run started (a plan started mid-period): recorded, never asked for.
    NOT_COLLECTED = "not_collected"


# Cycles that never collect again: nothing about them is sent or consolidated.
CYCLE_FINISHED = frozenset({CycleState.CLOSED, CycleState.CANCELLED, CycleState.NOT_COLLECTED})


CYCLE = StateMachine(
    "cycle",
    CycleState,
    [
        _create("create", CycleState.SCHEDULED),
        _create("pass_over", CycleState.NOT_COLLECTED),
        _move("open", [CycleState.SCHEDULED], CycleState.OPEN),
        _move("close", [CycleState.OPEN], CycleState.CLOSED),
        _move("cancel", [CycleState.SCHEDULED, CycleState.OPEN], CycleState.CANCELLED),
    ],
)


class TaskRunState(StrEnum):
    SCHEDULED = "scheduled"  # its cycle has not opened yet
    OPEN = "open"  # the agency has been asked to report
    SUBMITTED = "submitted"  # a report is in, waiting for the coordinator's review
    RETURNED = "returned"  # the coordinator sent it back for changes
    ACCEPTED = "accepted"
    CANCELLED = "cancelled"
    # The agency ended (a merger, the end of the district level): its successor holds the duty now,
    # in a task run of its own. What this one received stays with it.
    HANDED_OVER = "handed_over"

    @property
    def awaits_report(self) -> bool:
        """True while the agency still owes a report: such a task run can be overdue."""
        return self in TASK_RUN_AWAITING_REPORT

    @property
    def is_terminal(self) -> bool:
        return self in TASK_RUN_TERMINAL


# "Awaiting a report", defined here once: the agency owes a report (asked, or sent back for changes).
# Queries use it through ``TaskRun.awaits_report``; code holding a state through ``state.awaits_report``.
TASK_RUN_AWAITING_REPORT = frozenset({TaskRunState.OPEN, TaskRunState.RETURNED})
TASK_RUN_TERMINAL = frozenset({TaskRunState.ACCEPTED, TaskRunState.CANCELLED, TaskRunState.HANDED_OVER})
# Task runs no agency owes any more (cancelled, or passed to a successor): not counted, not asked for.
TASK_RUN_VOID = frozenset({TaskRunState.CANCELLED, TaskRunState.HANDED_OVER})

TASK_RUN = StateMachine(
    "task_run",
    TaskRunState,
    [
        _create("create", TaskRunState.SCHEDULED),
        _move("open", [TaskRunState.SCHEDULED], TaskRunState.OPEN),
        _move("submit", [TaskRunState.OPEN, TaskRunState.RETURNED], TaskRunState.SUBMITTED),
        _move("return", [TaskRunState.SUBMITTED], TaskRunState.RETURNED),
        _move("accept", [TaskRunState.SUBMITTED], TaskRunState.ACCEPTED),
        _move(
            "cancel",
            [TaskRunState.SCHEDULED, TaskRunState.OPEN, TaskRunState.SUBMITTED, TaskRunState.RETURNED],
            TaskRunState.CANCELLED,
        ),
        # Only a duty still owed moves: work already sent stays with the agency that sent it.
        _move(
            "hand_over", [TaskRunState.SCHEDULED, TaskRunState.OPEN, TaskRunState.RETURNED], TaskRunState.HANDED_OVER
        ),
    ],
)


class OutboxState(StrEnum):
    QUEUED = "queued"  # waiting for its first try (not before office hours)
    SENDING = "sending"  # claimed by a dispatcher; reclaimed if the dispatcher died
    SENT = "sent"  # the server accepted it
    RETRY = "retry"  # a transient failure; tried again after a backoff
    FAILED = "failed"  # a permanent failure (5xx, or a message that cannot be built): the coordinator must act
    CANCELLED = "cancelled"  # no longer needed (the report came in first)


OUTBOX = StateMachine(
    "outbox_message",
    OutboxState,
    [
        _create("create", OutboxState.QUEUED),
        # A message that cannot be built (an address the mail path cannot send to) is recorded as
        # failed with why, so the coordinator sees it; it has no bytes, and nothing sends it.
        _create("refuse", OutboxState.FAILED),
        _move("claim", [OutboxState.QUEUED, OutboxState.RETRY], OutboxState.SENDING),
        # A dispatcher that died mid-batch leaves rows in SENDING: after a lease they are taken again,
        # and the same Message-ID is sent (at most one duplicate, never a loss).
        _move("reclaim", [OutboxState.SENDING], OutboxState.SENDING),
        _move("deliver", [OutboxState.SENDING], OutboxState.SENT),
        _move("defer", [OutboxState.SENDING], OutboxState.RETRY),
        _move("fail", [OutboxState.SENDING], OutboxState.FAILED),
        _move("requeue", [OutboxState.FAILED, OutboxState.RETRY], OutboxState.QUEUED),
        _move("cancel", [OutboxState.QUEUED, OutboxState.RETRY, OutboxState.FAILED], OutboxState.CANCELLED),
    ],
)


class SubmissionState(StrEnum):
    DRAFT = "draft"  # saved by the agency, not yet sent
    SUBMITTED = "submitted"  # sent, waiting for the coordinator
    ACCEPTED = "accepted"
    RETURNED = "returned"  # sent back with a comment; the agency submits a new version


SUBMISSION = StateMachine(
    "submission",
    SubmissionState,
    [
        _create("create", SubmissionState.DRAFT),
        _move("submit", [SubmissionState.DRAFT], SubmissionState.SUBMITTED),
        _move("accept", [SubmissionState.SUBMITTED], SubmissionState.ACCEPTED),
        _move("return", [SubmissionState.SUBMITTED], SubmissionState.RETURNED),
    ],
)


class ExtensionState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"


EXTENSION = StateMachine(
    "extension_request",
    ExtensionState,
    [
        _create("create", ExtensionState.PENDING),
        _move("approve", [ExtensionState.PENDING], ExtensionState.APPROVED),
        _move("deny", [ExtensionState.PENDING], ExtensionState.DENIED),
    ],
)


class ScheduledRunState(StrEnum):
    RUNNING = "running"  # claimed by a scheduler; taken over when its owner died or its lease ran out
    DONE = "done"
    FAILED = "failed"  # raised: tried again at the next tick
    SKIPPED = "skipped"  # missed by more than the misfire grace (the process was down): not replayed


SCHEDULED_RUN = StateMachine(
    "scheduled_run",
    ScheduledRunState,
    [
        # A slot's row comes into being either claimed by the scheduler that runs it, or skipped.
        _create("claim", ScheduledRunState.RUNNING),
        _create("skip", ScheduledRunState.SKIPPED),
        _move("finish", [ScheduledRunState.RUNNING], ScheduledRunState.DONE),
        _move("fail", [ScheduledRunState.RUNNING], ScheduledRunState.FAILED),
        _move("retry", [ScheduledRunState.FAILED], ScheduledRunState.RUNNING),
        _move("take_over", [ScheduledRunState.RUNNING], ScheduledRunState.RUNNING),
    ],
)

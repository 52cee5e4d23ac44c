"""The one place where states change: ask the machine, apply the move, write the history row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from sxsh_flow.engine.models import (
    ExtensionRequest,
    HistoryEntry,
    OutboxMessage,
    PlanRun,
    ReportingCycle,
    Submission,
    TaskRun,
)
from sxsh_flow.engine.states import CYCLE, EXTENSION, OUTBOX, PLAN_RUN, SUBMISSION, TASK_RUN, StateMachine

_MACHINES: dict[type, tuple[str, StateMachine[Any]]] = {
    PlanRun: ("plan_run", PLAN_RUN),
    ReportingCycle: ("cycle", CYCLE),
    TaskRun: ("task_run", TASK_RUN),
    OutboxMessage: ("outbox_message", OUTBOX),
    Submission: ("submission", SUBMISSION),
    ExtensionRequest: ("extension_request", EXTENSION),
}

Stateful = PlanRun | ReportingCycle | TaskRun | OutboxMessage | Submission | ExtensionRequest


def fire(
    session: Session,
    entity: Stateful,
    transition: str,
    *,
    actor: str,
    now: datetime,
    reason: str = "",
) -> HistoryEntry:
    """Move ``entity`` by ``transition`` or raise ``TransitionNotAllowed``; record who, when, why."""
    name, machine = _MACHINES[type(entity)]
    if entity.id is None:
        session.flush()  # the history row needs the entity's id
    source = entity._state
    target = machine.target(source, transition, entity_id=entity.id)
    entity._state = target
    entry = HistoryEntry(
        plan_run_id=_plan_run_id(entity),
        entity=name,
        entity_id=entity.id,
        transition=transition,
        from_state=source.value,
        to_state=target.value,
        actor=actor,
        reason=reason,
        at=now,
    )
    session.add(entry)
    return entry


def record_creation(
    session: Session,
    entity: Stateful,
    *,
    actor: str,
    now: datetime,
    reason: str = "",
) -> HistoryEntry:
    """The first history row of an aggregate: it came into being in its initial state."""
    name, _machine = _MACHINES[type(entity)]
    entry = HistoryEntry(
        plan_run_id=_plan_run_id(entity),
        entity=name,
        entity_id=entity.id,
        transition="create",
        from_state=None,
        to_state=entity._state.value,
        actor=actor,
        reason=reason,
        at=now,
    )
    session.add(entry)
    return entry


def _plan_run_id(entity: Stateful) -> int | None:
    return entity.id if isinstance(entity, PlanRun) else entity.plan_run_id

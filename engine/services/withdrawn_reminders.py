"""Reminders withdrawn before they go: a report came in, or the task passed to another agency.

The sweep queues reminders for the dispatcher to send later; what changed in between makes some of
them wrong to send. Cancelling is a transition of the outbox row (``cancel``), with its history.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from sxsh_flow.engine.models import OutboxMessage, TaskRun
from sxsh_flow.engine.services.transitions import fire
from sxsh_flow.engine.states import OUTBOX

NUDGE_KINDS = ("reminder", "due_today", "overdue", "escalation")


def cancel_pending(session: Session, *, task_run_id: int, now: datetime, actor: str, reason: str) -> int:
    """Cancel reminders not yet sent about a task run whose report came in; returns how many."""
    # Only the task run's own run and agency's reminders can be about it (a reminder is written to
    # one agency of one run), and the email itself is not needed: a national outbox holds thousands
    # of pending reminders, and every report submitted asks this.
    run_id, agency_id = session.execute(
        select(TaskRun.plan_run_id, TaskRun.agency_id).where(TaskRun.id == task_run_id)
    ).one()
    pending = session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.state.in_(OUTBOX.sources("cancel")),
            OutboxMessage.kind.in_(NUDGE_KINDS),
            OutboxMessage.plan_run_id == run_id,
            OutboxMessage.agency_id == agency_id,
        )
        .options(defer(OutboxMessage.raw))
    ).all()
    cancelled = 0
    for row in pending:
        # A message about several task runs still matters while any other one is awaited.
        if row.task_run_ids == [task_run_id]:
            fire(session, row, "cancel", actor=actor, now=now, reason=reason)
            cancelled += 1
    return cancelled

"""The scheduler's ledger: claim a (job, slot) before running it, mark it done or failed after.

A claim is a row inserted with ON CONFLICT DO NOTHING on (job, slot), committed before the job
runs, so two schedulers (or one restarted) never run the same slot at once. A row left RUNNING by
a process that died is taken over once its owner is gone or its lease has run out; the jobs are
idempotent, so running a slot's job again after a crash does nothing the first run did not.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from sxsh_flow.engine.models import ScheduledRun
from sxsh_flow.engine.states import SCHEDULED_RUN, ScheduledRunState

DEFAULT_LEASE = timedelta(minutes=30)


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def process_is_alive(owner: str) -> bool:
    """Whether ``owner`` (host:pid) may still be running; a process on another host is assumed alive."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def claim(
    session: Session,
    job: str,
    slot: str,
    *,
    now: datetime,
    owner: str,
    lease: timedelta = DEFAULT_LEASE,
    alive: Callable[[str], bool] = process_is_alive,
) -> ScheduledRun | None:
    """The slot's row, now RUNNING and ours; None when it is done, skipped or being run by a live owner."""
    created = _insert_new(
        session,
        job=job,
        slot=slot,
        owner=owner,
        started_at=now,
        attempts=1,
        detail="",
        _state=ScheduledRunState.RUNNING,
    )
    if created is not None:
        return session.get_one(ScheduledRun, created)
    row = session.scalars(
        select(ScheduledRun).where(ScheduledRun.job == job, ScheduledRun.slot == slot).with_for_update()
    ).one()
    if row.state is ScheduledRunState.FAILED:
        move = "retry"
    elif row.state is ScheduledRunState.RUNNING and (
        row.owner != owner and (not alive(row.owner) or now - row.started_at > lease)
    ):
        move = "take_over"
    else:
        return None
    row._state = SCHEDULED_RUN.target(row.state, move, entity_id=row.id)
    row.owner, row.started_at, row.finished_at = owner, now, None
    row.attempts += 1
    return row


def finish(session: Session, run_id: int, *, now: datetime, detail: str) -> None:
    _move(session, run_id, "finish", now=now, detail=detail)


def fail(session: Session, run_id: int, *, now: datetime, error: str) -> None:
    _move(session, run_id, "fail", now=now, detail=error)


def skip(session: Session, job: str, slot: str, *, now: datetime, owner: str, reason: str) -> bool:
    """Record a slot missed beyond the misfire grace, so it is neither run late nor asked about again."""
    created = _insert_new(
        session,
        job=job,
        slot=slot,
        owner=owner,
        started_at=now,
        finished_at=now,
        attempts=0,
        detail=reason,
        _state=ScheduledRunState.SKIPPED,
    )
    return created is not None


def recent(session: Session, limit: int = 20) -> list[ScheduledRun]:
    return list(session.scalars(select(ScheduledRun).order_by(ScheduledRun.id.desc()).limit(limit)))


def _insert_new(session: Session, **values: object) -> int | None:
    """Insert the (job, slot) row unless it exists; the new row's id, or None when it was there."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(ScheduledRun)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["job", "slot"])
        .returning(ScheduledRun.id)
    )
    return session.execute(statement).scalar()


def _move(session: Session, run_id: int, transition: str, *, now: datetime, detail: str) -> None:
    row = session.get_one(ScheduledRun, run_id)
    row._state = SCHEDULED_RUN.target(row.state, transition, entity_id=row.id)
    row.finished_at, row.detail = now, detail[:4000]

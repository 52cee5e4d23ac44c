"""The scheduler's ledger: claim a (job, slot) before running it, mark it done or failed after.

A claim is a row inserted with ON CONFLICT DO NOTHING on (job, slot), committed before the job
runs, so two schedulers (or one restarted) never run the same slot at once. A row left RUNNING by
a process that died is taken over once its owner is gone or its lease has run out; the jobs are
idempotent, so running a slot's job again after a crash does nothing the first run did not.
Every move is one of the ``SCHEDULED_RUN`` table's and writes a history row (entity "scheduled_run").
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, make_transient_to_detached

from sxsh_flow.engine.models import ScheduledRun
from sxsh_flow.engine.services.transitions import create_new, fire
from sxsh_flow.engine.states import SCHEDULED_RUN

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
    values = {"job": job, "slot": slot, "owner": owner, "started_at": now, "attempts": 1, "detail": ""}
    created = create_new(
        session, ScheduledRun, [values], unique=("job", "slot"), transition="claim", actor=owner, now=now
    )
    if created:
        # The row is what was just inserted: put it in the session as such instead of reading it back
        # (a simulation claims some 4,500 slots; that SELECT was a fifth of a claim's cost).
        row = ScheduledRun(id=created[job, slot], finished_at=None, **values)
        row._state = SCHEDULED_RUN.initial("claim")
        make_transient_to_detached(row)
        session.add(row)
        return row
    row = session.scalars(
        select(ScheduledRun).where(ScheduledRun.job == job, ScheduledRun.slot == slot).with_for_update()
    ).one()
    if SCHEDULED_RUN.can(row.state, "retry"):
        move, reason = "retry", "failed before"
    elif SCHEDULED_RUN.can(row.state, "take_over") and row.owner != owner and not alive(row.owner):
        move, reason = "take_over", f"{row.owner} is gone"
    elif SCHEDULED_RUN.can(row.state, "take_over") and row.owner != owner and now - row.started_at > lease:
        move, reason = "take_over", f"{row.owner} held it past the lease"
    else:
        return None
    fire(session, row, move, actor=owner, now=now, reason=reason)
    row.owner, row.started_at, row.finished_at = owner, now, None
    row.attempts += 1
    return row


def finish(session: Session, run_id: int, *, now: datetime, detail: str) -> None:
    _move(session, run_id, "finish", now=now, detail=detail)


def fail(session: Session, run_id: int, *, now: datetime, error: str) -> None:
    _move(session, run_id, "fail", now=now, detail=error)


def skip(session: Session, job: str, slot: str, *, now: datetime, owner: str, reason: str) -> bool:
    """Record a slot missed beyond the misfire grace, so it is neither run late nor asked about again."""
    created = create_new(
        session,
        ScheduledRun,
        [
            {
                "job": job, "slot": slot, "owner": owner, "started_at": now, "finished_at": now, "attempts": 0,
                "detail": reason,
            }
        ],
        unique=("job", "slot"),
        transition="skip",
        actor=owner,
        now=now,
        reason=lambda _row: reason[:200],
    )  # fmt: skip
    return bool(created)


def recent(session: Session, limit: int = 20) -> list[ScheduledRun]:
    return list(session.scalars(select(ScheduledRun).order_by(ScheduledRun.id.desc()).limit(limit)))


def _move(session: Session, run_id: int, transition: str, *, now: datetime, detail: str) -> None:
    row = session.get_one(ScheduledRun, run_id)
    fire(session, row, transition, actor=row.owner, now=now, reason=detail[:200])
    row.finished_at, row.detail = now, detail[:4000]

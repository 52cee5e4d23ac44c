"""The scheduler's ledger: one row per job and slot ("sweep" on 2016-12-01), so a slot runs once.

The embedded scheduler derives what is due from the clock and this table rather than from a job
store of its own: a process restarted across a due time finds the slot without a row and runs it;
one restarted after the slot ran finds the row and does not run it again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from sxsh_flow.engine.models.base import Base, UTCDateTime, state_column
from sxsh_flow.engine.states import ScheduledRunState


class ScheduledRun(Base):
    __tablename__ = "scheduled_runs"
    __table_args__ = (UniqueConstraint("job", "slot"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job: Mapped[str] = mapped_column(String(32))
    slot: Mapped[str] = mapped_column(String(32))  # the local day it belongs to, "2016-12-01"
    owner: Mapped[str] = mapped_column(String(120))  # host:pid of the process that ran it
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the scheduler's clock
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    detail: Mapped[str] = mapped_column(Text, default="")  # what it did, or the error
    _state: Mapped[ScheduledRunState] = state_column(ScheduledRunState)

    @hybrid_property
    def state(self) -> ScheduledRunState:
        return self._state

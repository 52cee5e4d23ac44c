"""An extension request: an agency asks for more time on one task run."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sxsh_flow.engine.models.base import Base, UTCDateTime, state_column
from sxsh_flow.engine.models.plan_run import TaskRun
from sxsh_flow.engine.states import ExtensionState


class ExtensionRequest(Base):
    """An agency asks for more time; the coordinator approves (moving the deadline) or denies."""

    __tablename__ = "extension_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_run_id: Mapped[int] = mapped_column(ForeignKey("task_runs.id", ondelete="CASCADE"), index=True)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("reply_links.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    reason: Mapped[str] = mapped_column(Text)
    proposed_until: Mapped[date] = mapped_column(Date)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    granted_until: Mapped[date | None] = mapped_column(Date)
    comment: Mapped[str | None] = mapped_column(Text)
    _state: Mapped[ExtensionState] = state_column(ExtensionState)

    task_run: Mapped[TaskRun] = relationship()

    @hybrid_property
    def state(self) -> ExtensionState:
        return self._state

    @property
    def plan_run_id(self) -> int:
        return self.task_run.plan_run_id

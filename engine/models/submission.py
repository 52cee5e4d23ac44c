"""A submission: one version of an agency's report on a task run."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sxsh_flow.engine.models.base import Base, UTCDateTime, state_column
from sxsh_flow.engine.models.plan_run import TaskRun
from sxsh_flow.engine.states import SubmissionState

if TYPE_CHECKING:
    from sxsh_flow.engine.models.attachment import Attachment


class Submission(Base):
    """One version of an agency's report on a task run; a new version never overwrites an old one."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("task_run_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_run_id: Mapped[int] = mapped_column(ForeignKey("task_runs.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("reply_links.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    # Who wrote this version, "Name <address>": a contact, or a colleague a task was forwarded to.
    author: Mapped[str] = mapped_column(String(600), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    on_time: Mapped[bool | None] = mapped_column()
    # The form a submit came from: a second press of the same button finds it and changes nothing.
    form_nonce: Mapped[str | None] = mapped_column(String(64), unique=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    review_comment: Mapped[str | None] = mapped_column(Text)
    _state: Mapped[SubmissionState] = state_column(SubmissionState)

    task_run: Mapped[TaskRun] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="submission", order_by="Attachment.id", cascade="all, delete-orphan"
    )

    @hybrid_property
    def state(self) -> SubmissionState:
        return self._state

    @property
    def plan_run_id(self) -> int:
        return self.task_run.plan_run_id

"""What agencies do through their links: the links themselves, report versions, files, extensions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sxsh_flow.engine.models.agency import ContactRecord
from sxsh_flow.engine.models.base import Base, UTCDateTime
from sxsh_flow.engine.models.plan_run import TaskRun, _state_column
from sxsh_flow.engine.states import ExtensionState, SubmissionState


class ReplyLink(Base):
    """A capability: one contact may report on one task run until it expires or is revoked.

    The URL carries the link's id and nonce, signed; the row says whether it still works.
    """

    __tablename__ = "reply_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_run_id: Mapped[int] = mapped_column(ForeignKey("task_runs.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    nonce: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    forwarded_from_id: Mapped[int | None] = mapped_column(ForeignKey("reply_links.id"))

    task_run: Mapped[TaskRun] = relationship()
    contact: Mapped[ContactRecord] = relationship()

    def works_at(self, instant: datetime) -> bool:
        return self.revoked_at is None and instant < self.expires_at


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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    on_time: Mapped[bool | None] = mapped_column()
    # The form a submit came from: a second press of the same button finds it and changes nothing.
    form_nonce: Mapped[str | None] = mapped_column(String(64), unique=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    review_comment: Mapped[str | None] = mapped_column(Text)
    _state: Mapped[SubmissionState] = _state_column(SubmissionState)

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


class Attachment(Base):
    """A file sent with a report, stored once under its SHA-256 in $SXSH_HOME/attachments."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)

    submission: Mapped[Submission] = relationship(back_populates="attachments")


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
    _state: Mapped[ExtensionState] = _state_column(ExtensionState)

    task_run: Mapped[TaskRun] = relationship()

    @hybrid_property
    def state(self) -> ExtensionState:
        return self._state

    @property
    def plan_run_id(self) -> int:
        return self.task_run.plan_run_id

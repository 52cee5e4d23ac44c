"""A reply link: the capability an email gives one contact to report on one task run."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sxsh_flow.engine.models.agency import ContactRecord
from sxsh_flow.engine.models.base import Base, UTCDateTime
from sxsh_flow.engine.models.plan_run import TaskRun


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

"""A reply link: the capability an email gives one contact to report on one task run."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sxsh_flow.engine.models.agency import ContactRecord
from sxsh_flow.engine.models.base import Base, UTCDateTime
from sxsh_flow.engine.models.plan_run import TaskRun

PENDING, APPROVED, DENIED = "pending", "approved", "denied"


class ReplyLink(Base):
    """A capability: one person may report on one task run until it expires or is revoked.

    The URL carries the link's id and nonce, signed; the row says whether it still works. Most links
    belong to a contact of the agency. A forwarded link may instead belong to a guest: a colleague
    named by a contact, who is not one of the agency's contacts and gets no other mail. A guest
    outside the agency's mail domains waits for the coordinator (``approval``).
    """

    __tablename__ = "reply_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_run_id: Mapped[int] = mapped_column(ForeignKey("task_runs.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    nonce: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    forwarded_from_id: Mapped[int | None] = mapped_column(ForeignKey("reply_links.id"))
    # A guest's name and address (a forwarded link with no contact behind it).
    guest_name: Mapped[str | None] = mapped_column(String(200))
    guest_email: Mapped[str | None] = mapped_column(String(320))
    # None: needs nobody's approval; else pending, approved or denied by the coordinator.
    approval: Mapped[str | None] = mapped_column(String(16))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    # The form ticket (nonce) that forwarded this link: one ticket, one forward.
    ticket: Mapped[str | None] = mapped_column(String(64), unique=True)

    task_run: Mapped[TaskRun] = relationship()
    contact: Mapped[ContactRecord | None] = relationship()

    @property
    def holder_name(self) -> str:
        return self.contact.name if self.contact is not None else self.guest_name or ""

    @property
    def holder_email(self) -> str:
        return self.contact.email if self.contact is not None else self.guest_email or ""

    def works_at(self, instant: datetime) -> bool:
        approved = self.approval is None or self.approval == APPROVED
        return approved and self.revoked_at is None and instant < self.expires_at

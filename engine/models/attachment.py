"""An attachment: a file sent with a report version."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sxsh_flow.engine.models.base import Base
from sxsh_flow.engine.models.submission import Submission


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

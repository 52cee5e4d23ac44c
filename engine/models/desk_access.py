"""Who is at the coordinator's desk: one-time sign-in links and the sessions they open.

Neither table holds a secret that works: a sign-in link's token and a session's id are random,
sent to the person (by email, in a cookie) and stored here only as their SHA-256, so a copy of the
database opens nobody's desk.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sxsh_flow.engine.models.base import Base, UTCDateTime


class SignInLink(Base):
    """A one-time link emailed to a coordinator's registered address: used once, or never after it expires."""

    __tablename__ = "desk_sign_in_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    next_path: Mapped[str] = mapped_column(String(500))  # the desk page to come back to
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DeskSession(Base):
    """A signed-in coordinator: ends at sign-out, after an idle while, or at its absolute end."""

    __tablename__ = "desk_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the absolute end, however active
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

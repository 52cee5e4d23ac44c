"""The outbox: every email is a row written in the transaction that caused it, then dispatched.

A row holds the message as bytes, composed when it was queued, so a retry or a resend after a
crash sends the very same message with the same Message-ID.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sxsh_flow.engine.models.base import Base, UTCDateTime, state_column
from sxsh_flow.engine.states import OutboxState


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # What the message is and why it exists, e.g. "reminder:1:SKHCN:2016-12-07". Unique, so the
    # same reminder can never be queued twice, even by two sweeps racing.
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    plan_run_id: Mapped[int | None] = mapped_column(ForeignKey("plan_runs.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    task_run_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    language: Mapped[str] = mapped_column(String(5))
    sender: Mapped[dict[str, str]] = mapped_column(JSON)
    to: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    cc: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    subject: Mapped[str] = mapped_column(Text)  # for people listing the outbox
    # Why it was queued: for a reminder, the reason its rule fired ("3 working days before the deadline").
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The whole message as it goes on the wire, built once when queued: a retry, or a resend after
    # a crash, sends these very bytes (its Date is when it was queued, which RFC 5322 allows:
    # the moment the message was complete and ready to go).
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The earliest instant to try: office hours for the first try, then the retry backoff.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    smtp_response: Mapped[str | None] = mapped_column(Text)
    # Delivery is per recipient: who has the message already (never sent it again), and who refused
    # it: {address: {"code": 450, "response": "...", "permanent": false}}, until it is delivered.
    delivered_to: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    refused: Mapped[dict[str, dict[str, Any]]] = mapped_column(JSON, default=dict, server_default="{}")
    _state: Mapped[OutboxState] = state_column(OutboxState)

    attempts_log: Mapped[list[DeliveryAttempt]] = relationship(
        back_populates="message", order_by="DeliveryAttempt.id", cascade="all, delete-orphan"
    )

    @hybrid_property
    def state(self) -> OutboxState:
        return self._state


class DeliveryAttempt(Base):
    """One try at handing a message to the mail server, and what the server said."""

    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    dispatcher: Mapped[str] = mapped_column(String(64))
    ok: Mapped[bool] = mapped_column()
    permanent: Mapped[bool] = mapped_column()
    code: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[str] = mapped_column(Text)

    message: Mapped[OutboxMessage] = relationship(back_populates="attempts_log")

"""``MemoryTransport``: keeps what it is given, and fails on request, for tests."""

from __future__ import annotations

import email
import email.parser
import email.policy
from collections import deque
from email.message import EmailMessage

from sxsh_flow.engine.message import Envelope
from sxsh_flow.notifications.delivery import BeforeHandOver, Delivery, MalformedMessage, envelope_of, malformed


class MemoryTransport:
    """Keeps what it is given in ``sent``; ``fail_next`` makes the coming sends fail, for tests."""

    def __init__(self, *, supports_utf8: bool | None = True) -> None:
        self.sent: list[EmailMessage] = []
        self.failed: list[tuple[EmailMessage, Delivery]] = []
        self.closed = False
        self._supports_utf8 = supports_utf8
        self._planned: deque[Delivery] = deque()

    @property
    def supports_utf8(self) -> bool | None:
        return self._supports_utf8

    def describe(self) -> str:
        return "memory"

    def fail_next(
        self, count: int = 1, *, permanent: bool = False, code: int | None = None, response: str | None = None
    ) -> None:
        """Make the next ``count`` sends fail (after any failures planned before), 451 or 550 by default."""
        code = code if code is not None else (550 if permanent else 451)
        response = response or ("5.0.0 refused (planned by the test)" if permanent else "4.0.0 try later (planned)")
        self._planned.extend(
            Delivery(ok=False, permanent=permanent, code=code, response=response) for _ in range(count)
        )

    async def send(self, message: EmailMessage) -> Delivery:
        try:
            envelope_of(message)
        except MalformedMessage as exc:
            delivery = malformed(exc)
        else:
            delivery = self._planned.popleft() if self._planned else Delivery(True, False, None, "kept in memory")
        if delivery.ok:
            self.sent.append(message)
        else:
            self.failed.append((message, delivery))
        return delivery

    async def send_raw(self, envelope: Envelope, *, before_hand_over: BeforeHandOver | None = None) -> Delivery:
        message = email.message_from_bytes(envelope.data, policy=email.policy.default)
        if before_hand_over is not None:
            await before_hand_over()
        return await self.send(message)

    async def close(self) -> None:
        self.closed = True

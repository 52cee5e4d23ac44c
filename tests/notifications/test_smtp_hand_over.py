"""The hand-over hook: a transport awaits it after everything that cannot deliver yet, and before what can.

The dispatcher commits the outcome of a message while the next one's envelope goes, and lets that
next message be handed over only once the commit is done. These tests check the order on a real
SMTP server (aiosmtpd on loopback), a real folder, and in memory.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from sxsh_flow.engine.message import Envelope
from sxsh_flow.notifications.smtp_url import SmtpSettings
from sxsh_flow.notifications.transports import EmlFolderTransport, MemoryTransport, SmtpTransport

from .test_transports import free_port

SENDER = "sxsh@sct.haiduong.gov.vn"
AGENCY = "phong.kehoach@stnmt.haiduong.gov.vn"
COORDINATOR = "dau.moi@sct.haiduong.gov.vn"
RAW = (
    b"From: " + SENDER.encode() + b"\r\nTo: " + AGENCY.encode() + b"\r\nCc: " + COORDINATOR.encode()
    + b"\r\nSubject: test\r\nMessage-ID: <hand.over.1@sct.haiduong.gov.vn>\r\n\r\nBody.\r\n"
)  # fmt: skip


@dataclass
class OrderHandler:
    """Notes each envelope command and each message received, in the order the server saw them."""

    events: list[str] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:  # noqa: N802
        if address in self.refuse:
            self.events.append(f"refused {address}")
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        self.events.append(f"RCPT {address}")
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.events.append("message received")
        return "250 2.0.0 queued"


def send_over_smtp(handler: OrderHandler, envelope: Envelope, events: list[str]) -> Any:
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:

        async def hand_over() -> None:
            events.append("hand-over")

        async def run() -> Any:
            transport = SmtpTransport(SmtpSettings(host="127.0.0.1", port=port, timeout=5.0, helo_name="sxsh.test"))
            try:
                first = await transport.send_raw(envelope, before_hand_over=hand_over)
                second = await transport.send_raw(envelope)  # the same pooled connection, no hook: as before
                return first, second
            finally:
                await transport.close()

        return asyncio.run(run())
    finally:
        controller.stop()


def test_smtp_awaits_the_hand_over_after_the_envelope_and_before_the_message() -> None:
    handler = OrderHandler()
    first, second = send_over_smtp(handler, Envelope(SENDER, (AGENCY, COORDINATOR), RAW), handler.events)
    assert (first.ok, second.ok) == (True, True)
    assert handler.events == [
        f"RCPT {AGENCY}", f"RCPT {COORDINATOR}", "hand-over", "message received",
        f"RCPT {AGENCY}", f"RCPT {COORDINATOR}", "message received",
    ]  # fmt: skip


def test_smtp_does_not_await_the_hand_over_of_a_message_every_recipient_refused() -> None:
    handler = OrderHandler(refuse={AGENCY})
    first, _ = send_over_smtp(handler, Envelope(SENDER, (AGENCY,), RAW), handler.events)
    assert (first.ok, first.permanent) == (False, True)
    assert "hand-over" not in handler.events
    assert "message received" not in handler.events


def test_a_folder_writes_the_file_only_after_the_hand_over(tmp_path: Path) -> None:
    transport = EmlFolderTransport(tmp_path)
    files_at_hand_over: list[int] = []

    async def hand_over() -> None:
        files_at_hand_over.append(len(list(tmp_path.rglob("*.eml"))))

    delivery = asyncio.run(transport.send_raw(Envelope(SENDER, (AGENCY,), RAW), before_hand_over=hand_over))
    assert delivery.ok
    assert files_at_hand_over == [0]
    assert len(list(tmp_path.rglob("*.eml"))) == 1


def test_memory_keeps_the_message_only_after_the_hand_over() -> None:
    transport = MemoryTransport()
    kept_at_hand_over: list[int] = []

    async def hand_over() -> None:
        kept_at_hand_over.append(len(transport.sent))

    delivery = asyncio.run(transport.send_raw(Envelope(SENDER, (AGENCY,), RAW), before_hand_over=hand_over))
    assert delivery.ok
    assert (kept_at_hand_over, len(transport.sent)) == ([0], 1)

"""A real SMTP server (aiosmtpd) on loopback that tests can stop and start again on the same port."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """What the server accepted: the raw bytes and the envelope of every message."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []
        # Recipients this server turns down, with its answer ("554 5.7.1 ..." or "450 4.2.0 ..."),
        # as a real server refuses one mailbox while it takes the others.
        self.refuse: dict[str, str] = {}
        self.delay = 0.0  # seconds to think before answering DATA, as a busy server does
        self._lock = threading.Lock()

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        answer = self.refuse.get(address.lower())
        if answer is not None:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        if self.delay:
            await asyncio.sleep(self.delay)
        with self._lock:
            self.received.append((envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content)))
        return "250 2.0.0 OK queued"

    def envelopes(self) -> list[list[str]]:
        """The recipients of each message accepted, in order."""
        with self._lock:
            return [recipients for _, recipients, _ in self.received]

    def messages(self) -> list[EmailMessage]:
        with self._lock:
            raw = [data for _, _, data in self.received]
        return [email.message_from_bytes(data, policy=email.policy.default) for data in raw]  # type: ignore[misc]


class SmtpServer:
    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.inbox = Inbox()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?timeout=5"

    def start(self) -> None:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    yield from _running_server()


@pytest.fixture(scope="module")
def module_smtp_server(module_database_url: str) -> Iterator[SmtpServer]:
    """One server per module and database, so each scenario's inbox holds only its own mail."""
    yield from _running_server()


def _running_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()

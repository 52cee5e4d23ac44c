"""What every transport shares: the ``Delivery`` outcome, the ``Transport`` protocol, and the envelope.

A transport delivers a composed ``EmailMessage`` and says how it went; it never raises for it. Every
outcome is a ``Delivery``: the dispatcher records it, and retries later only when ``permanent`` is
false. The envelope (sender and recipients) is read from the message's headers the same way by all.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.headerregistry import AddressHeader
from email.message import EmailMessage
from email.utils import getaddresses
from typing import Protocol, runtime_checkable

from sxsh_flow.engine.message import Envelope
from sxsh_flow.engine.services.outbox_outcomes import Refusal


@dataclass(frozen=True)
class Delivery:
    """What became of one message.

    ``permanent`` marks a failure that retrying cannot fix (a 5xx answer, a refused recipient, a
    malformed address); a transient one (4xx, timeout, server down) is worth another try later.
    ``refused`` lists the recipients the server turned down, each with its own answer: with ``ok``,
    it took the message for the others, who must not get it again; without, it refused them all.
    The outbox retries (4xx) or fails (5xx) each refused recipient on its own.
    """

    ok: bool
    permanent: bool
    code: int | None
    response: str
    refused: tuple[Refusal, ...] = ()


# Awaited by a transport just before it hands a message over (SMTP's DATA, a file written): until
# then the message cannot arrive, so the dispatcher makes it wait there for the commit of the
# outcome before it, and not before the envelope, which goes while that commit is written.
BeforeHandOver = Callable[[], Awaitable[None]]


@runtime_checkable
class Transport(Protocol):
    """Delivers messages; ``send`` may be awaited concurrently (an SMTP transport up to its pool size)."""

    async def send(self, message: EmailMessage) -> Delivery:
        """Deliver ``message``; every failure comes back as a ``Delivery``, never as an exception."""
        ...

    async def send_raw(self, envelope: Envelope, *, before_hand_over: BeforeHandOver | None = None) -> Delivery:
        """Deliver a message already serialised (the outbox stores each one as bytes).

        ``before_hand_over`` is awaited after everything that cannot deliver the message yet, and
        before what can (it may not be awaited at all when the message is refused before then).
        """
        ...

    async def close(self) -> None:
        """Release connections; call it once no ``send`` is in flight."""
        ...

    def describe(self) -> str:
        """One line for people: ``SMTP mail.example:587 (STARTTLS)``, ``folder /srv/outbox``."""
        ...

    @property
    def supports_utf8(self) -> bool | None:
        """Whether non-ASCII addresses can be carried (SMTPUTF8); ``None`` until known."""
        ...


class MalformedMessage(ValueError):
    """The message itself cannot be sent: no sender, no recipient, or an address that is not one."""


# A mailbox as SMTP carries it: a local part (plain, or quoted) and a domain, nothing around them.
_MAILBOX = re.compile(r'^(?:"[^"\r\n]*"|[^\s<>()\[\],;:@"]+)@[^\s<>()\[\],;:@"]+$')


def _addresses(message: EmailMessage, name: str) -> list[str]:
    found: list[str] = []
    for header in message.get_all(name, []):
        if isinstance(header, AddressHeader):
            found.extend(address.addr_spec for address in header.addresses)
        else:  # a message built with the compat32 policy has plain strings
            found.extend(address for _, address in getaddresses([str(header)]))
    for address in found:
        if not _MAILBOX.match(address):
            raise MalformedMessage(f"{name}: {address!r} is not a mail address")
    return found


def envelope_of(message: EmailMessage) -> tuple[str, list[str]]:
    """The envelope sender and recipients: To + Cc + Bcc, each address once, in order."""
    # Sender, when present, is the mailbox responsible for transmission (RFC 5322 3.6.2), e.g. the
    # system account that sends on behalf of the coordinator named in From; relays check that one.
    senders = _addresses(message, "Sender") or _addresses(message, "From")
    if not senders:
        raise MalformedMessage("the message has no From address")
    recipients: list[str] = []
    seen: set[str] = set()
    for name in ("To", "Cc", "Bcc"):
        for address in _addresses(message, name):
            if address.lower() not in seen:
                seen.add(address.lower())
                recipients.append(address)
    if not recipients:
        raise MalformedMessage("the message has no recipient (To, Cc or Bcc)")
    return senders[0], recipients


__all__ = [
    "Delivery", "MalformedMessage", "Refusal", "Transport", "concurrency", "envelope_of", "malformed", "transient",
]  # fmt: skip


def concurrency(transport: Transport) -> int:
    """How many messages ``transport`` carries at once: an SMTP pool says its size, the others take one at a time.

    The dispatcher sends no more than this at once, so that no more are in flight at a crash.
    """
    size = getattr(transport, "pool_size", 1)
    return size if isinstance(size, int) and size >= 1 else 1


def malformed(exc: Exception) -> Delivery:
    return Delivery(ok=False, permanent=True, code=None, response=str(exc))


def transient(code: int | None, response: str) -> Delivery:
    return Delivery(ok=False, permanent=False, code=code, response=response)

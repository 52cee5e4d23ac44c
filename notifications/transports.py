"""Transports deliver a composed ``EmailMessage`` and say how it went; they never raise for it.

Three implementations share the ``Transport`` protocol: ``SmtpTransport`` (aiosmtplib, a small pool
of persistent connections), ``EmlFolderTransport`` (one ``.eml`` file per message, for a machine
without a mail server or for a dry run) and ``MemoryTransport`` (for tests). Every outcome is a
``Delivery``: the dispatcher records it, and retries later only when ``permanent`` is false.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import email
import email.parser
import email.policy
import hashlib
import os
import re
import ssl
import tempfile
import threading
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from email.headerregistry import AddressHeader
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

import aiosmtplib

from sxsh_flow.engine.message import Envelope
from sxsh_flow.notifications.smtp_url import SmtpSettings


@dataclass(frozen=True)
class Delivery:
    """What became of one message.

    ``permanent`` marks a failure that retrying cannot fix (a 5xx answer, a refused recipient, a
    malformed address); a transient one (4xx, timeout, server down) is worth another try later.
    ``refused`` lists recipients the server turned down while it accepted the message for others:
    the message counts as sent, since sending it again would duplicate it for everyone else.
    """

    ok: bool
    permanent: bool
    code: int | None
    response: str
    refused: tuple[str, ...] = ()


@runtime_checkable
class Transport(Protocol):
    """Delivers messages; ``send`` may be awaited concurrently (an SMTP transport up to its pool size)."""

    async def send(self, message: EmailMessage) -> Delivery:
        """Deliver ``message``; every failure comes back as a ``Delivery``, never as an exception."""
        ...

    async def send_raw(self, envelope: Envelope) -> Delivery:
        """Deliver a message already serialised (the outbox stores each one as bytes)."""
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


class _MalformedMessage(ValueError):
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
            raise _MalformedMessage(f"{name}: {address!r} is not a mail address")
    return found


def _envelope(message: EmailMessage) -> tuple[str, list[str]]:
    """The envelope sender and recipients: To + Cc + Bcc, each address once, in order."""
    # Sender, when present, is the mailbox responsible for transmission (RFC 5322 3.6.2), e.g. the
    # system account that sends on behalf of the coordinator named in From; relays check that one.
    senders = _addresses(message, "Sender") or _addresses(message, "From")
    if not senders:
        raise _MalformedMessage("the message has no From address")
    recipients: list[str] = []
    seen: set[str] = set()
    for name in ("To", "Cc", "Bcc"):
        for address in _addresses(message, name):
            if address.lower() not in seen:
                seen.add(address.lower())
                recipients.append(address)
    if not recipients:
        raise _MalformedMessage("the message has no recipient (To, Cc or Bcc)")
    return senders[0], recipients


def _malformed(exc: Exception) -> Delivery:
    return Delivery(ok=False, permanent=True, code=None, response=str(exc))


def _transient(code: int | None, response: str) -> Delivery:
    return Delivery(ok=False, permanent=False, code=code, response=response)


_Deliver = Callable[[aiosmtplib.SMTP], Awaitable[tuple[dict[str, aiosmtplib.SMTPResponse], str]]]


class SmtpTransport:
    """Sends through one SMTP server over a pool of persistent connections.

    Connections open lazily, at most ``pool_size`` of them (``settings.pool_size`` when not
    given), and are reused from message to message. A connection found dead (the server timed it
    out or restarted) is reopened and the message tried once more on it.
    """

    def __init__(self, settings: SmtpSettings, pool_size: int | None = None) -> None:
        size = settings.pool_size if pool_size is None else pool_size
        if size < 1:
            raise ValueError(f"pool_size must be at least 1, not {size}")
        self._settings = settings
        self._pool_size = size
        self._clients: list[aiosmtplib.SMTP] = []
        # Last in, first out: a trickle of messages keeps using one warm connection instead of
        # opening every slot of the pool.
        self._idle: asyncio.LifoQueue[aiosmtplib.SMTP] | None = None
        self._supports_utf8: bool | None = None

    @property
    def supports_utf8(self) -> bool | None:
        """Whether the server advertised SMTPUTF8; ``None`` until a connection has been made."""
        return self._supports_utf8

    def describe(self) -> str:
        settings = self._settings
        host = f"[{settings.host}]" if ":" in settings.host else settings.host
        security = {"none": "no encryption", "starttls": "STARTTLS", "tls": "TLS"}[settings.security]
        if settings.security != "none" and not settings.verify_tls:
            security += ", certificate not verified"
        return f"SMTP {host}:{settings.port} ({security})"

    async def send(self, message: EmailMessage) -> Delivery:
        """Deliver one message to To, Cc and Bcc; the Bcc header itself is not transmitted."""
        try:
            sender, recipients = _envelope(message)
        except _MalformedMessage as exc:
            return _malformed(exc)
        outgoing = message
        if "Bcc" in message:
            outgoing = copy.deepcopy(message)  # the caller's message keeps its Bcc
            del outgoing["Bcc"]
        return await self._with_client(
            lambda client: client.send_message(outgoing, sender=sender, recipients=recipients)
        )

    async def send_raw(self, envelope: Envelope) -> Delivery:
        """Deliver serialised bytes as they are, to the envelope's recipients."""
        if not envelope.sender or not envelope.recipients:
            return _malformed(_MalformedMessage("a message needs a sender and at least one recipient"))
        return await self._with_client(
            lambda client: client.sendmail(envelope.sender, list(envelope.recipients), envelope.data)
        )

    async def _with_client(self, deliver: _Deliver) -> Delivery:
        idle = await self._idle_clients()
        client = await idle.get()
        try:
            try:
                return await self._attempt(client, deliver)
            except aiosmtplib.SMTPServerDisconnected:
                pass  # most often a pooled connection the server closed while idle: reopen, retry once
            try:
                return await self._attempt(client, deliver)
            except aiosmtplib.SMTPServerDisconnected as exc:
                return _transient(None, f"connection lost twice: {exc}")
        except asyncio.CancelledError:
            client.close()  # cancelled mid-command: the session is in an unknown state
            raise
        finally:
            idle.put_nowait(client)

    async def close(self) -> None:
        clients, self._clients, self._idle = self._clients, [], None
        await asyncio.gather(*(_quit(client) for client in clients))

    async def _idle_clients(self) -> asyncio.LifoQueue[aiosmtplib.SMTP]:
        if self._idle is None:
            context = None
            if self._settings.security != "none":
                # Loading the CA bundle reads files: once per transport, and off the event loop.
                context = await asyncio.to_thread(_tls_context, self._settings.verify_tls)
            if self._idle is None:  # another send may have built the pool while we waited
                idle: asyncio.LifoQueue[aiosmtplib.SMTP] = asyncio.LifoQueue()
                for _ in range(self._pool_size):
                    client = self._client(context)
                    self._clients.append(client)
                    idle.put_nowait(client)
                self._idle = idle
        return self._idle

    def _client(self, context: ssl.SSLContext | None) -> aiosmtplib.SMTP:
        settings = self._settings
        return aiosmtplib.SMTP(
            hostname=settings.host,
            port=settings.port,
            username=settings.username,
            password=settings.password,
            local_hostname=settings.helo_name,
            timeout=settings.timeout,
            use_tls=settings.security == "tls",
            # False, not None, for "none": aiosmtplib would otherwise upgrade whenever the server
            # offers STARTTLS, and then fail on a certificate the settings never asked to trust.
            start_tls=settings.security == "starttls",
            tls_context=context,
        )

    async def _connect(self, client: aiosmtplib.SMTP) -> None:
        await client.connect()
        if client.is_ehlo_or_helo_needed:
            try:
                await client.ehlo()
            except aiosmtplib.SMTPHeloError:
                await client.helo()
        self._supports_utf8 = client.supports_extension("smtputf8")

    async def _attempt(self, client: aiosmtplib.SMTP, deliver: _Deliver) -> Delivery:
        """One try; raises ``SMTPServerDisconnected`` (connection closed) and returns everything else."""
        if not client.is_connected:
            try:
                await self._connect(client)
            except aiosmtplib.SMTPServerDisconnected:
                raise
            except (aiosmtplib.SMTPException, OSError) as exc:
                # Refused before any message was offered (connection, TLS, greeting, login): the
                # server or the settings are at fault, never the message, so it stays worth retrying.
                client.close()
                if isinstance(exc, aiosmtplib.SMTPResponseException):
                    return _transient(exc.code, f"{type(exc).__name__}: {exc.code} {exc.message}")
                return _transient(None, f"{type(exc).__name__}: {exc}")
        try:
            errors, reply = await deliver(client)
        except aiosmtplib.SMTPServerDisconnected:
            client.close()
            raise
        except Exception as exc:
            outcome = _failure(exc)
            if outcome is None:  # not a delivery problem but a bug: let it surface
                client.close()
                raise
            delivery, reusable = outcome
            if not reusable:
                client.close()
            return delivery
        if not errors:
            return Delivery(ok=True, permanent=False, code=250, response=reply)
        refused = tuple(errors)
        detail = "; ".join(f"{address}: {answer.code} {answer.message}" for address, answer in errors.items())
        return Delivery(ok=True, permanent=False, code=250, response=f"{reply} (refused {detail})", refused=refused)


def _failure(exc: Exception) -> tuple[Delivery, bool] | None:
    """The delivery for an exception, and whether the connection is still fit for the next message."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        refusals = exc.recipients
        permanent = all(500 <= refusal.code < 600 for refusal in refusals)
        # One 4xx is enough to try again: that recipient may take it later.
        code = next((r.code for r in refusals if not 500 <= r.code < 600), refusals[0].code)
        detail = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in refusals)
        return Delivery(ok=False, permanent=permanent, code=code, response=detail), True
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        # 421 means the server is closing the session; after any other answer aiosmtplib has sent
        # RSET, and the connection can carry the next message.
        return Delivery(ok=False, permanent=500 <= exc.code < 600, code=exc.code, response=exc.message), exc.code != 421
    if isinstance(exc, aiosmtplib.SMTPNotSupported):
        return Delivery(ok=False, permanent=True, code=None, response=exc.message), True
    # Timeouts and resets are OSErrors, and so is SSLError (a ValueError too, for certificate
    # failures): this test must come before the malformed-address one below.
    if isinstance(exc, OSError):
        return _transient(None, f"{type(exc).__name__}: {exc}"), False
    if isinstance(exc, ValueError):  # an address aiosmtplib will not put on a command line
        return _malformed(exc), True
    if isinstance(exc, aiosmtplib.SMTPException):
        return _transient(None, f"{type(exc).__name__}: {exc.message}"), False
    return None


def _tls_context(verify: bool) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


async def _quit(client: aiosmtplib.SMTP) -> None:
    if client.is_connected:
        # Closing anyway: a server that will not say goodbye changes nothing.
        with contextlib.suppress(aiosmtplib.SMTPException, OSError):
            await client.quit()
    client.close()


class EmlFolderTransport:
    """Writes each message to ``<folder>/<YYYY-MM-DD>/<message-id>.eml``, for mail programs to open.

    The day is the message's Date (today if it has none). A message whose Message-ID was written
    before replaces that file, wherever it is, so a resend never makes a second file. Files are
    written to a temporary name and renamed, so a reader never sees half a message; with
    ``durable`` (the default) they are also flushed to disk before the rename.
    """

    def __init__(self, folder: Path, *, durable: bool = True) -> None:
        self.folder = Path(folder)
        self.durable = durable
        self._lock = threading.Lock()  # writes run in worker threads
        self._index: dict[str, Path] | None = None  # file name -> where it was written

    @property
    def supports_utf8(self) -> bool | None:
        # Files are written as SMTP would carry them without SMTPUTF8 (RFC 2047 encoded words),
        # which every mail program reads; an address with a non-ASCII local part cannot be.
        return False

    def describe(self) -> str:
        return f"folder {self.folder}"

    async def send(self, message: EmailMessage) -> Delivery:
        """Write ``message`` (CRLF line endings); ``response`` names the file."""
        try:
            _envelope(message)  # refuse what an SMTP server would refuse, so a dry run tells the truth
            data = message.as_bytes(policy=email.policy.SMTP)
        except (ValueError, TypeError, LookupError) as exc:
            return _malformed(exc)
        try:
            path = await asyncio.to_thread(self._write, message, data)
        except OSError as exc:
            return _transient(None, f"cannot write to {self.folder}: {exc}")
        return Delivery(ok=True, permanent=False, code=None, response=f"written to {path}")

    async def send_raw(self, envelope: Envelope) -> Delivery:
        """Write the bytes as they are; only the headers are read, to name the file."""
        headers = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(envelope.data)
        try:
            path = await asyncio.to_thread(self._write, headers, envelope.data)
        except OSError as exc:
            return _transient(None, f"cannot write to {self.folder}: {exc}")
        return Delivery(ok=True, permanent=False, code=None, response=f"written to {path}")

    async def close(self) -> None:
        return None

    def _write(self, message: EmailMessage, data: bytes) -> Path:
        name = _file_name(message, data)
        with self._lock:
            index = self._written()
            path = index.get(name) or self.folder / _day(message).isoformat() / name
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(data)
                    if self.durable:
                        file.flush()
                        os.fsync(file.fileno())
                os.replace(temporary, path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
            index[name] = path
            return path

    def _written(self) -> dict[str, Path]:
        # Scanned once per transport, then kept up to date: a resend dated another day must find
        # the file its first sending made.
        if self._index is None:
            self._index = {path.name: path for path in self.folder.glob("*/*.eml")}
        return self._index


_UNSAFE_IN_FILE_NAME = re.compile(r"[^A-Za-z0-9._@+-]")


def _file_name(message: EmailMessage, data: bytes) -> str:
    message_id = str(message.get("Message-ID", "")).strip().strip("<>")
    if not message_id:
        # Nothing names the message, so its content does: the same bytes land in the same file.
        return f"sha256-{hashlib.sha256(data).hexdigest()[:32]}.eml"
    safe = _UNSAFE_IN_FILE_NAME.sub("_", message_id)[:150].lstrip(".")
    if safe != message_id:
        # Two ids that differ only in replaced characters must not share a file.
        safe += "-" + hashlib.sha256(message_id.encode()).hexdigest()[:10]
    return f"{safe}.eml"


def _day(message: EmailMessage) -> date:
    header = message.get("Date")
    if header is not None:
        moment = getattr(header, "datetime", None)  # a DateHeader under the default policy
        try:
            return (moment or parsedate_to_datetime(str(header))).date()
        except (TypeError, ValueError):
            pass
    return date.today()


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
            _envelope(message)
        except _MalformedMessage as exc:
            delivery = _malformed(exc)
        else:
            delivery = self._planned.popleft() if self._planned else Delivery(True, False, None, "kept in memory")
        if delivery.ok:
            self.sent.append(message)
        else:
            self.failed.append((message, delivery))
        return delivery

    async def send_raw(self, envelope: Envelope) -> Delivery:
        message = email.message_from_bytes(envelope.data, policy=email.policy.default)
        return await self.send(message)

    async def close(self) -> None:
        self.closed = True


def transport_for(smtp_url: str | None, eml_folder: Path) -> Transport:
    """SMTP when a server is configured (SXSH_SMTP_URL), else a folder of .eml files."""
    from sxsh_flow.notifications.smtp_url import parse_smtp_url

    if smtp_url:
        return SmtpTransport(parse_smtp_url(smtp_url))
    return EmlFolderTransport(eml_folder)

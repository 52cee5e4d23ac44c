"""``SmtpTransport``: sends through one SMTP server (aiosmtplib) over a small pool of persistent connections."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import ssl
from collections.abc import Awaitable, Callable
from email.message import EmailMessage
from typing import Any

import aiosmtplib

from sxsh_flow.engine.message import Envelope
from sxsh_flow.notifications.delivery import (
    BeforeHandOver,
    Delivery,
    MalformedMessage,
    Refusal,
    envelope_of,
    malformed,
    transient,
)
from sxsh_flow.notifications.smtp_url import SmtpSettings

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
    def pool_size(self) -> int:
        """How many connections, so how many messages at once, at most."""
        return self._pool_size

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
            sender, recipients = envelope_of(message)
        except MalformedMessage as exc:
            return malformed(exc)
        outgoing = message
        if "Bcc" in message:
            outgoing = copy.deepcopy(message)  # the caller's message keeps its Bcc
            del outgoing["Bcc"]
        return await self._with_client(
            lambda client: client.send_message(outgoing, sender=sender, recipients=recipients)
        )

    async def send_raw(self, envelope: Envelope, *, before_hand_over: BeforeHandOver | None = None) -> Delivery:
        """Deliver serialised bytes as they are, to the envelope's recipients.

        ``before_hand_over`` is awaited after MAIL and RCPT, before DATA: the server has nothing to
        deliver until DATA ends, so the envelope's round trips go while the caller waits for it.
        """
        if not envelope.sender or not envelope.recipients:
            return malformed(MalformedMessage("a message needs a sender and at least one recipient"))
        recipients = list(envelope.recipients)
        if before_hand_over is None:
            return await self._with_client(lambda client: client.sendmail(envelope.sender, recipients, envelope.data))
        return await self._with_client(
            lambda client: _sendmail_after(client, before_hand_over, envelope.sender, recipients, envelope.data)
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
                return transient(None, f"connection lost twice: {exc}")
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
                    return transient(exc.code, f"{type(exc).__name__}: {exc.code} {exc.message}")
                return transient(None, f"{type(exc).__name__}: {exc}")
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
        refused = tuple(Refusal(address, answer.code, answer.message) for address, answer in errors.items())
        detail = "; ".join(f"{r.address}: {r.code} {r.response}" for r in refused)
        return Delivery(ok=True, permanent=False, code=250, response=f"{reply} (refused {detail})", refused=refused)


async def _sendmail_after(
    client: aiosmtplib.SMTP, before_data: BeforeHandOver, sender: str, recipients: list[str], data: bytes
) -> tuple[dict[str, aiosmtplib.SMTPResponse], str]:
    """``client.sendmail``, with ``before_data`` awaited between the envelope and DATA.

    aiosmtplib's ``sendmail`` sends DATA by calling the client's public ``data`` method: that one
    call is wrapped, so the envelope, the SIZE option, SMTPUTF8 and the refusals stay aiosmtplib's
    own. (tests/notifications/test_smtp_hand_over.py checks the order on a real server.)
    """
    data_command = client.data

    async def data_when_ready(*args: Any, **kwargs: Any) -> aiosmtplib.SMTPResponse:
        await before_data()
        return await data_command(*args, **kwargs)

    client.data = data_when_ready  # type: ignore[method-assign]
    try:
        return await client.sendmail(sender, recipients, data)
    finally:
        del client.data  # the instance attribute: the class's own method shows again


def _failure(exc: Exception) -> tuple[Delivery, bool] | None:
    """The delivery for an exception, and whether the connection is still fit for the next message."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        refusals = exc.recipients
        permanent = all(500 <= refusal.code < 600 for refusal in refusals)
        # One 4xx is enough to try again: that recipient may take it later.
        code = next((r.code for r in refusals if not 500 <= r.code < 600), refusals[0].code)
        detail = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in refusals)
        refused = tuple(Refusal(r.recipient, r.code, r.message) for r in refusals)
        return Delivery(ok=False, permanent=permanent, code=code, response=detail, refused=refused), True
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        # 421 means the server is closing the session; after any other answer aiosmtplib has sent
        # RSET, and the connection can carry the next message.
        return Delivery(ok=False, permanent=500 <= exc.code < 600, code=exc.code, response=exc.message), exc.code != 421
    if isinstance(exc, aiosmtplib.SMTPNotSupported):
        return Delivery(ok=False, permanent=True, code=None, response=exc.message), True
    # Timeouts and resets are OSErrors, and so is SSLError (a ValueError too, for certificate
    # failures): this test must come before the malformed-address one below.
    if isinstance(exc, OSError):
        return transient(None, f"{type(exc).__name__}: {exc}"), False
    if isinstance(exc, ValueError):  # an address aiosmtplib will not put on a command line
        return malformed(exc), True
    if isinstance(exc, aiosmtplib.SMTPException):
        return transient(None, f"{type(exc).__name__}: {exc.message}"), False
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

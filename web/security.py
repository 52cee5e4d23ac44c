"""What keeps the portal's capabilities safe: CSRF tokens, response headers, a cap on request bodies.

A reply link is a capability (anyone holding the URL may report), so the pages must not leak it
(no Referer, no caching, no framing), and only a POST carrying a token this server signed for that
very link, recently, may act. Bodies are capped before they are read: phones send attachments, not
gigabytes.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sxsh_flow.engine.clock import Clock

CSRF_SALT = "sxsh-flow/csrf"
# Long enough to fill in a report over a working day on a phone, short enough that a copied page
# (from a shared computer, say) stops working by the next morning.
CSRF_MAX_AGE = timedelta(hours=12)


@dataclass(frozen=True)
class FormTicket:
    """The hidden fields of one rendered form: a fresh nonce and the token binding it to the link."""

    csrf_token: str
    form_nonce: str


class CsrfTokens:
    """Signed, expiring [link id, form nonce] pairs; the time comes from the injected clock."""

    def __init__(
        self, secret_key: str, clock: Clock, max_age: timedelta = CSRF_MAX_AGE, *, salt: str = CSRF_SALT
    ) -> None:
        class ClockedSigner(TimestampSigner):
            # itsdangerous reads time.time(); the portal's "now" is the clock's, so tests and
            # replays can age a form by moving their FixedClock.
            def get_timestamp(self) -> int:
                return int(clock.now().timestamp())

        # A salt per kind of form: a reply page's token never passes for a desk session's.
        self._serializer = URLSafeTimedSerializer(secret_key, salt=salt, signer=ClockedSigner)
        self._max_age = int(max_age.total_seconds())

    def issue(self, link_id: int) -> FormTicket:
        nonce = secrets.token_urlsafe(24)  # 32 characters: fits Submission.form_nonce (64)
        return FormTicket(str(self._serializer.dumps([link_id, nonce])), nonce)

    def accepts(self, token: str | None, *, link_id: int, form_nonce: str | None) -> bool:
        """True only for a token we signed, not too old, for this link and this form's nonce."""
        if not token or not form_nonce:
            return False
        try:
            payload = self._serializer.loads(token, max_age=self._max_age)
        except BadSignature:  # SignatureExpired is a BadSignature too
            return False
        return (
            isinstance(payload, list)
            and len(payload) == 2
            and payload[0] == link_id
            and isinstance(payload[1], str)
            and secrets.compare_digest(payload[1], form_nonce)
        )


def security_headers(path: str) -> dict[str, str]:
    headers = {
        "X-Content-Type-Options": "nosniff",
        # The URL of every page is a capability: it must never travel in a Referer header.
        "Referrer-Policy": "no-referrer",
        "Content-Security-Policy": (
            "default-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
            "base-uri 'none'; object-src 'none'; frame-ancestors 'none'"
        ),
        "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
        "X-Robots-Tag": "noindex, nofollow",
    }
    if not path.startswith("/static/"):
        # Link pages show a report and carry form tokens: neither belongs in a shared cache or on disk.
        headers["Cache-Control"] = "no-store"
    return headers


class SecurityHeadersMiddleware:
    """Adds the headers above to every HTTP response, whatever produced it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = security_headers(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(Exception):
    """Raised from ``receive`` when a body streams past the cap (no or a lying Content-Length)."""


TooLargeResponder = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyLimitMiddleware:
    """Refuses bodies over ``max_bytes``: at once from Content-Length, else as soon as the stream passes it."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, too_large: TooLargeResponder) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.too_large = too_large

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self.too_large(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge:
            if started:
                raise
            await self.too_large(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


_LINK_IN_PATH = re.compile(r"(/r/)[^/?\s\"]+")


class RedactLinks(logging.Filter):
    """Masks reply-link tokens in access logs: a log line must not be a way into someone's report."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_LINK_IN_PATH.sub(r"\1…", a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = _LINK_IN_PATH.sub(r"\1…", record.msg)
        return True


def redact_access_log(logger_name: str = "uvicorn.access") -> None:
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, RedactLinks) for f in logger.filters):
        logger.addFilter(RedactLinks())

"""The SMTP server to send through, given as one URL (``SXSH_SMTP_URL``).

Forms::

    smtp://host                      no encryption, port 25
    smtp://user:pass@host:587?starttls=1
    smtps://user:pass@host           TLS from the first byte, port 465

Query parameters: ``starttls=0|1``, ``timeout=SECONDS``, ``pool=CONNECTIONS``, ``from=ADDRESS``
(percent-encoded, ``%40`` for ``@``), ``helo=NAME`` and ``verify=0|1`` (``verify=0`` accepts a
certificate nobody vouches for, such as a self-signed one on a local relay). The user name and the
password are percent-decoded. Any mistake raises ``ConfigurationError`` naming ``SXSH_SMTP_URL``,
with the password masked.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import Literal
from urllib.parse import quote, unquote, urlsplit

from sxsh_flow.errors import ConfigurationError
from sxsh_flow.words import N_, words

Security = Literal["none", "starttls", "tls"]
# problem(msgid, ..., **params) builds the error for the URL being parsed, its password masked.
_ProblemFactory = Callable[..., ConfigurationError]

SETTING = "SXSH_SMTP_URL"
DEFAULT_TIMEOUT = 30.0
DEFAULT_POOL_SIZE = 4
MAX_POOL_SIZE = 100
PARAMETERS = ("starttls", "timeout", "pool", "from", "helo", "verify")

_DEFAULT_PORTS: dict[Security, int] = {"none": 25, "starttls": 587, "tls": 465}
_HOST_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?$")
_TRUE = ("1", "true")
_FALSE = ("0", "false")
_PERCENT_HINT = N_(" (write @ : / ? # in the user name or password as %40 %3A %2F %3F %23)")


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to reach the SMTP server; built once at the edge from ``SXSH_SMTP_URL``."""

    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)  # never in logs or tracebacks
    security: Security = "none"
    timeout: float = DEFAULT_TIMEOUT
    pool_size: int = DEFAULT_POOL_SIZE
    sender: str | None = None  # the address messages come from, as given ("Name <addr>" or addr)
    helo_name: str | None = None  # the name to greet the server with; the machine's FQDN if None
    verify_tls: bool = True

    def redacted(self) -> str:
        """This setting as a URL with the password replaced by ``***``, for display."""
        scheme = "smtps" if self.security == "tls" else "smtp"
        userinfo = ""
        if self.username is not None:
            userinfo = quote(self.username, safe="")
            if self.password is not None:
                userinfo += ":***"
            userinfo += "@"
        host = f"[{self.host}]" if ":" in self.host else self.host
        query: list[str] = []
        if self.security == "starttls":
            query.append("starttls=1")
        if self.timeout != DEFAULT_TIMEOUT:
            query.append(f"timeout={self.timeout:g}")
        if self.pool_size != DEFAULT_POOL_SIZE:
            query.append(f"pool={self.pool_size}")
        if self.sender is not None:
            query.append(f"from={quote(self.sender, safe='')}")
        if self.helo_name is not None:
            query.append(f"helo={self.helo_name}")
        if not self.verify_tls:
            query.append("verify=0")
        tail = "?" + "&".join(query) if query else ""
        return f"{scheme}://{userinfo}{host}:{self.port}{tail}"


def parse_smtp_url(url: str) -> SmtpSettings:
    """Read an ``SXSH_SMTP_URL``; raise ``ConfigurationError`` on anything wrong with it."""
    shown = mask_password(url.strip())

    def problem(*hints: str, **params: object) -> ConfigurationError:
        # The hints are English msgids of the mail catalogue, read in the reader's language.
        def said(language: str) -> str:
            return "".join(words(language).gettext(hint, **params) for hint in hints)

        return ConfigurationError(SETTING, shown, said)

    text = url.strip()
    if not text:
        raise problem(N_("no mail server given, e.g. smtp://user:password@mail.example.vn:587?starttls=1"))
    try:
        parts = urlsplit(text)
    except ValueError as exc:
        raise problem(N_("cannot read the URL ({exc})"), exc=exc) from exc

    scheme = parts.scheme.lower()
    if scheme not in ("smtp", "smtps"):
        raise problem(N_("use smtp:// (plain or STARTTLS) or smtps:// (implicit TLS)"))
    if parts.path not in ("", "/") or parts.fragment:
        raise problem(
            N_("an SMTP URL has no path or '#...' part; give only the host, the port and parameters"), _PERCENT_HINT
        )
    host = _host(parts.hostname)
    if host is None:
        raise problem(
            N_("the server name is missing or malformed, e.g. smtp://mail.example.vn:587?starttls=1"), _PERCENT_HINT
        )
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        raise problem(N_("the port must be a number from 1 to 65535"), _PERCENT_HINT)

    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    if password is not None and username is None:
        raise problem(N_("a password without a user name; write smtp://user:password@host"))

    params = _query(parts.query, problem)
    starttls = _flag(params, "starttls", problem)
    if scheme == "smtps":
        if starttls:
            raise problem(
                N_("smtps:// already uses TLS from the start; drop starttls=1, or use smtp://...:587?starttls=1")
            )
        security: Security = "tls"
    else:
        security = "starttls" if starttls else "none"

    return SmtpSettings(
        host=host,
        port=port if port is not None else _DEFAULT_PORTS[security],
        username=username,
        password=password,
        security=security,
        timeout=_timeout(params, problem),
        pool_size=_pool_size(params, problem),
        sender=_sender(params, problem),
        helo_name=_helo(params, problem),
        verify_tls=_flag(params, "verify", problem, default=True),
    )


def mask_password(url: str) -> str:
    """``url`` with any password replaced by ``***``, even when the URL does not parse.

    Values of parameters this module does not know are masked too: ``?password=...`` is a likely
    mistake, and its value a secret.
    """
    scheme, separator, rest = url.partition("://")
    if not separator:
        return url
    # The user info ends at the last "@" of the authority; if a raw "/", "?" or "#" in the password
    # hides that "@", mask up to the last "@" anywhere: showing too little beats leaking a secret.
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    end = authority.rfind("@")
    if end < 0:
        end = rest.rfind("@")
    userinfo = rest[:end] if end >= 0 else ""
    if ":" in userinfo:
        rest = userinfo.partition(":")[0] + ":***" + rest[end:]
    head, question, query = rest.partition("?")
    if question:
        query = "&".join(_mask_unknown_parameter(item) for item in query.split("&"))
    return f"{scheme}://{head}{question}{query}"


def _mask_unknown_parameter(item: str) -> str:
    key, equals, _ = item.partition("=")
    return item if not equals or unquote(key) in PARAMETERS else f"{key}=***"


def _host(hostname: str | None) -> str | None:
    if not hostname:
        return None
    try:
        ipaddress.ip_address(hostname)
    except ValueError:
        return hostname if _HOST_NAME.match(hostname) else None
    return hostname


def _query(query: str, problem: _ProblemFactory) -> dict[str, str]:
    # Parsed by hand rather than with parse_qsl, which reads "+" as a space: from=ops+sxsh@x.vn
    # must stay a plus-addressed mailbox.
    params: dict[str, str] = {}
    for item in query.split("&"):
        if not item:
            continue
        raw_key, equals, raw_value = item.partition("=")
        key = unquote(raw_key)
        if key not in PARAMETERS:
            known = ", ".join(PARAMETERS)
            raise problem(N_("there is no parameter '{key}'; known parameters: {known}"), key=key, known=known)
        if not equals:
            raise problem(N_("parameter '{key}' needs a value: {key}=..."), key=key)
        if key in params:
            raise problem(N_("parameter '{key}' is given twice"), key=key)
        params[key] = unquote(raw_value)
    return params


def _flag(params: dict[str, str], key: str, problem: _ProblemFactory, *, default: bool = False) -> bool:
    value = params.get(key)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise problem(N_("{key} takes 0 or 1 (not '{value}')"), key=key, value=value)


def _timeout(params: dict[str, str], problem: _ProblemFactory) -> float:
    value = params.get("timeout")
    if value is None:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise problem(N_("timeout is a number of seconds above 0, e.g. timeout=30 (not '{value}')"), value=value)
    return seconds


def _pool_size(params: dict[str, str], problem: _ProblemFactory) -> int:
    value = params.get("pool")
    if value is None:
        return DEFAULT_POOL_SIZE
    if not (value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_POOL_SIZE):
        raise problem(
            N_("pool is a number of connections from 1 to {most}, e.g. pool=4 (not '{value}')"),
            most=MAX_POOL_SIZE,
            value=value,
        )
    return int(value)


def _sender(params: dict[str, str], problem: _ProblemFactory) -> str | None:
    value = params.get("from")
    if value is None:
        return None
    _, address = parseaddr(value)
    local, at, domain = address.rpartition("@")
    if not (at and local and domain) or "\r" in value or "\n" in value:
        raise problem(N_("from must be a mail address, e.g. from=sct%40haiduong.gov.vn (not '{value}')"), value=value)
    return value


def _helo(params: dict[str, str], problem: _ProblemFactory) -> str | None:
    value = params.get("helo")
    if value is None:
        return None
    if not _HOST_NAME.match(value):
        raise problem(N_("helo must be a host name, e.g. helo=sxsh.haiduong.gov.vn (not '{value}')"), value=value)
    return value

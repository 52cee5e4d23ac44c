"""Build the ``EmailMessage`` a transport sends from a rendered message.

Headers are encoded and folded here, not by ``email``'s policies. On the way to an SMTP server the
standard library's folder mangles Vietnamese: under ``email.policy.SMTP`` Python 3.11 and 3.12 drop
the space between encoded words ("kết quả thực" arrives as "kết quảthực"; CPython gh-92081, fixed
in 3.13 with follow-ups gh-120930 and gh-144156); every version cuts display names inside words
("tỉ nh": RFC 2047 readers join the halves, but Python's own parser shows the space, gh-128110); and
``SMTPUTF8`` leaves a long display name with a comma unquoted (gh-80222), which turns one recipient
into two. ``aiosmtplib`` re-serialises an ``EmailMessage`` with ``SMTP`` or ``SMTPUTF8`` whatever
policy it was built with, so choosing a policy here cannot help. Instead every header is stored
pre-encoded (``Message.set_raw``, the parser's own entry point): 7-bit, lines of at most 78
characters, each RFC 2047 encoded word at most 75 characters and made of whole characters, every
space inside a word, words cut after a space. Any policy with ``refold_source="long"`` (all the
standard ones) writes such lines out verbatim.

SMTPUTF8 is never needed: agency addresses are ASCII, and an 8-bit message can bounce at a later hop
that lacks the extension. Bodies are quoted-printable and the calendar base64, so the message is
7-bit clean and does not depend on 8BITMIME either.
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from email import policy
from email.errors import HeaderParseError
from email.headerregistry import Address as HeaderAddress
from email.message import EmailMessage
from email.utils import format_datetime
from functools import lru_cache

from sxsh_flow.addresses import sendable_address
from sxsh_flow.engine.message import Address, RenderedMessage

MAX_LINE_LENGTH = 78  # RFC 5322, 2.1.1
MAX_ENCODED_WORD_LENGTH = 75  # RFC 2047, 2
_ENCODED_WORD_START = "=?utf-8?b?"
_ENCODED_WORD_END = "?="
# UTF-8 bytes per base64 encoded word: 63 characters of payload carry 15 groups of 3 bytes.
_BYTES_PER_ENCODED_WORD = (MAX_ENCODED_WORD_LENGTH - len(_ENCODED_WORD_START) - len(_ENCODED_WORD_END)) // 4 * 3

# RFC 5322 atext: what a display name may contain unquoted.
_PLAIN_PHRASE = re.compile(r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+( [A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*")
_ATOM = r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+"  # RFC 5322 atext
_DOT_ATOM_ADDRESS = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")
_MESSAGE_ID = re.compile(r"<[^<>@\s]+@[^<>@\s]+>")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")  # BCP 47, as RFC 3282 wants
_DOMAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*")

CALENDAR_FILENAME = "deadline.ics"
CALENDAR_PARAMETERS = (("method", "PUBLISH"), ("charset", "utf-8"), ("name", CALENDAR_FILENAME))


def compose(
    rendered: RenderedMessage,
    *,
    sender: Address,
    to: Sequence[Address],
    cc: Sequence[Address] = (),
    reply_to: Sequence[Address] = (),
    message_id: str,
    sent_at: datetime,
    language: str,
) -> EmailMessage:
    """The email of ``rendered``: text and HTML alternatives, deadline.ics when there is one, and its files.

    ``reply_to`` lets replies reach the coordinator when ``sender`` is an unattended mailbox.
    Raises ``ValueError`` for a naive ``sent_at``, no recipient, an address the one address policy
    refuses (``sxsh_flow.addresses.UnsendableAddress``: a non-ASCII local part, no dot in the domain),
    or a malformed ``message_id`` or ``language``.
    """
    message = EmailMessage(policy=policy.SMTP)
    headers = top_headers(sender=sender, to=to, cc=cc, reply_to=reply_to, subject=rendered.subject,
                          message_id=message_id, sent_at=sent_at, language=language)  # fmt: skip
    for name, value in headers:
        message.set_raw(name, value)
    message.set_content(rendered.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(rendered.html, subtype="html", charset="utf-8", cte="quoted-printable")
    if rendered.calendar is not None:
        # base64 keeps the calendar's CRLF line ends byte for byte.
        message.add_attachment(
            rendered.calendar.encode("utf-8"),
            maintype="text",
            subtype="calendar",
            filename=CALENDAR_FILENAME,
            params=dict(CALENDAR_PARAMETERS),
        )
    for attachment in rendered.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename)
    _set_boundaries(message, message_id)
    for part in message.walk():
        if part is not message:
            del part["MIME-Version"]  # EmailMessage adds it to every part; it belongs at the top only
    # Set last: the content methods clear every Content-* header of the message they work on.
    message.set_raw("Content-Language", language)
    return message


def top_headers(
    *,
    sender: Address,
    to: Sequence[Address],
    cc: Sequence[Address],
    reply_to: Sequence[Address],
    subject: str,
    message_id: str,
    sent_at: datetime,
    language: str,
) -> list[tuple[str, str]]:
    """The checked, pre-encoded and folded top headers of a message, in their order (``compose``'s and
    ``message_bytes.compose_bytes``'s)."""
    if sent_at.tzinfo is None:
        raise ValueError("compose needs a timezone-aware sent_at")
    if not to:
        raise ValueError("a message needs at least one recipient in To")
    if not message_id.isascii() or not _MESSAGE_ID.fullmatch(message_id):
        raise ValueError(f"'{message_id}' is not a Message-ID of the form <left@right>")
    if not _LANGUAGE_TAG.fullmatch(language):
        raise ValueError(f"'{language}' is not a language tag such as vi or en")
    headers = [("From", _address_header("From", (sender,))), ("To", _address_header("To", tuple(to)))]
    if cc:
        headers.append(("Cc", _address_header("Cc", tuple(cc))))
    if reply_to:
        headers.append(("Reply-To", _address_header("Reply-To", tuple(reply_to))))
    headers += [
        ("Subject", _unstructured_header("Subject", subject)),
        ("Date", format_datetime(sent_at)),
        ("Message-ID", message_id),
        # RFC 3834: an automatic message, so vacation responders and the like stay quiet.
        ("Auto-Submitted", "auto-generated"),
    ]
    return headers


def _set_boundaries(message: EmailMessage, message_id: str) -> None:
    """Boundaries derived from the Message-ID, so the same message always gives the same bytes.

    ``email`` would draw random ones at each serialisation. "=_" cannot occur in quoted-printable
    or base64 text, so these boundaries can never collide with the content.
    """
    digest = boundary_digest(message_id)
    multiparts = [part for part in message.walk() if part.is_multipart()]
    for index, part in enumerate(multiparts):
        part.set_boundary(f"=_sxsh_{digest}_{index}")


def boundary_digest(message_id: str) -> str:
    return hashlib.sha256(message_id.encode("ascii")).hexdigest()[:24]


def make_message_id(domain: str, *parts: str) -> str:
    """A deterministic Message-ID, ``<reminder.12.101-102.20161214@domain>``.

    Characters other than letters, digits, "-" and "_" in a part become "-"; when any part had to
    change, a short hash of the exact parts is appended so that different inputs stay different.
    The same parts always give the same id, so a message resent after a crash keeps its id.
    """
    if not parts:
        raise ValueError("make_message_id needs at least one part")
    if not _DOMAIN.fullmatch(domain):
        raise ValueError(f"'{domain}' is not a plain ASCII domain name")
    cleaned = [re.sub(r"[^A-Za-z0-9_-]+", "-", part).strip("-") or "-" for part in parts]
    if any(clean != part for clean, part in zip(cleaned, parts, strict=True)):
        digest = hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:12]
        cleaned.append(digest)
    return f"<{'.'.join(cleaned)}@{domain}>"


def unstructured_header(name: str, text: str) -> str:
    """The folded value of an unstructured header (Subject): plain ASCII, or UTF-8 encoded words."""
    return _unstructured_header(name, text)


@lru_cache(maxsize=1024)
def _unstructured_header(name: str, text: str) -> str:
    text = _one_line(text)
    # Readers take the whitespace after "Subject:" for the separator, not text: a subject that
    # starts with a space keeps it only inside an encoded word.
    if _is_plain_ascii(text) and not text[:1].isspace():
        return _fold(name, text.split(" "))
    return _fold(name, _encoded_words(text, _first_line_room(name)))


def address_header(name: str, addresses: Sequence[Address]) -> str:
    """The folded value of an address header (From, To, Cc, Reply-To)."""
    return _address_header(name, tuple(addresses))


# The same sender, coordinator and subjects come back in every message of a sweep: each is
# checked and encoded once (pure functions of their arguments; errors are raised again each time).
@lru_cache(maxsize=4096)
def _address_header(name: str, addresses: tuple[Address, ...]) -> str:
    words: list[str] = []
    for index, address in enumerate(addresses):
        room = _first_line_room(name) if index == 0 else MAX_LINE_LENGTH - 1
        mailbox = _mailbox_words(address, room, sender=name == "From")
        if index < len(addresses) - 1:
            mailbox[-1] += ","
        words.extend(mailbox)
    return _fold(name, words)


def _mailbox_words(address: Address, room: int, *, sender: bool = False) -> list[str]:
    return list(_checked_mailbox_words(address, room, sender))


# An agency's address is checked and encoded once, not once per message it gets.
@lru_cache(maxsize=16384)
def _checked_mailbox_words(address: Address, room: int, sender: bool) -> tuple[str, ...]:
    # The one address policy (the directory and the portal ask it too); an internationalised domain
    # travels as its ASCII (punycode) form, which needs no SMTPUTF8. A sender may be unattended.
    addr_spec = sendable_address(address.email, deliverable=not sender).ascii
    display_name = _one_line(address.name)
    # An address of plain atoms (all of an agency's) is written as it is: the header registry's
    # parse, which would say so, cost more than the rest of a message's headers.
    if not _DOT_ATOM_ADDRESS.fullmatch(addr_spec):
        try:
            mailbox = HeaderAddress(display_name=display_name, addr_spec=addr_spec)
        except (HeaderParseError, ValueError) as exc:
            raise ValueError(f"'{address.email}' is not a mail address: {exc}") from exc
        display_name, addr_spec = mailbox.display_name, mailbox.addr_spec
    if not display_name.strip():
        # Blanks alone are no name (and Python's parser reads an encoded word of them back changed).
        return (addr_spec,)
    return (*_display_name_words(display_name, room), f"<{addr_spec}>")


def _display_name_words(name: str, room: int) -> list[str]:
    if _is_plain_ascii(name):
        if _PLAIN_PHRASE.fullmatch(name):
            return name.split(" ")
        # One word: folding inside a quoted-string is legal, but some parsers get it wrong.
        quoted = name.replace("\\", "\\\\").replace('"', '\\"')
        return [f'"{quoted}"']
    return _encoded_words(name, room)


def _is_plain_ascii(text: str) -> bool:
    # "=?" would be read as the start of an encoded word, so such text is encoded too.
    return text.isascii() and text.isprintable() and "=?" not in text


def _one_line(text: str) -> str:
    """Line and paragraph breaks and control characters become spaces: no header injection."""
    return "".join(" " if unicodedata.category(char) in {"Cc", "Zl", "Zp"} else char for char in text)


def _first_line_room(name: str) -> int:
    """Columns left for the first word on the line that starts with "Name: "."""
    return MAX_LINE_LENGTH - len(name) - 2


def _encoded_words(text: str, first_room: int) -> list[str]:
    """RFC 2047 B-encoded words carrying ``text``, spaces included, each at most 75 characters.

    The first word also fits in ``first_room`` columns: a first line longer than 78 would make the
    generator refold the header with the very folder this module avoids.
    """
    first_limit = min(_BYTES_PER_ENCODED_WORD, _bytes_for_columns(first_room))
    return [
        _ENCODED_WORD_START + base64.b64encode(chunk.encode("utf-8")).decode("ascii") + _ENCODED_WORD_END
        for chunk in _chunks(text, first_limit, _BYTES_PER_ENCODED_WORD)
    ]


def _bytes_for_columns(columns: int) -> int:
    payload = columns - len(_ENCODED_WORD_START) - len(_ENCODED_WORD_END)
    return max(payload // 4 * 3, 6)  # room for two Vietnamese letters at the very least


def _chunks(text: str, first_limit: int, limit: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``limit`` UTF-8 bytes (``first_limit`` for the first).

    Pieces end after a space where possible (the space stays in the earlier piece), so a decoder
    that wrongly keeps the whitespace between encoded words shows a double space, never a word cut
    in two.
    """
    chunks: list[str] = []
    current = ""

    def room() -> int:
        return limit if chunks else first_limit

    for word in re.findall(r"\s+|\S+\s*", text):
        if _size(current + word) <= room():
            current += word
            continue
        if current:
            chunks.append(current)
            current = ""
        if _size(word) <= room():
            current = word
            continue
        for char in word:  # a single word longer than an encoded word: cut between characters
            # A combining mark stays with its base letter (decomposed Vietnamese text).
            if current and _size(current + char) > room() and not unicodedata.combining(char):
                chunks.append(current)
                current = ""
            current += char
    if current:
        chunks.append(current)
    return chunks


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _fold(name: str, words: Sequence[str]) -> str:
    """Join ``words`` with single spaces, breaking the line before a word that would pass 78 columns.

    Unfolding (removing CRLF) gives back the single-space join, so folding changes no text.
    """
    lines: list[str] = []
    line = ""
    column = len(name) + 2  # "Subject: "
    for index, word in enumerate(words):
        if index == 0:
            line = word
        # Never fold before an empty word: a continuation line of blanks alone is not allowed.
        elif column + len(line) + 1 + len(word) > MAX_LINE_LENGTH and word and line.strip():
            lines.append(line)
            line = " " + word
            column = 0
        else:
            line += " " + word
    lines.append(line)
    return "\r\n".join(lines)

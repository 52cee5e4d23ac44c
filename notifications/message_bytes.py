"""The bytes of an email written directly: ``compose(...).as_bytes(policy=SMTP)``, the very same bytes.

Every message a sweep or an opening day sends has one of two fixed MIME shapes: text and HTML
alternatives (reminders), or those alternatives and files beside them in a ``multipart/mixed``
(requests and kickoffs with their deadline.ics, a closing report with its .docx and .xlsx). Writing
the bytes here spares the ``email`` package's header objects, which parse every header set on
every part, and its generator: together they cost more than rendering the message. What the
package would write is kept exactly:

- the top headers are ``compose``'s own (``compose.top_headers``), folded as its generator folds;
- lines of the bodies are quoted-printable encoded one by one as ``email.contentmanager`` does
  (it encodes each line on its own too), and the same line is encoded once;
- a file's part headers depend only on its type, name and parameters, not on its data: they are
  written once through the ``email`` package itself and kept; its body is base64 in lines of 76;
- boundaries and the lines around them are those of ``email.generator``.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from datetime import datetime
from email import policy, quoprimime
from email.message import EmailMessage
from functools import lru_cache

from sxsh_flow.engine.message import Address, RenderedMessage
from sxsh_flow.notifications.compose import (
    CALENDAR_FILENAME,
    CALENDAR_PARAMETERS,
    MAX_LINE_LENGTH,
    boundary_digest,
    top_headers,
)

_SMTP_LINE_LENGTH = policy.SMTP.max_line_length or MAX_LINE_LENGTH  # 78: what set_content wraps at
_TEXT_PART_HEADERS = b'Content-Type: text/%s; charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
# A file's parameters as hashable pairs, for the cache of its part headers.
_Parameters = tuple[tuple[str, str], ...]


def compose_bytes(
    rendered: RenderedMessage,
    *,
    sender: Address,
    to: Sequence[Address],
    cc: Sequence[Address] = (),
    reply_to: Sequence[Address] = (),
    message_id: str,
    sent_at: datetime,
    language: str,
) -> bytes:
    """``compose(...).as_bytes(policy=SMTP)`` without building the ``EmailMessage``.

    Raises what ``compose`` raises.
    """
    headers = top_headers(sender=sender, to=to, cc=cc, reply_to=reply_to, subject=rendered.subject,
                          message_id=message_id, sent_at=sent_at, language=language)  # fmt: skip
    files = _files(rendered)
    digest = boundary_digest(message_id)
    parts = [policy.SMTP.fold_binary(name, value) for name, value in headers]
    if not files:
        parts.append(b"MIME-Version: 1.0\r\n")
        parts.append(_alternatives(rendered, f"=_sxsh_{digest}_0", language))
        return b"".join(parts)
    # compose numbers boundaries in walking order: the mixed message first, its alternatives second.
    mixed = f"=_sxsh_{digest}_0"
    parts.append(f'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="{mixed}"\r\n'.encode("ascii"))
    parts.append(policy.SMTP.fold_binary("Content-Language", language))
    parts.append(f"\r\n--{mixed}\r\n".encode("ascii"))
    parts.append(_alternatives(rendered, f"=_sxsh_{digest}_1", None))
    for maintype, subtype, filename, parameters, data in files:
        parts.append(f"\r\n--{mixed}\r\n".encode("ascii"))
        parts.append(_file_headers(maintype, subtype, filename, parameters))
        parts.append(base64.encodebytes(data).replace(b"\n", b"\r\n"))
    parts.append(f"\r\n--{mixed}--\r\n".encode("ascii"))
    return b"".join(parts)


def _files(rendered: RenderedMessage) -> list[tuple[str, str, str, _Parameters, bytes]]:
    """(maintype, subtype, filename, parameters, data) of each file, in ``compose``'s order."""
    files: list[tuple[str, str, str, _Parameters, bytes]] = []
    if rendered.calendar is not None:
        files.append(("text", "calendar", CALENDAR_FILENAME, CALENDAR_PARAMETERS, rendered.calendar.encode("utf-8")))
    for attachment in rendered.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        files.append((maintype, subtype, attachment.filename, (), attachment.data))
    return files


def _alternatives(rendered: RenderedMessage, boundary: str, language: str | None) -> bytes:
    """The ``multipart/alternative`` of text and HTML, from its Content-Type to its closing boundary.

    Its Content-Language when it is the message itself (``language``), not a part of a mixed one.
    """
    parts = [f'Content-Type: multipart/alternative;\r\n boundary="{boundary}"\r\n'.encode("ascii")]
    if language is not None:
        parts.append(policy.SMTP.fold_binary("Content-Language", language))
    parts.append(f"\r\n--{boundary}\r\n".encode("ascii"))
    parts.append(_TEXT_PART_HEADERS % b"plain")
    parts.append(_quoted_printable(rendered.text))
    parts.append(f"\r\n--{boundary}\r\n".encode("ascii"))
    parts.append(_TEXT_PART_HEADERS % b"html")
    parts.append(_quoted_printable(rendered.html))
    parts.append(f"\r\n--{boundary}--\r\n".encode("ascii"))
    return b"".join(parts)


@lru_cache(maxsize=256)
def _file_headers(maintype: str, subtype: str, filename: str, parameters: _Parameters) -> bytes:
    """A file part's headers and the blank line after them, as ``compose`` writes them (any data)."""
    holder = EmailMessage(policy=policy.SMTP)
    holder.set_content("")
    holder.add_attachment(b"", maintype=maintype, subtype=subtype, filename=filename, params=dict(parameters))
    part = next(iter(holder.iter_attachments()))
    del part["MIME-Version"]  # compose keeps it at the top only
    written = part.as_bytes(policy=policy.SMTP)
    return written[: written.index(b"\r\n\r\n") + 4]


def _quoted_printable(text: str) -> bytes:
    """The body of a text part as ``set_content(..., cte="quoted-printable")`` and the SMTP generator write it.

    Lines are encoded one by one, so a body is encoded in stretches of whole lines: the lines with
    a link ("://": a reminder's reply links) alone, and the stretches between them, the same in
    every reminder of a shape (a task's lines but its link), each encoded once.
    """
    data = text.encode("utf-8")
    if b"\r" in data or not data:  # splitlines' other line ends: line by line
        return b"".join(_quoted_printable_line(line) for line in data.splitlines() or [b""])
    parts = []
    at = 0  # where the next line starts
    link = data.find(b"://")
    while link >= 0:
        start = data.rfind(b"\n", 0, link) + 1
        end = data.find(b"\n", link)
        end = len(data) if end < 0 else end
        if start > at:
            parts.append(_quoted_printable_lines(data[at:start]))
        parts.append(_encoded_line(data[start:end]))  # new in each message: not kept
        at = end + 1
        link = data.find(b"://", at)
    if at < len(data):
        parts.append(_quoted_printable_lines(data[at:]))
    return b"".join(parts)


@lru_cache(maxsize=1024)
def _quoted_printable_lines(stretch: bytes) -> bytes:
    """Whole lines without CR, the last one's LF but optional (the body's end), encoded."""
    lines = (stretch[:-1] if stretch.endswith(b"\n") else stretch).split(b"\n")
    return b"".join(_quoted_printable_line(line) for line in lines)


@lru_cache(maxsize=4096)
def _quoted_printable_line(line: bytes) -> bytes:
    """``_encoded_line``, kept: most lines recur from message to message."""
    return _encoded_line(line)


def _encoded_line(line: bytes) -> bytes:
    """One line, as ``quoprimime.body_encode`` encodes it, with the generator's CRLF at each soft break and its end.

    ``body_encode`` quotes byte by byte, then wraps: so a line is quoted in pieces, and the pieces
    that recur (the words around a reply link) are quoted once. A link's run of bytes that need no
    quoting is kept as it is.
    """
    pieces = []
    at = 0
    link = line.find(b"://")
    while link >= 0:
        end = _PLAIN.match(line, link).end()  # type: ignore[union-attr]  # matches, if only ""
        pieces.append(_quoted(line[at:link]))
        pieces.append(line[link:end].decode("ascii"))
        at = end
        link = line.find(b"://", at)
    pieces.append(_quoted(line[at:]))
    return _wrapped("".join(pieces)).encode("ascii")


# Bytes that quoted-printable keeps as they are, but space and tab (the wrapping looks at those).
_PLAIN = re.compile(rb"[!-<>-~]*")
# What body_encode puts for each byte of a line (neither CR nor LF is in one).
_BODY_MAP = [f"={octet:02X}" if quoprimime.body_check(octet) else chr(octet) for octet in range(256)]


@lru_cache(maxsize=4096)
def _quoted(piece: bytes) -> str:
    return piece.decode("latin-1").translate(_BODY_MAP)


def _wrapped(line: str) -> str:
    """``body_encode``'s wrapping of one quoted line at ``_SMTP_LINE_LENGTH``, step by step; line ends CRLF."""
    last_start = len(line) - 1 - _SMTP_LINE_LENGTH
    pieces = []
    start = 0
    while start <= last_start:
        stop = start + _SMTP_LINE_LENGTH - 1  # room for the soft break's "="
        if line[stop - 2] == "=":  # never break inside an "=XX"
            pieces.append(line[start : stop - 1])
            start = stop - 2
        elif line[stop - 1] == "=":
            pieces.append(line[start:stop])
            start = stop - 1
        else:
            pieces.append(line[start:stop] + "=")
            start = stop
    if line and line[-1] in " \t":  # whitespace at the end of a line is quoted
        room = start - last_start
        if room >= 3:
            end = f"={ord(line[-1]):02X}"
        elif room == 2:
            end = line[-1] + "=\r\n"
        else:
            end = f"=\r\n={ord(line[-1]):02X}"
        pieces.append(line[start:-1] + end)
    else:
        pieces.append(line[start:])
    pieces.append("")
    return "\r\n".join(pieces)

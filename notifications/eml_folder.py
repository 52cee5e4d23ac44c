"""``EmlFolderTransport``: one ``.eml`` file per message, for a machine without a mail server or a dry run."""

from __future__ import annotations

import asyncio
import email
import email.parser
import email.policy
import hashlib
import os
import re
import tempfile
import threading
from datetime import date
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from sxsh_flow.engine.message import Envelope
from sxsh_flow.engine.private_files import private_folder
from sxsh_flow.notifications.delivery import BeforeHandOver, Delivery, envelope_of, malformed, transient


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
            envelope_of(message)  # refuse what an SMTP server would refuse, so a dry run tells the truth
            data = message.as_bytes(policy=email.policy.SMTP)
        except (ValueError, TypeError, LookupError) as exc:
            return malformed(exc)
        try:
            path = await asyncio.to_thread(self._write, message, data)
        except OSError as exc:
            return transient(None, f"cannot write to {self.folder}: {exc}")
        return Delivery(ok=True, permanent=False, code=None, response=f"written to {path}")

    async def send_raw(self, envelope: Envelope, *, before_hand_over: BeforeHandOver | None = None) -> Delivery:
        """Write the bytes as they are; only the headers are read, to name the file."""
        headers = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(envelope.data)
        if before_hand_over is not None:
            await before_hand_over()
        try:
            path = await asyncio.to_thread(self._write, headers, envelope.data)
        except OSError as exc:
            return transient(None, f"cannot write to {self.folder}: {exc}")
        return Delivery(ok=True, permanent=False, code=None, response=f"written to {path}")

    async def close(self) -> None:
        return None

    def _write(self, message: EmailMessage, data: bytes) -> Path:
        name = _file_name(message, data)
        with self._lock:
            index = self._written()
            path = index.get(name) or self.folder / _day(message).isoformat() / name
            private_folder(path.parent)  # working reply links inside: owner-only; mkstemp makes files 0600
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

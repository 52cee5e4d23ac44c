"""Files agencies attach to reports: checked by what they contain, stored once under their hash.

The name a file arrives with says nothing reliable, so its kind is read from its first bytes
(the ``filetype`` package's signatures) and must agree with its extension: a program renamed to
``report.pdf`` is refused. PDF, Word and Excel files are then checked as what they claim to be
(``engine.file_shapes``): a polyglot (a PDF that is also a ZIP or a web page) and a zip bomb are
refused. A report holds at most ``MAX_FILES_PER_REPORT`` files of ``MAX_REPORT_BYTES`` in all.
Files live in $SXSH_HOME/attachments/<sha256>, written atomically; what a crash leaves behind (a
half-written temporary file, a file whose transaction never committed) is removed by
``remove_leftovers`` when the portal starts.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

import filetype

from sxsh_flow.engine.file_shapes import MAX_INFLATED_BYTES, ShapeProblem, shape_problem
from sxsh_flow.engine.private_files import private_folder
from sxsh_flow.errors import Phrase
from sxsh_flow.words import N_

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_REPORT = 10
MAX_REPORT_BYTES = 50 * 1024 * 1024  # five files at the limit: more than any report needs
# A temporary or unreferenced file younger than this may belong to a save still in progress.
LEFTOVER_AGE_SECONDS = 3600.0
__all__ = [
    "ALLOWED",
    "LEFTOVER_AGE_SECONDS",
    "MAX_BYTES",
    "MAX_FILES_PER_REPORT",
    "MAX_INFLATED_BYTES",
    "MAX_REPORT_BYTES",
    "CheckedFile",
    "IncomingFile",
    "RefusedFile",
    "admit_to_report",
    "check_file",
    "remove_leftovers",
    "store_file",
]
# extension -> the kinds its content may be (old Office files are OLE containers: "cfb").
ALLOWED: dict[str, frozenset[str]] = {
    "pdf": frozenset({"pdf"}),
    "doc": frozenset({"doc", "cfb"}),
    "docx": frozenset({"docx"}),
    "xls": frozenset({"xls", "cfb"}),
    "xlsx": frozenset({"xlsx"}),
    "png": frozenset({"png"}),
    "jpg": frozenset({"jpg"}),
    "jpeg": frozenset({"jpg"}),
}


@dataclass(frozen=True)
class IncomingFile:
    filename: str
    data: bytes


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    size: int
    sha256: str
    data: bytes


class RefusedFile(ValueError):
    """A file we do not take, and why, in words the sender reads (``message(language)``)."""

    def __init__(self, filename: str, msgid: str, /, **params: Any) -> None:
        super().__init__(msgid)
        self.filename = filename
        self.phrase = Phrase(msgid, **params)

    def message(self, language: str = "vi") -> str:
        return self.phrase(language)

    def __str__(self) -> str:
        return self.message("en")


def check_file(incoming: IncomingFile, *, max_bytes: int = MAX_BYTES) -> CheckedFile:
    """The file if it is one we take; ``RefusedFile`` (with a message for people) if not."""
    name = PurePath(incoming.filename.replace("\\", "/")).name.strip() or "tep-dinh-kem"
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    size = len(incoming.data)
    if size == 0:
        raise RefusedFile(name, N_("The file is empty."))
    if size > max_bytes:
        limit = max_bytes // (1024 * 1024)
        raise RefusedFile(name, N_("The file is larger than {limit} MB."), limit=limit)
    if extension not in ALLOWED:
        raise RefusedFile(name, N_("Only PDF, Word, Excel or image (PNG, JPG) files are accepted."))
    kind = filetype.guess(incoming.data)
    detected = "cfb" if kind is None and incoming.data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" else None
    detected = detected or (kind.extension if kind is not None else None)
    if detected not in ALLOWED[extension]:
        raise RefusedFile(name, N_("The file's content does not match its type (extension). Please check the file."))
    problem = shape_problem(extension, incoming.data)
    if problem is ShapeProblem.TOO_LARGE_INFLATED:
        limit = MAX_INFLATED_BYTES // (1024 * 1024)
        raise RefusedFile(name, N_("The file expands to more than {limit} MB when opened."), limit=limit)
    if problem is not None:
        raise RefusedFile(name, N_("The file's content does not match its type (extension). Please check the file."))
    content_type = kind.mime if kind is not None else "application/octet-stream"
    return CheckedFile(name[:255], content_type, size, hashlib.sha256(incoming.data).hexdigest(), incoming.data)


def store_file(folder: Path, checked: CheckedFile) -> Path:
    """Write the file under its hash (once: the same content is stored once)."""
    path = folder / checked.sha256[:2] / checked.sha256
    if path.exists():
        return path
    private_folder(path.parent)  # the agencies' reports: owner-only (mkstemp makes the file 0600)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(checked.data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def admit_to_report(held: Sequence[int], incoming: CheckedFile) -> None:
    """Refuse ``incoming`` if the report, holding files of the sizes ``held``, would pass its caps."""
    if len(held) >= MAX_FILES_PER_REPORT:
        raise RefusedFile(incoming.filename, N_("A report holds at most {count} files."), count=MAX_FILES_PER_REPORT)
    if sum(held) + incoming.size > MAX_REPORT_BYTES:
        limit = MAX_REPORT_BYTES // (1024 * 1024)
        raise RefusedFile(incoming.filename, N_("A report's files may add up to {limit} MB at most."), limit=limit)


def remove_leftovers(
    folder: Path, *, referenced: Collection[str], now: float, older_than: float = LEFTOVER_AGE_SECONDS
) -> list[Path]:
    """Remove what crashed saves left: temporary files, and stored files no report refers to.

    Only files older than ``older_than`` seconds (by ``now``, a POSIX time) go: a younger one may
    be a save in progress in another process. Returns the paths removed.
    """
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for path in folder.glob("*/*"):
        leftover = path.name.startswith(".") and path.name.endswith(".tmp")
        if not (leftover or path.name not in referenced) or not path.is_file():
            continue
        try:
            if now - path.stat().st_mtime < older_than:
                continue
            path.unlink()
        except FileNotFoundError:
            continue  # another process cleaned it first
        removed.append(path)
    return removed

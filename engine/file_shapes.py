"""Whether a PDF, Word or Excel file is that and nothing else: no polyglot, no zip bomb.

A first-bytes signature says what a file starts as, not what else it is. A PDF with a ZIP or a
web page appended still starts with ``%PDF-``; a ZIP whose comment ends in ``%%EOF`` is both a
valid PDF and a valid archive. A .docx or .xlsx is a ZIP whose entries can inflate a thousand
times over. So each kind is checked by its shape:

- PDF: ``%PDF-`` first, ``%%EOF`` last (only white space after it), no ZIP end record a ZIP
  reader would find, and no HTML in the first kilobyte a browser sniffs.
- Word and Excel (OOXML): a ZIP from its first byte to its last (nothing before or after it),
  with the parts its kind must have, at most ``MAX_ENTRIES`` entries inflating to at most
  ``MAX_INFLATED_BYTES`` in all; every entry is inflated (within that bound) to check its CRC.
- Old Office files (OLE containers) and images are taken on their signature alone.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from enum import Enum

MAX_INFLATED_BYTES = 200 * 1024 * 1024  # a 10 MB spreadsheet inflates to ~150 MB at most
MAX_ENTRIES = 10_000
_READ_CHUNK = 1024 * 1024
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_PDF_TAIL_WHITESPACE = b" \t\r\n\x00\x0c"
_HTML = re.compile(rb"<\s*(?:html|script|body|head|iframe|svg|!doctype\s+html)", re.IGNORECASE)
# The part each OOXML kind cannot be without.
OOXML_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


class ShapeProblem(Enum):
    NOT_WHAT_IT_CLAIMS = "not_what_it_claims"  # a polyglot, a broken archive, a part missing
    TOO_LARGE_INFLATED = "too_large_inflated"  # a zip bomb


def shape_problem(extension: str, data: bytes) -> ShapeProblem | None:
    """What is wrong with ``data`` as a file of ``extension``; None when it is that and nothing else."""
    if extension == "pdf":
        return _pdf_problem(data)
    if extension in OOXML_MAIN_PART:
        return _ooxml_problem(data, OOXML_MAIN_PART[extension])
    return None


def _pdf_problem(data: bytes) -> ShapeProblem | None:
    end = data.rfind(b"%%EOF")
    if not data.startswith(b"%PDF-") or end < 0 or data[end + 5 :].strip(_PDF_TAIL_WHITESPACE):
        return ShapeProblem.NOT_WHAT_IT_CLAIMS
    if _HTML.search(data[:1024]) or zipfile.is_zipfile(io.BytesIO(data)):
        return ShapeProblem.NOT_WHAT_IT_CLAIMS
    return None


def _ooxml_problem(data: bytes, main_part: str) -> ShapeProblem | None:
    if not data.startswith(b"PK\x03\x04") or not _ends_with_its_zip_end_record(data):
        return ShapeProblem.NOT_WHAT_IT_CLAIMS
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if "[Content_Types].xml" not in names or main_part not in names or len(entries) > MAX_ENTRIES:
                return ShapeProblem.NOT_WHAT_IT_CLAIMS
            # The declared sizes bound what zipfile will inflate (it stops at them, and a lie
            # fails the CRC), so a bomb is refused before a byte of it is inflated.
            if sum(entry.file_size for entry in entries) > MAX_INFLATED_BYTES:
                return ShapeProblem.TOO_LARGE_INFLATED
            inflated = 0
            for entry in entries:
                with archive.open(entry) as member:
                    while chunk := member.read(_READ_CHUNK):
                        inflated += len(chunk)
                        if inflated > MAX_INFLATED_BYTES:
                            return ShapeProblem.TOO_LARGE_INFLATED
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError):
        return ShapeProblem.NOT_WHAT_IT_CLAIMS
    return None


def _ends_with_its_zip_end_record(data: bytes) -> bool:
    """Whether the archive's end record (and its comment) is the last thing in ``data``."""
    at = data.rfind(_EOCD, max(0, len(data) - _EOCD_SIZE - 0xFFFF))
    if at < 0 or len(data) < at + _EOCD_SIZE:
        return False
    (comment_length,) = struct.unpack_from("<H", data, at + 20)
    return bool(at + _EOCD_SIZE + comment_length == len(data))

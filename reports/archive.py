"""Office files (Word, Excel) that are the same bytes for the same report."""

from __future__ import annotations

import zipfile
from datetime import date
from io import BytesIO


def stable_archive(package: bytes, day: date) -> bytes:
    """The same zip with every entry dated ``day``: Word and Excel files are zip archives whose
    entries otherwise carry the second they were written, so the same report would differ byte by byte."""
    stamp = (day.year, day.month, day.day, 0, 0, 0)
    source = zipfile.ZipFile(BytesIO(package))
    output = BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 0  # as Office writes it; the default depends on the OS that renders
            target.writestr(fixed, source.read(entry.filename))
    return output.getvalue()

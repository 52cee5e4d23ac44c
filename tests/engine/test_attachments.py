"""Attachments are what they claim to be, a report holds a bounded number of them, and a crash leaves no file behind."""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path

import pytest

from sxsh_flow.engine.attachments import (
    MAX_FILES_PER_REPORT,
    MAX_INFLATED_BYTES,
    MAX_REPORT_BYTES,
    CheckedFile,
    IncomingFile,
    RefusedFile,
    admit_to_report,
    check_file,
    remove_leftovers,
    store_file,
)

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Báo cáo kết quả sản xuất sạch hơn năm 2016")
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    import openpyxl

    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.append(["Doanh nghiệp", 12])  # type: ignore[union-attr]
    workbook.save(buffer)
    return buffer.getvalue()


def refusal(name: str, data: bytes) -> str:
    with pytest.raises(RefusedFile) as refused:
        check_file(IncomingFile(name, data))
    return refused.value.message("en")


# --- what a file claims to be ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make"),
    [("bao-cao.pdf", lambda: PDF), ("bao-cao.docx", docx_bytes), ("so-lieu.xlsx", xlsx_bytes)],
)
def test_real_pdf_word_and_excel_files_are_taken(name: str, make: object) -> None:
    data = make()  # type: ignore[operator]
    assert check_file(IncomingFile(name, data)).size == len(data)


def test_a_pdf_with_a_zip_appended_is_refused() -> None:
    assert "content" in refusal("bao-cao.pdf", PDF + zip_bytes({"payload.html": b"<script>alert(1)</script>"}))


def test_a_pdf_with_html_appended_is_refused() -> None:
    assert "content" in refusal("bao-cao.pdf", PDF + b"<html><script>alert(1)</script></html>\n")


def test_a_pdf_whose_tail_is_a_zip_ending_in_an_eof_comment_is_refused() -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as polyglot:
        polyglot.writestr("payload.html", b"<script>alert(1)</script>")
        polyglot.comment = b"\n%%EOF\n"
    assert "content" in refusal("bao-cao.pdf", PDF + archive.getvalue())


def test_a_word_file_whose_entries_inflate_beyond_the_bound_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as real, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in real.infolist():
            bomb.writestr(item, real.read(item))
        with bomb.open("word/media/padding.bin", "w") as padding:
            chunk = bytes(1024 * 1024)
            for _ in range(MAX_INFLATED_BYTES // len(chunk) + 1):
                padding.write(chunk)
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024  # under the upload limit by far

    assert "expands" in refusal("bao-cao.docx", data)


def test_an_excel_file_with_something_appended_is_refused() -> None:
    assert "content" in refusal("so-lieu.xlsx", xlsx_bytes() + b"<html><script>alert(1)</script></html>")


def test_a_zip_named_docx_without_a_word_document_is_refused() -> None:
    fake = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/other.xml": b"<x/>"})
    assert "content" in refusal("bao-cao.docx", fake)


def test_an_excel_file_named_docx_is_refused() -> None:
    assert "content" in refusal("bao-cao.docx", xlsx_bytes())


# --- how many a report holds -------------------------------------------------------------------------


def checked(size: int, name: str = "a.pdf") -> CheckedFile:
    return CheckedFile(name, "application/pdf", size, "0" * 64, b"")


def test_a_report_holds_at_most_ten_files_and_50_mb() -> None:
    assert (MAX_FILES_PER_REPORT, MAX_REPORT_BYTES) == (10, 50 * 1024 * 1024)


def test_the_eleventh_file_of_a_report_is_refused() -> None:
    held = [1000] * MAX_FILES_PER_REPORT
    with pytest.raises(RefusedFile) as refused:
        admit_to_report(held, checked(1000))
    assert "10 files" in refused.value.message("en")


def test_a_file_that_takes_a_report_past_its_total_size_is_refused() -> None:
    held = [20 * 1024 * 1024, 20 * 1024 * 1024]
    admit_to_report(held, checked(10 * 1024 * 1024))  # exactly 50 MB: taken
    with pytest.raises(RefusedFile) as refused:
        admit_to_report(held, checked(10 * 1024 * 1024 + 1))
    assert "50 MB" in refused.value.message("en")


# --- what a crash leaves -------------------------------------------------------------------------------


def aged(path: Path, seconds: float) -> Path:
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def test_files_written_before_a_crash_are_removed_and_recent_or_referenced_ones_kept(tmp_path: Path) -> None:
    kept = store_file(tmp_path, check_file(IncomingFile("bao-cao.pdf", PDF)))
    aged(kept, 7200)
    orphan = store_file(tmp_path, check_file(IncomingFile("khac.pdf", PDF + b"\n")))  # its transaction died
    aged(orphan, 7200)
    half = kept.parent / ".abc123.tmp"
    half.write_bytes(b"%PDF-1.4 half of it")
    aged(half, 7200)
    in_progress = kept.parent / ".def456.tmp"
    in_progress.write_bytes(b"%PDF-1.4 being written now")

    removed = remove_leftovers(tmp_path, referenced={kept.name}, now=time.time())

    assert sorted(path.name for path in removed) == sorted([orphan.name, half.name])
    assert kept.exists()
    assert in_progress.exists()
    assert not orphan.exists()
    assert not half.exists()

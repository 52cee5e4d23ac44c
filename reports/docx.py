"""The consolidated report as a Word file laid out per Decree 30/2020/NĐ-CP, Appendix I.

Assembled from four parts: ``ooxml`` (the building blocks of a Word file), ``docx_layout`` (the
decree's page, header block, signature block and the file's properties), ``docx_sections`` (the
body: its parts, tables and sentences) and ``docx_appendices`` (the landscape pages after the
signature). The decree's header and title stay Vietnamese; the body follows ``report.language``.
"""

from __future__ import annotations

from io import BytesIO

from docx import Document

from sxsh_flow.reports.archive import stable_archive
from sxsh_flow.reports.docx_appendices import add_appendices
from sxsh_flow.reports.docx_layout import (
    add_document_header,
    add_page_numbers,
    add_signature,
    drop_thumbnail,
    set_page,
    set_properties,
    set_styles,
)
from sxsh_flow.reports.docx_sections import add_body
from sxsh_flow.reports.model import ConsolidatedReport


def render_docx(report: ConsolidatedReport) -> bytes:
    """The report as a .docx file: the same bytes for the same report."""
    document = Document()
    set_page(document.sections[0])
    set_styles(document)
    add_page_numbers(document)
    add_document_header(document, report)
    add_body(document, report)
    add_signature(document, report)
    add_appendices(document, report)
    set_properties(document, report)
    drop_thumbnail(document)
    buffer = BytesIO()
    document.save(buffer)
    return stable_archive(buffer.getvalue(), report.header.issued_on)

"""How the report writes figures, once for every output: the same total in the page, the Word file
and the workbook, in the report's language."""

from __future__ import annotations

import dataclasses
from io import BytesIO

import pytest
from babel.numbers import format_decimal
from docx import Document
from openpyxl import load_workbook

from sxsh_flow.reports.docx import render_docx
from sxsh_flow.reports.html import render_html
from sxsh_flow.reports.model import ConsolidatedReport, Figure
from sxsh_flow.reports.writing import figure_text, percent, ratio_parts, target_text
from sxsh_flow.reports.xlsx import render_xlsx
from sxsh_flow.words import words


@pytest.mark.parametrize(
    ("minimum", "maximum", "unit", "language", "text"),
    [
        (90, None, "%", "vi", "≥ 90%"),
        (8, 13, "%", "vi", "8–13%"),
        (8.5, None, "%", "vi", "≥ 8,5%"),
        (15, None, "doanh nghiệp", "vi", "≥ 15 doanh nghiệp"),
        (2800, None, "tờ", "vi", "≥ 2.800 tờ"),
        (None, 5, "cuộc", "vi", "≤ 5 cuộc"),
        (2800.5, None, "tờ", "en", "≥ 2,800.5 tờ"),
        (None, None, "%", "vi", ""),
    ],
)
def test_targets_are_written_as_tables_write_them(
    minimum: float | None, maximum: float | None, unit: str, language: str, text: str
) -> None:
    assert target_text(words(language), minimum, maximum, unit) == text


def test_percent_ratio_parts_and_figures_follow_the_language(report: ConsolidatedReport) -> None:
    ratio = report.indicators[0]  # 1.134/1.450 informed
    assert (percent(words("vi"), ratio.province.value), percent(words("en"), ratio.province.value)) == (
        "78,2%",
        "78.2%",
    )
    assert ratio_parts(words("vi"), ratio.province) == "1.134/1.450"
    assert ratio_parts(words("en"), ratio.province) == "1,134/1,450"
    assert ratio_parts(words("vi"), Figure(None)) == ""
    assert figure_text(words("en"), ratio, Figure(None)) == "—"


@pytest.mark.parametrize(("language", "total"), [("en", "1,023,600,000"), ("vi", "1.023.600.000")])
def test_the_page_the_word_file_and_the_workbook_print_the_same_total(
    report: ConsolidatedReport, language: str, total: str
) -> None:
    """The province's funding total as each output shows it to a reader of ``language``."""
    built = dataclasses.replace(report, language=language)

    page = render_html(built, charts=False)
    document = Document(BytesIO(render_docx(built)))
    workbook = load_workbook(BytesIO(render_xlsx(built)))
    sheet = workbook["I.3 " + words(language).gettext("Funding")]

    assert f'<td class="num" data-source="total">{total}</td>' in page
    funding_table = next(t for t in document.tables if t.rows[-1].cells[1].text == words(language).gettext("Total"))
    assert funding_table.rows[-1].cells[2].text == total
    total_cell = next(row[-1] for row in sheet.iter_rows() if row[1].value == built.funding_total.label)
    # The workbook keeps the number; its format writes it as Excel shows it in that language.
    assert total_cell.value == report.funding_total.total
    assert format_decimal(total_cell.value, format=total_cell.number_format, locale=language) == total

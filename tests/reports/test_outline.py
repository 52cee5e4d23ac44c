"""One outline for the Word file, the page and the workbook: the same sections, numbered the same.

Each output is read back as its reader gets it (python-docx, the page's headings, openpyxl) and its
headings compared with ``reports.outline``, and so with each other.
"""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from io import BytesIO
from typing import Any

from docx import Document
from openpyxl import load_workbook

from sxsh_flow.reports.docx import render_docx
from sxsh_flow.reports.html import render_html
from sxsh_flow.reports.model import AgencyText, ConsolidatedReport
from sxsh_flow.reports.outline import outline, reference
from sxsh_flow.reports.xlsx import render_xlsx

from .conftest import DISTRICT_TASK

Outline = list[tuple[str, str]]  # (number, title): "I", "I.5", "Phụ lục II"


class _Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self._tag = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h2", "h3"):
            self._tag = tag
            self.found.append((tag, ""))
        elif tag == "span" and self._tag:
            self.found[-1] = (self.found[-1][0], self.found[-1][1] + "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._tag:
            self._tag = ""

    def handle_data(self, data: str) -> None:
        if self._tag:
            self.found[-1] = (self.found[-1][0], self.found[-1][1] + data)


def _numbered(parts_and_items: list[tuple[int, str]], appendices: list[tuple[str, str]]) -> Outline:
    """ "I. KẾT QUẢ" then "5. Tình hình ..." → ("I", "KẾT QUẢ"), ("I.5", "Tình hình ..."); appendices as they are."""
    found: Outline = []
    part = ""
    for level, text in parts_and_items:
        number, _, title = text.partition(". ")
        if level == 1:
            part = number
            found.append((number, title))
        else:
            found.append((f"{part}.{number}", title))
    return found + appendices


def docx_outline(report: ConsolidatedReport) -> Outline:
    paragraphs = Document(BytesIO(render_docx(report))).paragraphs
    levels = {"Heading 1": 1, "Heading 2": 2}
    body = [(levels[p.style.name], p.text) for p in paragraphs if p.style.name in levels]
    texts = [p.text for p in paragraphs]
    appendices = [(text, texts[index + 1]) for index, text in enumerate(texts) if re.fullmatch(r"Phụ lục [IVX]+", text)]
    return _numbered(body, appendices)


def html_outline(report: ConsolidatedReport) -> Outline:
    parser = _Headings()
    parser.feed(render_html(report, charts=False))
    body = [(2 if tag == "h3" else 1, text) for tag, text in parser.found if not text.startswith("Phụ lục")]
    appendices = [tuple(text.split("\n")) for _, text in parser.found if text.startswith("Phụ lục")]
    return _numbered(body, [(number, title) for number, title in appendices])


def xlsx_outline(report: ConsolidatedReport) -> Outline:
    contents = load_workbook(BytesIO(render_xlsx(report)))["Mục lục"]
    return [(row[0].value, row[1].value) for row in contents.iter_rows(min_row=2)]


def expected(report: ConsolidatedReport) -> Outline:
    """The outline as its module defines it, parts in capitals as the documents write them."""
    return [
        (found.label if found.appendix else found.reference, found.title.upper() if found.level == 1 else found.title)
        for found in outline(report)
    ]


def _upper_parts(found: Outline) -> Outline:
    return [(number, title.upper() if "." not in number and " " not in number else title) for number, title in found]


def test_the_word_file_the_page_and_the_workbook_share_one_outline(report: ConsolidatedReport) -> None:
    word, page, book = docx_outline(report), html_outline(report), _upper_parts(xlsx_outline(report))

    assert word == page == book == expected(report)
    assert [number for number, _ in word] == [
        "I", "I.1", "I.2", "I.3", "I.4", "I.5", "II", "III", "IV", "Phụ lục I", "Phụ lục II", "Phụ lục III"
    ]  # fmt: skip
    assert word[5] == ("I.5", "Tình hình nộp báo cáo của các đơn vị")


def test_an_appendix_without_rows_is_left_out_of_every_output_and_the_others_renumbered(
    report: ConsolidatedReport,
) -> None:
    without = replace(report, funding_by_agency=())

    word, page, book = docx_outline(without), html_outline(without), _upper_parts(xlsx_outline(without))

    assert word == page == book == expected(without)
    assert [number for number, _ in word[-2:]] == ["Phụ lục I", "Phụ lục II"]
    assert word[-1][1] == "KẾT QUẢ CÁC CHỈ TIÊU THEO ĐƠN VỊ"  # Appendix III of the full report, now II


def test_what_points_into_the_report_takes_its_number_from_the_outline(report: ConsolidatedReport) -> None:
    assert reference("reporting") == "I.5"  # "xem mục I.5": the late list, in every output
    assert reference("difficulties") == "II"
    html = render_html(report, charts=False)
    assert "tại Phụ lục II kèm theo" in html  # funding per agency
    assert "tại Phụ lục III kèm theo" in html  # results per agency


def test_each_tasks_paragraph_names_the_task_and_the_agency_once(report: ConsolidatedReport) -> None:
    tasks = [f"Nhiệm vụ {number}" for number in range(1, 7)]
    six = tuple(AgencyText("SCT", "Sở Công Thương", task, f"Kết quả {task.lower()}.") for task in tasks)
    busy = replace(report, texts={"results": six})

    paragraphs = [p.text for p in Document(BytesIO(render_docx(busy))).paragraphs]
    start = paragraphs.index("4. Kết quả thực hiện nhiệm vụ của các đơn vị") + 1
    written = paragraphs[start : start + 7]
    page = render_html(busy, charts=False)

    assert written == ["- Sở Công Thương:", *(f"+ {task}: Kết quả {task.lower()}." for task in tasks)]
    assert page.count('<strong class="agency">Sở Công Thương</strong>') == 1
    assert all(f'<span class="task">{task}</span>' in page for task in tasks)


def test_in_a_report_of_several_cycles_each_paragraph_names_its_cycle_too(report: ConsolidatedReport) -> None:
    texts = (
        AgencyText("UBND-TUKY", "UBND huyện Tứ Kỳ", DISTRICT_TASK, "Năm đầu.", "2016"),
        AgencyText("UBND-TUKY", "UBND huyện Tứ Kỳ", DISTRICT_TASK, "Năm sau.", "2017"),
    )
    both = replace(report, cycle_labels=("2016", "2017"), texts={"results": texts})

    paragraphs = [p.text for p in Document(BytesIO(render_docx(both))).paragraphs]

    assert f"+ {DISTRICT_TASK} (năm 2016): Năm đầu." in paragraphs
    assert f"+ {DISTRICT_TASK} (năm 2017): Năm sau." in paragraphs


def _cells(workbook: Any) -> list[tuple[str, str, Any]]:
    return [
        (sheet.title, str(sheet.cell(1, cell.column).value), cell)
        for sheet in workbook.worksheets[2:]
        for row in sheet.iter_rows(min_row=2)
        for cell in row
    ]


def test_numbers_and_years_are_numbers_in_every_sheet(report: ConsolidatedReport) -> None:
    workbook = load_workbook(BytesIO(render_xlsx(report)))
    cells = _cells(workbook)
    years = [cell for _, header, cell in cells if header in ("Năm", "Từ năm", "Đến năm") and cell.value is not None]
    numbers = [cell for _, header, cell in cells if isinstance(cell.value, int | float)]

    assert years
    assert all(isinstance(cell.value, int) and cell.number_format == "0" for cell in years)
    assert {sheet for sheet, header, _ in cells if header in ("Năm", "Từ năm")} == {
        "I.2 Khối lượng công việc",
        "I.4–IV Nội dung các đơn vị",
        "I.5 Tiến độ theo kỳ",
        "I.5 Đơn vị chậm",
        "PL I Doanh nghiệp",
    }
    # No figure hides as text: a cell of digits only (a year, a count) is a number cell.
    assert not [cell.coordinate for _, _, cell in cells if isinstance(cell.value, str) and cell.value.isdigit()]
    assert all(cell.data_type == "n" for cell in numbers)
    about = load_workbook(BytesIO(render_xlsx(report)))["Thông tin chung"]
    counts = {row[0].value: row[1] for row in about.iter_rows()}
    assert (counts["Số báo cáo các đơn vị phải nộp"].value, counts["Số báo cáo các đơn vị phải nộp"].number_format) == (
        18,
        "#,##0",
    )

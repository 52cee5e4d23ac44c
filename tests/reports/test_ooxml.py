"""reports.ooxml: cells and paragraphs copied from a prototype are the XML python-docx itself writes."""

from __future__ import annotations

from typing import Any

import pytest
from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.shared import Cm, Pt
from lxml import etree

from sxsh_flow.reports.ooxml import (
    TABLE_PT,
    add_grid,
    add_paragraph,
    add_run,
    merge_down,
    put_text,
    set_cell_text,
    set_widths,
    shade,
    table_cells,
)

TEXTS = ["Sở Công Thương", "", "hai dòng\nthứ hai", " lề trái", "cột\tphân cách", "a\n\nb"]
ALIGNS = {"l": WD_ALIGN_PARAGRAPH.LEFT, "c": WD_ALIGN_PARAGRAPH.CENTER, "r": WD_ALIGN_PARAGRAPH.RIGHT}


def _xml(element: Any) -> bytes:
    return bytes(etree.tostring(element))


def _cell_by_python_docx(cell: Any, text: str, *, bold: bool, align: Any) -> None:
    """What set_cell_text wrote before it copied prototypes: python-docx, element by element."""
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    for number, line in enumerate(text.split("\n")):
        paragraph = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
        paragraph.alignment = align
        layout = paragraph.paragraph_format
        layout.space_before = layout.space_after = Pt(2)
        layout.first_line_indent = Cm(0)
        run = paragraph.add_run(line)
        run.font.size = Pt(TABLE_PT)
        run.bold = bold or None


@pytest.mark.parametrize("bold", [False, True])
@pytest.mark.parametrize("align", list(ALIGNS.values()))
def test_a_cell_is_written_as_python_docx_writes_it(bold: bool, align: Any) -> None:
    copied, built = Document().add_table(rows=len(TEXTS), cols=1), Document().add_table(rows=len(TEXTS), cols=1)
    for text, mine, theirs in zip(TEXTS, table_cells(copied), table_cells(built), strict=True):
        set_cell_text(mine[0], text, bold=bold, align=align)
        _cell_by_python_docx(theirs[0], text, bold=bold, align=align)
    assert _xml(copied._tbl) == _xml(built._tbl)


def test_copies_do_not_share_elements() -> None:
    table = Document().add_table(rows=2, cols=1)
    first, second = (row[0] for row in table_cells(table))
    set_cell_text(first, "một")
    set_cell_text(second, "hai")
    assert [first.text, second.text] == ["một", "hai"]


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"bold": True, "size": 13, "align": "center", "indent": False},
        {"italic": True, "before": 3},
        {"align": "left", "after": 0},
    ],
)
def test_a_body_paragraph_is_written_as_python_docx_writes_it(options: dict[str, Any]) -> None:
    document = Document()
    add_paragraph(document, "Đoạn văn", **options)
    add_paragraph(document, "", **options)
    reference = Document()
    for text in ("Đoạn văn", ""):
        paragraph = reference.add_paragraph()
        layout = paragraph.paragraph_format
        layout.alignment = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "center": WD_ALIGN_PARAGRAPH.CENTER}.get(
            options.get("align", "justify"), WD_ALIGN_PARAGRAPH.LEFT
        )
        layout.first_line_indent = Cm(1) if options.get("indent", True) else Cm(0)
        layout.space_before, layout.space_after = Pt(options.get("before", 0)), Pt(options.get("after", 6))
        layout.line_spacing = 1.15
        if text:
            run = paragraph.add_run(text)
            run.bold = options.get("bold") or None
            run.italic = options.get("italic") or None
            if options.get("size"):
                run.font.size = Pt(options["size"])
    assert _xml(document.element.body) == _xml(reference.element.body)


def test_a_grid_fills_every_cell_once() -> None:
    document = Document()
    rows = [[str(n), f"Xã số {n}", f"{n * 1000}"] for n in range(1, 121)]
    table = add_grid(document, ["STT", "Đơn vị", "Kinh phí"], rows, (1.0, 8.0, 3.0), align="clr")
    assert [[cell.text for cell in row] for row in table_cells(table)] == [["STT", "Đơn vị", "Kinh phí"], *rows]


def _grid_by_python_docx(document: Any, headers: list[str], rows: list[list[str]], widths: Any, align: str) -> Any:
    """What add_grid wrote before it copied its first data row: python-docx, cell by cell."""
    table = document.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(table, widths)
    grid = table_cells(table)
    for column, title in enumerate(headers):
        set_cell_text(grid[0][column], title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        shade(grid[0][column], "F2F2F2")
    for cells, values in zip(grid[1:], rows, strict=True):
        for column, value in enumerate(values):
            set_cell_text(cells[column], value, align=ALIGNS[align[column]])
    for position, row in enumerate(table.rows):
        properties = row._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:cantSplit"))
        if position == 0:
            properties.append(OxmlElement("w:tblHeader"))
    add_paragraph(document, "", after=0).paragraph_format.line_spacing = Pt(6)
    return table


@pytest.mark.parametrize("count", [0, 1, len(TEXTS)])
def test_a_grid_is_written_as_python_docx_writes_it_row_by_row(count: int) -> None:
    rows = [[str(n), text, text[::-1]] for n, text in enumerate(TEXTS[:count])]
    copied, built = Document(), Document()
    add_grid(copied, ["STT", "Đơn vị", "Ghi chú"], rows, (1.2, 8.0, 3.0), align="clr")
    _grid_by_python_docx(built, ["STT", "Đơn vị", "Ghi chú"], rows, (1.2, 8.0, 3.0), "clr")
    assert _xml(copied.element.body) == _xml(built.element.body)


@pytest.mark.parametrize("italic", [False, True])
def test_a_run_is_written_as_python_docx_writes_it(italic: bool) -> None:
    copied, built = Document().add_paragraph(), Document().add_paragraph()
    for text in TEXTS:
        add_run(copied, text, italic=italic)
        run = built.add_run(text)
        if italic:
            run.italic = True
    assert _xml(copied._p) == _xml(built._p)


def test_text_is_put_as_python_docx_puts_it() -> None:
    copied, built = Document().add_paragraph(), Document().add_paragraph()
    for text in [*TEXTS, "  ", "cuối\r\n"]:
        put_text(copied.add_run()._r, text)
        built.add_run().text = text
    assert _xml(copied._p) == _xml(built._p)


def test_cells_merged_down_are_merged_as_python_docx_merges_them() -> None:
    rows = [["1", "Chỉ tiêu", "Xã 1"], ["", "", "Xã 2"], ["", "", "Xã 3"], ["2", "Khác", "Xã 1"]]
    copied, built = Document(), Document()
    for document in (copied, built):
        add_grid(document, ["STT", "Chỉ tiêu", "Đơn vị"], rows, (1.2, 6.0, 6.0), align="clc")
    mine, theirs = (table_cells(document.tables[0]) for document in (copied, built))
    for column in (0, 1):
        merge_down([mine[row][column] for row in (1, 2, 3)])
        theirs[1][column].merge(theirs[3][column])
    assert _xml(copied.element.body) == _xml(built.element.body)

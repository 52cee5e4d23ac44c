"""The building blocks of a Word file (OOXML) the consolidated report is made of.

Paragraphs of the body, ruled and borderless tables, centred rules, fields and fonts: python-docx
where it can, its XML where it cannot (table widths, borders, shading, paragraph borders). Nothing
here knows the report; ``docx_layout`` lays these out as Decree 30/2020/NĐ-CP wants the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import deepcopy
from functools import cache
from io import BytesIO
from typing import Any

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

FONT = "Times New Roman"
BODY_PT = 14
HEADER_PT = 13
TABLE_PT = 12
PAGE_WIDTH_CM, PAGE_HEIGHT_CM = 21.0, 29.7
TOP_CM, BOTTOM_CM, LEFT_CM, RIGHT_CM = 2.0, 2.0, 3.0, 2.0
TEXT_WIDTH_CM = PAGE_WIDTH_CM - LEFT_CM - RIGHT_CM  # 16 cm
LANDSCAPE_TEXT_WIDTH_CM = PAGE_HEIGHT_CM - LEFT_CM - RIGHT_CM  # 24,7 cm
CELL_MARGINS_CM = 0.38  # Word's default 0,19 cm on each side of a cell's text
# Where an element goes in its parent's properties: OOXML's schema fixes the order of the children.
_AFTER_TABLE_WIDTH = ("w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar")
_AFTER_BORDER = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc", "w:rPr", "w:sectPr")


def add_paragraph(
    container: Any,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    align: str = "justify",
    indent: bool = True,
    before: float = 0,
    after: float = 6,
) -> Paragraph:
    """A paragraph of the body: justified, its first line indented 1 cm, 6 pt after (Decree 30: at least 6 pt)."""
    paragraph: Paragraph = container.add_paragraph()
    # The properties python-docx would write, made once per layout and copied (as set_cell_text does).
    paragraph._p.append(deepcopy(_paragraph_properties(align, indent, before, after)))
    if text:
        element = deepcopy(_body_run(bold, italic, size))
        put_text(element, text)
        paragraph._p.append(element)
    return paragraph


@cache
def _body_run(bold: bool, italic: bool, size: float | None) -> Any:
    """A body paragraph's run without its text, as python-docx makes it; copied, never changed."""
    run = Paragraph(OxmlElement("w:p"), None).add_run()  # type: ignore[arg-type]  # detached: only copies go in a story
    run.bold = bold or None
    run.italic = italic or None
    if size:
        run.font.size = Pt(size)
    return run._r


def add_run(paragraph: Paragraph, text: str, *, italic: bool = False) -> Run:
    """``text`` at the end of ``paragraph``, as ``paragraph.add_run(text)`` (then ``.italic = True``) puts it."""
    element = deepcopy(_plain_run(italic))
    put_text(element, text)
    paragraph._p.append(element)
    return Run(element, paragraph)


@cache
def _plain_run(italic: bool) -> Any:
    run = Paragraph(OxmlElement("w:p"), None).add_run()  # type: ignore[arg-type]  # detached: only copies go in a story
    if italic:
        run.italic = True
    return run._r


@cache
def _paragraph_properties(align: str, indent: bool, before: float, after: float) -> Any:
    """A body paragraph's ``w:pPr`` for one layout, as python-docx makes it; copied, never changed."""
    layout = Paragraph(OxmlElement("w:p"), None).paragraph_format  # type: ignore[arg-type]  # detached: only copies go in a story
    layout.alignment = {
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
    }[align]
    layout.first_line_indent = Cm(1) if indent else Cm(0)
    layout.space_before, layout.space_after = Pt(before), Pt(after)
    layout.line_spacing = 1.15
    return layout._element.pPr


def add_picture(document: Any, image: bytes, caption: str) -> None:
    paragraph = add_paragraph(document, "", align="center", indent=False, before=6, after=0)
    paragraph.paragraph_format.keep_with_next = True
    paragraph.add_run().add_picture(BytesIO(image), width=Cm(TEXT_WIDTH_CM - 0.5))
    add_paragraph(document, caption, italic=True, size=TABLE_PT, align="center", indent=False)


def add_grid(
    document: Any, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float], *, align: str
) -> Table:
    """A ruled table in 12 pt: a bold header row repeated on every page, and rows that do not split.

    ``align`` has one letter per column: l(eft), c(entre) or r(ight); numbers of money go right.
    """
    # Two rows made with python-docx: the header, and the first data row, which every data row copies
    # (each cell's width and vertical centring, the row kept on one page) before its text goes in: the
    # XML is the same as making every row with python-docx, which a province's hundred communes made
    # cost a second a report (``tests/reports/test_ooxml.py``).
    table: Table = document.add_table(rows=2, cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(table, widths)
    alignments = {"l": WD_ALIGN_PARAGRAPH.LEFT, "c": WD_ALIGN_PARAGRAPH.CENTER, "r": WD_ALIGN_PARAGRAPH.RIGHT}
    header, first = table_cells(table)
    for column, title in enumerate(headers):
        set_cell_text(header[column], title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        shade(header[column], "F2F2F2")
    for cell in first:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        for paragraph in cell._tc.p_lst:
            cell._tc.remove(paragraph)
    for position, row in enumerate(table.rows):
        properties = row._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:cantSplit"))
        if position == 0:
            properties.append(OxmlElement("w:tblHeader"))
    prototype = first[0]._tc.getparent()
    tbl = table._tbl
    tbl.remove(prototype)
    paragraphs = [_cell_paragraph(False, alignments[letter]) for letter in align]
    for values in rows:
        tr = deepcopy(prototype)
        for tc, value, paragraph in zip(tr.tc_lst, values, paragraphs, strict=True):
            for line in value.split("\n"):
                element = deepcopy(paragraph)
                put_text(element.r_lst[0], line)
                tc.append(element)
        tbl.append(tr)
    add_paragraph(document, "", after=0).paragraph_format.line_spacing = Pt(6)  # air under the table
    return table


def table_cells(table: Table) -> list[tuple[_Cell, ...]]:
    """The cells of each row, read in one pass over the table (before any cells are merged)."""
    return [tuple(_Cell(tc, table) for tc in tr.tc_lst) for tr in table._tbl.tr_lst]


def set_cell_text(cell: _Cell, text: str, *, bold: bool = False, align: Any = WD_ALIGN_PARAGRAPH.LEFT) -> None:
    """One paragraph per line of ``text``, in 12 pt, centred vertically.

    Each paragraph is a copy of one made once per (bold, align) with python-docx, its text set as
    python-docx sets it: the XML is the same as building every paragraph with python-docx.
    """
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    prototype = _cell_paragraph(bold, align)
    for number, line in enumerate(text.split("\n")):
        element = deepcopy(prototype)
        if number == 0:
            empty = cell.paragraphs[0]._p
            empty.getparent().replace(empty, element)
        else:
            cell._tc.append(element)
        put_text(element.r_lst[0], line)


def put_text(run: Any, text: str) -> None:
    """``text`` into an empty run (``w:r``), as python-docx's ``Run.text`` puts it, without its
    character-by-character reading when there is no tab or line break to turn into an element."""
    if "\t" in text or "\r" in text or "\n" in text:
        Run(run, None).text = text  # type: ignore[arg-type]  # the run's parent is not read
        return
    if text:
        element = OxmlElement("w:t")
        element.text = text
        if len(text.strip()) < len(text):  # python-docx keeps leading and trailing spaces so
            element.set(qn("xml:space"), "preserve")
        run.append(element)


def merge_down(cells: Sequence[_Cell]) -> None:
    """``cells``, one column's cells from a top row down, made one cell as python-docx's ``merge`` makes
    it: the top one restarts a vertical merge and takes the others' paragraphs, which continue it
    empty. python-docx looks for the cell below each time, walking the table: seconds for a hundred
    communes."""
    top: Any = cells[0]._tc  # its helpers below are python-docx's own, untyped
    top.get_or_add_tcPr().vMerge_val = "restart"
    for cell in cells[1:]:
        tc: Any = cell._tc
        if not tc._is_empty:
            top._remove_trailing_empty_p()
            for block in tc.iter_block_items():
                top.append(block)
            tc.append(tc._new_p())
        tc.get_or_add_tcPr().vMerge_val = "continue"


@cache
def _cell_paragraph(bold: bool, align: Any) -> Any:
    """A table cell's paragraph in 12 pt with one empty run, as python-docx makes it; copied, never changed."""
    paragraph = Paragraph(OxmlElement("w:p"), None)  # type: ignore[arg-type]  # detached: only copies go in a story
    paragraph.alignment = align
    layout = paragraph.paragraph_format
    layout.space_before = layout.space_after = Pt(2)
    layout.first_line_indent = Cm(0)
    run = paragraph.add_run()
    run.font.size = Pt(TABLE_PT)
    run.bold = bold or None
    return paragraph._p


def make_smaller(paragraphs: Sequence[Paragraph], *, italic: bool = False) -> None:
    for paragraph in paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(TABLE_PT - 2)
            run.italic = italic or None


def make_bold(table: Table, index: int) -> None:
    for cell in table.rows[index].cells:
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.bold = True


def set_widths(table: Table, widths: Sequence[float]) -> None:
    """Fixed column widths: Word reads each cell's width, LibreOffice the grid's; set both."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
    total = OxmlElement("w:tblW")
    total.set(qn("w:w"), str(round(sum(widths) / 2.54 * 1440)))
    total.set(qn("w:type"), "dxa")
    properties = table._tbl.tblPr
    existing = properties.find(qn("w:tblW"))
    if existing is not None:
        properties.remove(existing)
    properties.insert_element_before(total, *_AFTER_TABLE_WIDTH)


def remove_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    table._tbl.tblPr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")


def shade(cell: _Cell, colour: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().insert_element_before(
        shading, "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"
    )


def add_bare_table(container: Any, *, rows: int, widths: Sequence[float]) -> Table:
    """A table without borders, for the blocks Decree 30 lays side by side (header, signature)."""
    table: Table = container.add_table(rows=rows, cols=len(widths))
    remove_borders(table)
    set_widths(table, widths)
    for row in table.rows:
        for cell in row.cells:
            cell.paragraphs[0].paragraph_format.space_after = Pt(0)
    return table


def add_cell_line(
    cell: _Cell, text: str, *, size: float, bold: bool = False, italic: bool = False, before: float = 0
) -> Paragraph:
    first = cell.paragraphs[0]
    paragraph: Paragraph = first if len(cell.paragraphs) == 1 and not first.runs else cell.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_before = Pt(before)
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold or None
    run.italic = italic or None
    return paragraph


def add_rule(container: Any, *, length_cm: float, width_cm: float, in_cell: bool = True, after: float = 0) -> None:
    """A centred horizontal line ``length_cm`` long: the bottom border of an empty, 2 pt high paragraph
    indented from both sides (Word and LibreOffice draw it the same; a drawn shape would float)."""
    paragraph = container.add_paragraph()
    layout = paragraph.paragraph_format
    room = width_cm - (CELL_MARGINS_CM if in_cell else 0)
    side = max(0.0, (room - length_cm) / 2)
    layout.left_indent = layout.right_indent = Cm(side)
    layout.first_line_indent = Cm(0)
    layout.space_before, layout.space_after = Pt(0), Pt(after)
    layout.line_spacing = Pt(2)
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(name), value)
    border.append(bottom)
    paragraph._p.get_or_add_pPr().insert_element_before(border, *_AFTER_BORDER)


def add_field(paragraph: Paragraph, instruction: str, *, size: int) -> None:
    for kind, text in (
        ("begin", None),
        ("instr", f" {instruction} "),
        ("separate", None),
        ("text", "2"),
        ("end", None),
    ):
        run = paragraph.add_run()
        run.font.size = Pt(size)
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
            run._r.append(element)
        elif kind == "text":
            run.text = text or ""
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            run._r.append(element)


def set_fonts(run_properties: Any) -> None:
    """Times New Roman for every script: Word picks the font per character class, and a theme font
    (the template's Calibri/Cambria) would win over a plain name, so the theme attributes go."""
    fonts = run_properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        run_properties.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), FONT)

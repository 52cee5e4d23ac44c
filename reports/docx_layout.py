"""The Word file's page as Decree 30/2020/NĐ-CP, Appendix I, lays out an administrative report.

A4 with margins of 2 cm top and bottom, 3 cm left (the binding) and 2 cm right (``set_page``);
Times New Roman, 13–14 pt (``set_styles``); above the title a borderless two-column table with the
superior and issuing bodies, each issuing body underlined by a short rule, and the number and symbol
on the left, the national name, the motto with a rule as long as itself and the italic place and
date on the right (``add_document_header``); the kind of document and its summary, centred and
bold; at the end "Nơi nhận" on the left and the signer on the right (``add_signature``); page
numbers centred in the header from the second page on. The header, the title and the signature
block stay Vietnamese whatever the report's language, as the document they belong to.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from sxsh_flow.reports.decree30 import MOTTO, NATIONAL_NAME, RECIPIENTS, number_line, place_and_date, recipient_lines
from sxsh_flow.reports.model import ConsolidatedReport
from sxsh_flow.reports.ooxml import (
    BODY_PT,
    BOTTOM_CM,
    CELL_MARGINS_CM,
    FONT,
    HEADER_PT,
    LEFT_CM,
    PAGE_HEIGHT_CM,
    PAGE_WIDTH_CM,
    RIGHT_CM,
    TEXT_WIDTH_CM,
    TOP_CM,
    add_bare_table,
    add_cell_line,
    add_field,
    add_paragraph,
    add_rule,
    set_fonts,
)

HEADER_LEFT_CM, HEADER_RIGHT_CM = 6.0, 10.0
MOTTO_WIDTH_CM = 5.7  # the motto in 14 pt bold Times New Roman (measured on Liberation Serif, same metrics)
UPPER_CHAR_CM = 0.27  # the mean width of a capital in 13 pt bold, to size the rule under the issuing body


def set_page(section: Any, *, landscape: bool = False) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = (PAGE_HEIGHT_CM, PAGE_WIDTH_CM) if landscape else (PAGE_WIDTH_CM, PAGE_HEIGHT_CM)
    section.page_width, section.page_height = Cm(width), Cm(height)
    section.top_margin, section.bottom_margin = Cm(TOP_CM), Cm(BOTTOM_CM)
    section.left_margin, section.right_margin = Cm(LEFT_CM), Cm(RIGHT_CM)
    section.header_distance, section.footer_distance = Cm(1.0), Cm(1.0)


def set_styles(document: Any) -> None:
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(run_defaults)
    for tag, value in (("w:sz", str(BODY_PT * 2)), ("w:szCs", str(BODY_PT * 2))):
        run_defaults.find(qn(tag)).set(qn("w:val"), value)
    language = run_defaults.find(qn("w:lang"))
    language.set(qn("w:val"), "vi-VN")
    language.set(qn("w:eastAsia"), "vi-VN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    set_fonts(normal.element.get_or_add_rPr())
    # The template's headings keep their outline levels (Word's navigation pane, the PDF's bookmarks).
    for name in ("Heading 1", "Heading 2"):
        style = document.styles[name]
        style.font.size = Pt(BODY_PT)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
        set_fonts(style.element.get_or_add_rPr())
        layout = style.paragraph_format
        layout.space_before, layout.space_after = Pt(6), Pt(6)
        layout.first_line_indent = Cm(1)
        layout.keep_with_next = True
        layout.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        layout.line_spacing = 1.15


def add_page_numbers(document: Any) -> None:
    """The page number centred at the top, from page 2 on (the first page carries the header block)."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_field(paragraph, "PAGE", size=HEADER_PT)


def add_document_header(document: Any, report: ConsolidatedReport) -> None:
    header = report.header
    table = add_bare_table(document, rows=2, widths=(HEADER_LEFT_CM, HEADER_RIGHT_CM))
    bodies, nation = table.rows[0].cells
    add_cell_line(bodies, header.superior_body.upper(), size=HEADER_PT)
    add_cell_line(bodies, header.issuing_body.upper(), size=HEADER_PT, bold=True)
    name_width = min(HEADER_LEFT_CM - CELL_MARGINS_CM, len(header.issuing_body) * UPPER_CHAR_CM)
    add_rule(bodies, length_cm=max(1.5, name_width / 2), width_cm=HEADER_LEFT_CM)  # the decree: 1/3 to 1/2 of the name
    add_cell_line(nation, NATIONAL_NAME, size=HEADER_PT, bold=True)
    add_cell_line(nation, MOTTO, size=BODY_PT, bold=True)
    add_rule(nation, length_cm=MOTTO_WIDTH_CM, width_cm=HEADER_RIGHT_CM)  # the decree: as long as the motto
    number, when = table.rows[1].cells
    add_cell_line(number, number_line(header.number_symbol), size=HEADER_PT, before=6)
    add_cell_line(when, place_and_date(header.place, header.issued_on), size=BODY_PT, italic=True, before=6)
    # Both cells of a row have lines of the same height, so the two columns stay level line by line.
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                if paragraph.text:
                    paragraph.paragraph_format.line_spacing = Pt(17)
    title = add_paragraph(document, header.title.upper(), bold=True, align="center", indent=False, before=24, after=0)
    title.paragraph_format.keep_with_next = True
    add_paragraph(document, header.subtitle, bold=True, align="center", indent=False, after=0)
    add_rule(document, length_cm=4.0, width_cm=TEXT_WIDTH_CM, in_cell=False, after=12)


def add_signature(document: Any, report: ConsolidatedReport) -> None:
    header = report.header
    add_paragraph(document, "", after=0).paragraph_format.keep_with_next = True
    table = add_bare_table(document, rows=1, widths=(7.0, 9.0))
    recipients, signer = table.rows[0].cells
    label = recipients.paragraphs[0]
    run = label.add_run(f"{RECIPIENTS}:")
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    for line in recipient_lines(header.recipients):
        paragraph = recipients.add_paragraph()
        layout = paragraph.paragraph_format
        layout.space_after = Pt(0)
        layout.left_indent, layout.first_line_indent = Cm(0.25), Cm(-0.25)  # a long line wraps under its text
        paragraph.add_run(line).font.size = Pt(11)
    for line in header.signer_title.upper().splitlines():
        add_cell_line(signer, line, size=BODY_PT, bold=True)
    for _ in range(4):  # room for the signature and the seal
        add_cell_line(signer, "", size=BODY_PT)
    add_cell_line(signer, header.signer_name, size=BODY_PT, bold=True, before=12)
    for cell in (recipients, signer):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    # Keep the block in one piece: a signature alone at the top of a page is the classic mistake.
    for paragraph in [*recipients.paragraphs, *signer.paragraphs]:
        paragraph.paragraph_format.keep_with_next = True
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def set_properties(document: Any, report: ConsolidatedReport) -> None:
    header = report.header
    properties = document.core_properties
    issued = datetime(header.issued_on.year, header.issued_on.month, header.issued_on.day)
    properties.created = properties.modified = issued
    properties.last_printed = issued
    properties.revision = 1
    properties.author = properties.last_modified_by = header.issuing_body
    properties.title = f"{header.title} {header.subtitle}"
    properties.subject = report.plan_title
    properties.language = "vi-VN"
    properties.comments = ""
    properties.keywords = "SXSH"


def drop_thumbnail(document: Any) -> None:
    """python-docx's template carries the picture of a blank page, which file browsers would show as the preview."""
    package = document.part.package
    for key, relationship in list(package.rels.items()):
        if relationship.reltype.endswith("/metadata/thumbnail"):
            del package.rels[key]

"""The consolidated report as a Word file laid out per Decree 30/2020/NĐ-CP, Appendix I.

What the decree fixes, and where it is done here: A4 with margins of 2 cm top and bottom, 3 cm left
(the binding) and 2 cm right (``_page``); Times New Roman, 13–14 pt (``_styles``); above the title a
borderless two-column table with the superior and issuing bodies, each issuing body underlined by a
short rule, and the number and symbol on the left, the national name, the motto with a rule as long
as itself and the italic place and date on the right (``_document_header``); the kind of document
and its summary, centred and bold; the body, its parts numbered I, II ... and their items 1, 2 ...;
at the end "Nơi nhận" on the left and the signer on the right (``_signature``); page numbers centred
in the header from the second page on. The appendices (enterprises, funding per agency, indicators
per agency) are on landscape pages after the signature, as provincial reports attach them.

The decree's header and title stay Vietnamese; the body follows ``report.language``.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from io import BytesIO
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from sxsh_flow.engine.report_form import FUNDING_SOURCES
from sxsh_flow.engine.time_policy import days_in_words
from sxsh_flow.notifications.formatting import cycle_name, en_number, vn_date, vn_number
from sxsh_flow.reports.charts import attainment_chart, timeliness_chart
from sxsh_flow.reports.model import ConsolidatedReport, Figure, IndicatorResult, target_text
from sxsh_flow.reports.money_words import amount_in_words
from sxsh_flow.reports.words import Words

FONT = "Times New Roman"
BODY_PT = 14
HEADER_PT = 13
TABLE_PT = 12
PAGE_WIDTH_CM, PAGE_HEIGHT_CM = 21.0, 29.7
TOP_CM, BOTTOM_CM, LEFT_CM, RIGHT_CM = 2.0, 2.0, 3.0, 2.0
TEXT_WIDTH_CM = PAGE_WIDTH_CM - LEFT_CM - RIGHT_CM  # 16 cm
LANDSCAPE_TEXT_WIDTH_CM = PAGE_HEIGHT_CM - LEFT_CM - RIGHT_CM  # 24,7 cm
HEADER_LEFT_CM, HEADER_RIGHT_CM = 6.0, 10.0
CELL_MARGINS_CM = 0.38  # Word's default 0,19 cm on each side of a cell's text
MOTTO = "Độc lập - Tự do - Hạnh phúc"
MOTTO_WIDTH_CM = 5.7  # the motto in 14 pt bold Times New Roman (measured on Liberation Serif, same metrics)
UPPER_CHAR_CM = 0.27  # the mean width of a capital in 13 pt bold, to size the rule under the issuing body
NUMBER_BLANK = " " * 6  # where the clerk writes the number when the report is registered
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")

# The body's words, (Vietnamese, English).
WORDS: dict[str, tuple[str, str]] = {
    "basis": ("Thực hiện", "Pursuant to"),
    "and": ("và", "and"),
    "intro_end": (
        "trên cơ sở báo cáo của các đơn vị, kết quả thực hiện {period} được tổng hợp như sau:",
        "based on the reports of the agencies, the results of {period} are consolidated as follows:",
    ),
    "intro_end_by": (
        "trên cơ sở báo cáo của các đơn vị, {lead} báo cáo kết quả thực hiện {period} như sau:",
        "based on the reports of the agencies, {lead} reports the results of {period} as follows:",
    ),
    "data_period": (
        "Số liệu tổng hợp từ ngày {start} đến ngày {end}, theo {received}/{expected} báo cáo của các đơn vị.",
        "Figures from {start} to {end}, from {received} of the {expected} reports due from the agencies.",
    ),
    "part_results": ("KẾT QUẢ THỰC HIỆN", "RESULTS"),
    "indicators": ("Kết quả thực hiện các chỉ tiêu của Kế hoạch", "The plan's indicators"),
    "work_volume": ("Khối lượng công việc", "Work volume"),
    "funding": ("Kinh phí thực hiện", "Funding"),
    "agency_results": ("Kết quả thực hiện nhiệm vụ của các đơn vị", "What the agencies did"),
    "timeliness": ("Tình hình nộp báo cáo của các đơn vị", "How the agencies reported"),
    "conclusion": ("Trên đây là báo cáo {subject}./.", "This concludes the report on {subject}./."),
    "no": ("STT", "No."),
    "indicator": ("Chỉ tiêu", "Indicator"),
    "unit": ("Đơn vị tính", "Unit"),
    "target": ("Mục tiêu", "Target"),
    "result": ("Kết quả", "Result"),
    "assessment": ("Đánh giá", "Assessment"),
    "whole_plan": ("(cả giai đoạn)", "(whole plan)"),
    "activity": ("Công việc thực hiện", "Activity"),
    "quantity": ("Số lượng", "Quantity"),
    "when": ("Thời gian thực hiện", "Years"),
    "year_prefix": ("Năm", "Year"),
    "source": ("Nguồn kinh phí", "Source"),
    "amount": ("Số tiền (đồng)", "Amount (VND)"),
    "total": ("Tổng cộng", "Total"),
    "funding_sentence": (
        "Tổng kinh phí thực hiện: {total} đồng; trong đó ngân sách nhà nước {state} đồng "
        "(ngân sách trung ương {central} đồng, ngân sách địa phương {local} đồng).",
        "Total funding: {total} VND, of which the state budget {state} VND "
        "(central budget {central} VND, local budget {local} VND).",
    ),
    "in_words": ("Bằng chữ", "In words"),
    "funding_detail": (
        "(Chi tiết kinh phí theo từng đơn vị tại Phụ lục {number} kèm theo.)",
        "(Funding per agency in Appendix {number}.)",
    ),
    "no_data": ("Chưa có số liệu.", "No figures yet."),
    "none_written": ("Các đơn vị không nêu nội dung này.", "No agency wrote on this."),
    "timeliness_sentence": (
        "{received}/{expected} báo cáo đã được tiếp nhận và tổng hợp; {late} báo cáo nộp chậm so với thời hạn, "
        "{missing} báo cáo chưa nộp.",
        "{received} of {expected} reports were received and consolidated; {late} came after the deadline, "
        "{missing} have not come.",
    ),
    "all_on_time": ("Các đơn vị đều nộp báo cáo đúng thời hạn.", "Every agency reported on time."),
    "agency": ("Đơn vị", "Agency"),
    "cycle": ("Kỳ báo cáo", "Cycle"),
    "due": ("Hạn nộp", "Due"),
    "sent": ("Ngày nộp", "Sent"),
    "status": ("Tình trạng", "Status"),
    "late_days": ("Chậm {days}", "{days} late"),
    "missing": ("Chưa nộp", "Not received"),
    "chart": ("Biểu đồ {number}", "Chart {number}"),
    "notes": ("Ghi chú", "Notes"),
    "appendix": ("Phụ lục {number}", "Appendix {number}"),
    "attached": ("(Kèm theo Báo cáo số {number} ngày {day}{by})", "(Attached to report No. {number} of {day}{by})"),
    "by": (" của {lead}", " by {lead}"),
    "enterprises_title": ("DANH SÁCH DOANH NGHIỆP THAM GIA SẢN XUẤT SẠCH HƠN", "ENTERPRISES TAKING PART"),
    "enterprise": ("Tên doanh nghiệp", "Enterprise"),
    "sector": ("Ngành sản xuất", "Sector"),
    "participation": ("Nội dung tham gia", "Participation"),
    "year": ("Năm", "Year"),
    "reported_by": ("Đơn vị báo cáo", "Reported by"),
    "no_enterprises": ("Chưa có doanh nghiệp nào được báo cáo.", "No enterprise was reported."),
    "funding_title": ("KINH PHÍ THỰC HIỆN THEO ĐƠN VỊ VÀ NGUỒN KINH PHÍ", "FUNDING PER AGENCY AND SOURCE"),
    "by_agency_title": ("KẾT QUẢ CÁC CHỈ TIÊU THEO ĐƠN VỊ", "INDICATORS PER AGENCY"),
    "ratio_parts": ("Tử số/Mẫu số", "Numerator/denominator"),
    "recipients": ("Nơi nhận", "Nơi nhận"),
}


def render_docx(report: ConsolidatedReport) -> bytes:
    """The report as a .docx file: the same bytes for the same report."""
    document = Document()
    _page(document.sections[0])
    _styles(document)
    _page_numbers(document)
    _document_header(document, report)
    _body(document, report)
    _signature(document, report)
    _appendices(document, report)
    _properties(document, report)
    _drop_thumbnail(document)
    buffer = BytesIO()
    document.save(buffer)
    return stable_archive(buffer.getvalue(), report.header.issued_on)


def place_and_date(place: str, day: date) -> str:
    """ "Hải Dương, ngày 05 tháng 02 năm 2017": Decree 30 writes a 0 before days below 10 and months
    below 3 (so "tháng 02", but "tháng 3" and "tháng 12")."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def number_line(number_symbol: str) -> str:
    """ "Số:      /BC-SCT": a report not yet registered keeps a blank before "/" wide enough for its number."""
    text = " ".join(number_symbol.split())
    blank = re.fullmatch(r"(Số:)\s*/\s*(\S+)", text)
    if blank:
        return f"{blank.group(1)}{NUMBER_BLANK}/{blank.group(2)}"
    return text


def recipient_lines(recipients: Sequence[str]) -> list[str]:
    """ "- Như trên;" ... "- Lưu: VT, SCT.": a dash before each, a semicolon after it, a full stop after the last."""
    cleaned = [item.strip().lstrip("-").strip().rstrip(";.").strip() for item in recipients]
    cleaned = [item for item in cleaned if item]
    return [f"- {item}{'.' if index == len(cleaned) - 1 else ';'}" for index, item in enumerate(cleaned)]


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


# --- page, styles, header ----------------------------------------------------------------------


def _page(section: Any, *, landscape: bool = False) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = (PAGE_HEIGHT_CM, PAGE_WIDTH_CM) if landscape else (PAGE_WIDTH_CM, PAGE_HEIGHT_CM)
    section.page_width, section.page_height = Cm(width), Cm(height)
    section.top_margin, section.bottom_margin = Cm(TOP_CM), Cm(BOTTOM_CM)
    section.left_margin, section.right_margin = Cm(LEFT_CM), Cm(RIGHT_CM)
    section.header_distance, section.footer_distance = Cm(1.0), Cm(1.0)


def _styles(document: Any) -> None:
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(run_defaults)
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
    _fonts(normal.element.get_or_add_rPr())
    # The template's headings keep their outline levels (Word's navigation pane, the PDF's bookmarks).
    for name in ("Heading 1", "Heading 2"):
        style = document.styles[name]
        style.font.size = Pt(BODY_PT)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
        _fonts(style.element.get_or_add_rPr())
        layout = style.paragraph_format
        layout.space_before, layout.space_after = Pt(6), Pt(6)
        layout.first_line_indent = Cm(1)
        layout.keep_with_next = True
        layout.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        layout.line_spacing = 1.15


def _fonts(run_properties: Any) -> None:
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


def _page_numbers(document: Any) -> None:
    """The page number centred at the top, from page 2 on (the first page carries the header block)."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(paragraph, "PAGE", size=HEADER_PT)


def _field(paragraph: Paragraph, instruction: str, *, size: int) -> None:
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


def _document_header(document: Any, report: ConsolidatedReport) -> None:
    header = report.header
    table = _bare_table(document, rows=2, widths=(HEADER_LEFT_CM, HEADER_RIGHT_CM))
    bodies, nation = table.rows[0].cells
    _cell_line(bodies, header.superior_body.upper(), size=HEADER_PT)
    _cell_line(bodies, header.issuing_body.upper(), size=HEADER_PT, bold=True)
    name_width = min(HEADER_LEFT_CM - CELL_MARGINS_CM, len(header.issuing_body) * UPPER_CHAR_CM)
    _rule(bodies, length_cm=max(1.5, name_width / 2), width_cm=HEADER_LEFT_CM)  # the decree: 1/3 to 1/2 of the name
    _cell_line(nation, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=HEADER_PT, bold=True)
    _cell_line(nation, MOTTO, size=BODY_PT, bold=True)
    _rule(nation, length_cm=MOTTO_WIDTH_CM, width_cm=HEADER_RIGHT_CM)  # the decree: as long as the motto
    number, when = table.rows[1].cells
    _cell_line(number, number_line(header.number_symbol), size=HEADER_PT, before=6)
    _cell_line(when, place_and_date(header.place, header.issued_on), size=BODY_PT, italic=True, before=6)
    # Both cells of a row have lines of the same height, so the two columns stay level line by line.
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                if paragraph.text:
                    paragraph.paragraph_format.line_spacing = Pt(17)
    title = _paragraph(document, header.title.upper(), bold=True, align="center", indent=False, before=24, after=0)
    title.paragraph_format.keep_with_next = True
    _paragraph(document, header.subtitle, bold=True, align="center", indent=False, after=0)
    _rule(document, length_cm=4.0, width_cm=TEXT_WIDTH_CM, in_cell=False, after=12)


def _bare_table(container: Any, *, rows: int, widths: Sequence[float]) -> Table:
    """A table without borders, for the blocks Decree 30 lays side by side (header, signature)."""
    table: Table = container.add_table(rows=rows, cols=len(widths))
    _no_borders(table)
    _widths(table, widths)
    for row in table.rows:
        for cell in row.cells:
            cell.paragraphs[0].paragraph_format.space_after = Pt(0)
    return table


def _cell_line(
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


def _rule(container: Any, *, length_cm: float, width_cm: float, in_cell: bool = True, after: float = 0) -> None:
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


_AFTER_TABLE_WIDTH = ("w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar")
_AFTER_BORDER = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc", "w:rPr", "w:sectPr")


# --- body ------------------------------------------------------------------------------------


class _Outline:
    """Parts I, II, ... and, within each, items 1, 2, ...: the numbering officials write by hand."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self.parts = 0
        self.items = 0

    def part(self, title: str) -> None:
        self.parts += 1
        self.items = 0
        self.document.add_paragraph(f"{ROMAN[self.parts - 1]}. {title.upper()}", style="Heading 1")

    def item(self, title: str) -> None:
        self.items += 1
        self.document.add_paragraph(f"{self.items}. {title}", style="Heading 2")


def _body(document: Any, report: ConsolidatedReport) -> None:
    words = Words(WORDS, report.language)
    period = _period(report)
    basis = f" {words['and']} ".join([*report.legal_basis, report.plan_title])
    if report.lead_name:
        ending = words.format("intro_end_by", lead=report.lead_name, period=period)
    else:
        ending = words.format("intro_end", period=period)
    _paragraph(document, f"{words['basis']} {basis}; {ending}")
    _paragraph(
        document,
        words.format(
            "data_period",
            start=vn_date(report.period_start),
            end=vn_date(report.period_end),
            received=report.reports_received,
            expected=report.reports_expected,
        ),
    )
    outline = _Outline(document)
    charts = 0
    outline.part(words["part_results"])
    outline.item(words["indicators"])
    _indicator_table(document, report, words)
    for note in report.notes:
        _paragraph(document, f"{words['notes']}: {note}", italic=True, size=TABLE_PT, before=3)
    chart = attainment_chart(report)
    if chart:
        charts += 1
        _picture(document, chart, words.format("chart", number=charts))
    outline.item(words["work_volume"])
    _work_volume_table(document, report, words)
    outline.item(words["funding"])
    _funding(document, report, words)
    outline.item(words["agency_results"])
    _texts(document, report, "results", words)
    outline.item(words["timeliness"])
    _timeliness(document, report, words)
    chart = timeliness_chart(report)
    if chart:
        charts += 1
        _picture(document, chart, words.format("chart", number=charts))
    for section in ("difficulties", "recommendations", "next_tasks"):
        outline.part(report.section_label(section))
        _texts(document, report, section, words)
    subject = report.header.subtitle
    closing = _paragraph(document, words.format("conclusion", subject=subject[:1].lower() + subject[1:]), before=6)
    closing.paragraph_format.keep_with_next = True  # the last words of the body go with the signature


def _indicator_table(document: Any, report: ConsolidatedReport, words: Words) -> None:
    if not report.indicators:
        _paragraph(document, words["no_data"])
        return
    rows = []
    for index, indicator in enumerate(report.indicators, start=1):
        target = target_text(indicator.target_min, indicator.target_max, "", report.language)
        if target and indicator.target_scope == "plan":
            target += "\n" + words["whole_plan"]
        rows.append(
            [
                str(index),
                indicator.name,
                indicator.unit,
                target or "—",
                _figure_text(indicator, indicator.province, report.language),
                indicator.attainment.label(report.language),
            ]
        )
    headers = [words[key] for key in ("no", "indicator", "unit", "target", "result", "assessment")]
    table = _grid(document, headers, rows, (1.2, 5.8, 2.0, 2.1, 2.9, 2.0), align="cllccc")
    for row in table.rows[1:]:  # a ratio's parts under its percentage, smaller
        _smaller(row.cells[4].paragraphs[1:])
        _smaller(row.cells[3].paragraphs[1:])


def _figure_text(indicator: IndicatorResult, figure: Figure, language: str) -> str:
    """78,2 with its parts under it, "(1.134/1.450)", for a ratio; the plain figure otherwise."""
    if figure.value is None:
        return "—"
    number = _number(figure.value, language, 1 if indicator.aggregation == "ratio" else None)
    if figure.numerator is not None and figure.denominator is not None:
        parts = f"{_number(figure.numerator, language)}/{_number(figure.denominator, language)}"
        return f"{number}\n({parts})"
    return number


def _work_volume_table(document: Any, report: ConsolidatedReport, words: Words) -> None:
    if not report.work_volume:
        _paragraph(document, words["no_data"])
        return
    rows = [
        [
            f"{index:02d}",  # seed 003 numbers its lines 01, 02 ...
            row.activity,
            row.unit,
            _number(row.quantity, report.language),
            f"{words['year_prefix']} {', '.join(str(year) for year in row.years)}" if row.years else "",
        ]
        for index, row in enumerate(report.work_volume, start=1)
    ]
    headers = [words[key] for key in ("no", "activity", "unit", "quantity", "when")]
    _grid(document, headers, rows, (1.2, 7.8, 2.3, 1.9, 2.8), align="clccc")


def _funding(document: Any, report: ConsolidatedReport, words: Words) -> None:
    total = report.funding_total
    money = _money(report.language)
    _paragraph(
        document,
        words.format(
            "funding_sentence",
            total=money(total.total),
            state=money(total.state_budget),
            central=money(total.by_source.get("central_budget", 0)),
            local=money(total.by_source.get("local_budget", 0)),
        ),
    )
    rows = [[str(index), label, money(amount)] for index, (label, amount) in enumerate(_sources(total, report), 1)]
    rows.append(["", words["total"], money(total.total)])
    headers = [words[key] for key in ("no", "source", "amount")]
    table = _grid(document, headers, rows, (1.2, 9.8, 5.0), align="clr")
    _bold_row(table, len(rows))
    in_words = amount_in_words(total.total)
    _paragraph(document, f"{words['in_words']}: {in_words}.", italic=True, before=3)
    if report.funding_by_agency:
        _paragraph(document, words.format("funding_detail", number=ROMAN[1]), italic=True)


def _sources(row: Any, report: ConsolidatedReport) -> list[tuple[str, int]]:
    """Every source in the form's order, then any the form does not know, under their key."""
    english = report.language == "en"
    known = [(key, english_label if english else label) for key, label, english_label in FUNDING_SOURCES]
    keys = {key for key, _ in known}
    named = [(label, row.by_source.get(key, 0)) for key, label in known]
    return named + [(key, amount) for key, amount in row.by_source.items() if key not in keys]


def _texts(document: Any, report: ConsolidatedReport, section: str, words: Words) -> None:
    written = report.texts.get(section, ())
    if not written:
        _paragraph(document, words["none_written"])
        return
    several_cycles = len(report.cycle_labels) > 1
    for text in written:
        paragraph = _paragraph(document, "- ")
        who = text.agency_name
        if several_cycles and text.cycle_label:
            who += f" ({cycle_name(text.cycle_label, report.language)})"
        paragraph.add_run(who).italic = True
        paragraph.add_run(f": {text.text}")


def _timeliness(document: Any, report: ConsolidatedReport, words: Words) -> None:
    late = sum(1 for unit in report.late_units if unit.submitted_on is not None)
    missing = sum(1 for unit in report.late_units if unit.submitted_on is None)
    _paragraph(
        document,
        words.format(
            "timeliness_sentence",
            received=report.reports_received,
            expected=report.reports_expected,
            late=late,
            missing=missing,
        ),
    )
    if not report.late_units:
        _paragraph(document, words["all_on_time"])
        return
    rows = []
    for index, unit in enumerate(report.late_units, start=1):
        late_by = None if unit.days_late is None else days_in_words(unit.days_late, unit.day_unit, report.language)
        status = words["missing"] if late_by is None else words.format("late_days", days=late_by)
        rows.append(
            [
                str(index),
                f"{unit.agency_name}\n{unit.task_title}",
                unit.cycle_label,
                vn_date(unit.due_on),
                vn_date(unit.submitted_on) if unit.submitted_on else "",
                status,
            ]
        )
    headers = [words[key] for key in ("no", "agency", "cycle", "due", "sent", "status")]
    table = _grid(document, headers, rows, (1.2, 5.2, 1.6, 2.6, 2.6, 2.8), align="clcccc")
    for row in table.rows[1:]:  # the task under the agency's name, smaller and in italics
        _smaller(row.cells[1].paragraphs[1:], italic=True)


# --- signature and appendices ------------------------------------------------------------------


def _signature(document: Any, report: ConsolidatedReport) -> None:
    header = report.header
    _paragraph(document, "", after=0).paragraph_format.keep_with_next = True
    table = _bare_table(document, rows=1, widths=(7.0, 9.0))
    recipients, signer = table.rows[0].cells
    label = recipients.paragraphs[0]
    run = label.add_run(f"{WORDS['recipients'][0]}:")
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    for line in recipient_lines(header.recipients):
        paragraph = recipients.add_paragraph()
        layout = paragraph.paragraph_format
        layout.space_after = Pt(0)
        layout.left_indent, layout.first_line_indent = Cm(0.25), Cm(-0.25)  # a long line wraps under its text
        paragraph.add_run(line).font.size = Pt(11)
    for line in header.signer_title.upper().splitlines():
        _cell_line(signer, line, size=BODY_PT, bold=True)
    for _ in range(4):  # room for the signature and the seal
        _cell_line(signer, "", size=BODY_PT)
    _cell_line(signer, header.signer_name, size=BODY_PT, bold=True, before=12)
    for cell in (recipients, signer):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    # Keep the block in one piece: a signature alone at the top of a page is the classic mistake.
    for paragraph in [*recipients.paragraphs, *signer.paragraphs]:
        paragraph.paragraph_format.keep_with_next = True
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _appendices(document: Any, report: ConsolidatedReport) -> None:
    words = Words(WORDS, report.language)
    section = document.add_section(WD_SECTION.NEW_PAGE)
    _page(section, landscape=True)
    section.different_first_page_header_footer = False
    attached = words.format(
        "attached",
        number=number_line(report.header.number_symbol).removeprefix("Số:"),
        day=vn_date(report.header.issued_on),
        by=words.format("by", lead=report.lead_name) if report.lead_name else "",
    )
    number = 0
    # The enterprises always (seed 003's appendix, "none" if none); the others when they have rows.
    # Funding per agency comes second whenever it is there: the body refers to it as Appendix II.
    for title, build, present in (
        (words["enterprises_title"], _enterprise_table, True),
        (words["funding_title"], _funding_by_agency_table, bool(report.funding_by_agency)),
        (words["by_agency_title"], _by_agency_table, any(indicator.by_agency for indicator in report.indicators)),
    ):
        if not present:
            continue
        number += 1
        heading = _paragraph(
            document,
            words.format("appendix", number=ROMAN[number - 1]),
            bold=True,
            align="center",
            indent=False,
        )
        if number > 1:
            heading.paragraph_format.page_break_before = True
        _paragraph(document, title, bold=True, align="center", indent=False, after=0)
        _paragraph(document, attached, italic=True, align="center", indent=False, after=12)
        build(document, report, words)


def _enterprise_table(document: Any, report: ConsolidatedReport, words: Words) -> None:
    if not report.enterprises:
        _paragraph(document, words["no_enterprises"], align="center", indent=False)
        return
    rows = [
        [str(index), row.name, row.sector, row.participation, str(row.year), row.reported_by]
        for index, row in enumerate(report.enterprises, start=1)
    ]
    headers = [words[key] for key in ("no", "enterprise", "sector", "participation", "year", "reported_by")]
    _grid(document, headers, rows, (1.2, 7.5, 4.5, 4.5, 1.5, 5.5), align="cllccl")


def _funding_by_agency_table(document: Any, report: ConsolidatedReport, words: Words) -> None:
    money = _money(report.language)
    total = report.funding_total
    labels = [label for label, _ in _sources(total, report)]
    rows = [
        [str(index), row.label, *(money(amount) for _, amount in _sources(row, report)), money(row.total)]
        for index, row in enumerate(report.funding_by_agency, start=1)
    ]
    rows.append(["", total.label, *(money(amount) for _, amount in _sources(total, report)), money(total.total)])
    headers = [words["no"], words["agency"], *labels, words["total"]]
    amount_width = (LANDSCAPE_TEXT_WIDTH_CM - 1.2 - 6.0) / (len(labels) + 1)
    table = _grid(
        document, headers, rows, (1.2, 6.0, *([amount_width] * (len(labels) + 1))), align="cl" + "r" * (len(labels) + 1)
    )
    _bold_row(table, len(rows))


def _by_agency_table(document: Any, report: ConsolidatedReport, words: Words) -> None:
    rows: list[list[str]] = []
    spans: list[tuple[int, int]] = []  # the rows each indicator covers, merged in its first two columns
    for index, indicator in enumerate((i for i in report.indicators if i.by_agency), start=1):
        first = len(rows) + 1
        for agency in indicator.by_agency:
            value, _, parts = _figure_text(indicator, agency.figure, report.language).partition("\n")
            name = f"{indicator.name} ({indicator.unit})" if indicator.unit else indicator.name
            rows.append([str(index), name, agency.agency_name, value, parts.strip("()")])
        spans.append((first, len(rows)))
    headers = [words["no"], words["indicator"], words["agency"], words["result"], words["ratio_parts"]]
    table = _grid(document, headers, rows, (1.2, 9.5, 7.0, 3.0, 4.0), align="cllcc")
    for first, last in spans:
        for column in (0, 1):
            if last > first:
                for row in range(first + 1, last + 1):
                    table.cell(row, column).paragraphs[0].runs[0].text = ""
                table.cell(first, column).merge(table.cell(last, column))


def _drop_thumbnail(document: Any) -> None:
    """python-docx's template carries the picture of a blank page, which file browsers would show as the preview."""
    package = document.part.package
    for key, relationship in list(package.rels.items()):
        if relationship.reltype.endswith("/metadata/thumbnail"):
            del package.rels[key]


def _properties(document: Any, report: ConsolidatedReport) -> None:
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


# --- building blocks ---------------------------------------------------------------------------


def _paragraph(
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
    layout = paragraph.paragraph_format
    layout.alignment = {
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
    }[align]
    layout.first_line_indent = Cm(1) if indent else Cm(0)
    layout.space_before, layout.space_after = Pt(before), Pt(after)
    layout.line_spacing = 1.15
    if text:
        run = paragraph.add_run(text)
        run.bold = bold or None
        run.italic = italic or None
        if size:
            run.font.size = Pt(size)
    return paragraph


def _picture(document: Any, image: bytes, caption: str) -> None:
    paragraph = _paragraph(document, "", align="center", indent=False, before=6, after=0)
    paragraph.paragraph_format.keep_with_next = True
    paragraph.add_run().add_picture(BytesIO(image), width=Cm(TEXT_WIDTH_CM - 0.5))
    _paragraph(document, caption, italic=True, size=TABLE_PT, align="center", indent=False)


def _grid(
    document: Any, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float], *, align: str
) -> Table:
    """A ruled table in 12 pt: a bold header row repeated on every page, and rows that do not split.

    ``align`` has one letter per column: l(eft), c(entre) or r(ight); numbers of money go right.
    """
    table: Table = document.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, widths)
    alignments = {"l": WD_ALIGN_PARAGRAPH.LEFT, "c": WD_ALIGN_PARAGRAPH.CENTER, "r": WD_ALIGN_PARAGRAPH.RIGHT}
    for column, title in enumerate(headers):
        _cell_text(table.cell(0, column), title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _shade(table.cell(0, column), "F2F2F2")
    for index, values in enumerate(rows, start=1):
        for column, value in enumerate(values):
            _cell_text(table.cell(index, column), value, align=alignments[align[column]])
    for position, row in enumerate(table.rows):
        properties = row._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:cantSplit"))
        if position == 0:
            properties.append(OxmlElement("w:tblHeader"))
    _paragraph(document, "", after=0).paragraph_format.line_spacing = Pt(6)  # air under the table
    return table


def _cell_text(cell: _Cell, text: str, *, bold: bool = False, align: Any = WD_ALIGN_PARAGRAPH.LEFT) -> None:
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


def _smaller(paragraphs: Sequence[Paragraph], *, italic: bool = False) -> None:
    for paragraph in paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(TABLE_PT - 2)
            run.italic = italic or None


def _bold_row(table: Table, index: int) -> None:
    for cell in table.rows[index].cells:
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.bold = True


def _widths(table: Table, widths: Sequence[float]) -> None:
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


def _no_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    table._tbl.tblPr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")


def _shade(cell: _Cell, colour: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().insert_element_before(
        shading, "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"
    )


def _period(report: ConsolidatedReport) -> str:
    if report.period_label:
        return report.period_label
    first, last = report.cycle_labels[0], report.cycle_labels[-1]
    if first == last:
        return cycle_name(last, report.language)
    return f"{cycle_name(first, report.language)} – {cycle_name(last, report.language)}"


def _number(value: Any, language: str, decimals: int | None = None) -> str:
    return en_number(value, decimals) if language == "en" else vn_number(value, decimals)


def _money(language: str) -> Callable[[int], str]:
    return lambda amount: _number(amount, language)

"""The Word file, read back with python-docx: the page, the fonts and the header Decree 30/2020 prescribes,
the body's numbering and tables, the amount in words, the signature and the recipients, the appendices."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from io import BytesIO
from typing import Any

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from sxsh_flow.reports.decree30 import number_line, place_and_date, recipient_lines
from sxsh_flow.reports.docx import render_docx
from sxsh_flow.reports.model import ConsolidatedReport

from .conftest import DISTRICT_TASK

TIMES = "Times New Roman"


@pytest.fixture(scope="module")
def rendered(report: ConsolidatedReport) -> bytes:
    return render_docx(report)


@pytest.fixture
def document(rendered: bytes) -> Any:
    return Document(BytesIO(rendered))


def _texts(cell: Any) -> list[str]:
    return [paragraph.text for paragraph in cell.paragraphs if paragraph.text]


def _table_with(document: Any, first_cell: str) -> Any:
    return next(table for table in document.tables if table.cell(0, 0).text.startswith(first_cell))


def _body_texts(document: Any) -> list[str]:
    return [paragraph.text for paragraph in document.paragraphs if paragraph.text]


# --- the date line and the number, as pure functions ----------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2017, 2, 5), "Hải Dương, ngày 05 tháng 02 năm 2017"),  # DOMAIN.md's example
        (date(2018, 1, 15), "Hải Dương, ngày 15 tháng 01 năm 2018"),  # months 1 and 2 take a 0
        (date(2017, 3, 5), "Hải Dương, ngày 05 tháng 3 năm 2017"),  # from March on they do not
        (date(2017, 10, 9), "Hải Dương, ngày 09 tháng 10 năm 2017"),  # days below 10 take a 0
        (date(2017, 12, 21), "Hải Dương, ngày 21 tháng 12 năm 2017"),
    ],
)
def test_place_and_date_follow_decree_30(day: date, expected: str) -> None:
    assert place_and_date("Hải Dương", day) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Số: /BC-SCT", "Số:      /BC-SCT"),  # not registered yet: room for the number
        ("Số:      /BC-SCT", "Số:      /BC-SCT"),
        ("Số: 12/BC-SCT", "Số: 12/BC-SCT"),  # registered: as given
    ],
)
def test_the_number_line_leaves_room_for_the_number(given: str, expected: str) -> None:
    assert number_line(given) == expected


def test_recipients_get_a_dash_and_a_semicolon_and_the_last_a_full_stop() -> None:
    given = ["Bộ Công Thương;", "- UBND tỉnh", "Lưu: VT, SCT."]
    assert recipient_lines(given) == ["- Bộ Công Thương;", "- UBND tỉnh;", "- Lưu: VT, SCT."]


# --- page and fonts ----------------------------------------------------------------------------------


def test_the_page_is_a4_with_decree_30_margins(document: Any) -> None:
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(margin.cm, 1) for margin in margins] == [2.0, 2.0, 3.0, 2.0]


def test_the_text_is_times_new_roman_for_every_script(document: Any) -> None:
    normal = document.styles["Normal"]
    assert normal.font.name == TIMES
    assert normal.font.size.pt == 14
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for properties in (defaults, normal.element.rPr):
        fonts = properties.find(qn("w:rFonts"))
        assert {fonts.get(qn(f"w:{script}")) for script in ("ascii", "hAnsi", "eastAsia", "cs")} == {TIMES}
        assert fonts.get(qn("w:asciiTheme")) is None  # a theme font would override the name
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"
    for name in ("Heading 1", "Heading 2"):
        heading = document.styles[name]
        assert heading.font.name == TIMES
        assert heading.font.size.pt == 14
        assert str(heading.font.color.rgb) == "000000"


def test_sizes_in_the_document_stay_between_11_and_14_points(document: Any) -> None:
    sizes = set()
    for paragraph in document.paragraphs:
        sizes.update(run.font.size.pt for run in paragraph.runs if run.font.size)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    sizes.update(run.font.size.pt for run in paragraph.runs if run.font.size)
    assert sizes
    assert min(sizes) >= 10  # the ratio's parts under a figure, the smallest text
    assert max(sizes) <= 14


# --- the header block --------------------------------------------------------------------------------


def test_the_header_is_a_borderless_two_column_table(document: Any) -> None:
    header = document.tables[0]
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}
    bodies, nation = header.rows[0].cells
    assert _texts(bodies) == ["UBND TỈNH HẢI DƯƠNG", "SỞ CÔNG THƯƠNG"]
    assert _texts(nation) == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    superior, issuing = (p for p in bodies.paragraphs if p.text)
    assert not superior.runs[0].bold  # the superior body is not bold, the issuing body is
    assert issuing.runs[0].bold
    assert all(p.runs[0].bold for p in nation.paragraphs if p.text)
    assert round(header.columns[0].width.cm, 1) + round(header.columns[1].width.cm, 1) == 16.0


def test_a_short_rule_underlines_the_issuing_body_and_the_motto(document: Any) -> None:
    bodies, nation = document.tables[0].rows[0].cells
    for cell in (bodies, nation):
        last = cell.paragraphs[-1]
        assert last.text == ""
        bottom = last._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
        assert bottom.get(qn("w:val")) == "single"
    motto_rule = nation.paragraphs[-1].paragraph_format
    assert 5.0 < 10.0 - 0.38 - motto_rule.left_indent.cm - motto_rule.right_indent.cm < 6.2  # as long as the motto


def test_the_number_and_the_italic_place_and_date(document: Any) -> None:
    number, when = document.tables[0].rows[1].cells
    assert re.fullmatch(r"Số:\s{4,}/BC-SCT", number.text)
    (line,) = when.paragraphs
    assert line.text == "Hải Dương, ngày 05 tháng 01 năm 2018"
    assert all(run.italic for run in line.runs)
    assert line.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_the_title_and_summary_are_centred_and_bold(document: Any) -> None:
    title, subtitle = document.paragraphs[0], document.paragraphs[1]
    assert title.text == "BÁO CÁO"
    assert subtitle.text == "Kết quả thực hiện Kế hoạch sản xuất sạch hơn trong công nghiệp năm 2017"
    for paragraph in (title, subtitle):
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert all(run.bold for run in paragraph.runs)


def test_page_numbers_from_the_second_page(document: Any) -> None:
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert not "".join(p.text for p in section.first_page_header.paragraphs)
    instructions = section.header._element.xpath(".//w:instrText")
    assert [element.text.strip() for element in instructions] == ["PAGE"]
    assert section.header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER


# --- the body ----------------------------------------------------------------------------------------


def test_parts_are_numbered_in_roman_and_items_in_arabic(document: Any) -> None:
    parts = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert parts == [
        "I. KẾT QUẢ THỰC HIỆN",
        "II. KHÓ KHĂN, VƯỚNG MẮC",
        "III. KIẾN NGHỊ, ĐỀ XUẤT",
        "IV. NHIỆM VỤ THỜI GIAN TỚI",
    ]
    items = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert items == [
        "1. Kết quả thực hiện các chỉ tiêu của Kế hoạch",
        "2. Khối lượng công việc",
        "3. Kinh phí thực hiện",
        "4. Kết quả thực hiện nhiệm vụ của các đơn vị",
        "5. Tình hình nộp báo cáo của các đơn vị",
    ]


def test_the_opening_names_the_legal_basis_and_the_period(document: Any) -> None:
    opening = _body_texts(document)[2]
    assert opening.startswith("Thực hiện Quyết định số 1419/QĐ-TTg ngày 07/09/2009 của Thủ tướng Chính phủ")
    assert opening.endswith(
        "trên cơ sở báo cáo của các đơn vị, Sở Công Thương báo cáo kết quả thực hiện năm 2017 như sau:"
    )
    assert _body_texts(document)[3] == (
        "Số liệu tổng hợp từ ngày 15/12/2016 đến ngày 14/12/2017. Các đơn vị phải nộp 18 báo cáo, đã nhận 17 báo cáo."
    )


def test_indicators_against_their_targets(document: Any) -> None:
    table = _table_with(document, "STT")
    assert [cell.text for cell in table.rows[0].cells] == [
        "STT",
        "Chỉ tiêu",
        "Đơn vị tính",
        "Mục tiêu",
        "Kết quả",
        "Đánh giá",
    ]
    rows = {row.cells[1].text: [cell.text for cell in row.cells] for row in table.rows[1:]}
    assert len(rows) == 8
    informed = rows[
        "Cơ sở sản xuất công nghiệp có tiềm năng được tuyên truyền, phổ biến và nhận thức được lợi ích của SXSH"
    ]
    assert informed[2:] == ["%", "≥ 90", "78,2\n(1.134/1.450)", "Chưa đạt"]
    saving = next(row for name, row in rows.items() if name.startswith("Mức tiết kiệm"))
    assert saving[3:] == ["8–13", "9,4\n(4.700/50.000)", "Đạt"]  # a range, judged met inside it
    quick = rows["Doanh nghiệp được đánh giá nhanh về SXSH"]
    assert quick[2:] == ["doanh nghiệp", "≥ 15\n(cả giai đoạn)", "9", "Đang thực hiện"]
    leaflets = rows["Tờ rơi, tài liệu hướng dẫn SXSH được phát hành"]
    assert leaflets[3:] == ["—", "2.800", "Không đặt chỉ tiêu"]


def test_every_table_repeats_its_header_row_and_keeps_rows_whole(document: Any) -> None:
    grids = [table for table in document.tables if table.style.name == "Table Grid"]  # not header, signature
    assert len(grids) == 7
    for table in grids:
        first = table.rows[0]._tr.trPr
        assert first.find(qn("w:tblHeader")) is not None
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)


def test_work_volume_as_seed_003_lists_it(document: Any) -> None:
    table = next(t for t in document.tables if t.cell(0, 1).text == "Công việc thực hiện")
    assert [cell.text for cell in table.rows[0].cells] == [
        "STT",
        "Công việc thực hiện",
        "Đơn vị tính",
        "Số lượng",
        "Thời gian thực hiện",
    ]
    leaflets = table.rows[3].cells
    assert [cell.text for cell in leaflets] == [
        "03",
        "Tờ rơi, tài liệu hướng dẫn SXSH được phát hành",
        "Tờ",
        "2.800",
        "Năm 2017",
    ]
    assert table.rows[2].cells[4].text == "Năm 2016, 2017"


def test_funding_by_source_with_its_total_and_the_total_in_words(document: Any) -> None:
    table = next(t for t in document.tables if t.cell(0, 1).text == "Nguồn kinh phí")
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[1] == ["1", "Ngân sách trung ương", "123.000.000"]
    assert rows[2] == ["2", "Ngân sách địa phương", "900.600.000"]
    assert rows[5] == ["5", "Vốn đối ứng của doanh nghiệp", "0"]
    assert rows[-1] == ["", "Tổng cộng", "1.023.600.000"]
    assert all(run.bold for cell in table.rows[-1].cells for p in cell.paragraphs for run in p.runs)
    in_words = next(p for p in document.paragraphs if p.text.startswith("Bằng chữ"))
    assert in_words.text == "Bằng chữ: Một tỷ, không trăm hai mươi ba triệu, sáu trăm nghìn đồng."
    assert all(run.italic for run in in_words.runs)
    sentence = next(p.text for p in document.paragraphs if p.text.startswith("Tổng kinh phí"))
    assert "1.023.600.000 đồng" in sentence
    assert "ngân sách trung ương 123.000.000 đồng, ngân sách địa phương 900.600.000 đồng" in sentence


def test_late_and_missing_units(document: Any) -> None:
    table = next(t for t in document.tables if len(t.columns) == 6 and t.cell(0, 5).text == "Tình trạng")
    rows = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    assert rows[0][1].startswith("UBND huyện Tứ Kỳ\n")
    assert rows[0][2:] == ["2017", "21/12/2017", "27/12/2017", "Chậm 4 ngày làm việc"]
    assert rows[2][1].startswith("UBND huyện Thanh Miện")
    assert rows[2][4:] == ["", "Chưa nộp"]
    summary = next(p.text for p in document.paragraphs if p.text.startswith("17/18 báo cáo"))
    assert "2 báo cáo nộp chậm" in summary
    assert "1 báo cáo chưa nộp" in summary


def test_what_the_agencies_wrote_under_its_section(document: Any) -> None:
    texts = _body_texts(document)
    difficulties = texts.index("II. KHÓ KHĂN, VƯỚNG MẮC")
    recommendations = texts.index("III. KIẾN NGHỊ, ĐỀ XUẤT")
    written = texts[difficulties + 1 : recommendations]
    # Each agency named once, each of its paragraphs under the task it was written for.
    assert written[2:4] == [
        "- UBND huyện Tứ Kỳ:",
        f"+ {DISTRICT_TASK}: Kinh phí bố trí cho hoạt động SXSH ở cấp huyện còn hạn chế.",
    ]
    closing = next(text for text in texts if text.startswith("Trên đây"))
    assert closing == "Trên đây là báo cáo kết quả thực hiện Kế hoạch sản xuất sạch hơn trong công nghiệp năm 2017./."


def test_a_section_nobody_wrote_says_so(report: ConsolidatedReport) -> None:
    document = Document(BytesIO(render_docx(replace(report, texts={}))))
    texts = _body_texts(document)
    after = texts.index("III. KIẾN NGHỊ, ĐỀ XUẤT") + 1
    assert texts[after] == "Các đơn vị không nêu nội dung này."


def test_both_charts_are_in_the_document(document: Any, report: ConsolidatedReport) -> None:
    assert len(document.inline_shapes) == 2
    assert all(round(shape.width.cm) == 16 for shape in document.inline_shapes)
    captions = [p.text for p in document.paragraphs if p.text.startswith("Biểu đồ")]
    assert captions == ["Biểu đồ 1", "Biểu đồ 2"]
    bare = replace(report, indicators=(), timeliness=())
    assert len(Document(BytesIO(render_docx(bare))).inline_shapes) == 0


# --- signature, recipients, appendices ------------------------------------------------------------------


def test_recipients_on_the_left_and_the_signer_on_the_right(document: Any) -> None:
    table = _table_with(document, "Nơi nhận:")
    recipients, signer = table.rows[0].cells
    label = recipients.paragraphs[0]
    assert label.text == "Nơi nhận:"
    assert label.runs[0].bold
    assert label.runs[0].italic
    assert label.runs[0].font.size.pt == 12
    lines = recipients.paragraphs[1:]
    assert [p.text for p in lines] == [
        "- UBND tỉnh (để báo cáo);",
        "- Bộ Công Thương (Vụ Khoa học và Công nghệ);",
        "- Các sở: KH&CN, TC, TN&MT, KH&ĐT;",
        "- Ban Quản lý các khu công nghiệp tỉnh;",
        "- UBND các huyện, thị xã, thành phố;",
        "- Lưu: VT, QLCN.",
    ]
    assert {run.font.size.pt for p in lines for run in p.runs} == {11}
    signed = [p for p in signer.paragraphs if p.text]
    assert [p.text for p in signed] == ["GIÁM ĐỐC", "Nguyễn Văn Bình"]
    assert all(run.bold for p in signed for run in p.runs)
    assert len(signer.paragraphs) - len(signed) >= 4  # room to sign and seal
    assert table._tbl.tblPr.find(qn("w:tblBorders")) is not None


def test_appendices_on_landscape_pages(document: Any) -> None:
    appendix = document.sections[1]
    assert appendix.orientation == WD_ORIENT.LANDSCAPE
    assert (round(appendix.page_width.cm, 1), round(appendix.page_height.cm, 1)) == (29.7, 21.0)
    assert not appendix.different_first_page_header_footer  # page numbers continue on them
    texts = _body_texts(document)
    assert [text for text in texts if text.startswith("Phụ lục")] == ["Phụ lục I", "Phụ lục II", "Phụ lục III"]
    attached = texts[texts.index("Phụ lục I") + 2]
    assert re.fullmatch(r"\(Kèm theo Báo cáo số\s{4,}/BC-SCT ngày 05/01/2018 của Sở Công Thương\)", attached)


def test_the_enterprises_taking_part(document: Any) -> None:
    table = next(t for t in document.tables if t.cell(0, 1).text == "Tên doanh nghiệp")
    assert [cell.text for cell in table.rows[0].cells] == [
        "STT",
        "Tên doanh nghiệp",
        "Ngành sản xuất",
        "Nội dung tham gia",
        "Năm",
        "Đơn vị báo cáo",
    ]
    assert len(table.rows) == 1 + 5
    assert [cell.text for cell in table.rows[2].cells] == [
        "2",
        "Công ty Cổ phần Thép Phúc Hưng",
        "Luyện cán thép",
        "Đánh giá chi tiết SXSH",
        "2017",
        "Sở Công Thương",
    ]


def test_funding_per_agency_adds_up_to_the_total(document: Any) -> None:
    table = next(t for t in document.tables if t.cell(0, 1).text == "Đơn vị" and len(t.columns) == 8)
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[1] == ["1", "Sở Công Thương", "123.000.000", "650.000.000", "0", "0", "0", "773.000.000"]
    assert rows[-1] == ["", "Tổng cộng", "123.000.000", "900.600.000", "0", "0", "0", "1.023.600.000"]


def test_indicators_per_agency(document: Any) -> None:
    table = next(t for t in document.tables if len(t.columns) == 5 and t.cell(0, 4).text == "Tử số/Mẫu số")
    rows = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    assert [row[2:] for row in rows] == [
        ["Sở Công Thương", "81,2", "812/1.000"],
        ["Ban Quản lý các khu công nghiệp", "71,6", "322/450"],
    ]
    assert rows[0][1] == rows[1][1]  # one merged cell names the indicator for both agencies


# --- the file -----------------------------------------------------------------------------------------


def test_the_same_report_gives_the_same_file(report: ConsolidatedReport, rendered: bytes, document: Any) -> None:
    assert render_docx(report) == rendered
    properties = document.core_properties
    issued = datetime(2018, 1, 5, tzinfo=UTC)  # the day the report bears, not the second it was rendered
    assert properties.created == properties.modified == issued
    assert properties.author == "SỞ CÔNG THƯƠNG"
    assert properties.title.startswith("BÁO CÁO Kết quả thực hiện")


def test_an_english_report_keeps_the_decree_30_header(report: ConsolidatedReport) -> None:
    document = Document(BytesIO(render_docx(replace(report, language="en"))))
    assert _texts(document.tables[0].rows[0].cells[1])[0] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    parts = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert parts[0] == "I. RESULTS"


def test_without_the_lead_agency_s_name_the_opening_does_not_name_it(report: ConsolidatedReport) -> None:
    document = Document(BytesIO(render_docx(replace(report, lead_name=""))))
    assert _body_texts(document)[2].endswith("kết quả thực hiện năm 2017 được tổng hợp như sau:")


def test_appendices_without_rows_are_left_out_but_the_enterprises(report: ConsolidatedReport) -> None:
    plain = tuple(replace(indicator, by_agency=()) for indicator in report.indicators)
    bare = replace(report, indicators=plain, funding_by_agency=(), enterprises=())
    texts = _body_texts(Document(BytesIO(render_docx(bare))))
    assert [text for text in texts if text.startswith("Phụ lục")] == ["Phụ lục I"]
    assert "Chưa có doanh nghiệp nào được báo cáo." in texts
    assert not any(text.startswith("(Chi tiết kinh phí") for text in texts)


@pytest.mark.parametrize("line_end", ["\r\n", "\r", "\n"])
def test_each_line_an_agency_typed_is_one_line_in_word(report: ConsolidatedReport, line_end: str) -> None:
    # Issue 12: browsers send a textarea's line breaks as CR LF, and Word showed two breaks for each.
    from sxsh_flow.reports.model import AgencyText

    typed = AgencyText("SCT", "Sở Công Thương", "Tập huấn", line_end.join(["Dòng một", "Dòng hai", "Dòng ba"]))
    written = Document(BytesIO(render_docx(replace(report, texts={**report.texts, "results": (typed,)}))))
    (paragraph,) = [p for p in written.paragraphs if "Dòng một" in p.text]
    assert paragraph.text.endswith("Dòng một\nDòng hai\nDòng ba")
    assert paragraph._p.xml.count("<w:br/>") == 2


def test_a_staged_target_says_the_year_its_stage_ends(report: ConsolidatedReport) -> None:
    first = replace(report.indicators[0], target_min=70, target_scope="plan", target_until=2025)
    document = Document(BytesIO(render_docx(replace(report, indicators=(first, *report.indicators[1:])))))
    row = _table_with(document, "STT").rows[1]
    assert row.cells[3].text == "≥ 70\n(đến năm 2025)"

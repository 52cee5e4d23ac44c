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

from sxsh_flow.reports.archive import stable_archive
from sxsh_flow.reports.model import ConsolidatedReport, Figure, IndicatorResult
from sxsh_flow.reports.writing import source_label, sources, total_in_words, words_of
from sxsh_flow.words import N_, Words

COUNT = "#,##0"
DECIMAL = "#,##0.0"
PERCENT = "0.0%"
# Dates are date cells; their format writes them as the formatter does (21/12/2016 · 21 December 2016).
DAY = {"vi": "dd/mm/yyyy", "en": "d mmmm yyyy"}
# What a spreadsheet takes for the start of a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LARGEST_CELL_NUMBER = Decimal("9.99999999999999E+307")  # Excel's largest number
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
Cell = str | int | float | date | None

# The labels of a few of the model's keys (an indicator's aggregation, a target's scope).
KEY_LABELS: dict[str, str] = {
    "sum": N_("Sum"),
    "ratio": N_("Ratio (numerator/denominator)"),
    "latest": N_("Latest figure"),
    "plan": N_("Whole plan"),
    "annual": N_("Every year"),
}


@dataclass(frozen=True)
class _Column:
    title: str
    width: float  # in characters, as Excel counts them
    number_format: str | None = None


def render_xlsx(report: ConsolidatedReport) -> bytes:
    """The report's tables as an .xlsx file: the same bytes for the same report."""
    w = words_of(report)
    workbook = Workbook()
    workbook.remove(workbook.active)
    _about(workbook.create_sheet(w.gettext("About")), report, w)
    _indicators(workbook.create_sheet(w.gettext("Indicators")), report, w)
    if any(indicator.by_agency for indicator in report.indicators):
        _by_agency(workbook.create_sheet(w.gettext("Indicators per agency")), report, w)
    _work_volume(workbook.create_sheet(w.gettext("Work volume")), report, w)
    _funding(workbook.create_sheet(w.gettext("Funding")), report, w)
    _late_units(workbook.create_sheet(w.gettext("Late units")), report, w)
    _enterprises(workbook.create_sheet(w.gettext("Enterprises")), report, w)
    _timeliness(workbook.create_sheet(w.gettext("Timeliness")), report, w)
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


def _about(sheet: Worksheet, report: ConsolidatedReport, w: Words) -> None:
    header = report.header
    rows: list[tuple[str, Cell]] = [
        (w.gettext("Document"), f"{header.title} {header.subtitle}"),
        (w.gettext("Agency"), f"{header.superior_body} - {header.issuing_body}"),
        (w.gettext("Place and date"), header.place_and_date),
        (w.gettext("Plan"), report.plan_title),
        (w.gettext("Period"), ", ".join(w.cycle_name(label) for label in report.cycle_labels)),
        (w.gettext("Figures from ... to"), f"{w.date(report.period_start)} - {w.date(report.period_end)}"),
        (w.gettext("Reports consolidated / due"), _share(w, report.reports_received, report.reports_expected)),
        *((w.gettext("Notes"), note) for note in report.notes),
    ]
    for row in rows:
        _append(sheet, list(row))
    for cell in sheet["A"]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 110


def _indicators(sheet: Worksheet, report: ConsolidatedReport, w: Words) -> None:
    columns = [
        _Column(w.gettext("No."), 6),
        _Column(w.gettext("Code"), 20),
        _Column(w.gettext("Indicator"), 60),
        _Column(w.gettext("Unit"), 14),
        _Column(w.gettext("Aggregation"), 22),
        _Column(w.gettext("Target minimum"), 12),
        _Column(w.gettext("Target maximum"), 12),
        _Column(w.gettext("Target scope"), 14),
        _Column(w.gettext("Result"), 12),
        _Column(w.gettext("Numerator"), 12, COUNT),
        _Column(w.gettext("Denominator"), 12, COUNT),
        _Column(w.gettext("Percent of the minimum"), 14, PERCENT),
        _Column(w.gettext("Assessment"), 18),
    ]
    _headers(sheet, columns, freeze="D2")
    for index, indicator in enumerate(report.indicators, start=1):
        kind = _number_format(indicator)
        of_target = indicator.attainment_percent
        _append(
            sheet,
            [
                index,
                indicator.code,
                indicator.name,
                indicator.unit,
                _optional(w, indicator.aggregation) or indicator.aggregation,
                _scaled(indicator, indicator.target_min),
                _scaled(indicator, indicator.target_max),
                _optional(w, indicator.target_scope),
                _scaled(indicator, indicator.province.value),
                indicator.province.numerator,
                indicator.province.denominator,
                None if of_target is None else float(of_target / 100),
                indicator.attainment.label(report.language),
            ],
        )
        for column in (6, 7, 9):
            sheet.cell(sheet.max_row, column).number_format = kind
    _formats(sheet, columns)


def _by_agency(sheet: Worksheet, report: ConsolidatedReport, w: Words) -> None:
    columns = [
        _Column(w.gettext("Code"), 20),
        _Column(w.gettext("Indicator"), 60),
        _Column(w.gettext("Agency code"), 14),
        _Column(w.gettext("Agency"), 36),
        _Column(w.gettext("Result"), 12),
        _Column(w.gettext("Numerator"), 12, COUNT),
        _Column(w.gettext("Denominator"), 12, COUNT),
    ]
    _headers(sheet, columns, freeze="C2")
    for indicator in report.indicators:
        for agency in indicator.by_agency:
            figure: Figure = agency.figure
            _append(
                sheet,
                [
                    indicator.code,
                    indicator.name,
                    agency.agency_code,
                    agency.agency_name,
                    _scaled(indicator, figure.value),
                    figure.numerator,
                    figure.denominator,
                ],
            )
            sheet.cell(sheet.max_row, 5).number_format = _number_format(indicator)
    _formats(sheet, columns)


def _work_volume(sheet: Worksheet, report: ConsolidatedReport, w: Words) -> None:
    columns = [
        _Column(w.gettext("No."), 6),
        _Column(w.gettext("Activity"), 70),
        _Column(w.gettext("Unit"), 14),
        _Column(w.gettext("Quantity"), 12),
        _Column(w.gettext("Years"), 20),
    ]
    _headers(sheet, columns, freeze="C2")
    for index, row in enumerate(report.work_volume, start=1):
        quantity = _plain(row.quantity)
        _append(sheet, [index, row.activity, row.unit, quantity, ", ".join(str(year) for year in row.years)])
        sheet.cell(sheet.max_row, 4).number_format = COUNT if isinstance(quantity, int) else DECIMAL
    _formats(sheet, columns)


def _funding(sheet: Worksheet, report: ConsolidatedReport, w: Words) -> None:
    total = report.funding_total
    keys = sources(total)
    columns = [
        _Column(w.gettext("No."), 6),
        _Column(w.gettext("Agency"), 40),
        *(_Column(source_label(key, report.language), 18, COUNT) for key in keys),
        _Column(w.gettext("Total"), 18, COUNT),
    ]
    _headers(sheet, columns, freeze="C2")
    for index, row in enumerate(report.funding_by_agency, start=1):
        _append(sheet, [index, row.label, *(row.by_source.get(key, 0) for key in keys), row.total])
    # Values from the model, not =SUM(...): see the module's docstring.
    _append(sheet, [None, total.label, *(total.by_source.get(key, 0) for key in keys), total.total])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    _formats(sheet, columns)
    _append(sheet, [])
    _append(sheet, [None, w.gettext("In words: {amount}.", amount=total_in_words(total.total))])
    sheet.cell(sheet.max_row, 2).font = Font(italic=True)


def _late_units(sheet: Worksheet, report: ConsolidatedReport, w: Words) -> None:
    columns = [
        _Column(w.gettext("No."), 6),
        _Column(w.gettext("Cycle"), 12),
        _Column(w.gettext("Agency code"), 16),
        _Column(w.gettext("Agency"), 36),
        _Column(w.gettext("Task"), 60),
        _Column(w.gettext("Due"), 12, DAY[w.language]),
        _Column(w.gettext("Sent"), 12, DAY[w.language]),
        _Column(w.gettext("Days late"), 12, COUNT),
        _Column(w.gettext("Status"), 14),
    ]
    _headers(sheet, columns, freeze="E2")
    for index, unit in enumerate(report.late_units, start=1):
        status = w.gettext("Not received") if unit.submitted_on is None else w.gettext("Late")
        _append(
            sheet,
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
            ],
        )
    _formats(sheet, columns)


def _enterprises(sheet: Worksheet, report: ConsolidatedReport, w: Words) -> None:
    columns = [
        _Column(w.gettext("No."), 6),
        _Column(w.gettext("Enterprise"), 48),
        _Column(w.gettext("Sector"), 26),
        _Column(w.gettext("Participation"), 28),
        _Column(w.gettext("Year"), 8),
        _Column(w.gettext("Reported by"), 36),
    ]
    _headers(sheet, columns, freeze="C2")
    for index, row in enumerate(report.enterprises, start=1):
        _append(sheet, [index, row.name, row.sector, row.participation, row.year, row.reported_by])
    _formats(sheet, columns)


def _timeliness(sheet: Worksheet, report: ConsolidatedReport, w: Words) -> None:
    columns = [
        _Column(w.gettext("Cycle"), 14),
        _Column(w.gettext("Reports due"), 14, COUNT),
        _Column(w.gettext("On time"), 12, COUNT),
        _Column(w.gettext("Late"), 12, COUNT),
        _Column(w.gettext("Not received"), 12, COUNT),
        _Column(w.gettext("Not yet due"), 12, COUNT),
        _Column(w.gettext("On-time rate"), 14, PERCENT),
    ]
    _headers(sheet, columns, freeze="B2")
    for cycle in report.timeliness:
        rate = cycle.on_time_rate
        _append(
            sheet,
            [
                cycle.cycle_label,
                cycle.expected,
                cycle.on_time,
                cycle.late,
                cycle.missing,
                cycle.pending,
                None if rate is None else float(rate / 100),
            ],
        )
    _formats(sheet, columns)


# --- building blocks ---------------------------------------------------------------------------


def _append(sheet: Worksheet, row: Sequence[object]) -> None:
    """One row, each value made safe for a spreadsheet (see ``safe_cell``)."""
    sheet.append([safe_cell(value) for value in row])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # openpyxl makes a formula of any text that begins with "="


def safe_cell(value: object) -> object:
    """``value`` as a cell can hold it: text inert, numbers as numbers as long as Excel can hold them.

    Text that begins with =, +, -, @, a tab or a carriage return is what a spreadsheet reads as a
    formula (or as the start of one, through DDE): it gets a leading apostrophe, as OWASP's
    CSV-injection guidance says, and stays text when the sheet is saved as CSV. A number larger
    than a double (Excel's only number) is written as its digits, as text, rather than not at all.
    """
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    exact = Decimal(value) if isinstance(value, int | Decimal) else Decimal(str(value))
    if not exact.is_finite() or abs(exact) > LARGEST_CELL_NUMBER:
        return str(value)
    return value


def _headers(sheet: Worksheet, columns: Sequence[_Column], *, freeze: str) -> None:
    _append(sheet, [column.title for column in columns])
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


def _share(w: Words, part: int, whole: int) -> str:
    return f"{w.number(part)}/{w.number(whole)}"


def _optional(w: Words, key: str | None) -> str | None:
    """The words for one of a few known keys (sum, ratio; plan, annual), None for any other."""
    return w.gettext(KEY_LABELS[key]) if key in KEY_LABELS else None

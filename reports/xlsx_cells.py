"""The workbook's building blocks: columns, header rows, number formats, and cells a spreadsheet cannot misread.

Numbers stay numbers (counts ``#,##0``, percentages as fractions ``0.0%``, years as plain integers
``0``, dates as dates); text that a spreadsheet would take for a formula is made inert.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from sxsh_flow.reports.model import IndicatorResult

COUNT = "#,##0"
DECIMAL = "#,##0.0"
PERCENT = "0.0%"
YEAR = "0"  # a year is a number, but not an amount: 2017, never 2.017
# Dates are date cells; their format writes them as the formatter does (21/12/2016 · 21 December 2016).
DAY = {"vi": "dd/mm/yyyy", "en": "d mmmm yyyy"}
# What a spreadsheet takes for the start of a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LARGEST_CELL_NUMBER = Decimal("9.99999999999999E+307")  # Excel's largest number
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
Cell = str | int | float | date | None


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # in characters, as Excel counts them
    number_format: str | None = None


def cycle_year(label: str) -> int | None:
    """The year of a cycle's label ("2017", "2017-H1" → 2017), as a number for its column."""
    year = label.partition("-")[0]
    return int(year) if year.isdigit() else None


def append(sheet: Worksheet, row: Sequence[object]) -> list[SheetCell]:
    """One row, each value made safe for a spreadsheet (see ``safe_cell``); returns its cells.

    The cells are made here and handed to ``Worksheet.append``: reading the row back by number
    (``sheet[sheet.max_row]``) looked at every cell of the sheet for each row.
    """
    cells = [SheetCell(sheet, value=safe_cell(value)) for value in row]
    for cell in cells:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # openpyxl makes a formula of any text that begins with "="
    sheet.append(cells)
    return cells


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


def headers(sheet: Worksheet, columns: Sequence[Column], *, freeze: str) -> None:
    append(sheet, [column.title for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for number, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    sheet.freeze_panes = freeze


# Made once: a style object built for every cell of a hundred-commune report cost more than the cell.
_TOP_WRAPPED = Alignment(vertical="top", wrap_text=True)
_TOP = Alignment(vertical="top", wrap_text=False)


def formats(sheet: Worksheet, columns: Sequence[Column]) -> None:
    """The columns' number formats, and wrapped text at the top of each cell, for the data rows so far."""
    for row in sheet.iter_rows(min_row=2, max_row=sheet.max_row):
        for cell, column in zip(row, columns, strict=False):
            if column.number_format and isinstance(cell.value, int | float | date):
                cell.number_format = column.number_format
            cell.alignment = _TOP_WRAPPED if isinstance(cell.value, str) else _TOP


def number_format(indicator: IndicatorResult) -> str:
    if indicator.unit == "%":
        return PERCENT
    values = (indicator.province.value, indicator.target_min, indicator.target_max)
    whole = all(value is None or Decimal(str(value)) == Decimal(str(value)).to_integral_value() for value in values)
    return COUNT if whole else DECIMAL


def scaled(indicator: IndicatorResult, value: Decimal | float | None) -> int | float | None:
    """A percentage as the fraction Excel formats with "%" (78,2 → 0,782); other figures as they are."""
    if value is None:
        return None
    if indicator.unit == "%":
        return float(Decimal(str(value)) / 100)
    return plain(Decimal(str(value)))


def plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)

"""The consolidated report's tables as an Excel workbook, in the report's outline, numbers kept as numbers.

The sheets follow the outline of the Word file and the page (``reports.outline``): each is named by
the section it belongs to ("I.1 Chỉ tiêu", "PL I Doanh nghiệp"), and the contents sheet lists every
heading with its number and the sheet that holds it.

Amounts and counts are numbers formatted ``#,##0``, which Excel and LibreOffice show with the
reader's own separators (1.023.600.000 on a Vietnamese system); percentages are fractions formatted
``0.0%``; years are integers. Totals are written as values taken from the model, not as ``SUM``
formulas: openpyxl cannot compute a formula, so a formula cell would reach a reader whose viewer
does not recalculate (a phone, a mail preview, pandas) empty, and the model is where every output
takes its figures from.
"""

from __future__ import annotations

import zipfile
from datetime import datetime
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from sxsh_flow.engine.time_policy import DayUnit
from sxsh_flow.reports.archive import stable_archive
from sxsh_flow.reports.model import ConsolidatedReport, Figure
from sxsh_flow.reports.outline import TEXT_SECTIONS, Heading, outline
from sxsh_flow.reports.writing import counts_text, source_label, sources, total_in_words, words_of
from sxsh_flow.reports.xlsx_cells import (
    COUNT,
    DAY,
    DECIMAL,
    PERCENT,
    YEAR,
    Cell,
    Column,
    append,
    cycle_year,
    formats,
    headers,
    number_format,
    plain,
    safe_cell,
    scaled,
)
from sxsh_flow.words import N_, Words

__all__ = ["render_xlsx", "safe_cell"]

# The labels of a few of the model's keys (an indicator's aggregation, a target's scope).
KEY_LABELS: dict[str, str] = {
    "sum": N_("Sum"),
    "ratio": N_("Ratio (numerator/denominator)"),
    "latest": N_("Latest figure"),
    "plan": N_("Whole plan"),
    "annual": N_("Every year"),
}
# How the late list counts its days: in the run's unit (its TimePolicy), said beside the number.
DAY_UNITS: dict[DayUnit, str] = {DayUnit.WORKING: N_("working days"), DayUnit.CALENDAR: N_("calendar days")}
SHEET_NAME_LENGTH = 31  # Excel's limit


def render_xlsx(report: ConsolidatedReport) -> bytes:
    """The report's tables as an .xlsx file, in the report's outline: the same bytes for the same report."""
    w = words_of(report)
    headings = {found.key: found for found in outline(report)}
    texts = [headings[key] for key in TEXT_SECTIONS]
    # Each heading's sheet: (heading keys it holds, sheet's short name, what fills it).
    plan = [
        (("indicators",), N_("Indicators"), _indicators),
        (("work_volume",), N_("Work volume"), _work_volume),
        (("funding", "funding_by_agency"), N_("Funding"), _funding),
        (tuple(TEXT_SECTIONS), N_("Agencies' texts"), _texts),
        (("reporting",), N_("Timeliness"), _timeliness),
        (("reporting",), N_("Late units"), _late_units),
        (("enterprises",), N_("Enterprises"), _enterprises),
        (("indicators_by_agency",), N_("Indicators per agency"), _by_agency),
    ]
    workbook = Workbook()
    workbook.remove(workbook.active)
    _about(workbook.create_sheet(w.gettext("About")), report, w)
    contents = workbook.create_sheet(w.gettext("Contents"))
    sheets: dict[str, list[str]] = {}
    for keys, name, fill in plan:
        if not all(key in headings for key in keys[:1]):
            continue  # an appendix this report does not have
        first = headings[keys[0]]
        number = f"{texts[0].reference}–{texts[-1].reference}" if keys == tuple(TEXT_SECTIONS) else _number(w, first)
        title = f"{number} {w.gettext(name)}"[:SHEET_NAME_LENGTH]
        fill(workbook.create_sheet(title), report, w)
        for key in keys:
            sheets.setdefault(key, []).append(title)
    _contents(contents, tuple(headings.values()), sheets, w)
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


def _number(w: Words, heading: Heading) -> str:
    """ "I.1" for a section of the body, "PL I" for an appendix: what a sheet's name begins with."""
    return w.gettext("App. {number}", number=heading.reference) if heading.appendix else heading.reference


def _about(sheet: Worksheet, report: ConsolidatedReport, w: Words) -> None:
    header = report.header
    counts = report.counts
    rows: list[tuple[str, Cell]] = [
        (w.gettext("Document"), f"{header.title} {header.subtitle}"),
        (w.gettext("Agency"), f"{header.superior_body} - {header.issuing_body}"),
        (w.gettext("Place and date"), header.place_and_date),
        (w.gettext("Plan"), report.plan_title),
        (w.gettext("Period"), ", ".join(w.cycle_name(label) for label in report.cycle_labels)),
        (w.gettext("Figures from ... to"), f"{w.date(report.period_start)} - {w.date(report.period_end)}"),
        (w.gettext("Reports"), counts_text(report)),
        (w.gettext("Reports due from the agencies"), counts.expected),
        (w.gettext("Reports received from the agencies"), counts.received),
    ]
    if counts.upward_expected:
        rows += [
            (w.gettext("Reports of the lead agency upward, due"), counts.upward_expected),
            (w.gettext("Reports of the lead agency upward, sent"), counts.upward_received),
            (w.gettext("Reports due in all"), counts.all_expected),
            (w.gettext("Reports received in all"), counts.all_received),
        ]
    rows += [(w.gettext("Notes"), note) for note in report.notes]
    for row in rows:
        cells = append(sheet, list(row))
        if isinstance(row[1], int):
            cells[1].number_format = COUNT
    for cell in sheet["A"]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 110


def _contents(sheet: Worksheet, headings: tuple[Heading, ...], sheets: dict[str, list[str]], w: Words) -> None:
    """Every heading of the report, numbered as the Word file and the page number it, and its sheet."""
    columns = [Column(w.gettext("Section"), 12), Column(w.gettext("Heading"), 60), Column(w.gettext("Sheet"), 50)]
    headers(sheet, columns, freeze="A2")
    for found in headings:
        number = found.label if found.appendix else found.reference
        append(sheet, [number, found.title, ", ".join(sheets.get(found.key, []))])
    formats(sheet, columns)


def _indicators(sheet: Worksheet, report: ConsolidatedReport, w: Words) -> None:
    columns = [
        Column(w.gettext("No."), 6),
        Column(w.gettext("Code"), 20),
        Column(w.gettext("Indicator"), 60),
        Column(w.gettext("Unit"), 14),
        Column(w.gettext("Aggregation"), 22),
        Column(w.gettext("Target minimum"), 12),
        Column(w.gettext("Target maximum"), 12),
        Column(w.gettext("Target scope"), 14),
        Column(w.gettext("Result"), 12),
        Column(w.gettext("Numerator"), 12, COUNT),
        Column(w.gettext("Denominator"), 12, COUNT),
        Column(w.gettext("Percent of the minimum"), 14, PERCENT),
        Column(w.gettext("Assessment"), 18),
    ]
    headers(sheet, columns, freeze="D2")
    for index, indicator in enumerate(report.indicators, start=1):
        kind = number_format(indicator)
        of_target = indicator.attainment_percent
        cells = append(
            sheet,
            [
                index,
                indicator.code,
                indicator.name,
                indicator.unit,
                _optional(w, indicator.aggregation) or indicator.aggregation,
                scaled(indicator, indicator.target_min),
                scaled(indicator, indicator.target_max),
                _optional(w, indicator.target_scope),
                scaled(indicator, indicator.province.value),
                indicator.province.numerator,
                indicator.province.denominator,
                None if of_target is None else float(of_target / 100),
                indicator.attainment.label(report.language),
            ],
        )
        for column in (6, 7, 9):
            cells[column - 1].number_format = kind
    formats(sheet, columns)


def _work_volume(sheet: Worksheet, report: ConsolidatedReport, w: Words) -> None:
    columns = [
        Column(w.gettext("No."), 6),
        Column(w.gettext("Activity"), 70),
        Column(w.gettext("Unit"), 14),
        Column(w.gettext("Quantity"), 12),
        Column(w.gettext("From year"), 10, YEAR),
        Column(w.gettext("To year"), 10, YEAR),
    ]
    headers(sheet, columns, freeze="C2")
    for index, row in enumerate(report.work_volume, start=1):
        quantity = plain(row.quantity)
        first = min(row.years) if row.years else None
        last = max(row.years) if row.years else None
        cells = append(sheet, [index, row.activity, row.unit, quantity, first, last])
        cells[3].number_format = COUNT if isinstance(quantity, int) else DECIMAL
    formats(sheet, columns)


def _funding(sheet: Worksheet, report: ConsolidatedReport, w: Words) -> None:
    total = report.funding_total
    keys = sources(total)
    columns = [
        Column(w.gettext("No."), 6),
        Column(w.gettext("Agency"), 40),
        *(Column(source_label(key, report.language), 18, COUNT) for key in keys),
        Column(w.gettext("Total"), 18, COUNT),
    ]
    headers(sheet, columns, freeze="C2")
    for index, row in enumerate(report.funding_by_agency, start=1):
        append(sheet, [index, row.label, *(row.by_source.get(key, 0) for key in keys), row.total])
    # Values from the model, not =SUM(...): see the module's docstring.
    for cell in append(sheet, [None, total.label, *(total.by_source.get(key, 0) for key in keys), total.total]):
        cell.font = Font(bold=True)
    formats(sheet, columns)
    append(sheet, [])
    in_words = append(sheet, [None, w.gettext("In words: {amount}.", amount=total_in_words(total.total))])
    in_words[1].font = Font(italic=True)


def _texts(sheet: Worksheet, report: ConsolidatedReport, w: Words) -> None:
    """What the agencies wrote, under the section it belongs to (I.4 results; II, III, IV), task by task."""
    headings = {found.key: found for found in outline(report)}
    columns = [
        Column(w.gettext("Section"), 8),
        Column(w.gettext("Heading"), 28),
        Column(w.gettext("Agency"), 32),
        Column(w.gettext("Task"), 40),
        Column(w.gettext("Year"), 8, YEAR),
        Column(w.gettext("Cycle"), 16),
        Column(w.gettext("Text"), 90),
    ]
    headers(sheet, columns, freeze="C2")
    for key, section in TEXT_SECTIONS.items():
        found = headings[key]
        for item in report.texts.get(section, ()):
            label = item.cycle_label or report.cycle_labels[-1]
            year = cycle_year(label)
            cycle = w.cycle_name(label)
            append(sheet, [found.reference, found.title, item.agency_name, item.task_title, year, cycle, item.text])
    formats(sheet, columns)


def _late_units(sheet: Worksheet, report: ConsolidatedReport, w: Words) -> None:
    columns = [
        Column(w.gettext("No."), 6),
        Column(w.gettext("Year"), 12, YEAR),
        Column(w.gettext("Cycle"), 16),
        Column(w.gettext("Agency code"), 16),
        Column(w.gettext("Agency"), 36),
        Column(w.gettext("Task"), 60),
        Column(w.gettext("Due"), 12, DAY[w.language]),
        Column(w.gettext("Sent"), 12, DAY[w.language]),
        Column(w.gettext("Days late"), 12, COUNT),
        Column(w.gettext("Day unit"), 16),
        Column(w.gettext("Status"), 14),
    ]
    headers(sheet, columns, freeze="F2")
    for index, unit in enumerate(report.late_units, start=1):
        status = w.gettext("Not received") if unit.submitted_on is None else w.gettext("Late")
        append(
            sheet,
            [
                index,
                cycle_year(unit.cycle_label),
                w.cycle_name(unit.cycle_label),
                unit.agency_code,
                unit.agency_name,
                unit.task_title,
                unit.due_on,
                unit.submitted_on,
                unit.days_late,
                w.gettext(DAY_UNITS[unit.day_unit]),
                status,
            ],
        )
    formats(sheet, columns)


def _enterprises(sheet: Worksheet, report: ConsolidatedReport, w: Words) -> None:
    columns = [
        Column(w.gettext("No."), 6),
        Column(w.gettext("Enterprise"), 48),
        Column(w.gettext("Sector"), 26),
        Column(w.gettext("Participation"), 28),
        Column(w.gettext("Year"), 8, YEAR),
        Column(w.gettext("Reported by"), 36),
    ]
    headers(sheet, columns, freeze="C2")
    for index, row in enumerate(report.enterprises, start=1):
        append(sheet, [index, row.name, row.sector, row.participation, row.year, row.reported_by])
    formats(sheet, columns)


def _timeliness(sheet: Worksheet, report: ConsolidatedReport, w: Words) -> None:
    columns = [
        Column(w.gettext("Year"), 8, YEAR),
        Column(w.gettext("Cycle"), 16),
        Column(w.gettext("Reports due"), 14, COUNT),
        Column(w.gettext("On time"), 12, COUNT),
        Column(w.gettext("Late"), 12, COUNT),
        Column(w.gettext("Not received"), 12, COUNT),
        Column(w.gettext("Not yet due"), 12, COUNT),
        Column(w.gettext("On-time rate"), 14, PERCENT),
    ]
    headers(sheet, columns, freeze="C2")
    for cycle in report.timeliness:
        rate = cycle.on_time_rate
        append(
            sheet,
            [
                cycle_year(cycle.cycle_label),
                w.cycle_name(cycle.cycle_label),
                cycle.expected,
                cycle.on_time,
                cycle.late,
                cycle.missing,
                cycle.pending,
                None if rate is None else float(rate / 100),
            ],
        )
    formats(sheet, columns)


def _by_agency(sheet: Worksheet, report: ConsolidatedReport, w: Words) -> None:
    columns = [
        Column(w.gettext("Code"), 20),
        Column(w.gettext("Indicator"), 60),
        Column(w.gettext("Agency code"), 14),
        Column(w.gettext("Agency"), 36),
        Column(w.gettext("Result"), 12),
        Column(w.gettext("Numerator"), 12, COUNT),
        Column(w.gettext("Denominator"), 12, COUNT),
    ]
    headers(sheet, columns, freeze="C2")
    for indicator in report.indicators:
        for agency in indicator.by_agency:
            figure: Figure = agency.figure
            cells = append(
                sheet,
                [
                    indicator.code,
                    indicator.name,
                    agency.agency_code,
                    agency.agency_name,
                    scaled(indicator, figure.value),
                    figure.numerator,
                    figure.denominator,
                ],
            )
            cells[4].number_format = number_format(indicator)
    formats(sheet, columns)


def _share(w: Words, part: int, whole: int) -> str:
    return f"{w.number(part)}/{w.number(whole)}"


def _optional(w: Words, key: str | None) -> str | None:
    """The words for one of a few known keys (sum, ratio; plan, annual), None for any other."""
    return w.gettext(KEY_LABELS[key]) if key in KEY_LABELS else None

"""The appendices of the Word report, on landscape pages after the signature, as provincial reports
attach them: the enterprises that took part (always, seed 003's appendix), the funding per agency and
source, and the indicators per agency (each when it has rows)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from docx.enum.section import WD_SECTION

from sxsh_flow.reports.decree30 import number_line
from sxsh_flow.reports.docx_layout import set_page
from sxsh_flow.reports.docx_sections import figure_cell
from sxsh_flow.reports.model import ConsolidatedReport
from sxsh_flow.reports.ooxml import LANDSCAPE_TEXT_WIDTH_CM, add_grid, add_paragraph, make_bold, merge_down, table_cells
from sxsh_flow.reports.outline import outline
from sxsh_flow.reports.writing import source_label, sources, words_of
from sxsh_flow.words import N_, Words

_Table = Callable[[Any, ConsolidatedReport, Words], None]


def add_appendices(document: Any, report: ConsolidatedReport) -> None:
    w = words_of(report)
    section = document.add_section(WD_SECTION.NEW_PAGE)
    set_page(section, landscape=True)
    section.different_first_page_header_footer = False
    number = number_line(report.header.number_symbol).removeprefix("Số:")
    day = w.date(report.header.issued_on)
    if report.lead_name:
        attached = w.gettext(
            "(Attached to report No. {number} of {day} by {lead})", number=number, day=day, lead=report.lead_name
        )
    else:
        attached = w.gettext("(Attached to report No. {number} of {day})", number=number, day=day)
    # Which appendices, their numbers and titles: the report's outline (the body refers to them by it).
    tables: dict[str, _Table] = {
        "enterprises": _enterprise_table,
        "funding_by_agency": _funding_by_agency_table,
        "indicators_by_agency": _by_agency_table,
    }
    appendices = [found for found in outline(report) if found.appendix]
    for index, found in enumerate(appendices):
        heading = add_paragraph(document, found.label, bold=True, align="center", indent=False)
        if index:
            heading.paragraph_format.page_break_before = True
        add_paragraph(document, found.title, bold=True, align="center", indent=False, after=0)
        add_paragraph(document, attached, italic=True, align="center", indent=False, after=12)
        tables[found.key](document, report, w)


def _enterprise_table(document: Any, report: ConsolidatedReport, w: Words) -> None:
    if not report.enterprises:
        add_paragraph(document, w.gettext("No enterprise was reported."), align="center", indent=False)
        return
    rows = [
        [str(index), row.name, row.sector, row.participation, str(row.year), row.reported_by]
        for index, row in enumerate(report.enterprises, start=1)
    ]
    titles = (N_("No."), N_("Enterprise"), N_("Sector"), N_("Participation"), N_("Year"), N_("Reported by"))
    add_grid(document, [w.gettext(t) for t in titles], rows, (1.2, 7.5, 4.5, 4.5, 1.5, 5.5), align="cllccl")


def _funding_by_agency_table(document: Any, report: ConsolidatedReport, w: Words) -> None:
    total = report.funding_total
    keys = sources(total)
    rows = [
        [str(index), row.label, *(w.number(row.by_source.get(key, 0)) for key in keys), w.number(row.total)]
        for index, row in enumerate(report.funding_by_agency, start=1)
    ]
    rows.append(["", total.label, *(w.number(total.by_source.get(key, 0)) for key in keys), w.number(total.total)])
    labels = [source_label(key, report.language) for key in keys]
    headers = [w.gettext("No."), w.gettext("Agency"), *labels, w.gettext("Total")]
    amount_width = (LANDSCAPE_TEXT_WIDTH_CM - 1.2 - 6.0) / (len(keys) + 1)
    table = add_grid(
        document, headers, rows, (1.2, 6.0, *([amount_width] * (len(keys) + 1))), align="cl" + "r" * (len(keys) + 1)
    )
    make_bold(table, len(rows))


def _by_agency_table(document: Any, report: ConsolidatedReport, w: Words) -> None:
    rows: list[list[str]] = []
    spans: list[tuple[int, int]] = []  # the rows each indicator covers, merged in its first two columns
    for index, indicator in enumerate((i for i in report.indicators if i.by_agency), start=1):
        first = len(rows) + 1
        for agency in indicator.by_agency:
            value, _, parts = figure_cell(w, indicator, agency.figure).partition("\n")
            name = f"{indicator.name} ({indicator.unit})" if indicator.unit else indicator.name
            rows.append([str(index), name, agency.agency_name, value, parts.strip("()")])
        spans.append((first, len(rows)))
    titles = (N_("No."), N_("Indicator"), N_("Agency"), N_("Result"), N_("Numerator/denominator"))
    table = add_grid(document, [w.gettext(t) for t in titles], rows, (1.2, 9.5, 7.0, 3.0, 4.0), align="cllcc")
    grid = table_cells(table)
    for first, last in spans:
        for column in (0, 1):
            if last > first:
                for row in range(first + 1, last + 1):
                    grid[row][column].paragraphs[0].runs[0].text = ""
                merge_down([grid[row][column] for row in range(first, last + 1)])

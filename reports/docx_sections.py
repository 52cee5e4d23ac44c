"""The body of the Word report: its parts and items, the tables of each and the sentences around them.

Its headings, their numbers and titles are the report's outline (``reports.outline``), which the page
and the workbook follow too. The body follows ``report.language``; its words come from the ``reports``
catalogue and its figures from ``reports.writing``, as in the page and the workbook.
"""

from __future__ import annotations

from typing import Any

from sxsh_flow.reports.charts import attainment_chart, timeliness_chart
from sxsh_flow.reports.model import ConsolidatedReport, Figure, IndicatorResult
from sxsh_flow.reports.ooxml import (
    TABLE_PT,
    add_grid,
    add_paragraph,
    add_picture,
    add_run,
    make_bold,
    make_smaller,
    table_cells,
)
from sxsh_flow.reports.outline import TEXT_SECTIONS, heading
from sxsh_flow.reports.writing import (
    NO_FIGURE,
    STATE_BUDGET,
    counts_text,
    late_by,
    period_text,
    ratio_parts,
    source_label,
    sources,
    target_text,
    texts_by_agency,
    total_in_words,
    words_of,
    years_text,
)
from sxsh_flow.words import N_, Words


def _heading(document: Any, report: ConsolidatedReport, key: str) -> None:
    """A part (Heading 1) or an item (Heading 2), numbered and worded by the report's outline."""
    found = heading(report, key)
    document.add_paragraph(found.label, style="Heading 1" if found.level == 1 else "Heading 2")


def add_body(document: Any, report: ConsolidatedReport) -> None:
    """From "Thực hiện ..." to "Trên đây là báo cáo ...": the report between its header and its signature."""
    w = words_of(report)
    period = period_text(report)
    conjunction = w.gettext("and")
    documents = f" {conjunction} ".join([*report.legal_basis, report.plan_title])
    if report.lead_name:
        ending = w.gettext(
            "based on the reports of the agencies, {lead} reports the results of {period} as follows:",
            lead=report.lead_name,
            period=period,
        )
    else:
        ending = w.gettext(
            "based on the reports of the agencies, the results of {period} are consolidated as follows:", period=period
        )
    add_paragraph(document, w.gettext("Pursuant to {documents}; {ending}", documents=documents, ending=ending))
    period_line = w.gettext(
        "Figures from {start} to {end}.", start=w.date(report.period_start), end=w.date(report.period_end)
    )
    add_paragraph(document, f"{period_line} {counts_text(report)}")
    charts = 0
    _heading(document, report, "results")
    _heading(document, report, "indicators")
    _indicator_table(document, report, w)
    for note in report.notes:
        add_paragraph(document, w.gettext("Notes: {note}", note=note), italic=True, size=TABLE_PT, before=3)
    chart = attainment_chart(report)
    if chart:
        charts += 1
        add_picture(document, chart, w.gettext("Chart {number}", number=charts))
    _heading(document, report, "work_volume")
    _work_volume_table(document, report, w)
    _heading(document, report, "funding")
    _funding(document, report, w)
    _heading(document, report, "activities")
    _texts(document, report, TEXT_SECTIONS["activities"], w)
    _heading(document, report, "reporting")
    _timeliness(document, report, w)
    chart = timeliness_chart(report)
    if chart:
        charts += 1
        add_picture(document, chart, w.gettext("Chart {number}", number=charts))
    for key in ("difficulties", "recommendations", "next_tasks"):
        _heading(document, report, key)
        _texts(document, report, TEXT_SECTIONS[key], w)
    subject = report.header.subtitle
    conclusion = w.gettext("This concludes the report on {subject}./.", subject=subject[:1].lower() + subject[1:])
    closing = add_paragraph(document, conclusion, before=6)
    closing.paragraph_format.keep_with_next = True  # the last words of the body go with the signature


def figure_cell(w: Words, indicator: IndicatorResult, figure: Figure) -> str:
    """78,2 with its parts under it, "(1.134/1.450)", for a ratio; the plain figure otherwise."""
    if figure.value is None:
        return NO_FIGURE
    number = w.number(figure.value, 1 if indicator.aggregation == "ratio" else None)
    parts = ratio_parts(w, figure)
    return f"{number}\n({parts})" if parts else number


def _indicator_table(document: Any, report: ConsolidatedReport, w: Words) -> None:
    if not report.indicators:
        add_paragraph(document, w.gettext("No figures yet."))
        return
    rows = []
    for index, indicator in enumerate(report.indicators, start=1):
        target = target_text(w, indicator.target_min, indicator.target_max, "")
        if target and indicator.target_until is not None:
            target += "\n" + w.gettext("(by {year})", year=indicator.target_until)
        elif target and indicator.target_scope == "plan":
            target += "\n" + w.gettext("(whole plan)")
        rows.append(
            [
                str(index),
                indicator.name,
                indicator.unit,
                target or NO_FIGURE,
                figure_cell(w, indicator, indicator.province),
                indicator.attainment.label(report.language),
            ]
        )
    titles = (N_("No."), N_("Indicator"), N_("Unit"), N_("Target"), N_("Result"), N_("Assessment"))
    headers = [w.gettext(title) for title in titles]
    table = add_grid(document, headers, rows, (1.2, 5.8, 2.0, 2.1, 2.9, 2.0), align="cllccc")
    for cells in table_cells(table)[1:]:  # a ratio's parts under its percentage, smaller
        make_smaller(cells[4].paragraphs[1:])
        make_smaller(cells[3].paragraphs[1:])


def _work_volume_table(document: Any, report: ConsolidatedReport, w: Words) -> None:
    if not report.work_volume:
        add_paragraph(document, w.gettext("No figures yet."))
        return
    rows = [
        [
            f"{index:02d}",  # seed 003 numbers its lines 01, 02 ...
            row.activity,
            row.unit,
            w.number(row.quantity),
            years_text(w, row.years),
        ]
        for index, row in enumerate(report.work_volume, start=1)
    ]
    titles = (N_("No."), N_("Activity"), N_("Unit"), N_("Quantity"), N_("Years"))
    headers = [w.gettext(title) for title in titles]
    add_grid(document, headers, rows, (1.2, 7.8, 2.3, 1.9, 2.8), align="clccc")


def _funding(document: Any, report: ConsolidatedReport, w: Words) -> None:
    total = report.funding_total
    central, local = (total.by_source.get(key, 0) for key in STATE_BUDGET)
    add_paragraph(
        document,
        w.gettext(
            "Total funding: {total}, of which the state budget {state} "
            "(central budget {central}, local budget {local}).",
            total=w.money(total.total),
            state=w.money(total.state_budget),
            central=w.money(central),
            local=w.money(local),
        ),
    )
    rows = [
        [str(index), source_label(key, report.language), w.number(total.by_source.get(key, 0))]
        for index, key in enumerate(sources(total), start=1)
    ]
    rows.append(["", w.gettext("Total"), w.number(total.total)])
    headers = [w.gettext(title) for title in (N_("No."), N_("Source"), N_("Amount (VND)"))]
    table = add_grid(document, headers, rows, (1.2, 9.8, 5.0), align="clr")
    make_bold(table, len(rows))
    in_words = w.gettext("In words: {amount}.", amount=total_in_words(total.total))
    add_paragraph(document, in_words, italic=True, before=3)
    if report.funding_by_agency:
        appendix = heading(report, "funding_by_agency").reference
        add_paragraph(document, w.gettext("(Funding per agency in Appendix {number}.)", number=appendix), italic=True)


def _texts(document: Any, report: ConsolidatedReport, section: str, w: Words) -> None:
    written = report.texts.get(section, ())
    if not written:
        add_paragraph(document, w.gettext("No agency wrote on this."))
        return
    for agency, tasks in texts_by_agency(w, written, cycles=len(report.cycle_labels) > 1):
        add_run(add_paragraph(document, "- "), agency + ":", italic=True)
        for task, text in tasks:
            paragraph = add_paragraph(document, "+ ")
            add_run(paragraph, task, italic=True)
            # One break per line typed: Word makes a break of every "\r" and every "\n", and browsers
            # send a textarea's line ends as "\r\n" (older rows kept them).
            add_run(paragraph, ": " + "\n".join(text.splitlines()))


def _timeliness(document: Any, report: ConsolidatedReport, w: Words) -> None:
    late = sum(1 for unit in report.late_units if unit.submitted_on is not None)
    missing = sum(1 for unit in report.late_units if unit.submitted_on is None)
    add_paragraph(
        document,
        w.gettext(
            "{received} of {expected} reports were received and consolidated; {late} came after the deadline, "
            "{missing} have not come.",
            received=w.number(report.reports_received),
            expected=w.number(report.reports_expected),
            late=w.number(late),
            missing=w.number(missing),
        ),
    )
    if not report.late_units:
        add_paragraph(document, w.gettext("Every agency reported on time."))
        return
    rows = []
    for index, unit in enumerate(report.late_units, start=1):
        status = late_by(w, unit)  # in the run's unit, as the emails said it: "Chậm 4 ngày làm việc"
        rows.append(
            [
                str(index),
                f"{unit.agency_name}\n{unit.task_title}",
                unit.cycle_label,
                w.date(unit.due_on),
                w.date(unit.submitted_on) if unit.submitted_on else "",
                status,
            ]
        )
    titles = (N_("No."), N_("Agency"), N_("Cycle"), N_("Due"), N_("Sent"), N_("Status"))
    headers = [w.gettext(title) for title in titles]
    table = add_grid(document, headers, rows, (1.2, 5.2, 1.6, 2.6, 2.6, 2.8), align="clcccc")
    for cells in table_cells(table)[1:]:  # the task under the agency's name, smaller and in italics
        make_smaller(cells[1].paragraphs[1:], italic=True)

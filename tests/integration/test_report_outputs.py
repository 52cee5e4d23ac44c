"""One run, three outputs: the HTML page, the Word file and the workbook agree with each other and with
the database.

The run is ``tests/report_scenario``'s (several agencies, ratios, 123.000.000 central and 900.600.000
local budget, enterprises, one unit late and one missing). Its 2017 report is rendered in the three
forms, and each is read back as a reader would: the HTML with ``html.parser``, the Word file with
python-docx, the workbook with openpyxl. What they say is compared with figures computed here, from
the submissions stored in the database, without the consolidation code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from sxsh_flow.engine.clock import local_date
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import ReportingCycle, Submission, TaskRun
from sxsh_flow.engine.report_form import FUNDING_SOURCES, form_label
from sxsh_flow.engine.states import SubmissionState, TaskRunState
from sxsh_flow.reports.collect import build_report
from sxsh_flow.reports.docx import render_docx
from sxsh_flow.reports.html import render_html
from sxsh_flow.reports.model import ConsolidatedReport
from sxsh_flow.reports.money_words import amount_in_words
from sxsh_flow.reports.xlsx import render_xlsx
from sxsh_flow.words import words

from ..report_scenario import LATE_UNIT, MISSING_UNIT, PROVINCE_TOTAL, TODAY, TOTAL_IN_WORDS, build_scenario

CYCLE = "2017"
RATIOS = ("informed", "applying", "saving", "officers_trained")
COUNTS = ("quick_assessments", "detailed_assessments")
UPWARD_TASK = "sct-consolidated-report"  # Sở Công Thương's own report to UBND tỉnh: what is being built


@dataclass
class Reading:
    """What one output says, in plain values."""

    place_and_date: str = ""
    ratios: dict[str, tuple[Decimal, int, int]] = field(default_factory=dict)  # code -> (percent, num, den)
    counts: dict[str, Decimal] = field(default_factory=dict)
    funding: dict[str, int] = field(default_factory=dict)  # source key (and "total") -> đồng
    in_words: str = ""
    late: dict[str, date | None] = field(default_factory=dict)  # agency name -> day sent (None: not sent)
    enterprises: int = 0


# --- the database, read directly -----------------------------------------------------------------


def database_truth(session: Session, run_id: int, cycle: str = CYCLE, today: date = TODAY) -> Reading:
    """The figures of a cycle (2017) from the stored submissions: the accepted version of each task run, else
    the one awaiting review; returned versions and drafts do not count; cancelled task runs are not due."""
    truth = Reading()
    numerators: dict[str, list[int]] = {code: [0, 0] for code in RATIOS}
    counts = dict.fromkeys(COUNTS, Decimal(0))
    funding = {key: 0 for key, _ in FUNDING_SOURCES}
    enterprises: set[tuple[str, str]] = set()
    task_runs = session.scalars(
        select(TaskRun)
        .join(ReportingCycle, TaskRun.cycle_id == ReportingCycle.id)
        .where(TaskRun.plan_run_id == run_id, ReportingCycle.label == cycle)
    ).all()
    for task_run in task_runs:
        if task_run.state is TaskRunState.CANCELLED or task_run.task_key == UPWARD_TASK:
            continue
        sent = session.scalars(
            select(Submission)
            .where(Submission.task_run_id == task_run.id, Submission.state != SubmissionState.DRAFT)
            .order_by(Submission.version)
        ).all()
        first = min((v.submitted_at for v in sent if v.submitted_at), default=None)
        if first is None and task_run.effective_due_on < today:
            truth.late[task_run.agency_name] = None
        elif first is not None and local_date(first) > task_run.effective_due_on:
            truth.late[task_run.agency_name] = local_date(first)
        counted = [v for v in sent if v.state is SubmissionState.ACCEPTED] or [
            v for v in sent if v.state is SubmissionState.SUBMITTED
        ]
        if not counted:
            continue
        values: dict[str, Any] = counted[-1].values
        for code in RATIOS:
            if f"indicator.{code}.numerator" in values:
                numerators[code][0] += values[f"indicator.{code}.numerator"]
                numerators[code][1] += values[f"indicator.{code}.denominator"]
        for code in COUNTS:
            counts[code] += Decimal(str(values.get(f"indicator.{code}.value", 0)))
        for key in funding:
            funding[key] += values.get(f"funding.{key}", 0)
        enterprises |= {(e["name"].casefold(), e["participation"]) for e in values.get("enterprises", [])}
    for code, (top, bottom) in numerators.items():
        percent = (Decimal(top) * 100 / Decimal(bottom)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        truth.ratios[code] = (percent, top, bottom)
    truth.counts = counts
    truth.funding = {**funding, "total": sum(funding.values())}
    truth.in_words = amount_in_words(truth.funding["total"])
    truth.enterprises = len(enterprises)
    return truth


# --- reading the outputs back --------------------------------------------------------------------


def vietnamese_number(text: str) -> Decimal:
    return Decimal(text.strip().rstrip("%").replace(".", "").replace(",", "."))


def day(text: str) -> date:
    """dd/mm/yyyy."""
    dd, mm, yyyy = (int(part) for part in text.split("/"))
    return date(yyyy, mm, dd)


def ratio_parts(text: str) -> tuple[int, int]:
    found = re.search(r"([\d.]+)\s*/\s*([\d.]+)", text)
    assert found, f"no numerator/denominator in {text!r}"
    return int(found.group(1).replace(".", "")), int(found.group(2).replace(".", ""))


class Page(HTMLParser):
    """The cells of the HTML page's tables, row by row, with the attributes of their rows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[dict[str, str], list[tuple[dict[str, str], str]]]] = []
        self.paragraphs: list[tuple[dict[str, str], str]] = []
        self._cell: tuple[dict[str, str], list[str]] | None = None
        self._paragraph: tuple[dict[str, str], list[str]] | None = None
        self._tables: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {key: value or "" for key, value in attrs}
        if tag == "table":
            self._tables.append(named.get("class", ""))
        elif tag == "tr":
            self.rows.append(({**named, "table": self._tables[-1] if self._tables else ""}, []))
        elif tag in ("td", "th"):
            self._cell = (named, [])
        elif tag == "p":
            self._paragraph = (named, [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._tables.pop()
        elif tag in ("td", "th") and self._cell is not None:
            self.rows[-1][1].append((self._cell[0], "".join(self._cell[1]).strip()))
            self._cell = None
        elif tag == "p" and self._paragraph is not None:
            self.paragraphs.append((self._paragraph[0], "".join(self._paragraph[1]).strip()))
            self._paragraph = None

    def handle_data(self, data: str) -> None:
        for open_element in (self._cell, self._paragraph):
            if open_element is not None:
                open_element[1].append(data)


def read_html(page: str) -> Reading:
    parsed = Page()
    parsed.feed(page)
    reading = Reading()
    reading.place_and_date = next(text for attrs, text in parsed.paragraphs if attrs.get("class") == "place-date")
    for attrs, cells in parsed.rows:
        code = attrs.get("data-indicator")
        texts = [text for _, text in cells]
        if code in RATIOS:
            reading.ratios[code] = (vietnamese_number(texts[3]), *ratio_parts(texts[4]))
        elif code in COUNTS:
            reading.counts[code] = vietnamese_number(texts[3].split()[0])
        elif "data-agency" in attrs:
            reading.late[texts[1]] = None if texts[4] == "Chưa nộp" else day(texts[4])
        elif "enterprises" in attrs["table"] and cells and cells[0][0].get("class") == "num":
            reading.enterprises += 1
        for cell_attrs, text in cells:
            if "data-source" in cell_attrs:
                reading.funding[cell_attrs["data-source"]] = int(vietnamese_number(text))
    words = next(text for attrs, text in parsed.paragraphs if attrs.get("class") == "in-words")
    reading.in_words = words.removeprefix("Bằng chữ: ").removesuffix(".")
    return reading


def vi(message: str) -> str:
    """A word of the report as the Vietnamese outputs print it."""
    return words("vi").gettext(message)


IN_WORDS = vi("In words: {amount}.").partition("{amount}")[0]  # "Bằng chữ: "


def read_docx(content: bytes, report: ConsolidatedReport) -> Reading:
    document = Document(BytesIO(content))
    reading = Reading()
    by_name = {indicator.name: indicator.code for indicator in report.indicators}
    header_cells = [cell.text for row in document.tables[0].rows for cell in row.cells]
    reading.place_and_date = next(text for text in header_cells if "ngày" in text and "tháng" in text).strip()
    for table in document.tables:
        headings = [cell.text for cell in table.rows[0].cells]
        rows = [[cell.text for cell in row.cells] for row in table.rows[1:]]
        if headings[:2] == [vi("No."), vi("Indicator")] and vi("Target") in headings:
            for row in rows:
                code = by_name[row[1]]
                if code in RATIOS:
                    reading.ratios[code] = (vietnamese_number(row[4].split("\n")[0]), *ratio_parts(row[4]))
                elif code in COUNTS:
                    reading.counts[code] = vietnamese_number(row[4].split("\n")[0])
        elif headings == [vi("No."), vi("Source"), vi("Amount (VND)")]:
            labels = {form_label(name, "vi"): key for key, name in FUNDING_SOURCES}
            for _, label, amount in rows:
                reading.funding[labels.get(label, "total")] = int(vietnamese_number(amount))
        elif headings[:2] == [vi("No."), vi("Agency")] and vi("Due") in headings:
            for row in rows:
                sent = row[headings.index(vi("Sent"))]
                name = row[1].split("\n")[0]
                reading.late[name] = day(sent) if sent else None
        elif headings[:2] == [vi("No."), vi("Enterprise")]:
            reading.enterprises = len(rows)
    in_words = next(p.text for p in document.paragraphs if p.text.startswith(IN_WORDS))
    reading.in_words = in_words.removeprefix(IN_WORDS).removesuffix(".")
    return reading


def read_xlsx(content: bytes) -> Reading:
    workbook = load_workbook(BytesIO(content))
    reading = Reading()

    def table(sheet: str) -> tuple[list[Any], list[list[Any]]]:
        # Sheets are named by their section of the outline ("I.3 Kinh phí"): found by the name after it.
        found = next(s for s in workbook.worksheets if s.title.endswith(" " + vi(sheet)))
        rows = [list(row) for row in found.iter_rows(values_only=True)]
        return rows[0], [row for row in rows[1:] if any(cell is not None for cell in row)]

    about = dict((row[0], row[1]) for row in workbook[vi("About")].iter_rows(values_only=True))
    reading.place_and_date = about[vi("Place and date")]
    headings, rows = table("Indicators")
    column = {heading: index for index, heading in enumerate(headings)}
    for row in rows:
        code, result = row[column[vi("Code")]], row[column[vi("Result")]]
        if code in RATIOS:
            percent = (Decimal(str(result)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            numerator, denominator = row[column[vi("Numerator")]], row[column[vi("Denominator")]]
            reading.ratios[code] = (percent, numerator, denominator)
        elif code in COUNTS:
            reading.counts[code] = Decimal(str(result))
    headings, rows = table("Funding")
    total_row = next(row for row in rows if row[1] == vi("Total"))
    labels = {form_label(name, "vi"): key for key, name in FUNDING_SOURCES} | {vi("Total"): "total"}
    reading.funding = {labels[heading]: total_row[index] for index, heading in enumerate(headings) if heading in labels}
    in_words = next(row[1] for row in rows if isinstance(row[1], str) and row[1].startswith(IN_WORDS))
    reading.in_words = in_words.removeprefix(IN_WORDS).removesuffix(".")
    headings, rows = table("Late units")
    column = {heading: index for index, heading in enumerate(headings)}
    for row in rows:
        sent = row[column[vi("Sent")]]
        reading.late[row[column[vi("Agency")]]] = sent.date() if sent is not None else None
    reading.enterprises = len(table("Enterprises")[1])
    return reading


# --- the comparison ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outputs:
    report: ConsolidatedReport
    truth: Reading
    readings: dict[str, Reading]


def render_and_read(report: ConsolidatedReport, truth: Reading, folder: Path) -> Outputs:
    files = {"html": render_html(report).encode("utf-8"), "docx": render_docx(report), "xlsx": render_xlsx(report)}
    for kind, content in files.items():  # kept beside the test's other files, to look at when one fails
        (folder / f"{report.file_stem}.{kind}").write_bytes(content)
    return Outputs(
        report,
        truth,
        {
            "html": read_html(files["html"].decode("utf-8")),
            "docx": read_docx(files["docx"], report),
            "xlsx": read_xlsx(files["xlsx"]),
        },
    )


@pytest.fixture(scope="module")
def outputs(module_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Outputs:
    folder: Path = tmp_path_factory.mktemp("report-outputs")
    with Store(module_database_url) as store:
        run_id = build_scenario(store, folder / "attachments")
        with store.session() as session:
            report = build_report(session, run_id, cycle_label=CYCLE, cumulative=False, today=TODAY)
            truth = database_truth(session, run_id)
    return render_and_read(report, truth, folder)


SIMULATED_UNTIL = date(2018, 1, 15)  # the 2017 cycle has closed; its late reports are in


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Outputs:
    """The 2017 report of a simulated run: agencies that answered on time, late, after escalation, never."""
    from sxsh_flow.workflows import load_builtin_plan
    from sxsh_flow.workflows.simulation import Simulation

    from ..workflows.conftest import job_environment

    folder: Path = tmp_path_factory.mktemp("simulated-report")
    with Store(f"sqlite:///{folder / 'simulated.db'}") as store:
        plan = load_builtin_plan("plan-2016-2020")
        environment = job_environment(store)
        simulation = Simulation(
            environment, plan, province="HD", seed=2016, attachments_folder=folder, until=SIMULATED_UNTIL
        )
        run_id = simulation.run().run_id
        with store.session() as session:
            report = build_report(session, run_id, cycle_label=CYCLE, cumulative=False, today=SIMULATED_UNTIL)
            truth = database_truth(session, run_id, CYCLE, SIMULATED_UNTIL)
    return render_and_read(report, truth, folder)


@pytest.mark.slow
@pytest.mark.parametrize("output", ["html", "docx", "xlsx"])
def test_a_simulated_runs_report_agrees_with_its_database_in_every_output(simulated: Outputs, output: str) -> None:
    reading = simulated.readings[output]

    assert reading.ratios == simulated.truth.ratios
    assert reading.counts == simulated.truth.counts
    assert reading.funding == simulated.truth.funding
    assert reading.in_words == simulated.truth.in_words
    assert reading.late == simulated.truth.late
    assert reading.enterprises == simulated.truth.enterprises
    assert simulated.truth.funding["total"] > 0
    assert simulated.truth.late  # the seeded agencies include some that were late


OUTPUTS = ("html", "docx", "xlsx")


@pytest.mark.parametrize("output", OUTPUTS)
def test_ratios_agree_with_the_numerators_and_denominators_stored(outputs: Outputs, output: str) -> None:
    assert outputs.readings[output].ratios == outputs.truth.ratios
    assert outputs.truth.ratios["informed"] == (Decimal("72.1"), 2164, 3000)  # as the scenario says, by hand
    assert outputs.truth.ratios["saving"] == (Decimal("9.3"), 185, 2000)


@pytest.mark.parametrize("output", OUTPUTS)
def test_counts_agree_with_the_database(outputs: Outputs, output: str) -> None:
    assert (
        outputs.readings[output].counts
        == outputs.truth.counts
        == {
            "quick_assessments": Decimal(6),
            "detailed_assessments": Decimal(2),
        }
    )


@pytest.mark.parametrize("output", OUTPUTS)
def test_funding_by_source_and_its_total_agree_with_the_database(outputs: Outputs, output: str) -> None:
    assert outputs.readings[output].funding == outputs.truth.funding
    assert outputs.truth.funding["central_budget"] == 123_000_000
    assert outputs.truth.funding["local_budget"] == 900_600_000
    assert outputs.truth.funding["total"] == PROVINCE_TOTAL


@pytest.mark.parametrize("output", OUTPUTS)
def test_the_total_in_words_is_the_same_everywhere(outputs: Outputs, output: str) -> None:
    assert outputs.readings[output].in_words == outputs.truth.in_words == TOTAL_IN_WORDS


@pytest.mark.parametrize("output", OUTPUTS)
def test_the_late_and_missing_units_agree_with_the_database(outputs: Outputs, output: str) -> None:
    assert outputs.readings[output].late == outputs.truth.late
    by_code = {unit.agency_code: unit.agency_name for unit in outputs.report.late_units}
    assert outputs.truth.late == {by_code[MISSING_UNIT]: None, by_code[LATE_UNIT]: date(2017, 12, 27)}


@pytest.mark.parametrize("output", OUTPUTS)
def test_the_enterprises_agree_with_the_database(outputs: Outputs, output: str) -> None:
    assert outputs.readings[output].enterprises == outputs.truth.enterprises == 5


def test_the_three_outputs_bear_the_same_place_and_date(outputs: Outputs) -> None:
    dates = {output: reading.place_and_date for output, reading in outputs.readings.items()}
    assert set(dates.values()) == {"Hải Dương, ngày 05 tháng 01 năm 2018"}

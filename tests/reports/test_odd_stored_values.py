"""Whatever figures a database holds, the province's report is written (finding 3 of issue 12).

The form bounds what an agency can type now, but older rows, a restored backup or a hand edit may
hold anything JSON can: a 26-digit count, a float near its limit, a decimal written as text. One
such value used to stop the whole report (the number formatter raised) for HTML, Word and Excel.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import Submission
from sxsh_flow.reports.charts import attainment_chart, timeliness_chart
from sxsh_flow.reports.collect import build_report
from sxsh_flow.reports.docx import render_docx
from sxsh_flow.reports.html import render_html
from sxsh_flow.reports.model import ConsolidatedReport
from sxsh_flow.reports.xlsx import render_xlsx

from ..report_scenario import TODAY, build_scenario

HUGE = 12_345_678_901_234_567_890_123_456  # 26 digits: what the form accepted before it had bounds
ODD_VALUES: tuple[object, ...] = (HUGE, 10**40, 1.7e308, "12345678901234567890.123456789", -5, 0.1)


def _odd(key: str, value: object, index: int) -> object:
    if key.startswith(("indicator.", "funding.", "field.")) and isinstance(value, int | float):
        return ODD_VALUES[index % len(ODD_VALUES)]
    return value


@pytest.fixture(scope="module")
def odd_store(module_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, int]]:
    with Store(module_database_url) as store:
        run_id = build_scenario(store, tmp_path_factory.mktemp("attachments"))
        with store.session() as session:
            for index, submission in enumerate(session.scalars(select(Submission).order_by(Submission.id))):
                values: dict[str, Any] = dict(submission.values)
                submission.values = {key: _odd(key, value, index + n) for n, (key, value) in enumerate(values.items())}
            session.commit()
        yield store, run_id


@pytest.fixture(scope="module", params=["vi", "en"])
def odd_report(odd_store: tuple[Store, int], request: pytest.FixtureRequest) -> ConsolidatedReport:
    store, run_id = odd_store
    with store.session() as session:
        return build_report(session, run_id, cycle_label="2017", cumulative=False, today=TODAY, language=request.param)


def test_the_html_report_is_written_with_every_digit_of_a_huge_figure(odd_report: ConsolidatedReport) -> None:
    page = render_html(odd_report, charts=False)
    assert "</html>" in page


def test_the_word_report_is_written(odd_report: ConsolidatedReport) -> None:
    assert render_docx(odd_report).startswith(b"PK")


def test_the_excel_report_is_written_and_opens(odd_report: ConsolidatedReport, tmp_path: Path) -> None:
    workbook = load_workbook(BytesIO(render_xlsx(odd_report)))
    assert workbook.sheetnames


def test_the_charts_are_drawn(odd_report: ConsolidatedReport) -> None:
    attainment_chart(odd_report)
    timeliness_chart(odd_report)


def test_a_decimal_stored_as_text_counts_exactly(odd_report: ConsolidatedReport) -> None:
    values = [figure.value for i in odd_report.indicators for figure in [i.province] if figure.value is not None]
    assert all(isinstance(value, Decimal) for value in values)


def test_the_cycle_close_files_are_written(odd_store: tuple[Store, int]) -> None:
    # The closing job of `serve` sends these two files; it failed on every tick.
    from sxsh_flow.reports.collect import report_files

    store, run_id = odd_store
    with store.session() as session:
        files = report_files(session, run_id, "2017", today=TODAY)
    assert [content[:2] for _, _, content in files] == [b"PK", b"PK"]

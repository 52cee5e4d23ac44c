"""One count of reports for ``status``, the report, its workbook and the closing email that carries it.

The run is ``tests/report_scenario``'s. In 2017, 25 reports are owed to Sở Công Thương by the
agencies (23 counted: Kim Thành's was returned, Ninh Giang sent nothing) and one more, Sở Công
Thương's own consolidated report to UBND tỉnh, which this report *is*: it is counted apart, and
every output says "25 ... 23; with the report of Sở Công Thương to UBND tỉnh, 26 ... 23". The
closing email used to count that 26th report in its subject (21/26) while its files said 20/25.
"""

from __future__ import annotations

import email
from collections.abc import Iterator, Sequence
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from sxsh_flow.engine.clock import parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.message import MailAttachment, MessageKind
from sxsh_flow.engine.models import OutboxMessage
from sxsh_flow.engine.services.cycles import close_due
from sxsh_flow.engine.services.status import run_status
from sxsh_flow.engine.states import TASK_RUN_VOID, TaskRunState
from sxsh_flow.reports.collect import build_report, cycles_files
from sxsh_flow.reports.html import render_html
from sxsh_flow.reports.model import ConsolidatedReport

from ..report_scenario import MAILING, TODAY, build_scenario

COUNTS = (
    "Các đơn vị phải nộp 25 báo cáo, đã nhận 23 báo cáo; "
    "cộng báo cáo của Sở Công Thương lên UBND tỉnh là 26 báo cáo, đã nhận 23 báo cáo."
)


@pytest.fixture(scope="module")
def scenario(module_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, int]]:
    with Store(module_database_url) as store:
        yield store, build_scenario(store, tmp_path_factory.mktemp("attachments"))


def _files(
    session: Session, cycles: Sequence[tuple[int, str]], today: date
) -> dict[tuple[int, str], list[MailAttachment]]:
    files = cycles_files(session, cycles, today=today)
    return {key: [MailAttachment(*file) for file in found] for key, found in files.items()}


def _report(scenario: tuple[Store, int]) -> ConsolidatedReport:
    store, run_id = scenario
    with store.session() as session:
        return build_report(session, run_id, cycle_label="2017", cumulative=False, today=TODAY)


def test_the_report_counts_the_leads_own_report_apart_and_says_so(scenario: tuple[Store, int]) -> None:
    built = _report(scenario)

    assert (built.reports_expected, built.reports_received) == (25, 23)
    assert (built.upward_expected, built.upward_received, built.upward_to) == (1, 0, "UBND tỉnh")
    assert COUNTS in render_html(built, charts=False)


def test_status_lists_every_report_the_report_counts_with_the_leads_own(scenario: tuple[Store, int]) -> None:
    store, run_id = scenario
    built = _report(scenario)
    with store.session() as session:
        (status,) = run_status(session, today=TODAY, run_id=run_id)
    rows = [row for row in status.task_runs if row.cycle == "2017" and row.state not in TASK_RUN_VOID]
    received = [row for row in rows if row.state in (TaskRunState.SUBMITTED, TaskRunState.ACCEPTED)]

    assert (len(rows), len(received)) == (built.counts.all_expected, built.counts.all_received) == (26, 23)


def test_the_closing_email_states_the_counts_of_the_files_it_carries(scenario: tuple[Store, int]) -> None:
    store, run_id = scenario
    with store.session() as session:
        close_due(
            session,
            now=parse_instant("2018-01-05T08:00"),
            mailing=MAILING,
            actor="t",
            run_id=run_id,
            report_files=_files,
        )
        closing = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.kind == MessageKind.CYCLE_CLOSED, OutboxMessage.dedup_key.endswith(":2017")
            )
        ).one()
        subject, raw = closing.subject, closing.raw
    message = email.message_from_bytes(raw)
    text = next(part for part in message.walk() if part.get_content_type() == "text/plain")
    body = text.get_payload(decode=True).decode("utf-8")
    workbook = next(part for part in message.walk() if (part.get_filename() or "").endswith(".xlsx"))
    about = dict(
        (row[0].value, row[1].value)
        for row in load_workbook(BytesIO(workbook.get_payload(decode=True)))["Thông tin chung"].iter_rows()
    )

    assert subject.endswith("Kết thúc kỳ báo cáo năm 2017: đã nhận 23/25 báo cáo")
    assert COUNTS in " ".join(body.split())
    assert about["Báo cáo"] == COUNTS
    assert (about["Số báo cáo các đơn vị phải nộp"], about["Số báo cáo đã nhận của các đơn vị"]) == (25, 23)
    assert (about["Tổng số báo cáo phải nộp"], about["Tổng số báo cáo đã nhận"]) == (26, 23)


def test_a_report_cites_only_the_instruments_issued_by_its_date(scenario: tuple[Store, int]) -> None:
    store, run_id = scenario
    with store.session() as session:
        in_2016 = build_report(session, run_id, cycle_label="2016", cumulative=False, today=date(2016, 12, 26))
        in_2020 = build_report(session, run_id, cycle_label="2016", cumulative=False, today=date(2020, 1, 6))

    assert [line.split(" ngày ")[0] for line in in_2016.legal_basis] == ["Quyết định số 1419/QĐ-TTg"]
    assert "09/2019/NĐ-CP" not in render_html(in_2016, charts=False)
    assert any("09/2019/NĐ-CP" in line for line in in_2020.legal_basis)


def test_the_count_line_of_a_report_without_a_report_upward() -> None:
    from sxsh_flow.engine.report_counts import ReportCounts, counts_sentence
    from sxsh_flow.words import words

    said = counts_sentence(words("vi"), ReportCounts(18, 17), lead="Sở Công Thương", upward_to="")
    assert said == "Các đơn vị phải nộp 18 báo cáo, đã nhận 17 báo cáo."

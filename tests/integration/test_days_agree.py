"""One district, one day, one number: ``status --json``, the overdue email and the report's late list agree.

Plan 2016–2020, cycle 2016: the district reports are due on Wednesday 21/12/2016. On Tuesday
27/12/2016 a district that has not reported is 4 working days late (Thu 22, Fri 23, Mon 26,
Tue 27; the weekend does not count). Before this issue, ``status`` said 6 (calendar days), the
overdue email said "quá hạn 4 ngày làm việc", and the report's late list said "Chậm 6 ngày" for
the same district once it reported that day. All three now count by the run's time policy.
"""

from __future__ import annotations

import email
import io
import json
from datetime import date
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from sqlalchemy import select

from sxsh_flow.cli.main import execute
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import AgencyRecord, OutboxMessage
from sxsh_flow.engine.time_policy import DayUnit, days_in_words
from sxsh_flow.reports.collect import build_report
from sxsh_flow.reports.docx import render_docx

from ..report_scenario import GENERIC_DISTRICT, _send

DISTRICT = "UBND-THANHHA"
TASK = "district-implementation"
DAY = "2016-12-27"


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    code = execute(list(args))
    out = capsys.readouterr().out
    assert code == 0, out
    return out


def _text(raw: bytes) -> str:
    message = email.message_from_bytes(raw, policy=default_policy)
    assert isinstance(message, EmailMessage)
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


@pytest.fixture
def on_27_december(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> dict[str, Any]:
    """The run started on 21/11/2016, the sweep of 27/12/2016 queued, and status read that morning."""
    monkeypatch.setenv("SXSH_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SXSH_DATABASE_URL", database_url)
    for name in ("SXSH_NOW", "SXSH_LANG", "SXSH_SMTP_URL", "SXSH_MAIL_FROM", "SXSH_CLOCK_RATE"):
        monkeypatch.delenv(name, raising=False)
    _cli(capsys, "--now", "2016-11-21", "start", "plan-2016-2020", "--no-send")
    _cli(capsys, "--now", DAY, "remind", "--no-send")
    status = json.loads(_cli(capsys, "--now", DAY, "status", "--json", "--agency", DISTRICT))
    return {"status": status, "url": database_url, "attachments": tmp_path / "attachments"}


def test_status_the_overdue_email_and_the_late_list_state_the_same_days(on_27_december: dict[str, Any]) -> None:
    (row,) = [
        t
        for run in on_27_december["status"]["runs"]
        for t in run["task_runs"]
        if t["cycle"] == "2016" and t["task_key"] == TASK
    ]
    assert (row["overdue"], row["days_overdue"], row["day_unit"]) == (True, 4, "working")

    with Store(on_27_december["url"]) as store:
        with store.session() as session:
            district = session.scalars(select(AgencyRecord).where(AgencyRecord.code == DISTRICT)).one()
            overdue = session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "overdue", OutboxMessage.agency_id == district.id)
            ).one()
            email_text = _text(overdue.raw)
        said = days_in_words(4, DayUnit.WORKING, "vi")  # "4 ngày làm việc"
        assert f"Đã quá hạn: {said}" in email_text
        assert f"đã quá hạn {said}" in overdue.subject

        # The district reports that same day; the report's late list counts the same days in the same unit.
        attachments = on_27_december["attachments"]
        attachments.mkdir()
        _send(store, attachments, "2016", DISTRICT, TASK, GENERIC_DISTRICT, f"{DAY}T10:00", "accept")
        with store.session() as session:
            report = build_report(session, 1, cycle_label="2016", cumulative=False, today=date.fromisoformat(DAY))
    (late,) = [unit for unit in report.late_units if unit.agency_code == DISTRICT]
    assert (late.days_late, late.day_unit) == (4, DayUnit.WORKING)
    assert f"Chậm {said}" in _docx_text(render_docx(report))


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    return "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)

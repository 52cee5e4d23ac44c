"""``submissions show`` reads like the form: labels, Vietnamese numbers and dates, enterprises as a table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from sxsh_flow.engine.clock import parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import Submission, TaskRun
from sxsh_flow.engine.states import SubmissionState

from .conftest import Cli

VALUES = {
    "indicator.informed.numerator": 45,
    "indicator.informed.denominator": 120,
    "indicator.applying.numerator": 12,
    "indicator.applying.denominator": 120,
    "indicator.training_events.value": "3.5",
    "section.results": "Tổ chức 3 lớp tập huấn về SXSH cho 85 lượt cán bộ và doanh nghiệp.",
    "funding.local_budget": 120000000,
    "enterprises": [{"name": "Công ty TNHH Gốm sứ Minh Đức", "sector": "Gốm sứ", "participation": "trained"}],
}


@pytest.fixture
def submission(cli: Cli, sxsh_home: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """Tứ Kỳ's 2016 district report, version 1, as the portal stores a submitted one."""
    url = f"sqlite:///{sxsh_home / 'show.db'}"
    monkeypatch.setenv("SXSH_DATABASE_URL", url)
    assert cli("agencies", "import", "--sample", "HD").code == 0
    assert cli("--now", "2016-11-21", "start", "plan-2016-2020").code == 0
    at = parse_instant("2016-12-01T10:15")
    with Store(url) as store, store.session() as session:
        task_run = session.scalars(
            select(TaskRun).where(TaskRun.agency_code == "UBND-TUKY", TaskRun.task_key == "district-implementation")
        ).first()
        assert task_run is not None
        row = Submission(
            task_run_id=task_run.id, version=1, values=VALUES, author="Nguyễn Thị Hoa <sxsh@tuky.haiduong.example>",
            created_at=at, updated_at=at, submitted_at=at, on_time=True, _state=SubmissionState.SUBMITTED,
        )  # fmt: skip
        session.add(row)
        session.flush()
        return row.id


def test_show_prints_the_forms_labels_and_vietnamese_formats(cli: Cli, submission: int) -> None:
    result = cli("submissions", "show", str(submission))

    assert result.code == 0, result.err
    out = result.out
    for shown in (
        "Báo cáo số",
        "đã gửi, chờ xem xét",
        "Ủy ban nhân dân huyện Tứ Kỳ",
        "năm 2016",
        "Chỉ tiêu",
        "Số cơ sở sản xuất công nghiệp áp dụng SXSH: 12",
        "3,5",
        "120.000.000 đồng",
        "10:15 01/12/2016",
        "Công ty TNHH Gốm sứ Minh Đức",
    ):
        assert shown in out, shown
    for raw in ("indicator.", "120000000", "3.5", "{'name'", "submitted"):
        assert raw not in out, raw


def test_show_fits_an_80_column_terminal(cli: Cli, submission: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")

    out = cli("submissions", "show", str(submission)).out

    assert max(len(line) for line in out.splitlines()) <= 80


def test_show_json_keeps_the_stored_values(cli: Cli, submission: int) -> None:
    document = json.loads(cli("submissions", "show", str(submission), "--json").out)

    assert document["values"] == VALUES
    assert document["state"] == "submitted"

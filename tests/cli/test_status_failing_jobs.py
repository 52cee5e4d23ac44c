"""``sxsh-flow status`` names a scheduled job that keeps failing, and since when."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path

import pytest

from sxsh_flow.engine.clock import VIETNAM
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.services import ledger

from .conftest import Cli


@pytest.fixture(autouse=True)
def _on_each_database(sxsh_home: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SXSH_DATABASE_URL", database_url)


def fail_slot(database_url: str, job: str, slot: str, hour: int) -> None:
    at = datetime.combine(datetime.fromisoformat(slot).date(), time(hour), tzinfo=VIETNAM)
    with Store(database_url) as store, store.session() as session:
        row = ledger.claim(session, job, slot, now=at, owner="host:1")
        assert row is not None
        ledger.fail(session, row.id, now=at, error="ValueError: cannot format 12345678901234567890123456")


def test_status_says_which_job_fails_and_since_when(cli: Cli, database_url: str) -> None:
    assert cli("--now", "2016-09-01", "start", "plan-2016-2020").code == 0
    fail_slot(database_url, "close_cycles", "2016-12-02", 8)
    fail_slot(database_url, "close_cycles", "2016-12-03", 8)

    result = cli("--now", "2016-12-03T09:00", "status")

    assert result.code == 0, result.err
    paragraph = " ".join(result.out.split("\n\n")[0].split())  # the alarm comes first, wrapped to fit
    line = paragraph[paragraph.index("close_cycles") :]
    assert "02/12/2016" in line
    assert "ValueError" in line


def test_status_in_english_says_the_same(cli: Cli, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SXSH_LANG", "en")
    assert cli("--now", "2016-09-01", "start", "plan-2016-2020").code == 0
    fail_slot(database_url, "sweep", "2016-12-02", 8)

    result = cli("--now", "2016-12-02T09:00", "status")

    assert "The scheduled job sweep has been failing since 2 December 2016 (attempts: 1)" in result.out


def test_status_says_nothing_of_jobs_when_none_fails(cli: Cli) -> None:
    assert cli("--now", "2016-09-01", "start", "plan-2016-2020").code == 0

    result = cli("--now", "2016-09-01", "status")

    assert "failing" not in result.out
    assert "lỗi" not in result.out.lower()

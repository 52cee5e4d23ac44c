"""Replaying the 2016 cycle day by day through the CLI against a real SMTP server on loopback.

Every agency must hear exactly what the policy promises, on working days only, at the right
addresses; a second sweep on the same day sends nothing more.
"""

from __future__ import annotations

import email.utils
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from sxsh_flow.cli.main import execute
from sxsh_flow.engine.calendar import WorkingCalendar
from sxsh_flow.engine.clock import VIETNAM
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import OutboxMessage

from .conftest import SmtpServer

TUKY = "UBND-TUKY"  # a district: one task a year, a clean ladder to read
EXPECTED_FOR_A_DISTRICT = [
    (date(2016, 9, 1), "kickoff"),
    (date(2016, 11, 21), "request"),  # the 2016 cycle opens, 30 days before the 21/12 deadline
    (date(2016, 12, 1), "reminder"),  # 14 working days before
    (date(2016, 12, 12), "reminder"),  # 7
    (date(2016, 12, 16), "reminder"),  # 3
    (date(2016, 12, 20), "reminder"),  # 1
    (date(2016, 12, 21), "due_today"),
    (date(2016, 12, 22), "overdue"),  # 1 working day late
    (date(2016, 12, 27), "overdue"),  # 4
    (date(2016, 12, 28), "escalation"),  # 5: to the head, the coordinator in copy
    (date(2016, 12, 30), "overdue"),  # 7
    (date(2017, 1, 5), "overdue"),  # 10 (02/01 is a holiday): the coordinator in copy from now on
    (date(2017, 1, 10), "overdue"),  # 13
]


@pytest.fixture(scope="module")
def environment(
    module_database_url: str, module_smtp_server: SmtpServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SXSH_HOME", str(tmp_path_factory.mktemp("home")))
        patch.setenv("SXSH_DATABASE_URL", module_database_url)
        patch.setenv("SXSH_SMTP_URL", module_smtp_server.url)
        patch.delenv("SXSH_NOW", raising=False)
        patch.delenv("SXSH_LANG", raising=False)
        yield


@pytest.fixture(scope="module")
def replay(environment: None, module_smtp_server: SmtpServer) -> SmtpServer:
    """The plan started on 01/09/2016 and the daily sweep run every day until 12/01/2017."""
    assert execute(["--now", "2016-09-01", "start", "plan-2016-2020"]) == 0
    day = date(2016, 9, 2)
    while day <= date(2017, 1, 12):
        assert execute(["--now", day.isoformat(), "remind"]) == 0
        day += timedelta(days=1)
    return module_smtp_server


@pytest.fixture
def database_url(module_database_url: str) -> str:
    return module_database_url


def sent_messages(database_url: str) -> list[OutboxMessage]:
    with Store(database_url) as store, store.session() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_district_hears_exactly_what_the_policy_promises(replay: SmtpServer, database_url: str) -> None:
    rows = [row for row in sent_messages(database_url) if f":{TUKY}" in row.dedup_key]
    assert [
        (row.sent_at.astimezone(VIETNAM).date(), row.kind) for row in rows if row.sent_at
    ] == EXPECTED_FOR_A_DISTRICT
    by_kind = {row.kind: row for row in rows}
    assert [a["email"] for a in by_kind["reminder"].to] == ["sxsh@tuky.haiduong.example"]
    assert [a["email"] for a in by_kind["escalation"].to] == ["lanhdao@tuky.haiduong.example"]
    assert "sxsh@sct.haiduong.example" in [a["email"] for a in by_kind["escalation"].cc]


def test_every_message_arrives_once_on_a_working_day(replay: SmtpServer, database_url: str) -> None:
    rows = sent_messages(database_url)
    assert {row.state.value for row in rows} == {"sent"}
    received = replay.inbox.messages()
    assert sorted(m["Message-ID"] for m in received) == sorted(row.message_id for row in rows)
    calendar = WorkingCalendar()
    sent_days = {email.utils.parsedate_to_datetime(m["Date"]).astimezone(VIETNAM).date() for m in received}
    assert all(calendar.is_working_day(day) for day in sent_days)
    assert date(2016, 12, 24) not in sent_days


def test_the_envelope_reaches_every_address_in_to_and_cc(replay: SmtpServer, database_url: str) -> None:
    envelopes = {data: rcpts for _, rcpts, data in replay.inbox.received}
    for message, (_sender, rcpts, _data) in zip(replay.inbox.messages(), replay.inbox.received, strict=True):
        listed = {
            a.addr_spec for header in ("To", "Cc") for a in (message[header].addresses if message[header] else ())
        }
        assert set(rcpts) == listed
    assert envelopes


def test_a_second_sweep_on_the_same_day_sends_nothing_more(replay: SmtpServer) -> None:
    before = len(replay.inbox.received)
    assert execute(["--now", "2016-12-28", "remind"]) == 0
    assert execute(["--now", "2016-12-28", "remind"]) == 0
    assert len(replay.inbox.received) == before

"""Extensions and the coordinator: each request is emailed to them with the desk's link; the answer carries a link.

plan-2016-2020 started for Hải Dương on Monday 21/11/2016, as its 2016 cycle opens (due 21/12/2016,
consolidated on 26/12/2016); Tứ Kỳ's focal point asks for more time through the reply link.
"""

from __future__ import annotations

import email
import email.policy
from datetime import date
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.engine.clock import FixedClock, parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.desk_paths import extensions
from sxsh_flow.engine.models import ContactRecord, OutboxMessage, PlanRun, TaskRun
from sxsh_flow.engine.services.agencies import import_directory, load_registry
from sxsh_flow.engine.services.extensions import decide_extension, request_extension
from sxsh_flow.engine.services.links import LinkAccess, LinkSigner, issue_link, resolve
from sxsh_flow.engine.services.notices import Mailing, announce_start
from sxsh_flow.engine.services.start import start_plan
from sxsh_flow.notifications import EMAIL_WRITER
from sxsh_flow.workflows import load_builtin_plan

PORTAL = "https://sxsh.haiduong.example"
SIGNER = LinkSigner("s" * 48, PORTAL)
MAILING = Mailing(writer=EMAIL_WRITER, signer=SIGNER)
COORDINATOR = "sxsh@sct.haiduong.example"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(parse_instant("2016-11-21T09:00"))


@pytest.fixture
def tuky(store: Store, clock: FixedClock) -> LinkAccess:
    """Tứ Kỳ's focal point, acting through the reply link of its district task."""
    now = clock.now()
    with store.session() as session:
        import_directory(session, builtin_directory("HD"), now=now)
        plan = load_builtin_plan("plan-2016-2020")
        run_id = start_plan(session, plan, load_registry(session, "HD"), "HD", now=now, actor="t").run_id
        announce_start(session, session.get_one(PlanRun, run_id), now=now, mailing=MAILING, actor="t")
        task_run = session.scalars(
            select(TaskRun).where(TaskRun.agency_code == "UBND-TUKY").order_by(TaskRun.id)
        ).first()
        contact = session.scalars(
            select(ContactRecord).where(ContactRecord.email == "sxsh@tuky.haiduong.example")
        ).one()
        assert task_run is not None
        token = SIGNER.token(issue_link(session, task_run, contact, now=now, actor="t"))
    with store.session() as session:
        found = resolve(session, SIGNER, token, now=now)
    assert found is not None
    return found


def sent(store: Store, kind: str) -> list[tuple[OutboxMessage, EmailMessage]]:
    with store.session() as session:
        rows = list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))
        session.expunge_all()
    return [(row, email.message_from_bytes(row.raw, policy=email.policy.default)) for row in rows]  # type: ignore[misc]


def body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body((subtype,))
    assert isinstance(part, EmailMessage)
    return str(part.get_content())


def ask(store: Store, tuky: LinkAccess, clock: FixedClock, until: date, reason: str = "Chờ số liệu của các xã") -> int:
    with store.session() as session:
        request = request_extension(
            session, tuky, reason=reason, proposed_until=until, now=clock.now(), mailing=MAILING
        )
        return request.id


def test_the_coordinator_gets_one_email_per_request_with_the_desks_link(
    store: Store, tuky: LinkAccess, clock: FixedClock
) -> None:
    request_id = ask(store, tuky, clock, date(2016, 12, 23))
    ask(store, tuky, clock, date(2016, 12, 22), reason="Cập nhật lý do")  # the same pending request, updated

    ((row, message),) = sent(store, "extension_request")
    assert [a["email"] for a in row.to] == [COORDINATOR]
    assert row.dedup_key == f"extension_request:{request_id}"
    assert "Ủy ban nhân dân huyện Tứ Kỳ" in str(message["Subject"])
    text = body(message, "plain")
    assert f"{PORTAL}{extensions(row.plan_run_id or 0)}" in text
    assert "Chờ số liệu của các xã" in text
    assert "23/12/2016" in text
    assert f"sxsh-flow extensions approve {request_id}" in text
    assert f'href="{PORTAL}{extensions(row.plan_run_id or 0)}"' in body(message, "html")
    assert "sau ngày kết thúc kỳ báo cáo" not in text  # 23/12 is before the cycle's consolidation


def test_a_request_past_the_cycles_close_warns_the_coordinator(
    store: Store, tuky: LinkAccess, clock: FixedClock
) -> None:
    ask(store, tuky, clock, date(2017, 1, 6))

    ((_, message),) = sent(store, "extension_request")
    assert "sau ngày kết thúc kỳ báo cáo và tổng hợp" in body(message, "plain")


@pytest.mark.parametrize("approve", [True, False], ids=["approved", "denied"])
def test_the_answer_carries_the_agencys_reply_link(
    store: Store, tuky: LinkAccess, clock: FixedClock, approve: bool
) -> None:
    request_id = ask(store, tuky, clock, date(2016, 12, 28))
    with store.session() as session:
        decide_extension(
            session, request_id, approve=approve, until=None, comment="", now=clock.now(), actor="c", mailing=MAILING
        )

    ((row, message),) = sent(store, "extension")
    assert [a["email"] for a in row.to] == ["sxsh@tuky.haiduong.example"]
    link = next(word for word in body(message, "plain").split() if word.startswith(f"{PORTAL}/r/"))
    with store.session() as session:
        answered = resolve(session, SIGNER, link.removeprefix(f"{PORTAL}/r/"), now=clock.now())
    assert answered is not None
    assert answered.task_run_id == tuky.task_run_id

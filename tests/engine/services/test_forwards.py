"""A forward to an outside address waits for the coordinator, whose email links to the desk's forwards page."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

from sqlalchemy import select

from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.engine.clock import parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.desk_paths import forwards
from sxsh_flow.engine.models import ContactRecord, OutboxMessage, PlanRun, TaskRun
from sxsh_flow.engine.services.agencies import import_directory, load_registry
from sxsh_flow.engine.services.forwards import forward_task
from sxsh_flow.engine.services.links import LinkSigner, issue_link, resolve
from sxsh_flow.engine.services.notices import Mailing, announce_start
from sxsh_flow.engine.services.start import start_plan
from sxsh_flow.notifications import EMAIL_WRITER
from sxsh_flow.workflows import load_builtin_plan

PORTAL = "https://sxsh.haiduong.example"
SIGNER = LinkSigner("s" * 48, PORTAL)
MAILING = Mailing(writer=EMAIL_WRITER, signer=SIGNER)


def test_the_approval_email_links_to_the_desks_forwards_page(store: Store) -> None:
    now = parse_instant("2016-11-21T09:00")
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
        access = resolve(session, SIGNER, token, now=now)
        assert access is not None
        outcome = forward_task(
            session,
            access,
            name="Người ngoài",
            email="someone@mail.example.org",
            ticket="ticket-1",
            now=now,
            mailing=MAILING,
            signer=SIGNER,
        )
    assert outcome.waits_for_coordinator

    with store.session() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "forward_approval")).one()
        message = email.message_from_bytes(row.raw, policy=email.policy.default)
    assert [a["email"] for a in row.to] == ["sxsh@sct.haiduong.example"]
    assert isinstance(message, EmailMessage)
    text, html = (message.get_body((subtype,)) for subtype in ("plain", "html"))
    assert isinstance(text, EmailMessage)
    assert isinstance(html, EmailMessage)
    assert f"{PORTAL}{forwards(run_id)}" in text.get_content()
    assert f'href="{PORTAL}{forwards(run_id)}"' in html.get_content()
    assert f"sxsh-flow forwards approve {outcome.link.id}" in text.get_content()

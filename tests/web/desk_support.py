"""Signing in to the desk as a test's browser does: ask for a link, read it from the outbox, press the button."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import timedelta

import httpx
from sqlalchemy import select

from sxsh_flow.engine.models import OutboxMessage, TaskRun
from sxsh_flow.engine.services.outbox import claim
from sxsh_flow.engine.services.outbox_outcomes import Outcome, record

from .conftest import Portal, form_fields

COORDINATOR = "sxsh@sct.haiduong.example"  # Sở Công Thương's focal point: the directory names no coordinator


def sign_in_links(portal: Portal) -> list[str]:
    """The sign-in links emailed so far, oldest first, read from the queued messages' text."""
    with portal.store.session() as session:
        query = select(OutboxMessage).where(OutboxMessage.kind == "sign_in").order_by(OutboxMessage.id)
        rows = list(session.scalars(query))
    links = []
    for row in rows:
        message = email.message_from_bytes(row.raw, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        found = re.search(r"https?://\S+/desk/sign-in/[\w-]+", body.get_content())
        assert found, "a sign-in email without its link"
        links.append(found.group(0))
    return links


def ask_for_link(portal: Portal, address: str = COORDINATOR, next_path: str = "/desk") -> httpx.Response:
    return portal.http.post(f"{portal.base_url}/desk/sign-in", data={"email": address, "next": next_path})


def sign_in(portal: Portal, address: str = COORDINATOR, next_path: str = "/desk") -> httpx.Response:
    """Ask, open the emailed link, press "Sign in": the page the session lands on."""
    asked = ask_for_link(portal, address, next_path)
    assert asked.status_code == 200
    link = sign_in_links(portal)[-1]
    shown = portal.http.get(link)
    assert shown.status_code == 200, shown.text
    return portal.http.post(link, follow_redirects=True)


def post_form(portal: Portal, page: httpx.Response, to: str, **values: str) -> httpx.Response:
    """Send the form of ``page`` that posts ``to`` a path, as prefilled, with ``values`` typed over it."""
    fields = form_fields(page.text, to)
    return portal.http.post(f"{portal.base_url}{to}", data={**fields, **values})


def later(portal: Portal, **delta: float) -> None:
    portal.clock.advance(timedelta(**delta))


def run_id(portal: Portal) -> int:
    with portal.store.session() as session:
        return session.scalars(select(TaskRun.plan_run_id).where(TaskRun.id == portal.task_run_id)).one()


def ask_extension(portal: Portal, until: str, reason: str = "Chờ số liệu của các xã.") -> None:
    """Tứ Kỳ asks for more time through its reply link, as in its browser."""
    fields = form_fields(portal.open().text, "/extension")
    answer = portal.http.post(
        portal.url(suffix="/extension"), data={**fields, "reason": reason, "proposed_until": until}
    )
    assert answer.status_code == 200, answer.text


def fail_one_email(portal: Portal, response: str) -> int:
    """The mail server refuses one queued message for good, recorded as the dispatcher records it."""
    with portal.store.session() as session:
        (claimed,) = claim(session, now=portal.clock.now(), dispatcher="test", limit=1)
        record(
            session,
            [
                Outcome(
                    claimed.id,
                    ok=False,
                    permanent=True,
                    code=550,
                    response=response,
                    recipients=claimed.envelope.recipients,
                )
            ],
            now=portal.clock.now(),
            dispatcher="test",
        )
        return claimed.id

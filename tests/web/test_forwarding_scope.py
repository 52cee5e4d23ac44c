"""Finding 2 of issue 12: forwarding hands one task to one colleague, and nothing more.

The colleague gets a link to that task run alone, expiring with its cycle; they do not join the
agency's contacts, so none of its other mail reaches them. An address outside the agency's own mail
domains waits for the coordinator. One ticket does one forward; a task run takes at most
three of them.
"""

from __future__ import annotations

import email
import re
from email.message import EmailMessage
from email.policy import default

from sqlalchemy import select

from sxsh_flow.engine.clock import parse_instant
from sxsh_flow.engine.models import ContactRecord, HistoryEntry, OutboxMessage, ReplyLink, Submission
from sxsh_flow.engine.services.notices import Mailing, queue_reminders
from sxsh_flow.notifications import EMAIL_WRITER

from .conftest import REPORT, Portal, form_fields

INSIDE = "mai.nt@tuky.haiduong.example"  # the domain of Tứ Kỳ's own contacts
OUTSIDE = "someone@mail.example.org"


def forward(portal: Portal, name: str, address: str, ticket: dict[str, str] | None = None) -> int:
    form = ticket or form_fields(portal.open().text, "/forward")
    return portal.http.post(portal.url(suffix="/forward"), data={**form, "name": name, "email": address}).status_code


def mail_of(row: OutboxMessage) -> EmailMessage:
    message = email.message_from_bytes(row.raw, policy=default)
    assert isinstance(message, EmailMessage)
    return message


def link_in(row: OutboxMessage) -> str:
    body = mail_of(row).get_body(("plain",))
    assert body is not None
    (url,) = set(re.findall(r"http://127\.0\.0\.1:\d+/r/[A-Za-z0-9_.\-]+", body.get_content()))
    return url


def test_one_ticket_does_one_forward(portal: Portal) -> None:
    ticket = form_fields(portal.open().text, "/forward")

    statuses = [forward(portal, f"Người {n}", f"nguoi{n}@tuky.haiduong.example", ticket) for n in range(30)]

    assert statuses[0] == 200
    assert all(status != 200 for status in statuses[1:])
    assert len(portal.outbox("forwarded")) == 1


def test_a_task_run_takes_a_limited_number_of_forwards(portal: Portal) -> None:
    statuses = [forward(portal, f"Người {n}", f"nguoi{n}@tuky.haiduong.example") for n in range(6)]

    assert statuses == [200, 200, 200, 422, 422, 422]
    assert len(portal.outbox("forwarded")) == 3


def test_the_colleague_does_not_join_the_agency_nor_get_its_other_mail(portal: Portal) -> None:
    contacts_before = portal.counts()["contacts"]

    assert forward(portal, "Nguyễn Thị Mai", INSIDE) == 200

    with portal.store.session() as session:
        # The deadline day of the district report: Tứ Kỳ gets its "due today" notice.
        queue_reminders(
            session,
            now=parse_instant("2016-12-21T08:00"),
            mailing=Mailing(writer=EMAIL_WRITER, signer=portal.signer),
            actor="test",
        )
    with portal.store.session() as session:
        later = list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind != "forwarded")))
    assert later, "the deadline day queued nothing"
    for row in later:
        assert INSIDE not in row.raw.decode("utf-8", "replace")
    assert portal.counts()["contacts"] == contacts_before


def test_the_colleagues_link_is_for_that_task_run_and_expires_with_the_forwarders(portal: Portal) -> None:
    forward(portal, "Nguyễn Thị Mai", INSIDE)

    with portal.store.session() as session:
        origin = session.get_one(ReplyLink, portal.link_id)
        (given,) = session.scalars(select(ReplyLink).where(ReplyLink.forwarded_from_id == portal.link_id))
        assert given.task_run_id == origin.task_run_id
        assert given.expires_at <= origin.expires_at
        assert given.contact_id is None


def test_the_colleague_acts_under_their_own_name(portal: Portal) -> None:
    forward(portal, "Nguyễn Thị Mai", INSIDE)
    (row,) = portal.outbox("forwarded")
    token = link_in(row).rpartition("/r/")[2]

    answer = portal.submit(REPORT, token=token)

    assert answer.status_code == 200, answer.text
    with portal.store.session() as session:
        (submission,) = session.scalars(select(Submission).where(Submission.submitted_at.is_not(None)))
        assert submission.author == f"Nguyễn Thị Mai <{INSIDE}>"
        assert submission.contact_id is None
        submitted = session.scalars(
            select(HistoryEntry).where(HistoryEntry.entity == "task_run", HistoryEntry.transition == "submit")
        ).one()
        assert INSIDE in submitted.actor
        assert "sxsh@tuky" not in submitted.actor
    (receipt,) = portal.outbox("receipt")
    assert INSIDE in str(mail_of(receipt)["To"])


def test_an_outside_address_waits_for_the_coordinator(portal: Portal) -> None:
    from sxsh_flow.engine.services.forwards import decide_forward, pending_forwards

    assert forward(portal, "Người ngoài", OUTSIDE) == 200

    assert portal.outbox("forwarded") == []
    (asked,) = portal.outbox("forward_approval")
    told = mail_of(asked)
    assert OUTSIDE not in str(told["To"])
    assert OUTSIDE not in str(told["Cc"] or "")
    assert OUTSIDE in (told.get_body(("plain",)) or told).get_content()
    with portal.store.session() as session:
        (waiting,) = pending_forwards(session)
        assert waiting.guest_email == OUTSIDE
        decide_forward(
            session,
            waiting.id,
            approve=True,
            now=portal.clock.now(),
            actor="coordinator",
            mailing=Mailing(writer=EMAIL_WRITER, signer=portal.signer),
        )
    (sent,) = portal.outbox("forwarded")
    assert OUTSIDE in str(mail_of(sent)["To"])
    assert portal.http.get(link_in(sent)).status_code == 200


def test_a_denied_outside_address_gets_nothing(portal: Portal) -> None:
    from sxsh_flow.engine.services.forwards import decide_forward, pending_forwards

    forward(portal, "Người ngoài", OUTSIDE)

    with portal.store.session() as session:
        (waiting,) = pending_forwards(session)
        decide_forward(
            session,
            waiting.id,
            approve=False,
            now=portal.clock.now(),
            actor="coordinator",
            mailing=Mailing(writer=EMAIL_WRITER, signer=portal.signer),
        )
        assert pending_forwards(session) == []
    assert portal.outbox("forwarded") == []
    with portal.store.session() as session:
        assert session.scalars(select(ContactRecord).where(ContactRecord.email == OUTSIDE)).first() is None

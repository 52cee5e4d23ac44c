"""How a run writes to people: who is in To and Cc, each address once, and Message-IDs that never change.

The Message-ID is derived from the message's dedup key, so the same message queued again (after a
crash, on another machine, by a later version) keeps its id and a mail client shows one message.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from sxsh_flow.agencies.directory import ContactRole
from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.engine.clock import local_date, parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.message import Address, MessageKind
from sxsh_flow.engine.models import AgencyRecord, ContactRecord, OutboxMessage, PlanRun, TaskRun
from sxsh_flow.engine.services.agencies import import_directory, load_registry
from sxsh_flow.engine.services.links import LinkSigner
from sxsh_flow.engine.services.mailing import Mailing, NoticeSummary, RunMail, people, recipients, short_hash, unique
from sxsh_flow.engine.services.outbox import OutgoingMessage
from sxsh_flow.engine.services.start import start_plan
from sxsh_flow.notifications import EMAIL_WRITER
from sxsh_flow.workflows import load_builtin_plan

NOW = parse_instant("2016-09-01")
MAILING = Mailing(writer=EMAIL_WRITER)
COORDINATOR = Address("Lê Văn Cường", "sxsh@sct.haiduong.example")  # SCT's focal point


def contact(email: str, role: ContactRole, *, active: bool = True) -> ContactRecord:
    return ContactRecord(name=email.partition("@")[0], email=email, role=role.value, active=active)


def agency(*contacts: ContactRecord) -> AgencyRecord:
    return AgencyRecord(code="UBND-X", name="Ủy ban nhân dân huyện X", contacts=list(contacts))


def emails(addresses: list[Address]) -> list[str]:
    return [address.email for address in addresses]


@pytest.fixture
def session(store: Store) -> Iterator[Session]:
    """plan-2016-2020 started for Hải Dương (the sample directory) on 01/09/2016; run id 1."""
    with store.session() as session:
        import_directory(session, builtin_directory("HD"), now=NOW)
        start_plan(session, load_builtin_plan("plan-2016-2020"), load_registry(session, "HD"), "HD", now=NOW, actor="t")
        yield session


def run_mail(session: Session, mailing: Mailing = MAILING) -> RunMail:
    return RunMail(session, session.scalars(select(PlanRun)).one(), mailing, on=local_date(NOW))


def agency_named(session: Session, code: str) -> AgencyRecord:
    return session.scalars(select(AgencyRecord).where(AgencyRecord.code == code)).one()


# --- addresses ------------------------------------------------------------------------------------


def test_unique_keeps_the_first_of_addresses_that_differ_only_in_case() -> None:
    given = [Address("An", "an@x.example"), Address("B", "b@x.example"), Address("AN", "An@X.example")]

    assert unique(given) == [Address("An", "an@x.example"), Address("B", "b@x.example")]


def test_people_are_the_active_contacts_of_a_role() -> None:
    record = agency(
        contact("focal@x.example", ContactRole.FOCAL_POINT),
        contact("retired@x.example", ContactRole.FOCAL_POINT, active=False),
        contact("head@x.example", ContactRole.HEAD),
    )

    assert people(record, ContactRole.FOCAL_POINT) == [Address("focal", "focal@x.example")]
    assert people(record, ContactRole.COPY) == []


# --- recipients -----------------------------------------------------------------------------------

FULL = (
    contact("focal@x.example", ContactRole.FOCAL_POINT),
    contact("head@x.example", ContactRole.HEAD),
    contact("copy@x.example", ContactRole.COPY),
)


def test_an_agency_is_written_to_at_its_focal_point_with_its_copies_in_cc(session: Session) -> None:
    to, cc = recipients(run_mail(session), agency(*FULL))

    assert (emails(to), emails(cc)) == (["focal@x.example"], ["copy@x.example"])


def test_an_escalation_goes_to_the_head_with_the_focal_point_and_copies_in_cc(session: Session) -> None:
    to, cc = recipients(run_mail(session), agency(*FULL), to_head=True)

    assert (emails(to), emails(cc)) == (["head@x.example"], ["focal@x.example", "copy@x.example"])


def test_the_coordinator_is_copied_last_when_asked(session: Session) -> None:
    to, cc = recipients(run_mail(session), agency(*FULL), to_head=True, copy_coordinator=True)

    assert emails(to) == ["head@x.example"]
    assert emails(cc) == ["focal@x.example", "copy@x.example", COORDINATOR.email]


def test_without_a_focal_point_the_head_is_written_to_and_without_a_head_the_focal_point(session: Session) -> None:
    mail = run_mail(session)
    no_focal = agency(contact("head@x.example", ContactRole.HEAD))
    no_head = agency(contact("focal@x.example", ContactRole.FOCAL_POINT))

    assert emails(recipients(mail, no_focal)[0]) == ["head@x.example"]
    assert emails(recipients(mail, no_head, to_head=True)[0]) == ["focal@x.example"]


# --- the run's sender -----------------------------------------------------------------------------


def test_the_run_writes_as_the_lead_agency_from_its_focal_point(session: Session) -> None:
    mail = run_mail(session)

    assert mail.coordinator == COORDINATOR
    assert mail.sender == Address("Sở Công Thương tỉnh Hải Dương", COORDINATOR.email)
    assert mail.domain == "sct.haiduong.example"


def test_an_installation_sender_address_replaces_the_focal_points(session: Session) -> None:
    mail = run_mail(session, Mailing(writer=EMAIL_WRITER, sender_email="noreply@sxsh.haiduong.example"))

    assert mail.sender == Address("Sở Công Thương tỉnh Hải Dương", "noreply@sxsh.haiduong.example")
    assert mail.domain == "sxsh.haiduong.example"
    assert mail.coordinator == COORDINATOR  # still the person copied and named in the letters


# --- one message ----------------------------------------------------------------------------------


def kickoff(
    mail: RunMail, code: str, *, to: list[Address], cc: list[Address], key: str | None = None
) -> OutgoingMessage:
    return mail.message(
        kind=MessageKind.KICKOFF,
        key=key or f"kickoff:{mail.run.id}:{code}",
        agency=agency_named(mail.session, code),
        to=to,
        cc=cc,
        tasks=[],
        today=date(2016, 9, 1),
    )


def test_cc_holds_each_address_once_and_none_already_in_to(session: Session) -> None:
    mail = run_mail(session)
    focal = Address("Đầu mối", "sxsh@tuky.haiduong.example")
    copy = Address("Văn phòng", "vanphong@tuky.haiduong.example")

    message = kickoff(
        mail, "UBND-TUKY", to=[focal], cc=[copy, Address("Trùng", "VanPhong@tuky.haiduong.example"), focal]
    )

    assert message.to == (focal,)
    assert message.cc == (copy,)


def test_an_address_in_to_is_dropped_from_cc_whatever_its_case(session: Session) -> None:
    mail = run_mail(session)
    focal = Address("Đầu mối", "sxsh@tuky.haiduong.example")

    message = kickoff(mail, "UBND-TUKY", to=[focal], cc=[Address("Đầu mối", "SXSH@tuky.haiduong.example")])

    assert message.cc == ()


def test_the_message_id_depends_on_the_dedup_key_alone_and_never_changes(session: Session) -> None:
    focal = Address("Đầu mối", "sxsh@tuky.haiduong.example")
    first = kickoff(run_mail(session), "UBND-TUKY", to=[focal], cc=[])
    # Another RunMail (another step, process or day) and other recipients: the same id.
    again = kickoff(run_mail(session), "UBND-TUKY", to=[Address("Khác", "other@tuky.haiduong.example")], cc=[focal])
    other = kickoff(run_mail(session), "UBND-TUKY", to=[focal], cc=[], key="kickoff:1:UBND-TUKY:again")

    assert first.message_id == again.message_id
    # Pinned: ids of messages queued by earlier versions must match what a resend would compute now.
    assert short_hash("kickoff:1:UBND-TUKY") == "6a0b19788f3d1be1"
    assert first.message_id == "<kickoff.1.6a0b19788f3d1be1@sct.haiduong.example>"
    assert other.message_id != first.message_id
    assert first.dedup_key == "kickoff:1:UBND-TUKY"


def test_a_message_carries_the_run_agency_kind_and_language(session: Session) -> None:
    mail = run_mail(session)
    tuky = agency_named(session, "UBND-TUKY")

    message = kickoff(mail, "UBND-TUKY", to=[Address("Đầu mối", "sxsh@tuky.haiduong.example")], cc=[])

    assert (message.kind, message.plan_run_id, message.agency_id) == ("kickoff", mail.run.id, tuky.id)
    assert (message.language, message.sender, message.task_run_ids) == ("vi", mail.sender, ())
    assert message.rendered.subject.startswith("[Kế hoạch SXSH trong công nghiệp 2016–2020] ")


# --- reply links ----------------------------------------------------------------------------------


def test_a_reply_link_is_issued_for_the_first_recipient_when_a_signer_is_given(session: Session) -> None:
    signer = LinkSigner("a key for the reply links of these tests, long enough", "https://sxsh.haiduong.example")
    task_run = session.scalars(select(TaskRun).where(TaskRun.agency_code == "UBND-TUKY")).first()
    assert task_run is not None
    focal = Address("Đầu mối", "sxsh@tuky.haiduong.example")
    stranger = Address("Người ngoài", "someone@elsewhere.example")

    with_signer = run_mail(session, Mailing(writer=EMAIL_WRITER, signer=signer))

    url = with_signer.reply_url(task_run, [focal], now=NOW, actor="t")
    assert url is not None
    assert url.startswith("https://sxsh.haiduong.example/r/")
    assert with_signer.reply_url(task_run, [focal], now=NOW, actor="t") == url  # the same link, not a new one
    assert with_signer.reply_url(task_run, [stranger, focal], now=NOW, actor="t") is None  # not the agency's
    assert with_signer.reply_url(task_run, [], now=NOW, actor="t") is None
    assert run_mail(session).reply_url(task_run, [focal], now=NOW, actor="t") is None  # no signer, no links


# --- issue 12: replies reach a person; ids unique to the installation -------------------------------


def queued_email(session: Session, mailing: Mailing) -> email.message.Message:
    mail = run_mail(session, mailing)
    summary = NoticeSummary()
    message = kickoff(mail, "UBND-TUKY", to=[Address("Đầu mối", "sxsh@tuky.haiduong.example")], cc=[])
    mail.queue(summary, [message], now=NOW, actor="t")
    raw = session.scalars(select(OutboxMessage.raw).where(OutboxMessage.dedup_key == message.dedup_key)).one()
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_an_unattended_sender_sends_replies_to_the_coordinator(session: Session) -> None:
    parsed = queued_email(session, Mailing(writer=EMAIL_WRITER, sender_email="noreply@sxsh.haiduong.example"))

    assert parsed["From"].addresses[0].addr_spec == "noreply@sxsh.haiduong.example"
    assert [a.addr_spec for a in parsed["Reply-To"].addresses] == [COORDINATOR.email]


def test_a_coordinator_who_sends_needs_no_reply_to(session: Session) -> None:
    parsed = queued_email(session, MAILING)

    assert parsed["From"].addresses[0].addr_spec == COORDINATOR.email
    assert parsed["Reply-To"] is None


def test_two_installations_never_give_a_message_the_same_id(session: Session) -> None:
    focal = Address("Đầu mối", "sxsh@tuky.haiduong.example")
    here = kickoff(
        run_mail(session, Mailing(writer=EMAIL_WRITER, installation="a1b2c3")), "UBND-TUKY", to=[focal], cc=[]
    )
    there = kickoff(
        run_mail(session, Mailing(writer=EMAIL_WRITER, installation="d4e5f6")), "UBND-TUKY", to=[focal], cc=[]
    )
    again = kickoff(
        run_mail(session, Mailing(writer=EMAIL_WRITER, installation="a1b2c3")), "UBND-TUKY", to=[focal], cc=[]
    )

    assert here.message_id != there.message_id
    assert here.message_id == again.message_id  # stable within one installation: a resend keeps its id

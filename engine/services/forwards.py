"""Forwards: a contact hands one task to one colleague, who gets a link of their own and nothing else.

The colleague is a guest of that one task run: their link works for it alone, never outlives the
forwarder's, and stops when the forwarder's would. They do not join the agency's contacts, so no
reminder, kickoff or other task reaches them. An address outside the agency's own mail domains (the
domains of its active contacts) waits for the coordinator: until approved nothing is sent to it.
A form ticket does one forward, and a task run takes at most MAX_FORWARDS_PER_TASK_RUN.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sxsh_flow.addresses import UnsendableAddress, sendable_address
from sxsh_flow.engine import desk_paths
from sxsh_flow.engine.clock import local_date
from sxsh_flow.engine.message import Address, MessageKind
from sxsh_flow.engine.models import AgencyRecord, PlanRun, ReplyLink, TaskRun
from sxsh_flow.engine.models.reply_link import APPROVED, DENIED, PENDING
from sxsh_flow.engine.services.links import LinkAccess, LinkSigner, issue_link, link_expiry, new_nonce
from sxsh_flow.engine.services.mailing import Mailing, NoticeSummary, RunMail
from sxsh_flow.engine.services.notices import queue_task_message
from sxsh_flow.engine.services.transitions import record_note
from sxsh_flow.errors import InvalidRequest
from sxsh_flow.words import N_

# Enough to pass a task on and correct a typo; too few to mail a list.
MAX_FORWARDS_PER_TASK_RUN = 3


@dataclass(frozen=True)
class ForwardOutcome:
    link: ReplyLink
    email: str
    waits_for_coordinator: bool


def mail_domains(agency: AgencyRecord) -> set[str]:
    """The agency's own mail domains: those of its active contacts."""
    return {c.email.rpartition("@")[2].lower() for c in agency.contacts if c.active and "@" in c.email}


def forward_task(
    session: Session,
    access: LinkAccess,
    *,
    name: str,
    email: str,
    ticket: str,
    now: datetime,
    mailing: Mailing,
    signer: LinkSigner,
) -> ForwardOutcome:
    """Hand the task of ``access`` to one colleague; recorded in history, mailed or put to the coordinator."""
    if access.contact_id is None:
        raise InvalidRequest(N_("Only the agency's own contacts can forward a task."))
    if not ticket or session.scalars(select(ReplyLink.id).where(ReplyLink.ticket == ticket)).first() is not None:
        raise InvalidRequest(N_("This form has already been used; please open the link again."))
    try:
        # The one address policy: what the mail path can send (an ASCII local part, a real domain).
        address = sendable_address(email.strip()).normalized
    except UnsendableAddress as exc:
        raise InvalidRequest(N_("That email address is not valid.")) from exc
    forwarded = session.scalar(
        select(func.count())
        .select_from(ReplyLink)
        .where(ReplyLink.task_run_id == access.task_run_id, ReplyLink.forwarded_from_id.is_not(None))
    )
    if (forwarded or 0) >= MAX_FORWARDS_PER_TASK_RUN:
        raise InvalidRequest(N_("This task has already been forwarded as many times as allowed."))
    name = "".join(ch for ch in name if ch.isprintable()).strip()[:200] or address
    task_run = session.get_one(TaskRun, access.task_run_id)
    agency = session.get_one(AgencyRecord, task_run.agency_id)
    origin = session.get_one(ReplyLink, access.link_id)
    contact = next((c for c in agency.contacts if c.email.lower() == address.lower()), None)
    if contact is not None and not contact.active:
        raise InvalidRequest(N_("This person is no longer a contact; please choose someone else."))
    if contact is not None:
        # Already one of the agency's people: their own link, as the agency's mail would give them.
        link = issue_link(session, task_run, contact, now=now, actor=access.actor, forwarded_from=origin)
        if link.ticket is None and link.forwarded_from_id == origin.id:
            link.ticket = ticket
        _send(session, task_run, link, Address(contact.name, contact.email), access.contact_name, now, mailing, signer)
        return ForwardOutcome(link, contact.email, waits_for_coordinator=False)
    inside = address.rpartition("@")[2].lower() in mail_domains(agency)
    link = ReplyLink(
        task_run_id=task_run.id,
        contact_id=None,
        guest_name=name,
        guest_email=address,
        nonce=new_nonce(),
        created_at=now,
        created_by=access.actor,
        expires_at=min(origin.expires_at, link_expiry(task_run.cycle)),
        forwarded_from_id=origin.id,
        approval=None if inside else PENDING,
        ticket=ticket,
    )
    session.add(link)
    session.flush()
    waiting = "" if inside else ", outside the agency's mail domains: waits for the coordinator"
    record_note(session, task_run, "forward", access.actor, f"link for {name} <{address}>{waiting}", now)
    if inside:
        _send(session, task_run, link, Address(name, address), access.contact_name, now, mailing, signer)
    else:
        _ask_coordinator(session, task_run, link, access, now, mailing)
    return ForwardOutcome(link, address, waits_for_coordinator=not inside)


def pending_forwards(session: Session) -> list[ReplyLink]:
    """Forwards to outside addresses that wait for the coordinator, oldest first."""
    return list(session.scalars(select(ReplyLink).where(ReplyLink.approval == PENDING).order_by(ReplyLink.id)))


def decide_forward(
    session: Session,
    link_id: int,
    *,
    approve: bool,
    now: datetime,
    actor: str,
    mailing: Mailing,
) -> ReplyLink:
    """The coordinator's answer: an approved forward is mailed to the colleague; a denied one never is."""
    link = session.get(ReplyLink, link_id)
    if link is None or link.approval != PENDING:
        raise InvalidRequest(N_("There is no forward #{number} waiting for a decision."), number=link_id)
    link.approval = APPROVED if approve else DENIED
    link.decided_at, link.decided_by = now, actor
    task_run = link.task_run
    verdict = "approved" if approve else "denied"
    record_note(session, task_run, f"forward_{verdict}", actor, f"forward to {link.guest_email} {verdict}", now)
    if approve and mailing.signer is not None:
        origin = session.get_one(ReplyLink, link.forwarded_from_id)
        _send(
            session,
            task_run,
            link,
            Address(link.holder_name, link.holder_email),
            origin.holder_name,
            now,
            mailing,
            mailing.signer,
        )
    return link


def _send(
    session: Session,
    task_run: TaskRun,
    link: ReplyLink,
    to: Address,
    forwarded_by: str,
    now: datetime,
    mailing: Mailing,
    signer: LinkSigner,
) -> None:
    queue_task_message(
        session,
        task_run,
        kind=MessageKind.FORWARDED,
        key=f"forwarded:{link.id}",
        to_addresses=[to],
        reply_url=signer.url(link),
        now=now,
        mailing=mailing,
        forwarded_by=forwarded_by,
    )


def _ask_coordinator(
    session: Session, task_run: TaskRun, link: ReplyLink, access: LinkAccess, now: datetime, mailing: Mailing
) -> None:
    run = session.get_one(PlanRun, task_run.plan_run_id)
    mail = RunMail(session, run, mailing, agency_ids={task_run.agency_id}, on=local_date(now))
    if mail.coordinator is None:
        return  # no one to tell by email: `forwards list` still shows it
    extra = {
        "number": str(link.id),
        "guest_name": link.guest_name or "",
        "guest_email": link.guest_email or "",
        "forwarder_email": access.contact_email,
    }
    if (url := mailing.desk_link(desk_paths.forwards(run.id))) is not None:
        extra["desk_url"] = url  # the desk's forwards page: approve or deny there
    message = mail.message(
        kind=MessageKind.FORWARD_APPROVAL,
        key=f"forward_approval:{link.id}",
        agency=mail.agencies[task_run.agency_id],
        to=[mail.coordinator],
        cc=[],
        tasks=[mail.task_item(task_run, task_run.cycle)],
        today=local_date(now),
        forwarded_by=access.contact_name,
        extra=extra,
    )
    mail.queue(NoticeSummary(), [message], now=now, actor=access.actor)

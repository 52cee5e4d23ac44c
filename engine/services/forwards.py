"""Forwards: a contact gives a colleague of the same agency a reply link of their own."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from sxsh_flow.engine.message import MessageKind
from sxsh_flow.engine.models import (
    AgencyRecord,
    ContactRecord,
    ReplyLink,
    TaskRun,
)
from sxsh_flow.engine.services.links import LinkAccess, LinkSigner, issue_link
from sxsh_flow.engine.services.notices import Mailing, queue_task_message
from sxsh_flow.errors import InvalidRequest
from sxsh_flow.words import N_


def forward_task(
    session: Session,
    access: LinkAccess,
    *,
    name: str,
    email: str,
    now: datetime,
    mailing: Mailing,
    signer: LinkSigner,
) -> ReplyLink:
    """Give a colleague of the same agency a link of their own, by email; recorded in history."""
    from email_validator import EmailNotValidError, validate_email

    try:
        address = validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise InvalidRequest(N_("That email address is not valid.")) from exc
    name = name.strip() or address
    task_run = session.get_one(TaskRun, access.task_run_id)
    agency = session.get_one(AgencyRecord, task_run.agency_id)
    contact = next((c for c in agency.contacts if c.email.lower() == address.lower()), None)
    if contact is None:
        contact = ContactRecord(name=name[:200], title="", email=address, role="copy", active=True)
        agency.contacts.append(contact)
        session.flush()
    elif not contact.active:
        raise InvalidRequest(N_("This person is no longer a contact; please choose someone else."))
    origin = session.get_one(ReplyLink, access.link_id)
    link = issue_link(session, task_run, contact, now=now, actor=access.actor, forwarded_from=origin)
    queue_task_message(
        session,
        task_run,
        kind=MessageKind.FORWARDED,
        key=f"forwarded:{link.id}",
        to_contacts=[contact],
        now=now,
        mailing=mailing,
        signer=signer,
        forwarded_by=access.contact_name,
    )
    return link

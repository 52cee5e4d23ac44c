"""Extensions: an agency asks for more time through its link; the coordinator approves or denies.

The coordinator hears of each request by email, with a link to the desk's extensions page. An
approved extension moves the task run's deadline (and with it the reminders); either answer is
sent to the agency by email, with its reply link, and written to history.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sxsh_flow.engine import desk_paths
from sxsh_flow.engine.clock import local_date
from sxsh_flow.engine.message import ExtensionInfo, MessageKind
from sxsh_flow.engine.models import ExtensionRequest, PlanRun, TaskRun
from sxsh_flow.engine.services.links import LinkAccess
from sxsh_flow.engine.services.mailing import NoticeSummary, RunMail
from sxsh_flow.engine.services.notices import Mailing, queue_task_message
from sxsh_flow.engine.services.submissions import report_contacts, task_context
from sxsh_flow.engine.services.transitions import fire, record_note
from sxsh_flow.engine.states import ExtensionState
from sxsh_flow.errors import InvalidRequest, ReportNotExpected, UnknownExtension
from sxsh_flow.words import N_


def request_extension(
    session: Session,
    access: LinkAccess,
    *,
    reason: str,
    proposed_until: date,
    now: datetime,
    mailing: Mailing | None = None,
) -> ExtensionRequest:
    """Record a request for more time; with ``mailing``, the coordinator gets an email linking to the desk.

    A second request while one is pending updates it (the desk shows the latest words) and sends
    no second email: one email per request.
    """
    task_run, _spec = task_context(session, access)
    if not task_run.awaits_report:
        raise ReportNotExpected(task_run.id, task_run.state.value)
    reason = reason.strip()
    if not reason:
        raise InvalidRequest(N_("Please give a reason for the extension."))
    if proposed_until <= task_run.effective_due_on:
        raise InvalidRequest(N_("The proposed date must be after the current deadline."))
    pending = session.scalars(
        select(ExtensionRequest).where(
            ExtensionRequest.task_run_id == task_run.id, ExtensionRequest.state == ExtensionState.PENDING
        )
    ).first()
    if pending is not None:
        pending.reason, pending.proposed_until, pending.requested_at = reason[:4000], proposed_until, now
        record_note(
            session, task_run, "request_extension", access.actor, f"until {proposed_until.isoformat()} (updated)", now
        )
        return pending
    request = ExtensionRequest(
        task_run_id=task_run.id,
        link_id=access.link_id,
        contact_id=access.contact_id,
        reason=reason[:4000],
        proposed_until=proposed_until,
        requested_at=now,
        _state=ExtensionState.PENDING,
    )
    session.add(request)
    session.flush()
    record_note(
        session, task_run, "request_extension", access.actor, f"until {proposed_until.isoformat()}: {reason[:200]}", now
    )
    if mailing is not None:
        _ask_coordinator(session, task_run, request, access, now, mailing)
    return request


def _ask_coordinator(
    session: Session,
    task_run: TaskRun,
    request: ExtensionRequest,
    access: LinkAccess,
    now: datetime,
    mailing: Mailing,
) -> None:
    """One email to the coordinator (the lead agency's focal point) about ``request``, with the desk's link."""
    run = session.get_one(PlanRun, task_run.plan_run_id)
    mail = RunMail(session, run, mailing, agency_ids={task_run.agency_id}, on=local_date(now))
    if mail.coordinator is None:
        return  # no one to tell by email: `extensions list` and the desk still show it
    extra = {"number": str(request.id), "requested_by": access.contact_name}
    if (url := mailing.desk_link(desk_paths.extensions(run.id))) is not None:
        extra["desk_url"] = url
    if request.proposed_until > task_run.cycle.closes_on:
        extra["past_close"] = "yes"  # approving it moves the report past the period's consolidation
    message = mail.message(
        kind=MessageKind.EXTENSION_REQUEST,
        key=f"extension_request:{request.id}",
        agency=mail.agencies[task_run.agency_id],
        to=[mail.coordinator],
        cc=[],
        tasks=[mail.task_item(task_run, task_run.cycle)],
        today=local_date(now),
        comment=request.reason,
        extension=ExtensionInfo(approved=False, requested_until=request.proposed_until, granted_until=None),
        extra=extra,
    )
    mail.queue(NoticeSummary(), [message], now=now, actor=access.actor)


def decide_extension(
    session: Session,
    request_id: int,
    *,
    approve: bool,
    until: date | None,
    comment: str,
    now: datetime,
    actor: str,
    mailing: Mailing,
) -> ExtensionRequest:
    """Approve (moving the deadline, and with it the reminders) or deny a request for more time."""
    request = session.get(ExtensionRequest, request_id)
    if request is None:
        raise UnknownExtension(request_id)
    task_run = request.task_run
    fire(session, request, "approve" if approve else "deny", actor=actor, now=now, reason=comment)
    request.decided_at, request.decided_by, request.comment = now, actor, comment or None
    if approve:
        granted = until or request.proposed_until
        request.granted_until = granted
        previous = task_run.effective_due_on
        task_run.extended_until = granted
        record_note(
            session, task_run, "extend", actor, f"deadline {previous.isoformat()} -> {granted.isoformat()}", now
        )
    contacts = report_contacts(session, task_run, request.contact_id)
    queue_task_message(
        session,
        task_run,
        kind=MessageKind.EXTENSION,
        key=f"extension:{request.id}",
        to_contacts=contacts,
        now=now,
        mailing=mailing,
        signer=mailing.signer,  # the answer carries the agency's link (a fresh one, or the one it has)
        comment=comment,
        extension=request,
    )
    return request

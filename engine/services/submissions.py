"""Reports through reply links: the form's state, drafts, submitted versions and their review.

Every action writes history naming the contact and the link it came through. A submission is a new
version, never an overwrite; the same form sent twice (a double press) is recognised by its nonce
and answered with the first result. Extensions (``extensions``) and forwards (``forwards``) use the
task context, the contacts and the history notes defined here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from sxsh_flow.engine.attachments import (
    CheckedFile,
    IncomingFile,
    RefusedFile,
    admit_to_report,
    check_file,
    store_file,
)
from sxsh_flow.engine.clock import local_date
from sxsh_flow.engine.message import Address, MessageKind
from sxsh_flow.engine.models import (
    AgencyRecord,
    Attachment,
    ContactRecord,
    ExtensionRequest,
    PlanRun,
    Submission,
    TaskRun,
)
from sxsh_flow.engine.report_form import FormDefinition, ParsedForm, form_definition, parse_form
from sxsh_flow.engine.services.links import LinkAccess, LinkSigner, revoke_links
from sxsh_flow.engine.services.notices import Mailing, queue_task_message
from sxsh_flow.engine.services.transitions import fire, record_note
from sxsh_flow.engine.services.withdrawn_reminders import cancel_pending
from sxsh_flow.engine.spec import PlanSpec, snapshot_spec
from sxsh_flow.engine.states import ExtensionState, SubmissionState, TaskRunState
from sxsh_flow.errors import ReportNotExpected, UnknownSubmission


@dataclass(frozen=True)
class VersionInfo:
    version: int
    state: SubmissionState
    submitted_at: datetime | None
    on_time: bool | None


@dataclass(frozen=True)
class FormState:
    """What the portal shows through a link: the task, the form prefilled, and what can be done."""

    access: LinkAccess
    plan_title: str
    task_title: str
    task_description: str
    cycle_label: str
    cutoff_start: date
    cutoff_end: date
    due_on: date
    task_state: TaskRunState
    definition: FormDefinition
    values: dict[str, object]
    attachments: tuple[tuple[str, int], ...]  # (filename, size) of the version shown
    versions: tuple[VersionInfo, ...]
    review_comment: str | None
    pending_extension: date | None

    @property
    def can_submit(self) -> bool:
        return self.task_state.awaits_report


@dataclass(frozen=True)
class SaveResult:
    parsed: ParsedForm
    submission: Submission | None
    submitted: bool  # a version was sent (now, or by the first press of the same form)
    duplicate: bool = False
    refused_files: tuple[RefusedFile, ...] = ()


def task_context(session: Session, access: LinkAccess) -> tuple[TaskRun, PlanSpec]:
    """The task run a link opens, and the plan it belongs to."""
    task_run = session.get_one(TaskRun, access.task_run_id)
    run = session.get_one(PlanRun, task_run.plan_run_id)
    return task_run, snapshot_spec(run.spec, run.plan_hash)


def _latest(session: Session, task_run_id: int) -> Submission | None:
    return session.scalars(
        select(Submission).where(Submission.task_run_id == task_run_id).order_by(Submission.version.desc())
    ).first()


# Built once: putting a statement together cost about as much CPU as running it on SQLite.
_PENDING = (
    select(ExtensionRequest.proposed_until)
    .where(
        ExtensionRequest.task_run_id == bindparam("task_run_id"),
        ExtensionRequest.state == ExtensionState.PENDING,
    )
    .order_by(ExtensionRequest.id)
    .limit(1)
    .scalar_subquery()
)
_PLAN_RUN_AND_PENDING = select(PlanRun, _PENDING).where(PlanRun.id == bindparam("plan_run_id"))
_VERSIONS = select(Submission).where(Submission.task_run_id == bindparam("task_run_id")).order_by(Submission.version)


def form_state(session: Session, access: LinkAccess) -> FormState:
    """What the page of a working link shows, in two queries: every page of the portal reads it.

    The plan run with the pending extension beside it, then every version, of which the last is the
    one the form shows. The task run and its cycle are already in the session after ``links.resolve``.
    """
    task_run = session.get_one(TaskRun, access.task_run_id)
    run, pending_until = session.execute(
        _PLAN_RUN_AND_PENDING, {"plan_run_id": task_run.plan_run_id, "task_run_id": task_run.id}
    ).one()
    spec = snapshot_spec(run.spec, run.plan_hash)
    task = spec.task(task_run.task_key)
    versions = session.scalars(_VERSIONS, {"task_run_id": task_run.id}).all()
    latest = versions[-1] if versions else None
    returned = next((v for v in reversed(versions) if v.state is SubmissionState.RETURNED), None)
    cycle = task_run.cycle
    return FormState(
        access=access,
        plan_title=spec.title,
        task_title=task_run.task_title,
        task_description=task.description,
        cycle_label=cycle.label,
        cutoff_start=cycle.cutoff_start,
        cutoff_end=cycle.cutoff_end,
        due_on=task_run.effective_due_on,
        task_state=task_run.state,
        definition=form_definition(spec, task),
        values=dict(latest.values) if latest else {},
        attachments=tuple((a.filename, a.size) for a in latest.attachments) if latest else (),
        versions=tuple(VersionInfo(v.version, v.state, v.submitted_at, v.on_time) for v in versions),
        review_comment=returned.review_comment if returned and task_run.state is TaskRunState.RETURNED else None,
        pending_extension=pending_until,
    )


def save_report(
    session: Session,
    access: LinkAccess,
    data: Mapping[str, str],
    files: Sequence[IncomingFile],
    *,
    submit: bool,
    form_nonce: str,
    now: datetime,
    attachments_folder: Path,
    mailing: Mailing,
) -> SaveResult:
    """Save a draft, or submit a new version; errors leave the typed values saved as a draft."""
    # Lock the task run: two saves at once (two tabs, two processes) take turns, on PostgreSQL too.
    # populate_existing: the portal's session may hold the row already, read before the lock; the
    # state to judge by is the one the lock waited for.
    locking = select(TaskRun).where(TaskRun.id == access.task_run_id).with_for_update()
    session.scalars(locking.execution_options(populate_existing=True)).one()
    if submit:
        earlier = session.scalars(
            select(Submission).where(Submission.form_nonce == form_nonce, Submission.task_run_id == access.task_run_id)
        ).first()
        if earlier is not None:
            return SaveResult(ParsedForm(values=dict(earlier.values)), earlier, submitted=True, duplicate=True)
    task_run, spec = task_context(session, access)
    if not task_run.awaits_report:
        raise ReportNotExpected(task_run.id, task_run.state.value)
    definition = form_definition(spec, spec.task(task_run.task_key))
    parsed = parse_form(definition, data, submitting=submit)
    checked: list[CheckedFile] = []
    refused: list[RefusedFile] = []
    for incoming in files if definition.attachments else ():
        if not incoming.data and not incoming.filename:
            continue
        try:
            checked.append(check_file(incoming))
        except RefusedFile as problem:
            refused.append(problem)
            parsed.errors["attachments"] = (problem.message("vi"), problem.message("en"))
    draft = _draft(session, task_run, access, now)
    # A field typed wrongly this time keeps the value it had: an error must not erase good work.
    kept = {key: value for key, value in draft.values.items() if key in parsed.errors}
    draft.values = {**kept, **parsed.values}
    draft.updated_at = now
    held = [attachment.size for attachment in draft.attachments]
    for file in checked:
        try:
            admit_to_report(held, file)  # at most 10 files and 50 MB per report
        except RefusedFile as problem:
            refused.append(problem)
            parsed.errors["attachments"] = (problem.message("vi"), problem.message("en"))
            continue
        held.append(file.size)
        store_file(attachments_folder, file)
        draft.attachments.append(
            Attachment(filename=file.filename, content_type=file.content_type, size=file.size, sha256=file.sha256)
        )
    session.flush()
    if not submit or not parsed.ok:
        record_note(session, task_run, "save_draft", access.actor, f"version {draft.version} saved as a draft", now)
        return SaveResult(parsed, draft, submitted=False, refused_files=tuple(refused))
    draft.form_nonce = form_nonce
    draft.submitted_at = now
    draft.on_time = local_date(now) <= task_run.effective_due_on
    fire(session, draft, "submit", actor=access.actor, now=now, reason=f"version {draft.version}")
    fire(session, task_run, "submit", actor=access.actor, now=now, reason=f"version {draft.version} submitted")
    cancel_pending(session, task_run_id=task_run.id, now=now, actor=access.actor, reason="the report came in")
    # The receipt goes to whoever sent the report: a contact, or the colleague it was forwarded to.
    contacts = [session.get_one(ContactRecord, access.contact_id)] if access.contact_id is not None else []
    guests = [] if contacts else [Address(access.contact_name, access.contact_email)]
    queue_task_message(
        session,
        task_run,
        kind=MessageKind.RECEIPT,
        key=f"receipt:{draft.id}",
        to_contacts=contacts,
        to_addresses=guests,
        now=now,
        mailing=mailing,
        receipt_version=draft.version,
        on_time=draft.on_time,
    )
    return SaveResult(parsed, draft, submitted=True)


def _draft(session: Session, task_run: TaskRun, access: LinkAccess, now: datetime) -> Submission:
    latest = _latest(session, task_run.id)
    if latest is not None and latest.state is SubmissionState.DRAFT:
        latest.link_id, latest.contact_id, latest.author = access.link_id, access.contact_id, access.author
        return latest
    version = (latest.version if latest else 0) + 1
    draft = Submission(
        task_run_id=task_run.id,
        version=version,
        values={},
        link_id=access.link_id,
        contact_id=access.contact_id,
        author=access.author,
        created_at=now,
        updated_at=now,
        _state=SubmissionState.DRAFT,
    )
    session.add(draft)
    session.flush()
    return draft


def review_submission(
    session: Session,
    submission_id: int,
    *,
    accept: bool,
    comment: str,
    now: datetime,
    actor: str,
    mailing: Mailing,
    signer: LinkSigner | None,
) -> Submission:
    """Accept a submitted version, or return it with a comment (the agency gets a fresh link)."""
    submission = session.get(Submission, submission_id)
    if submission is None:
        raise UnknownSubmission(submission_id)
    task_run = submission.task_run
    move = "accept" if accept else "return"
    fire(session, submission, move, actor=actor, now=now, reason=comment)
    fire(session, task_run, move, actor=actor, now=now, reason=f"version {submission.version}: {comment}".strip(": "))
    submission.reviewed_at, submission.reviewed_by, submission.review_comment = now, actor, comment or None
    if not accept:
        # The old links stop working; the returned report comes with a fresh one.
        revoke_links(
            session, now=now, actor=actor, reason="report returned; a new link was sent", task_run_id=task_run.id
        )
        contacts = report_contacts(session, task_run, submission.contact_id)
        queue_task_message(
            session,
            task_run,
            kind=MessageKind.RETURNED,
            key=f"returned:{submission.id}",
            to_contacts=contacts,
            now=now,
            mailing=mailing,
            signer=signer,
            comment=comment,
            receipt_version=submission.version,
            on_time=submission.on_time,
        )
    return submission


def report_contacts(session: Session, task_run: TaskRun, contact_id: int | None) -> list[ContactRecord]:
    """Who should hear about a report: the person who sent it, if still there, else the focal points."""
    if contact_id is not None:
        contact = session.get(ContactRecord, contact_id)
        if contact is not None and contact.active and contact.agency_id == task_run.agency_id:
            return [contact]
    agency = session.get_one(AgencyRecord, task_run.agency_id)
    return [c for c in agency.contacts if c.active and c.role == "focal_point"] or [
        c for c in agency.contacts if c.active
    ]


def submission_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Submission)) or 0

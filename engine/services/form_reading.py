"""The reply form's state as a link's page shows it, read in two queries: every page of the portal reads it.

The same ``FormState`` as ``submissions.form_state`` (a test compares the two), read with fewer
round trips: the plan run with the pending extension beside it, then every version, of which the
last is the one the form shows (``form_state`` asks for that one, the list and the extension
apart). The task run and its cycle are already in the session after ``links.resolve``. Reads only.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from sxsh_flow.engine.models import ExtensionRequest, PlanRun, Submission, TaskRun
from sxsh_flow.engine.report_form import form_definition
from sxsh_flow.engine.services.links import LinkAccess
from sxsh_flow.engine.services.submissions import FormState, VersionInfo
from sxsh_flow.engine.spec import snapshot_spec
from sxsh_flow.engine.states import ExtensionState, SubmissionState, TaskRunState

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


def read_form_state(session: Session, access: LinkAccess) -> FormState:
    """What the page of a working link shows (see ``submissions.form_state``)."""
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

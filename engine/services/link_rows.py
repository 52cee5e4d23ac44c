"""The rows behind a reply link, read in one query: the portal reads them on every request."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from sxsh_flow.engine.models import AgencyRecord, ContactRecord, ReplyLink, ReportingCycle, TaskRun

# Built once: putting the statement together cost about as much CPU as running it on SQLite.
_LINK_WITH_DUTY = (
    select(ReplyLink, TaskRun, AgencyRecord, ContactRecord, ReportingCycle)
    .join(TaskRun, TaskRun.id == ReplyLink.task_run_id)
    .join(AgencyRecord, AgencyRecord.id == TaskRun.agency_id)
    .join(ReportingCycle, ReportingCycle.id == TaskRun.cycle_id)
    .outerjoin(ContactRecord, ContactRecord.id == ReplyLink.contact_id)
    .where(ReplyLink.id == bindparam("link_id"))
)


def link_with_duty(session: Session, link_id: int) -> tuple[ReplyLink, TaskRun, AgencyRecord] | None:
    """The link with its task run and agency; None when there is no such link.

    The link's contact and the task run's cycle come in the same query: the session then has them,
    so ``link.contact`` and the form's ``task_run.cycle`` need no query of their own (a session that
    holds what it loads, like ``Store.reading``, keeps them for the rest of its work).
    """
    row = session.execute(_LINK_WITH_DUTY, {"link_id": link_id}).first()
    return None if row is None else (row[0], row[1], row[2])

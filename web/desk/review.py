"""A submission laid out as its form reads, with its versions side by side; accepting or returning it.

The layout is ``engine.submission_reading``'s, the one ``sxsh-flow submissions show`` prints. The
review goes through ``review_submission``, the service the CLI's ``review`` uses, under the
coordinator's address; the page then comes back with what was done (POST, redirect, GET).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from sxsh_flow.engine import desk_paths
from sxsh_flow.engine.clock import local_date
from sxsh_flow.engine.labels import state_label
from sxsh_flow.engine.models import PlanRun, Submission
from sxsh_flow.engine.report_form import form_definition
from sxsh_flow.engine.services.submissions import review_submission
from sxsh_flow.engine.spec import snapshot_spec
from sxsh_flow.engine.states import SubmissionState
from sxsh_flow.engine.submission_reading import Section, read_submission
from sxsh_flow.errors import SxshError
from sxsh_flow.web.desk.board import run_nav
from sxsh_flow.web.desk.context import Coordinator, Desk

DONE = {"done_accepted", "done_returned"}
MAX_COMMENT = 4000


@dataclass(frozen=True)
class Compared:
    """One field across versions: its label and its value in each, and whether they differ."""

    label: str
    values: tuple[str, ...]
    changed: bool


def compare(versions: list[tuple[Section, ...]]) -> list[Compared]:
    """The rows of every version's sections, lined up by field (the first version's order)."""
    order: dict[str, str] = {}
    by_version: list[dict[str, str]] = []
    for sections in versions:
        found: dict[str, str] = {}
        for section in sections:
            for row in section.rows:
                order.setdefault(row.key, row.label)
                found[row.key] = row.value
        by_version.append(found)
    rows = []
    for key, label in order.items():
        values = tuple(v.get(key, "") for v in by_version)
        rows.append(Compared(label, values, len(set(values)) > 1))
    return rows


class Review:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    async def show(self, request: Request, run_id: int, submission_id: int) -> Response:
        person = await run_in_threadpool(self.desk.coordinator, request, run_id)
        if isinstance(person, Response):
            return person
        return await self._page(request, person, run_id, submission_id, error=None, comment="", status=200)

    async def _page(
        self,
        request: Request,
        person: Coordinator,
        run_id: int,
        submission_id: int,
        *,
        error: str | None,
        comment: str,
        status: int,
    ) -> Response:
        language = self.desk.pages.language(request)
        context = await run_in_threadpool(self._read, run_id, submission_id, language)
        if context is None:
            return self.desk.not_found(request)
        done = request.query_params.get("done")
        return self.desk.render(
            request,
            "desk/submission.html",
            {
                "person": person,
                "ticket": self.desk.ticket(person),
                "done": done if done in DONE else None,
                "error": error,
                "comment": comment,
                **context,
            },
            status=status,
        )

    def _read(self, run_id: int, submission_id: int, language: str) -> dict[str, Any] | None:
        with self.desk.store.session() as session:
            shown = session.get(Submission, submission_id)
            if shown is None or shown.task_run.plan_run_id != run_id or shown.state is SubmissionState.DRAFT:
                return None
            run = session.get_one(PlanRun, run_id)
            spec = snapshot_spec(run.spec, run.plan_hash)
            task_run = shown.task_run
            definition = form_definition(spec, spec.task(task_run.task_key))
            versions = list(
                session.scalars(
                    select(Submission)
                    .where(Submission.task_run_id == task_run.id, Submission.state != SubmissionState.DRAFT)
                    .order_by(Submission.version)
                )
            )
            readings = [read_submission(definition, v.values, language) for v in versions]
            today = local_date(self.desk.clock.now())
            context = {
                "run": run,
                "nav": run_nav(
                    session, run_id, "board", task_run.cycle.year if task_run.cycle.due_on <= today else None
                ),
                "submission": shown,
                "submission_state": state_label(shown.state, language),
                "task_run": task_run,
                "cycle_label": task_run.cycle.label,
                "sections": readings[versions.index(shown)],
                "attachments": [(a.filename, a.size) for a in shown.attachments],
                "versions": [
                    (v.id, v.version, state_label(v.state, language), desk_paths.submission(run_id, v.id))
                    for v in versions
                ],
                "compared": compare(readings) if len(versions) > 1 else [],
                "reviewable": shown.state is SubmissionState.SUBMITTED,
                "action": desk_paths.submission(run_id, shown.id),
            }
        return context

    async def act(self, request: Request, run_id: int, submission_id: int) -> Response:
        person = await run_in_threadpool(self.desk.coordinator, request, run_id)
        if isinstance(person, Response):
            return person
        posted = await self.desk.posted(request, person)
        if isinstance(posted, Response):
            return posted
        accept = posted.get("action") == "accept"
        comment = posted.get("comment", "").strip()[:MAX_COMMENT]
        if not accept and not comment:
            return await self._page(
                request, person, run_id, submission_id, error="comment_missing", comment="", status=422
            )
        outcome = await run_in_threadpool(self._review, person, run_id, submission_id, accept, comment)
        if outcome is None:
            return self.desk.not_found(request)
        if outcome != "":
            return await self._page(request, person, run_id, submission_id, error=outcome, comment=comment, status=409)
        done = "done_accepted" if accept else "done_returned"
        return RedirectResponse(f"{desk_paths.submission(run_id, submission_id)}?done={done}", status_code=303)

    def _review(self, person: Coordinator, run_id: int, submission_id: int, accept: bool, comment: str) -> str | None:
        """ "" when done; the words key of why not; None when there is no such submission in the run."""
        with self.desk.store.session() as session:
            found = session.get(Submission, submission_id)
            if found is None or found.task_run.plan_run_id != run_id:
                return None
            if found.state is not SubmissionState.SUBMITTED:
                return "not_reviewable"
            try:
                review_submission(
                    session,
                    submission_id,
                    accept=accept,
                    comment=comment,
                    now=self.desk.clock.now(),
                    actor=person.email,
                    mailing=self.desk.mailing,
                    signer=self.desk.signer,
                )
            except SxshError:
                session.rollback()
                return "not_reviewable"
        return ""

"""Extension requests and forwards waiting for the coordinator: approve or deny, from the desk.

Through ``decide_extension`` and ``decide_forward``, the services the CLI uses, under the
coordinator's address. Approving a deadline after the cycle closes is allowed (the province may
wait for a late department) but never by accident: the page warns, and the approval must carry a
ticked confirmation, or it comes back with the warning as an error.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from sxsh_flow.engine import desk_paths
from sxsh_flow.engine.models import ExtensionRequest, PlanRun, ReplyLink, TaskRun
from sxsh_flow.engine.services.extensions import decide_extension
from sxsh_flow.engine.services.forwards import decide_forward, pending_forwards
from sxsh_flow.engine.states import ExtensionState
from sxsh_flow.errors import SxshError
from sxsh_flow.web.desk.board import run_nav
from sxsh_flow.web.desk.context import Coordinator, Desk

EXTENSION_DONE = {"done_approved", "done_denied"}
FORWARD_DONE = {"done_forward_approved", "done_forward_denied"}
MAX_COMMENT = 4000


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 12 else None


class Decisions:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    # --- extensions ------------------------------------------------------------------------------

    async def extensions(self, request: Request, run_id: int) -> Response:
        person = await run_in_threadpool(self.desk.coordinator, request, run_id)
        if isinstance(person, Response):
            return person
        return await self._extensions_page(request, person, run_id, errors={}, status=200)

    async def _extensions_page(
        self, request: Request, person: Coordinator, run_id: int, *, errors: dict[int, str], status: int
    ) -> Response:
        context = await run_in_threadpool(self._extensions, run_id)
        done = request.query_params.get("done")
        return self.desk.render(
            request,
            "desk/extensions.html",
            {
                "person": person,
                "ticket": self.desk.ticket(person),
                "done": done if done in EXTENSION_DONE else None,
                "errors": errors,
                "action": desk_paths.extensions(run_id),
                **context,
            },
            status=status,
        )

    def _extensions(self, run_id: int) -> dict[str, Any]:
        with self.desk.store.session() as session:
            requests = list(
                session.scalars(
                    select(ExtensionRequest)
                    .join(TaskRun, ExtensionRequest.task_run_id == TaskRun.id)
                    .where(TaskRun.plan_run_id == run_id)
                    .order_by(ExtensionRequest.requested_at.desc(), ExtensionRequest.id.desc())
                )
            )
            pending: list[dict[str, Any]] = []
            decided: list[dict[str, Any]] = []
            for item in requests:
                task_run = item.task_run
                shown = {
                    "id": item.id,
                    "agency": task_run.agency_name,
                    "task": task_run.task_title,
                    "cycle": task_run.cycle.label,
                    "deadline": task_run.effective_due_on,
                    "until": item.proposed_until,
                    "granted": item.granted_until,
                    "reason": item.reason,
                    "requested_at": item.requested_at,
                    "closes_on": task_run.cycle.closes_on,
                    "past_close": item.proposed_until > task_run.cycle.closes_on,
                    "approved": item.state is ExtensionState.APPROVED,
                    "decided_by": item.decided_by,
                }
                (pending if item.state is ExtensionState.PENDING else decided).append(shown)
            context = {
                "run": session.get_one(PlanRun, run_id),
                "nav": run_nav(session, run_id, "extensions"),
                "pending": pending,
                "decided": decided[:20],
            }
        return context

    async def decide_extension(self, request: Request, run_id: int) -> Response:
        person = await run_in_threadpool(self.desk.coordinator, request, run_id)
        if isinstance(person, Response):
            return person
        posted = await self.desk.posted(request, person)
        if isinstance(posted, Response):
            return posted
        request_id = _number(posted.get("request", ""))
        approve = posted.get("action") == "approve"
        if request_id is None:
            return self.desk.not_found(request)
        outcome = await run_in_threadpool(
            self._decide_extension,
            person,
            run_id,
            request_id,
            approve,
            posted.get("comment", "").strip()[:MAX_COMMENT],
            posted.get("confirm_past_close") == "1",
        )
        if outcome is None:
            return self.desk.not_found(request)
        if outcome:
            return await self._extensions_page(request, person, run_id, errors={request_id: outcome}, status=422)
        done = "done_approved" if approve else "done_denied"
        return RedirectResponse(f"{desk_paths.extensions(run_id)}?done={done}", status_code=303)

    def _decide_extension(
        self, person: Coordinator, run_id: int, request_id: int, approve: bool, comment: str, confirmed: bool
    ) -> str | None:
        with self.desk.store.session() as session:
            found = session.get(ExtensionRequest, request_id)
            if found is None or found.task_run.plan_run_id != run_id:
                return None
            if found.state is not ExtensionState.PENDING:
                return "not_reviewable"
            if approve and found.proposed_until > found.task_run.cycle.closes_on and not confirmed:
                return "confirm_missing"
            try:
                decide_extension(
                    session,
                    request_id,
                    approve=approve,
                    until=None,
                    comment=comment,
                    now=self.desk.clock.now(),
                    actor=person.email,
                    mailing=self.desk.mailing,
                )
            except SxshError:
                session.rollback()
                return "not_reviewable"
        return ""

    # --- forwards --------------------------------------------------------------------------------

    async def forwards(self, request: Request, run_id: int) -> Response:
        person = await run_in_threadpool(self.desk.coordinator, request, run_id)
        if isinstance(person, Response):
            return person
        context = await run_in_threadpool(self._forwards, run_id)
        done = request.query_params.get("done")
        return self.desk.render(
            request,
            "desk/forwards.html",
            {
                "person": person,
                "ticket": self.desk.ticket(person),
                "done": done if done in FORWARD_DONE else None,
                "action": desk_paths.forwards(run_id),
                **context,
            },
        )

    def _forwards(self, run_id: int) -> dict[str, Any]:
        with self.desk.store.session() as session:
            waiting = []
            for link in pending_forwards(session):
                if link.task_run.plan_run_id != run_id:
                    continue
                origin = session.get(ReplyLink, link.forwarded_from_id) if link.forwarded_from_id else None
                waiting.append(
                    {
                        "id": link.id,
                        "agency": link.task_run.agency_name,
                        "task": link.task_run.task_title,
                        "cycle": link.task_run.cycle.label,
                        "guest": f"{link.guest_name} <{link.guest_email}>",
                        "by": origin.holder_name if origin else "",
                        "at": link.created_at,
                    }
                )
            context = {
                "run": session.get_one(PlanRun, run_id),
                "nav": run_nav(session, run_id, "forwards"),
                "waiting": waiting,
            }
        return context

    async def decide_forward(self, request: Request, run_id: int) -> Response:
        person = await run_in_threadpool(self.desk.coordinator, request, run_id)
        if isinstance(person, Response):
            return person
        posted = await self.desk.posted(request, person)
        if isinstance(posted, Response):
            return posted
        link_id = _number(posted.get("forward", ""))
        approve = posted.get("action") == "approve"
        if link_id is None or not await run_in_threadpool(self._decide_forward, person, run_id, link_id, approve):
            return self.desk.not_found(request)
        done = "done_forward_approved" if approve else "done_forward_denied"
        return RedirectResponse(f"{desk_paths.forwards(run_id)}?done={done}", status_code=303)

    def _decide_forward(self, person: Coordinator, run_id: int, link_id: int, approve: bool) -> bool:
        with self.desk.store.session() as session:
            link = session.get(ReplyLink, link_id)
            if link is None or link.task_run.plan_run_id != run_id:
                return False
            try:
                decide_forward(
                    session,
                    link_id,
                    approve=approve,
                    now=self.desk.clock.now(),
                    actor=person.email,
                    mailing=self.desk.mailing,
                )
            except SxshError:
                session.rollback()
                return False
        return True

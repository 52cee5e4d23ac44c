"""What the desk shows and nobody acts on here: a run's emails (failed first, with the server's
reason), its history, and its consolidated reports, which ``web.consolidated`` serves already."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from sxsh_flow.engine.models import HistoryEntry, OutboxMessage, PlanRun, ReportingCycle
from sxsh_flow.engine.states import OutboxState
from sxsh_flow.web.desk.board import run_nav
from sxsh_flow.web.desk.context import Desk
from sxsh_flow.web.desk.history_words import said
from sxsh_flow.web.report_links import report_url

RECENT_EMAILS = 100
HISTORY_ROWS = 300


def failure_reason(row: OutboxMessage) -> str:
    """Why a message failed, as the mail server (or the builder) said it, per refused recipient."""
    if row.refused:
        return "; ".join(f"{address}: {answer.get('response', '')}".strip() for address, answer in row.refused.items())
    return row.last_error or row.smtp_response or row.reason or ""


class Records:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    async def _page(self, request: Request, run_id: int, template: str, read: Any, *args: Any) -> Response:
        person = await run_in_threadpool(self.desk.coordinator, request, run_id)
        if isinstance(person, Response):
            return person
        context = await run_in_threadpool(read, run_id, *args)
        if context is None:
            return self.desk.not_found(request)
        return self.desk.render(request, template, {"person": person, "ticket": self.desk.ticket(person), **context})

    async def emails(self, request: Request, run_id: int) -> Response:
        return await self._page(request, run_id, "desk/emails.html", self._emails)

    def _emails(self, run_id: int) -> dict[str, Any]:
        with self.desk.store.session() as session:
            of_run = select(OutboxMessage).where(OutboxMessage.plan_run_id == run_id)
            failed = list(
                session.scalars(
                    of_run.where(OutboxMessage.state == OutboxState.FAILED).order_by(OutboxMessage.id.desc())
                )
            )
            recent = list(
                session.scalars(
                    of_run.where(OutboxMessage.state != OutboxState.FAILED)
                    .order_by(OutboxMessage.id.desc())
                    .limit(RECENT_EMAILS)
                )
            )

            def shown(row: OutboxMessage) -> dict[str, Any]:
                return {
                    "id": row.id,
                    "to": ", ".join(a.get("email", "") for a in row.to),
                    "subject": row.subject,
                    "queued": row.queued_at,
                    "state": f"email_{row.state.value}",
                    "why": failure_reason(row),
                }

            context = {
                "run": session.get_one(PlanRun, run_id),
                "nav": run_nav(session, run_id, "emails"),
                "failed": [shown(r) for r in failed],
                "recent": [shown(r) for r in recent],
            }
        return context

    async def history(self, request: Request, run_id: int) -> Response:
        language = self.desk.pages.language(request)
        return await self._page(request, run_id, "desk/history.html", self._history, language)

    def _history(self, run_id: int, language: str) -> dict[str, Any]:
        with self.desk.store.session() as session:
            entries = list(
                session.scalars(
                    select(HistoryEntry)
                    .where(HistoryEntry.plan_run_id == run_id)
                    .order_by(HistoryEntry.at.desc(), HistoryEntry.id.desc())
                    .limit(HISTORY_ROWS)
                )
            )
            context = {
                "run": session.get_one(PlanRun, run_id),
                "nav": run_nav(session, run_id, "history"),
                "entries": [said(entry, language) for entry in entries],
                "limit": HISTORY_ROWS,
            }
        return context

    async def report(self, request: Request, run_id: int, year: int) -> Response:
        return await self._page(request, run_id, "desk/reports.html", self._report, year)

    def _report(self, run_id: int, year: int) -> dict[str, Any] | None:
        now = self.desk.clock.now()
        base = self.desk.settings.base_url
        with self.desk.store.session() as session:
            cycles = list(
                session.scalars(
                    select(ReportingCycle)
                    .where(ReportingCycle.plan_run_id == run_id, ReportingCycle.year == year)
                    .order_by(case((ReportingCycle.cadence == "annual", 1), else_=0), ReportingCycle.due_on)
                )
            )
            # The report's own page, signed as the cycle-closed email signs it: one report, one place.
            links = [
                {
                    "label": c.label,
                    "href": report_url(self.desk.secret, base, run_id, c.label, now=now),
                    "cumulative": report_url(self.desk.secret, base, run_id, c.label, True, now=now),
                }
                for c in cycles
            ]
            context = {
                "run": session.get_one(PlanRun, run_id),
                "nav": run_nav(session, run_id, "reports", year),
                "year": year,
                "links": links,
            }
        return context

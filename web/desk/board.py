"""The desk's landing (the runs one coordinates) and a run's board: agencies × cycles, with filters.

Each cell says the state of each of the agency's reports in that cycle, in words, and how late it
is, counted by the run's time policy (``engine.services.status``, as ``status`` and the emails count).
Filters are GET query parameters, so a filtered board is a link one can keep or send.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from sxsh_flow.engine import desk_paths
from sxsh_flow.engine.clock import local_date
from sxsh_flow.engine.labels import state_label
from sxsh_flow.engine.models import ExtensionRequest, OutboxMessage, PlanRun, ReplyLink, Submission, TaskRun
from sxsh_flow.engine.services.desk_access import coordinated_runs
from sxsh_flow.engine.services.status import RunStatus, TaskRunStatus, run_status
from sxsh_flow.engine.states import ExtensionState, OutboxState, SubmissionState, TaskRunState
from sxsh_flow.engine.time_policy import days_in_words
from sxsh_flow.web.desk.context import Coordinator, Desk
from sxsh_flow.web.desk.words import desk_text
from sxsh_flow.words import words


@dataclass(frozen=True)
class Nav:
    current: str
    links: tuple[tuple[str, str, int], ...]  # (words key, path, count to show or 0)


def run_nav(session: Session, run_id: int, current: str, year: int | None = None) -> Nav:
    """The run's pages, with what waits on each: extension requests, forwards, failed emails."""
    waiting_extensions = session.scalar(
        select(func.count())
        .select_from(ExtensionRequest)
        .join(TaskRun, ExtensionRequest.task_run_id == TaskRun.id)
        .where(TaskRun.plan_run_id == run_id, ExtensionRequest.state == ExtensionState.PENDING)
    )
    waiting_forwards = session.scalar(
        select(func.count())
        .select_from(ReplyLink)
        .join(TaskRun, ReplyLink.task_run_id == TaskRun.id)
        .where(TaskRun.plan_run_id == run_id, ReplyLink.approval == "pending")
    )
    failed = session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.plan_run_id == run_id, OutboxMessage.state == OutboxState.FAILED)
    )
    links: list[tuple[str, str, int]] = [
        ("board", desk_paths.board(run_id), 0),
        ("extensions", desk_paths.extensions(run_id), waiting_extensions or 0),
        ("forwards", desk_paths.forwards(run_id), waiting_forwards or 0),
        ("emails", desk_paths.emails(run_id), failed or 0),
        ("history", desk_paths.history(run_id), 0),
    ]
    if year is not None:
        links.append(("reports", desk_paths.report(run_id, year), 0))
    return Nav(current, tuple(links))


@dataclass(frozen=True)
class Cell:
    task_title: str
    state: str
    overdue: bool
    late: str  # "late by 3 working days", or ""
    due: str
    href: str | None  # the latest version sent, if any
    version: int | None


@dataclass
class BoardRow:
    code: str
    name: str
    cells: dict[str, list[Cell]] = field(default_factory=dict)  # cycle label -> its reports


def latest_versions(session: Session, task_run_ids: list[int]) -> dict[int, tuple[int, int]]:
    """For each task run, its latest version sent (not a draft): {task run: (submission id, version)}."""
    found: dict[int, tuple[int, int]] = {}
    for start in range(0, len(task_run_ids), 500):
        chunk = task_run_ids[start : start + 500]
        rows = session.execute(
            select(Submission.task_run_id, Submission.id, Submission.version)
            .where(Submission.task_run_id.in_(chunk), Submission.state != SubmissionState.DRAFT)
            .order_by(Submission.version)
        ).tuples()
        for task_run_id, submission_id, version in rows:
            found[task_run_id] = (submission_id, version)
    return found


class Board:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    async def landing(self, request: Request) -> Response:
        person = await run_in_threadpool(self.desk.coordinator, request)
        if isinstance(person, Response):
            return person
        runs = await run_in_threadpool(self._runs, person)
        return self.desk.render(
            request, "desk/landing.html", {"person": person, "ticket": self.desk.ticket(person), "runs": runs}
        )

    def _runs(self, person: Coordinator) -> list[dict[str, Any]]:
        with self.desk.store.session() as session:
            runs = coordinated_runs(session, person.email, now=self.desk.clock.now())
            return [
                {"id": r.id, "title": r.plan_title, "province": r.province_code, "href": desk_paths.board(r.id)}
                for r in runs
            ]

    async def board(self, request: Request, run_id: int) -> Response:
        person = await run_in_threadpool(self.desk.coordinator, request, run_id)
        if isinstance(person, Response):
            return person
        language = self.desk.pages.language(request)
        context = await run_in_threadpool(self._board, run_id, dict(request.query_params), language)
        return self.desk.render(
            request, "desk/board.html", {"person": person, "ticket": self.desk.ticket(person), **context}
        )

    def _board(self, run_id: int, query: dict[str, str], language: str) -> dict[str, Any]:
        today = local_date(self.desk.clock.now())
        with self.desk.store.session() as session:
            (status,) = run_status(session, today=today, run_id=run_id)
            latest = latest_versions(session, [t.id for t in status.task_runs])
            run = session.get_one(PlanRun, run_id)
            nav = run_nav(session, run_id, "board", _current_year(status, today))
        wanted = {
            "cycle": query.get("cycle", ""),
            "agency": query.get("agency", ""),
            "state": query.get("state", ""),
            "overdue": query.get("overdue", "") == "1",
        }
        shown = [t for t in status.task_runs if _matches(t, wanted)]
        cycles = [c.label for c in status.cycles if not wanted["cycle"] or c.label == wanted["cycle"]]
        rows: dict[str, BoardRow] = {}
        for task in sorted(shown, key=lambda t: (t.agency_code, t.task_title)):
            row = rows.setdefault(task.agency_code, BoardRow(task.agency_code, task.agency_name))
            row.cells.setdefault(task.cycle, []).append(_cell(task, latest.get(task.id), run_id, language))
        return {
            "run": run,
            "nav": nav,
            "status": status,
            "rows": list(rows.values()),
            "cycles": cycles,
            "wanted": wanted,
            "shown": len(shown),
            "total": len(status.task_runs),
            "overdue": status.overdue,
            "cycle_options": [c.label for c in status.cycles],
            "agency_options": sorted({(t.agency_code, t.agency_name) for t in status.task_runs}),
            "state_options": [(s.value, state_label(s, language)) for s in TaskRunState],
        }


def _current_year(status: RunStatus, today: Any) -> int | None:
    years = [c.year for c in status.cycles]
    if not years:
        return None
    past = [c.year for c in status.cycles if c.due_on <= today]
    return max(past) if past else min(years)


def _matches(task: TaskRunStatus, wanted: dict[str, Any]) -> bool:
    return (
        (not wanted["cycle"] or task.cycle == wanted["cycle"])
        and (not wanted["agency"] or task.agency_code == wanted["agency"])
        and (not wanted["state"] or task.state.value == wanted["state"])
        and (not wanted["overdue"] or task.overdue)
    )


def _cell(task: TaskRunStatus, latest: tuple[int, int] | None, run_id: int, language: str) -> Cell:
    late = desk_text("late_by", language, days=days_in_words(task.days_overdue, task.day_unit, language))
    due = desk_text("extended" if task.extended_until else "due", language, date=words(language).date(task.due_on))
    return Cell(
        task_title=task.task_title,
        state=state_label(task.state, language),
        overdue=task.overdue,
        late=late if task.overdue else "",
        due=due,
        href=desk_paths.submission(run_id, latest[0]) if latest else None,
        version=latest[1] if latest else None,
    )

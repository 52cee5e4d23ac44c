"""``serve``, ``submissions``, ``review`` and ``extensions``: the portal and the coordinator's side of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Annotated

import typer

from sxsh_flow.cli.output import emit_json, shorten, state_option, table, vn_date

if TYPE_CHECKING:
    from sxsh_flow.cli.context import AppContext

submissions_app = typer.Typer(help="Reports agencies sent through their links.", no_args_is_help=True)
review_app = typer.Typer(help="Accept a submitted report, or return it with a comment.", no_args_is_help=True)
extensions_app = typer.Typer(
    help="Requests for more time: list, approve (moving the deadline), deny.", no_args_is_help=True
)

NoSend = Annotated[bool, typer.Option("--no-send", help="Only queue the email; leave sending to `outbox send`.")]


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(submissions_app, name="submissions")
    app.add_typer(review_app, name="review")
    app.add_typer(extensions_app, name="extensions")


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    daily_at: Annotated[
        str, typer.Option("--daily-at", help="When the day's jobs run (HH:MM, Asia/Ho_Chi_Minh).")
    ] = "08:00",
    tick: Annotated[
        float | None,
        typer.Option("--tick", help="Seconds between catch-up checks (default 60; 1 with a simulated clock)."),
    ] = None,
    no_scheduler: Annotated[
        bool, typer.Option("--no-scheduler", help="Run the portal only (when Prefect workers run the jobs).")
    ] = False,
) -> None:
    """Run the reply portal and the scheduler that runs the plan by itself, until stopped.

    Every day at --daily-at (Asia/Ho_Chi_Minh) the scheduler opens the cycles due to open, closes
    and consolidates those due to close, sends the day's reminders, overdue notices and escalations
    (working days), and on Mondays the coordinator's digest; the outbox is sent every minute in
    office hours. Each day's runs are recorded in the database, so a restart neither misses a run
    nor repeats one. Stop it with Ctrl-C or SIGTERM: a job in progress is finished first.

    Links in emails point at SXSH_BASE_URL; put the portal behind that address (a reverse proxy
    with HTTPS in production). To watch a plan run faster than life, set SXSH_NOW=2016-11-01 and
    SXSH_CLOCK_RATE=21600 (a simulated day every 4 seconds).
    """
    import logging
    import signal
    from datetime import timedelta

    import uvicorn

    from sxsh_flow.web.app import create_app
    from sxsh_flow.workflows.jobs import JobEnvironment
    from sxsh_flow.workflows.scheduler import EmbeddedScheduler, Runner, Timetable

    app_context: AppContext = ctx.obj
    say = app_context.text
    settings = app_context.settings
    simulated = settings.clock_rate is not None
    scheduler = None
    if not no_scheduler:
        timetable = Timetable(daily_at=_time_option("--daily-at", daily_at))
        env = JobEnvironment.from_settings(settings, store=app_context.store)
        runner = Runner(env, app_context.clock, timetable)
        scheduler = EmbeddedScheduler(
            runner, simulated_clock=simulated, tick=timedelta(seconds=tick or (1 if simulated else 60))
        )
    typer.echo(
        say(
            f"Cổng báo cáo: http://{host}:{port} (liên kết trong thư trỏ tới {settings.base_url})",
            f"Reply portal: http://{host}:{port} (links in emails point at {settings.base_url})",
        )
    )
    if scheduler is not None:
        typer.echo(
            say(
                f"Lịch tự động: hằng ngày lúc {daily_at} (giờ Việt Nam); gửi thư mỗi phút trong giờ hành chính.",
                f"Scheduler: daily at {daily_at} (Vietnam time); mail sent every minute in office hours.",
            )
        )
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        # uvicorn shuts down on SIGTERM, then restores the default handler and raises the signal
        # again, which would end the process before the scheduler stops. As SystemExit(0), that
        # second signal lets the `finally` below wait for a job in progress.
        signal.signal(signal.SIGTERM, _exit_cleanly)
        scheduler.start()
    try:
        uvicorn.run(
            create_app(
                app_context.store,
                settings,
                app_context.clock,
                health_details=(lambda: {"scheduler": scheduler.health()}) if scheduler is not None else None,
            ),
            host=host,
            port=port,
            log_level="info",
        )
    finally:
        # uvicorn returns on SIGINT and SIGTERM: let a job in progress finish before the process ends.
        if scheduler is not None:
            scheduler.shutdown()


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _time_option(name: str, value: str) -> time:
    from sxsh_flow.errors import ConfigurationError
    from sxsh_flow.words import N_

    try:
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise ConfigurationError(name, value, N_("give HH:MM, e.g. 08:00")) from exc


def _submission_json(row: object) -> dict[str, object]:
    from sxsh_flow.engine.models import Submission

    assert isinstance(row, Submission)
    return {
        "id": row.id,
        "task_run_id": row.task_run_id,
        "version": row.version,
        "state": row.state,
        "agency_code": row.task_run.agency_code,
        "agency_name": row.task_run.agency_name,
        "task_key": row.task_run.task_key,
        "cycle": row.task_run.cycle.label,
        "submitted_at": row.submitted_at,
        "on_time": row.on_time,
        "values": row.values,
        "review_comment": row.review_comment,
        "attachments": [{"filename": a.filename, "size": a.size, "sha256": a.sha256} for a in row.attachments],
    }


@submissions_app.command("list")
def submissions_list(
    ctx: typer.Context,
    state: Annotated[str | None, typer.Option("--state", help="draft, submitted, accepted or returned")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """List report versions, newest first (drafts only with --state draft)."""
    from sqlalchemy import select

    from sxsh_flow.engine.models import Submission
    from sxsh_flow.engine.states import SubmissionState

    app_context: AppContext = ctx.obj
    wanted = state_option(SubmissionState, state)
    with app_context.store.session() as session:
        query = select(Submission).order_by(Submission.id.desc())
        query = (
            query.where(Submission.state == wanted)
            if wanted
            else query.where(Submission.state != SubmissionState.DRAFT)
        )
        rows = [_submission_json(row) for row in session.scalars(query)]
    if as_json:
        emit_json({"submissions": rows})
        return
    say = app_context.text
    if not rows:
        typer.echo(say("Chưa có báo cáo nào.", "No reports yet."))
        return
    typer.echo(
        table(
            [
                "#",
                say("Cơ quan", "Agency"),
                say("Nhiệm vụ", "Task"),
                say("Kỳ", "Cycle"),
                "v",
                say("Trạng thái", "State"),
                say("Đúng hạn", "On time"),
            ],
            [
                [
                    str(r["id"]),
                    shorten(f"{r['agency_code']} {r['agency_name']}", 40),
                    str(r["task_key"]),
                    str(r["cycle"]),
                    str(r["version"]),
                    str(r["state"]),
                    "" if r["on_time"] is None else say("có", "yes") if r["on_time"] else say("trễ", "late"),
                ]
                for r in rows
            ],
            indent=0,
        )
    )


@submissions_app.command("show")
def submissions_show(
    ctx: typer.Context,
    submission: Annotated[int, typer.Argument(help="The number from `submissions list`.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Show one report version: who sent it, when, every value, the attachments."""
    from sxsh_flow.engine.models import Submission
    from sxsh_flow.errors import UnknownSubmission

    app_context: AppContext = ctx.obj
    with app_context.store.session() as session:
        row = session.get(Submission, submission)
        if row is None:
            raise UnknownSubmission(submission)
        document = _submission_json(row)
    if as_json:
        emit_json(document)
        return
    heading = [str(document[key]) for key in ("agency_name", "task_key", "cycle")]
    typer.echo(f"#{document['id']} " + " · ".join(heading) + f" · v{document['version']} · {document['state']}")
    values = document["values"]
    assert isinstance(values, dict)
    for key, value in values.items():
        typer.echo(f"  {key}: {value}")
    for attachment in document["attachments"]:  # type: ignore[attr-defined]
        typer.echo(f"  📎 {attachment['filename']} ({attachment['size']} B, sha256 {attachment['sha256'][:12]})")


def _review(ctx: typer.Context, submission: int, *, accept: bool, comment: str, no_send: bool) -> None:
    from sxsh_flow.cli.mail import send_due
    from sxsh_flow.engine.services.reports import review_submission

    app_context: AppContext = ctx.obj
    with app_context.store.session() as session:
        reviewed = review_submission(
            session,
            submission,
            accept=accept,
            comment=comment,
            now=app_context.now(),
            actor=app_context.actor,
            mailing=app_context.mailing,
            signer=app_context.signer,
        )
        version, state = reviewed.version, reviewed.state.value
    typer.echo(
        app_context.text(
            f"Báo cáo #{submission} (phiên bản {version}): {state}.",
            f"Report #{submission} (version {version}): {state}.",
        )
    )
    if not no_send:
        send_due(app_context)


@review_app.command("accept")
def review_accept(
    ctx: typer.Context,
    submission: Annotated[int, typer.Argument(help="The number from `submissions list`.")],
    comment: Annotated[str, typer.Option("--comment", help="A note kept with the report.")] = "",
    no_send: NoSend = False,
) -> None:
    """Accept a submitted report: the task run is done; no more reminders."""
    _review(ctx, submission, accept=True, comment=comment, no_send=no_send)


@review_app.command("return")
def review_return(
    ctx: typer.Context,
    submission: Annotated[int, typer.Argument(help="The number from `submissions list`.")],
    comment: Annotated[str, typer.Option("--comment", help="What to correct (sent to the agency).")],
    no_send: NoSend = False,
) -> None:
    """Return a report with a comment: the agency gets it by email with a fresh link; reminders resume."""
    if not comment.strip():
        raise typer.BadParameter("--comment must say what to correct")
    _review(ctx, submission, accept=False, comment=comment, no_send=no_send)


@extensions_app.command("list")
def extensions_list(
    ctx: typer.Context,
    state: Annotated[str | None, typer.Option("--state", help="pending, approved or denied")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """List requests for more time, newest first."""
    from sqlalchemy import select

    from sxsh_flow.engine.models import ExtensionRequest
    from sxsh_flow.engine.states import ExtensionState

    app_context: AppContext = ctx.obj
    wanted = state_option(ExtensionState, state)
    with app_context.store.session() as session:
        query = select(ExtensionRequest).order_by(ExtensionRequest.id.desc())
        if wanted is not None:
            query = query.where(ExtensionRequest.state == wanted)
        rows = [
            ExtensionListing(
                r.id,
                r.task_run_id,
                r.task_run.agency_code,
                r.task_run.task_key,
                r.task_run.cycle.label,
                r.task_run.due_on,
                r.proposed_until,
                r.granted_until,
                r.state.value,
                r.reason,
                r.requested_at,
            )
            for r in session.scalars(query)
        ]
    if as_json:
        emit_json({"extensions": rows})
        return
    say = app_context.text
    if not rows:
        typer.echo(say("Không có đề nghị gia hạn nào.", "No extension requests."))
        return
    typer.echo(
        table(
            [
                "#",
                say("Cơ quan", "Agency"),
                say("Nhiệm vụ", "Task"),
                say("Hạn", "Due"),
                say("Đề nghị", "Asked"),
                say("Trạng thái", "State"),
                say("Lý do", "Reason"),
            ],
            [
                [
                    str(r.id),
                    r.agency_code,
                    r.task_key,
                    vn_date(r.due_on),
                    vn_date(r.proposed_until),
                    r.state,
                    shorten(r.reason, 50),
                ]
                for r in rows
            ],
            indent=0,
        )
    )


@dataclass(frozen=True)
class ExtensionListing:
    id: int
    task_run_id: int
    agency_code: str
    task_key: str
    cycle: str
    due_on: date
    proposed_until: date
    granted_until: date | None
    state: str
    reason: str
    requested_at: datetime


def _decide(ctx: typer.Context, request: int, *, approve: bool, until: str | None, comment: str, no_send: bool) -> None:
    from sxsh_flow.cli.mail import send_due
    from sxsh_flow.engine.services.reports import decide_extension

    app_context: AppContext = ctx.obj
    granted = _date_option(until) if until else None
    with app_context.store.session() as session:
        decided = decide_extension(
            session,
            request,
            approve=approve,
            until=granted,
            comment=comment,
            now=app_context.now(),
            actor=app_context.actor,
            mailing=app_context.mailing,
        )
        message = app_context.text(
            f"Đề nghị #{request}: {decided.state.value}"
            + (f"; hạn mới {vn_date(decided.granted_until)}" if decided.granted_until else ""),
            f"Request #{request}: {decided.state.value}"
            + (f"; new deadline {vn_date(decided.granted_until)}" if decided.granted_until else ""),
        )
    typer.echo(message)
    if not no_send:
        send_due(app_context)


def _date_option(text: str) -> date:
    try:
        if "/" in text:
            day, month, year = (int(part) for part in text.split("/"))
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter(f"{text!r} is not a date (2017-01-15 or 15/01/2017)") from exc


@extensions_app.command("approve")
def extensions_approve(
    ctx: typer.Context,
    request: Annotated[int, typer.Argument(help="The number from `extensions list`.")],
    until: Annotated[str | None, typer.Option("--until", help="The new deadline; default: the date asked for.")] = None,
    comment: Annotated[str, typer.Option("--comment", help="A note sent to the agency.")] = "",
    no_send: NoSend = False,
) -> None:
    """Approve: the deadline moves, and the reminders follow the new date."""
    _decide(ctx, request, approve=True, until=until, comment=comment, no_send=no_send)


@extensions_app.command("deny")
def extensions_deny(
    ctx: typer.Context,
    request: Annotated[int, typer.Argument(help="The number from `extensions list`.")],
    comment: Annotated[str, typer.Option("--comment", help="The reason, sent to the agency.")] = "",
    no_send: NoSend = False,
) -> None:
    """Deny: the deadline stands; the agency is told."""
    _decide(ctx, request, approve=False, until=None, comment=comment, no_send=no_send)

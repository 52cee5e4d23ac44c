"""``submissions`` and ``review``: the reports agencies sent through their links, and their review."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from sxsh_flow.cli.output import emit_json, shorten, state_option, table

if TYPE_CHECKING:
    from sxsh_flow.cli.context import AppContext

submissions_app = typer.Typer(help="Reports agencies sent through their links.", no_args_is_help=True)
review_app = typer.Typer(help="Accept a submitted report, or return it with a comment.", no_args_is_help=True)

NoSend = Annotated[bool, typer.Option("--no-send", help="Only queue the email; leave sending to `outbox send`.")]


def register(app: typer.Typer) -> None:
    app.add_typer(submissions_app, name="submissions")
    app.add_typer(review_app, name="review")


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
    from sxsh_flow.engine.labels import state_label

    said = app_context.words
    if not rows:
        typer.echo(said.gettext("No reports yet."))
        return
    on_time = {None: "", True: said.gettext("yes"), False: said.pgettext("terminal column", "late")}
    typer.echo(
        table(
            [
                "#",
                said.pgettext("terminal column", "Agency"),
                said.gettext("Task"),
                said.pgettext("terminal column", "Cycle"),
                "v",
                said.gettext("State"),
                said.gettext("On time"),
            ],
            [
                [
                    str(r["id"]),
                    shorten(f"{r['agency_code']} {r['agency_name']}", 40),
                    str(r["task_key"]),
                    str(r["cycle"]),
                    str(r["version"]),
                    state_label(SubmissionState(str(r["state"])), said.language),
                    on_time[r["on_time"]],  # type: ignore[index]
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
    """Show one report version as its form reads: who sent it, when, every value, the attachments."""
    from sxsh_flow.cli.submission_text import submission_text
    from sxsh_flow.engine.models import PlanRun, Submission
    from sxsh_flow.errors import UnknownSubmission

    app_context: AppContext = ctx.obj
    with app_context.store.session() as session:
        row = session.get(Submission, submission)
        if row is None:
            raise UnknownSubmission(submission)
        if as_json:
            document = _submission_json(row)
        else:
            text = submission_text(row, session.get_one(PlanRun, row.plan_run_id), app_context.words)
    if as_json:
        emit_json(document)
        return
    typer.echo(text)


def _review(ctx: typer.Context, submission: int, *, accept: bool, comment: str, no_send: bool) -> None:
    from sxsh_flow.cli.mail import send_due
    from sxsh_flow.engine.labels import state_label
    from sxsh_flow.engine.services.submissions import review_submission

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
        version, state = reviewed.version, state_label(reviewed.state, app_context.language)
    typer.echo(
        app_context.words.gettext(
            "Report #{submission} (version {version}): {state}.", submission=submission, version=version, state=state
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

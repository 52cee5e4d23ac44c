"""``extensions``: requests for more time, and the coordinator's answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from sxsh_flow.cli.output import emit_json, shorten, state_option, table

if TYPE_CHECKING:
    from sxsh_flow.cli.context import AppContext

extensions_app = typer.Typer(
    help="Requests for more time: list, approve (moving the deadline), deny.", no_args_is_help=True
)

NoSend = Annotated[bool, typer.Option("--no-send", help="Only queue the email; leave sending to `outbox send`.")]


def register(app: typer.Typer) -> None:
    app.add_typer(extensions_app, name="extensions")


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
    from sxsh_flow.engine.labels import state_label

    said = app_context.words
    if not rows:
        typer.echo(said.gettext("No extension requests."))
        return
    typer.echo(
        table(
            [
                "#",
                said.pgettext("terminal column", "Agency"),
                said.gettext("Task"),
                said.pgettext("terminal column", "Due"),
                said.gettext("Asked"),
                said.gettext("State"),
                said.gettext("Reason"),
            ],
            [
                [
                    str(r.id),
                    r.agency_code,
                    r.task_key,
                    said.date(r.due_on),
                    said.date(r.proposed_until),
                    state_label(ExtensionState(r.state), said.language),
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
    from sxsh_flow.engine.labels import state_label
    from sxsh_flow.engine.services.extensions import decide_extension

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
        said = app_context.words
        if decided.granted_until is None:
            message = said.gettext(
                "Request #{request}: {state}", request=request, state=state_label(decided.state, app_context.language)
            )
        else:
            message = said.gettext(
                "Request #{request}: {state}; new deadline {until}",
                request=request,
                state=state_label(decided.state, app_context.language),
                until=said.date(decided.granted_until),
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

"""``forwards``: forwards to addresses outside an agency's mail domains, and the coordinator's answer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from sxsh_flow.cli.output import table

if TYPE_CHECKING:
    from sxsh_flow.cli.context import AppContext

forwards_app = typer.Typer(help="Forwards waiting for the coordinator: list, approve, deny.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(forwards_app, name="forwards")


@forwards_app.command("list")
def forwards_list(ctx: typer.Context) -> None:
    """List the forwards to outside addresses that wait for a decision."""
    from sxsh_flow.engine.services.forwards import pending_forwards

    app_context: AppContext = ctx.obj
    said = app_context.words
    with app_context.store.session() as session:
        rows = [
            [str(link.id), link.task_run.agency_code, link.task_run.task_key, link.holder_name, link.holder_email]
            for link in pending_forwards(session)
        ]
    if not rows:
        typer.echo(said.gettext("No forwards wait for a decision."))
        return
    headers = ["#", said.pgettext("terminal column", "Agency"), said.gettext("Task"), said.gettext("Name"), "Email"]
    typer.echo(table(headers, rows, indent=0))


def _decide(ctx: typer.Context, number: int, *, approve: bool) -> None:
    from sxsh_flow.cli.mail import send_due
    from sxsh_flow.engine.services.forwards import decide_forward

    app_context: AppContext = ctx.obj
    with app_context.store.session() as session:
        link = decide_forward(
            session,
            number,
            approve=approve,
            now=app_context.now(),
            actor=app_context.actor,
            mailing=app_context.mailing,
        )
        message = app_context.words.gettext(
            "Forward #{number} to {email}: {state}", number=number, email=link.holder_email, state=link.approval
        )
    typer.echo(message)
    if approve:
        send_due(app_context)


@forwards_app.command("approve")
def forwards_approve(
    ctx: typer.Context, number: Annotated[int, typer.Argument(help="The number from `forwards list`.")]
) -> None:
    """Approve: the colleague gets their link by email."""
    _decide(ctx, number, approve=True)


@forwards_app.command("deny")
def forwards_deny(
    ctx: typer.Context, number: Annotated[int, typer.Argument(help="The number from `forwards list`.")]
) -> None:
    """Deny: nothing is ever sent to that address."""
    _decide(ctx, number, approve=False)

"""``remind``, ``digest`` and ``outbox``: queue what the plan says is due today, and send it."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Annotated

import typer

from sxsh_flow.cli.output import emit_json, shorten, state_option, table

if TYPE_CHECKING:
    from sxsh_flow.cli.context import AppContext
    from sxsh_flow.engine.services.notices import NoticeSummary
    from sxsh_flow.notifications.dispatcher import DispatchSummary

outbox_app = typer.Typer(help="The outbox: list messages, send what is due, retry a failed one.", no_args_is_help=True)

NoSend = Annotated[bool, typer.Option("--no-send", help="Only queue; leave sending to `outbox send` or `serve`.")]


def register(app: typer.Typer) -> None:
    app.command("remind")(remind)
    app.command("digest")(digest)
    app.add_typer(outbox_app, name="outbox")


def send_due(app_context: AppContext, *, quiet: bool = False) -> DispatchSummary:
    """Send what the outbox holds for now; unless ``quiet``, say where it went."""
    from sxsh_flow.notifications.dispatcher import dispatch

    transport = app_context.transport()

    async def run() -> DispatchSummary:
        try:
            return await dispatch(app_context.store, transport, app_context.clock)
        finally:
            await transport.close()

    summary = asyncio.run(run())
    if not quiet:
        report_sending(app_context, summary, transport.describe())
    return summary


def report_sending(app_context: AppContext, summary: DispatchSummary, where: str | None = None) -> None:
    said = app_context.words
    where = where or app_context.transport().describe()
    if summary.outside_office_hours:
        typer.echo(said.gettext("Outside office hours: mail waits for the next working morning."))
    elif summary.attempted:
        typer.echo(
            said.gettext(
                "Sent {sent} message(s) via {where}; {deferred} to retry; {failed} failed.",
                sent=summary.sent,
                where=where,
                deferred=summary.deferred,
                failed=summary.failed,
            )
        )
        for error in summary.errors[:10]:
            typer.echo(f"  {error}", err=True)


def print_notices(app_context: AppContext, summary: NoticeSummary, *, dry_run: bool) -> None:
    from sxsh_flow.engine.labels import code_label
    from sxsh_flow.engine.message import MessageKind

    said = app_context.words
    verb = (
        said.gettext("Would queue {count} message(s)") if dry_run else said.gettext("Queued {count} message(s)")
    ).format(count=len(summary.queued))
    typer.echo(
        verb
        + (said.gettext(" ({count} already queued)", count=summary.already_queued) if summary.already_queued else "")
    )
    if summary.opened_task_runs:
        typer.echo(
            said.gettext(
                "Opened {cycles} cycle(s), {task_runs} task run(s).",
                cycles=summary.opened_cycles,
                task_runs=summary.opened_task_runs,
            )
        )
    if summary.queued:
        typer.echo(
            table(
                [said.gettext("Kind"), said.gettext("To"), said.gettext("Subject")],
                [
                    [
                        code_label(MessageKind, m.kind, said.language),
                        ", ".join(a.email for a in m.to),
                        shorten(m.rendered.subject, 70),
                    ]
                    for m in summary.queued
                ],
            )
        )
    for problem in summary.problems:
        typer.echo(said.gettext("Warning: {problem}", problem=problem), err=True)


def remind(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be queued; change nothing.")] = False,
    no_send: NoSend = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was queued as JSON.")] = False,
) -> None:
    """The daily sweep: open what is due to open, queue today's reminders, then send.

    Reminders follow each plan's policy (days before the deadline, on the day, overdue, escalation
    to the agency's head with the coordinator in copy), on working days only, never to agencies
    that have reported, about cancelled tasks, or to retired contacts. Running it twice on the
    same day queues nothing new.
    """
    from sxsh_flow.engine.services.notices import open_due, queue_reminders

    app_context: AppContext = ctx.obj
    now = app_context.now()
    with app_context.store.session() as session:
        opened = open_due(session, now=now, mailing=app_context.mailing, actor=app_context.actor, dry_run=dry_run)
        reminders = queue_reminders(
            session, now=now, mailing=app_context.mailing, actor=app_context.actor, dry_run=dry_run
        )
        if dry_run:
            session.rollback()
    opened.queued.extend(reminders.queued)
    opened.already_queued += reminders.already_queued
    opened.problems.extend(reminders.problems)
    sent = send_due(app_context, quiet=True) if not dry_run and not no_send else None
    if as_json:
        emit_json(
            {
                "dry_run": dry_run,
                "opened_cycles": opened.opened_cycles,
                "opened_task_runs": opened.opened_task_runs,
                "already_queued": opened.already_queued,
                "problems": opened.problems,
                "queued": [_message_json(m) for m in opened.queued],
                "sent": sent.sent if sent else 0,
                "deferred": sent.deferred if sent else 0,
                "failed": sent.failed if sent else 0,
            }
        )
    else:
        print_notices(app_context, opened, dry_run=dry_run)
        if sent is not None:
            report_sending(app_context, sent)


def digest(
    ctx: typer.Context,
    run: Annotated[int | None, typer.Argument(help="Run number; default: every active run.")] = None,
    no_send: NoSend = False,
) -> None:
    """Queue the coordinator's status digest: per cycle, who has reported, who is late, what is next."""
    from sxsh_flow.engine.services.notices import queue_digest

    app_context: AppContext = ctx.obj
    with app_context.store.session() as session:
        summary = queue_digest(
            session, now=app_context.now(), mailing=app_context.mailing, actor=app_context.actor, run_id=run
        )
    print_notices(app_context, summary, dry_run=False)
    if not no_send:
        send_due(app_context)


def _message_json(message: object) -> dict[str, object]:
    from sxsh_flow.engine.services.outbox import OutgoingMessage

    assert isinstance(message, OutgoingMessage)
    return {
        "key": message.dedup_key,
        "kind": message.kind,
        "to": [a.email for a in message.to],
        "cc": [a.email for a in message.cc],
        "subject": message.rendered.subject,
        "task_run_ids": list(message.task_run_ids),
    }


@outbox_app.command("list")
def outbox_list(
    ctx: typer.Context,
    state: Annotated[
        str | None, typer.Option("--state", help="queued, sending, sent, retry, failed, cancelled")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many, newest first.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """List outbox messages with their state, attempts and the last error."""
    from sqlalchemy import select

    from sxsh_flow.engine.models import OutboxMessage
    from sxsh_flow.engine.services.outbox import outbox_counts
    from sxsh_flow.engine.states import OutboxState

    app_context: AppContext = ctx.obj
    wanted = state_option(OutboxState, state)
    with app_context.store.session() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
        if wanted is not None:
            query = query.where(OutboxMessage.state == wanted)
        rows = list(session.scalars(query))
        counts = outbox_counts(session)
    if as_json:
        emit_json(
            {
                "counts": counts,
                "messages": [
                    {
                        "id": r.id,
                        "key": r.dedup_key,
                        "kind": r.kind,
                        "state": r.state,
                        "to": [a["email"] for a in r.to],
                        "cc": [a["email"] for a in r.cc],
                        "subject": r.subject,
                        "reason": r.reason,
                        "message_id": r.message_id,
                        "attempts": r.attempts,
                        "queued_at": r.queued_at,
                        "next_attempt_at": r.next_attempt_at,
                        "sent_at": r.sent_at,
                        "last_error": r.last_error,
                        "smtp_response": r.smtp_response,
                        # Per recipient: who has it, and who refused it with the server's answer.
                        "delivered_to": r.delivered_to,
                        "refused": r.refused,
                    }
                    for r in rows
                ],
            }
        )
        return
    from sxsh_flow.engine.labels import code_label
    from sxsh_flow.engine.states import OutboxState

    language = app_context.language
    typer.echo(
        ", ".join(f"{code_label(OutboxState, k, language)}: {v}" for k, v in sorted(counts.items()))
        or app_context.words.gettext("The outbox is empty.")
    )
    if rows:
        typer.echo(
            table(
                [
                    "#",
                    app_context.words.gettext("State"),
                    app_context.words.gettext("Tries"),
                    app_context.words.gettext("To"),
                    app_context.words.gettext("Subject / error"),
                ],
                [
                    [
                        str(r.id),
                        code_label(OutboxState, r.state, language),
                        str(r.attempts),
                        shorten(", ".join(a["email"] for a in r.to), 40),
                        shorten(r.last_error or r.subject, 60),
                    ]
                    for r in rows
                ],
            )
        )


@outbox_app.command("send")
def outbox_send(ctx: typer.Context) -> None:
    """Send every message that is due now (SMTP with SXSH_SMTP_URL, else .eml files under SXSH_HOME)."""
    app_context: AppContext = ctx.obj
    summary = send_due(app_context)
    if not summary.attempted and not summary.outside_office_hours:
        typer.echo(app_context.words.gettext("Nothing is due to send."))


@outbox_app.command("retry")
def outbox_retry(
    ctx: typer.Context,
    message: Annotated[int, typer.Argument(help="The message number from `outbox list`.")],
    no_send: NoSend = False,
) -> None:
    """Queue a failed (or waiting) message to be sent again now, e.g. after fixing an address.

    A message that could not be built (an address the mail path cannot send to: its error says
    why) has nothing to send: retry refuses it and says so. Fix the agency's contacts with
    `agencies import`; the messages written after that reach them.
    """
    from sxsh_flow.engine.services.outbox import requeue

    app_context: AppContext = ctx.obj
    with app_context.store.session() as session:
        requeue(session, message, now=app_context.now(), actor=app_context.actor)
    typer.echo(app_context.words.gettext("Message {number} is queued again.", number=message))
    if not no_send:
        send_due(app_context)

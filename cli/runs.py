"""``start`` and ``status``: begin a plan for a province, and see where every agency stands."""

from __future__ import annotations

from typing import Annotated

import typer

from sxsh_flow.cli.output import emit_json, terminal_width, wrapped
from sxsh_flow.cli.plan_inputs import DirectoryFiles, PlanFile, PlanKey, Province, imported_line, read_plan_inputs


def register(app: typer.Typer) -> None:
    app.command("start")(start)
    app.command("status")(status)


def start(
    ctx: typer.Context,
    plan: PlanKey = None,
    province: Province = None,
    plan_file: PlanFile = None,
    directory_files: DirectoryFiles = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was made as one JSON document.")] = False,
    no_send: Annotated[bool, typer.Option("--no-send", help="Queue the kickoff letters without sending them.")] = False,
) -> None:
    """Start PLAN (or the plan of --plan-file) for a province: its run, cycles and each agency's task runs.

    The province's agency directory comes from the store: what `sxsh-flow agencies import FILE`
    or --directory FILE put there. --directory files are checked first and imported in the same
    transaction as the start, so a problem in any of them writes nothing. When the store has no
    directory of the province and sxsh-flow ships a sample for it, the sample is imported.
    Starting the same plan twice for a province is refused and changes nothing.

    Examples:
      sxsh-flow --now 2016-09-01 start plan-2016-2020
      sxsh-flow start --plan-file my-plan.yaml --directory my-agencies.csv
    """
    from sxsh_flow.cli.context import AppContext
    from sxsh_flow.cli.mail import report_sending
    from sxsh_flow.engine.clock import local_date
    from sxsh_flow.engine.services.agencies import import_directory
    from sxsh_flow.engine.services.start import start_and_announce

    app_context: AppContext = ctx.obj
    inputs = read_plan_inputs(app_context.words, plan, plan_file, directory_files, province)
    province_code = inputs.province
    now = app_context.now()
    with app_context.store.session() as session:
        imported = [import_directory(session, directory, now=now) for directory in inputs.directories]
        begun = start_and_announce(
            session, inputs.plan, province_code, now=now, mailing=app_context.mailing, actor=app_context.actor
        )
    started, notices, sample_imported = begun.started, begun.notices, begun.sample_directory_imported
    sent = None
    if not no_send:
        from sxsh_flow.cli.mail import send_due

        sent = send_due(app_context, quiet=True)
    if as_json:
        emit_json(
            {
                "started": started,
                "imported_directories": imported,
                "sample_directory_imported": sample_imported,
                "now": now,
                "opened_task_runs": notices.opened_task_runs,
                "queued_messages": len(notices.queued),
                "sent_messages": sent.sent if sent else 0,
                "problems": notices.problems,
            }
        )
        return
    said = app_context.words
    for summary in imported:
        typer.echo(imported_line(said, summary))
    if sample_imported:
        typer.echo(
            said.gettext(
                "Imported the SAMPLE directory of province {province} (addresses under *.example). "
                "Load the real one with: sxsh-flow agencies import FILE",
                province=province_code,
            )
        )
    typer.echo(
        said.gettext(
            "Started plan {plan} for province {province}: run #{run}, on {day}.",
            plan=started.plan_key,
            province=started.province,
            run=started.run_id,
            day=said.date(local_date(now)),
        )
    )
    if started.held_by != started.province:
        typer.echo(
            "  "
            + said.gettext(
                "Province {province} is now part of {successor} ({code}): its agencies hold the plan from here on.",
                province=started.province,
                successor=started.held_by_name,
                code=started.held_by,
            )
        )
    typer.echo("  " + said.gettext("Reporting cycles: {cycles}", cycles=", ".join(started.cycles)))
    if started.skipped_cycles:
        typer.echo(
            "  "
            + said.gettext("Not collected (closed before today): {cycles}", cycles=", ".join(started.skipped_cycles))
        )
    typer.echo(
        "  "
        + said.gettext(
            "{task_runs} task runs for {agencies} agencies; {opened} opened now; first deadline {day}.",
            task_runs=started.task_runs,
            agencies=len(started.agencies),
            opened=notices.opened_task_runs,
            day=said.date(started.first_due_on) if started.first_due_on else "-",
        )
    )
    typer.echo("  " + said.gettext("Agencies: {agencies}", agencies=", ".join(started.agencies)))
    kickoffs = sum(1 for m in notices.queued if m.kind == "kickoff")
    typer.echo(
        "  "
        + said.gettext(
            "{kickoffs} kickoff letter(s) and {requests} request(s) to report queued.",
            kickoffs=kickoffs,
            requests=len(notices.queued) - kickoffs,
        )
    )
    for problem in notices.problems:
        typer.echo(said.gettext("Warning: {problem}", problem=problem), err=True)
    if sent is not None:
        report_sending(app_context, sent)
    typer.echo(said.gettext("See progress: sxsh-flow status {run}", run=started.run_id))


def status(
    ctx: typer.Context,
    run: Annotated[int | None, typer.Argument(help="Run number (from start); default: every run.")] = None,
    cycle: Annotated[str | None, typer.Option("--cycle", "-c", help="Only this cycle, e.g. 2017.")] = None,
    agency: Annotated[str | None, typer.Option("--agency", "-a", help="Only this agency code, e.g. SCT.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only task runs past their deadline.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document (every task run).")] = False,
) -> None:
    """Show, per cycle and agency, each task run's state and deadline, and what is overdue."""
    from sxsh_flow.cli.context import AppContext
    from sxsh_flow.cli.status_view import failing_lines, print_status
    from sxsh_flow.engine.clock import local_date
    from sxsh_flow.engine.services.status import (
        RunStatus,
        TaskRunStatus,
        agency_name,
        failed_messages,
        failing_jobs,
        refused_recipients,
        run_status,
    )
    from sxsh_flow.errors import UnknownAgency

    app_context: AppContext = ctx.obj
    now = app_context.now()
    today = local_date(now)
    code = agency.upper() if agency is not None else None
    # It only reads, rows as columns: a bare connection, and neither the ORM nor the models are loaded.
    with app_context.store.engine.connect() as connection:
        runs: list[RunStatus] = run_status(connection, today=today, run_id=run)
        failing = failing_jobs(connection)
        refused = refused_recipients(connection)
        failed = failed_messages(connection)
        holds_nothing = code is not None and not any(t.agency_code == code for r in runs for t in r.task_runs)
        name = agency_name(connection, code) if code is not None and holds_nothing else None
    if code is not None and holds_nothing and name is None:
        raise UnknownAgency(code)

    def keep(row: TaskRunStatus) -> bool:
        return (
            (cycle is None or row.cycle == cycle)
            and (code is None or row.agency_code == code)
            and (not overdue or row.overdue)
        )

    if as_json:
        emit_json(
            {
                "now": now,
                "today": today,
                "refused_recipients": refused,
                "failed_messages": failed,
                "runs": [
                    {
                        "id": r.id,
                        "plan_key": r.plan_key,
                        "plan_version": r.plan_version,
                        "plan_hash": r.plan_hash,
                        "plan_title": r.plan_title,
                        "province": r.province,
                        "state": r.state,
                        "cycles": [c for c in r.cycles if cycle is None or c.label == cycle],
                        "task_runs": [t for t in r.task_runs if keep(t)],
                    }
                    for r in runs
                ],
            }
        )
        return
    said = app_context.words
    if code is not None and holds_nothing:
        message = said.gettext("Agency {code} ({name}) holds no task in these plan runs.", code=code, name=name or "")
        typer.echo(wrapped(message, terminal_width()))
        return
    print_status(said, runs, keep, failing_lines(failing, said), refused, failed, today)

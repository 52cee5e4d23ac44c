"""``simulate``: the whole product in one run, on a simulated clock, with agencies that answer."""

from __future__ import annotations

import sys
import time
from datetime import date, timedelta
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sxsh_flow.cli.output import emit_json, table
from sxsh_flow.cli.plan_inputs import DirectoryFiles, PlanFile, PlanKey, Province, imported_line, read_plan_inputs

if TYPE_CHECKING:
    from sxsh_flow.cli.context import AppContext
    from sxsh_flow.workflows.simulation import DayDone, SimulationSummary


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate)


def simulate(
    ctx: typer.Context,
    plan: PlanKey = None,
    province: Province = None,
    plan_file: PlanFile = None,
    directory_files: DirectoryFiles = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Stop after this day (YYYY-MM-DD); default: the plan's end.")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="The same seed gives the same run.")] = 2016,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON document.")] = False,
) -> None:
    """Replay PLAN (or --plan-file) over its whole period on a simulated clock; print what happened per cycle.

    Day by day: cycles open and agencies are asked to report; reminders, overdue notices and
    escalations go out (to SXSH_SMTP_URL, else as .eml files under SXSH_HOME/outbox); simulated
    agencies answer through their reply links (most on time, some late, some only after the
    escalation to their head, a few never); the coordinator accepts or returns reports; cycles
    close and the coordinator gets each one's consolidation. Everything lands in the database of
    SXSH_HOME, so `status`, `submissions list` and `outbox list` show it afterwards. Plan and
    directories are given as to `start`: --directory files are imported as the run starts.

    Examples:
      SXSH_HOME=/tmp/sim sxsh-flow simulate plan-2016-2020 --seed 7
      sxsh-flow simulate --plan-file my-plan.yaml --directory my-agencies.yaml
    """
    from sxsh_flow.errors import ConfigurationError
    from sxsh_flow.words import N_
    from sxsh_flow.workflows.jobs import JobEnvironment
    from sxsh_flow.workflows.simulation import Simulation

    app_context: AppContext = ctx.obj
    said = app_context.words
    inputs = read_plan_inputs(said, plan, plan_file, directory_files, province)
    try:
        last_day = date.fromisoformat(until) if until else None
    except ValueError as exc:
        raise ConfigurationError("--until", until or "", N_("give a day like 2017-03-01")) from exc
    settings = app_context.settings
    env = JobEnvironment.from_settings(settings, actor="simulation", store=app_context.store)
    simulation = Simulation(
        env,
        inputs.plan,
        province=inputs.province,
        seed=seed,
        directories=inputs.directories,
        attachments_folder=settings.attachments_folder,
        until=last_day,
    )
    started = time.monotonic()
    with _Progress(app_context) as progress:
        summary = simulation.run(progress)
    elapsed = time.monotonic() - started
    if as_json:
        emit_json({**summary.to_json(), "imported_directories": simulation.imported, "wall_seconds": round(elapsed, 1)})
        return
    for imported in simulation.imported:
        typer.echo(imported_line(said, imported))
    _print_summary(app_context, summary)
    where = app_context.transport().describe()
    typer.echo(
        said.gettext(
            "Done in {seconds} s. See: sxsh-flow status {run} · sxsh-flow outbox list · mail: {where}",
            seconds=round(elapsed),
            run=summary.run_id,
            where=where,
        )
    )


class _Progress:
    """A bar on a terminal; elsewhere (a log, CI) one line per simulated month, on stderr."""

    def __init__(self, app_context: AppContext) -> None:
        self.said = app_context.words
        self.bar: Any = None
        self.task: Any = None
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )

    def __enter__(self) -> _Progress:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def __call__(self, done: DayDone) -> None:
        text = self.said.gettext(
            "{day}: {sent} messages sent, {submissions} reports received",
            day=self.said.date(done.day),
            sent=done.sent,
            submissions=done.submissions,
        )
        if self.bar is not None:
            if self.task is None:
                self.task = self.bar.add_task(text, total=done.total)
            self.bar.update(self.task, completed=done.index, description=text)
        elif done.index == done.total or (done.day + timedelta(days=1)).day == 1:
            typer.echo(text, err=True)


def _print_summary(app_context: AppContext, summary: SimulationSummary) -> None:
    from sxsh_flow.engine.labels import code_label
    from sxsh_flow.engine.message import MessageKind
    from sxsh_flow.engine.states import PlanRunState

    said = app_context.words
    typer.echo(
        said.gettext(
            "Simulated {plan}, province {province}, seed {seed}: {first} to {last} (run #{run}, state: {state}).",
            plan=summary.plan_key,
            province=summary.province,
            seed=summary.seed,
            first=said.date(summary.first_day),
            last=said.date(summary.last_day),
            run=summary.run_id,
            state=code_label(PlanRunState, summary.run_state, said.language),
        )
    )
    rows = [
        [
            cycle.label,
            str(cycle.expected),
            str(cycle.on_time),
            str(cycle.late),
            str(cycle.missing),
            said.number(cycle.on_time_rate, 1) + "%",
            str(cycle.nudges_sent),
        ]
        for cycle in summary.cycles
    ]
    typer.echo(
        table(
            [
                said.pgettext("terminal column", "Cycle"),
                said.pgettext("simulation column", "Due"),
                said.gettext("On time"),
                said.pgettext("terminal column", "Late"),
                said.gettext("Missing"),
                said.gettext("On-time rate"),
                said.gettext("Reminders"),
            ],
            rows,
        )
    )
    for cycle in summary.cycles:
        if cycle.never_reported:
            typer.echo(
                "  "
                + said.gettext(
                    "Never reported for {cycle}: {agencies}",
                    cycle=cycle.label,
                    agencies=", ".join(cycle.never_reported),
                )
            )
    language = said.language
    sent = ", ".join(
        f"{code_label(MessageKind, kind, language)} ({count})" for kind, count in sorted(summary.messages_sent.items())
    )
    typer.echo(
        said.gettext(
            "{submissions} reports received ({returned} returned for changes). Sent: {sent}.",
            submissions=summary.submissions,
            returned=summary.returned,
            sent=sent,
        )
    )

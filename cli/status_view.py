"""What ``status`` prints for people: per run and cycle, a table of each agency's tasks that fits the
terminal (``COLUMNS``), in the coordinator's language, with task titles and days late in the run's unit."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date

import typer

from sxsh_flow.cli.output import fitted_table, terminal_width, wrapped
from sxsh_flow.engine.labels import state_label
from sxsh_flow.engine.services.status import CycleStatus, FailingJob, RunStatus, TaskRunStatus
from sxsh_flow.engine.time_policy import days_in_words
from sxsh_flow.words import Words


def print_status(
    said: Words,
    runs: Sequence[RunStatus],
    keep: Callable[[TaskRunStatus], bool],
    failing: Sequence[str],
    refused: int,
    failed: int,
    today: date,
) -> None:
    width = terminal_width()

    def echo(text: str, indent: int = 0) -> None:
        typer.echo(wrapped(text, width, indent=indent))

    for line in failing:  # first: what stops the plan from running
        echo(line)
    if not runs:
        echo(said.gettext("No plan has been started. Begin with: sxsh-flow start plan-2016-2020"))
        return
    if refused:
        echo(
            said.ngettext(
                "{count} recipient refused by the mail server: see sxsh-flow outbox list",
                "{count} recipients refused by the mail server: see sxsh-flow outbox list",
                refused,
            )
        )
    if failed:
        echo(
            said.ngettext(
                "{count} message failed and will not be sent: see sxsh-flow outbox list --state failed",
                "{count} messages failed and will not be sent: see sxsh-flow outbox list --state failed",
                failed,
            )
        )
    for run in runs:
        echo(
            f"#{run.id} {run.plan_key} ({run.plan_version}) · "
            + said.gettext("province {province}", province=run.province)
            + f" · {state_label(run.state, said.language)}"
        )
        echo(run.plan_title, indent=2)
        rows = [t for t in run.task_runs if keep(t)]
        counts: dict[str, int] = defaultdict(int)
        for row in rows:
            counts[_state(row, said)] += 1
        summary = f" ({', '.join(f'{n} {label}' for label, n in counts.items())})" if counts else ""
        echo(
            said.gettext(
                "On {day}: {count} task runs{summary}; {late} overdue.",
                day=said.date(today),
                count=len(rows),
                summary=summary,
                late=sum(1 for row in rows if row.overdue),
            ),
            indent=2,
        )
        for cycle in run.cycles:
            in_cycle = sorted(
                (row for row in rows if row.cycle == cycle.label),
                key=lambda row: (row.agency_code, row.due_on, row.task_key),
            )
            if in_cycle:
                typer.echo("")
                echo(_cycle_heading(cycle, said), indent=2)
                typer.echo(_cycle_table(in_cycle, said, width))


def failing_lines(failing: Sequence[FailingJob], said: Words) -> list[str]:
    """One line per failing job: the job, since when, and its last error."""
    return [
        said.gettext(
            "The scheduled job {job} has been failing since {since} (attempts: {attempts}): {error}",
            job=job.job,
            since=said.date(job.since),
            attempts=job.attempts,
            error=" ".join(job.error.split())[:200],
        )
        for job in failing
    ]


def _cycle_heading(cycle: CycleStatus, said: Words) -> str:
    return said.gettext(
        "Cycle {cycle} · {state} · cut-off {cutoff_start}–{cutoff_end} · opens {opens} · due {due} · closes {closes}",
        cycle=cycle.label,
        state=state_label(cycle.state, said.language),
        cutoff_start=said.date(cycle.cutoff_start),
        cutoff_end=said.date(cycle.cutoff_end),
        opens=said.date(cycle.opens_on),
        due=said.date(cycle.due_on),
        closes=said.date(cycle.closes_on),
    )


def _cycle_table(rows: Sequence[TaskRunStatus], said: Words, width: int) -> str:
    """The cycle's tasks under each agency's name: the name is read once, and the task titles get the room."""
    lines: list[Sequence[str] | str] = []
    for code, tasks in itertools.groupby(rows, key=lambda row: row.agency_code):
        group = list(tasks)
        lines.append(f"{code} · {group[0].agency_name}")
        lines.extend(
            ["• " + (row.task_title or row.task_key), said.date(row.due_on), _state(row, said), _late(row, said)]
            for row in group
        )
    return fitted_table(
        [
            said.gettext("Task"),
            said.pgettext("status column", "Due"),
            said.gettext("State"),
            said.gettext("Overdue"),
        ],
        lines,
        width=width,
        flexible=(0, 3),
        indent=4,
    )


def _state(row: TaskRunStatus, said: Words) -> str:
    """The task run's state; a report still awaited when its cycle closed was simply not received."""
    if row.counting_stopped:
        return said.pgettext("task run state", "not received")
    return state_label(row.state, said.language)


def _late(row: TaskRunStatus, said: Words) -> str:
    if not row.overdue or (row.counting_stopped and not row.days_overdue):
        return ""  # on time, or due only after its cycle closed
    days = days_in_words(row.days_overdue, row.day_unit, said.language)
    return said.gettext("{days} at the close", days=days) if row.counting_stopped else days

"""``plans``: list the built-in plans, show one with its calendar, validate a file, print the schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from sxsh_flow.cli.output import emit_json, shorten, table, write_json
from sxsh_flow.words import N_, Words

app = typer.Typer(
    help="Plans: list, show, validate a plan file, print the plan-file JSON Schema.", no_args_is_help=True
)


def register(main_app: typer.Typer) -> None:
    main_app.add_typer(app, name="plans")


def _words(ctx: typer.Context) -> Words:
    said: Words = ctx.obj.words
    return said


@app.command("list")
def list_plans(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """List the plans that ship with sxsh-flow."""
    from sxsh_flow.workflows.catalog import builtin_plan_keys, load_builtin_plan

    plans = [load_builtin_plan(key) for key in builtin_plan_keys()]
    if as_json:
        emit_json(
            {
                "plans": [
                    {
                        "key": p.spec.key,
                        "version": p.spec.version,
                        "title": p.spec.title,
                        "province": p.spec.province,
                        "first_year": p.spec.period.first_year,
                        "last_year": p.spec.period.last_year,
                        "tasks": len(p.spec.tasks),
                        "content_hash": p.content_hash,
                    }
                    for p in plans
                ]
            }
        )
        return
    typer.echo(
        table(
            [
                _words(ctx).gettext("Key"),
                _words(ctx).pgettext("terminal column", "Version"),
                _words(ctx).gettext("Province"),
                _words(ctx).pgettext("terminal column", "Period"),
                _words(ctx).gettext("Tasks"),
                _words(ctx).gettext("Title"),
            ],
            [
                [
                    p.spec.key,
                    p.spec.version,
                    p.spec.province,
                    f"{p.spec.period.first_year}–{p.spec.period.last_year}",
                    str(len(p.spec.tasks)),
                    shorten(p.spec.short_title or p.spec.title, 60),
                ]
                for p in plans
            ],
            indent=0,
        )
    )


@app.command("show")
def show(
    ctx: typer.Context,
    key: Annotated[str | None, typer.Argument(help="Key of a built-in plan.")] = None,
    plan_file: Annotated[
        Path | None, typer.Option("--plan-file", help="Show a plan file instead.", dir_okay=False)
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan and its calendar as JSON.")] = False,
) -> None:
    """Show a plan: legal basis, targets, tasks per agency, and every cycle's cut-off and deadlines."""
    from sxsh_flow.engine.calendar import WorkingCalendar
    from sxsh_flow.engine.schedule import build_calendar
    from sxsh_flow.workflows.catalog import resolve_plan

    loaded = resolve_plan(key, plan_file)
    spec = loaded.spec
    plan_calendar = build_calendar(spec, WorkingCalendar())
    if as_json:
        emit_json(
            {
                "plan": spec.model_dump(mode="json"),
                "source": loaded.source,
                "content_hash": loaded.content_hash,
                "calendar": {"cycles": plan_calendar.cycles, "tasks": plan_calendar.tasks},
            }
        )
        return
    from sxsh_flow.engine.labels import selector_label, state_label

    said = _words(ctx)
    typer.echo(f"{spec.key} ({spec.version}) · {spec.title}")
    documents = [
        said.gettext("{number} of {day} by {issuer}", number=d.number, day=said.date(d.date), issuer=d.issuer)
        for d in spec.legal_basis
    ]
    typer.echo(said.gettext("Legal basis: {documents}", documents="; ".join(documents)))
    typer.echo(
        said.gettext(
            "Period {first}–{last} · province {province} · lead {lead}",
            first=spec.period.first_year,
            last=spec.period.last_year,
            province=spec.province,
            lead=selector_label(spec.lead, said.language),
        )
    )
    typer.echo(said.gettext("Content hash: {hash}", hash=loaded.content_hash[:16]))
    if spec.indicators:
        typer.echo("\n" + said.gettext("Indicators"))
        typer.echo(
            table(
                [
                    said.gettext("Code"),
                    said.gettext("Target"),
                    said.pgettext("terminal column", "Aggregation"),
                    said.gettext("Name"),
                ],
                [
                    [
                        i.code,
                        _target_text(i.target, i.unit, said),
                        state_label(i.aggregation, said.language),
                        shorten(i.name, 70),
                    ]
                    for i in spec.indicators
                ],
            )
        )
    typer.echo("\n" + said.gettext("Tasks"))
    typer.echo(
        table(
            [
                said.gettext("Key"),
                said.gettext("Lead"),
                said.gettext("Partners"),
                said.gettext("Cadence"),
                said.gettext("Title"),
            ],
            [
                [
                    t.key,
                    ", ".join(selector_label(s, said.language) for s in t.lead),
                    ", ".join(selector_label(s, said.language) for s in t.partners),
                    state_label(t.cadence, said.language),
                    shorten(t.title, 60),
                ]
                for t in spec.tasks
            ],
        )
    )
    typer.echo("\n" + said.gettext("Reporting calendar"))
    typer.echo(
        table(
            [
                said.pgettext("plan calendar", "Cycle"),
                said.gettext("Cut-off"),
                said.gettext("Opens"),
                said.pgettext("terminal column", "Due"),
                said.gettext("Closes"),
            ],
            [
                [
                    c.label,
                    f"{said.date(c.cutoff_start)}–{said.date(c.cutoff_end)}",
                    said.date(c.opens_on),
                    said.date(c.due_on),
                    said.date(c.closes_on),
                ]
                for c in plan_calendar.cycles
            ],
        )
    )
    special = [
        t
        for t in plan_calendar.tasks
        if t.due_on not in {c.due_on for c in plan_calendar.cycles if c.label == t.cycle_label}
    ]
    if special:
        typer.echo("\n" + said.gettext("Task-specific deadlines"))
        typer.echo(
            table(
                [
                    said.gettext("Task"),
                    said.pgettext("plan calendar", "Cycle"),
                    said.pgettext("terminal column", "Due"),
                ],
                [[t.task_key, t.cycle_label, said.date(t.due_on)] for t in special],
            )
        )


def _target_text(target: Any, unit: str, said: Words) -> str:
    if target is None:
        return "-"
    # A staged target: each stage's figures and its last year, then those after the last stage.
    staged = [
        said.gettext("{target} by {year}", target=_range_text(stage, unit, said), year=stage.until_year)
        for stage in target.stages
    ]
    rest = _range_text(target, unit, said)
    return "; ".join([*staged, rest] if rest else staged)


def _range_text(target: Any, unit: str, said: Words) -> str:
    if target.min is not None and target.max is not None:
        return f"{said.number(target.min)}–{said.number(target.max)} {unit}"
    if target.min is not None:
        return f"≥ {said.number(target.min)} {unit}"
    if target.max is not None:
        return f"≤ {said.number(target.max)} {unit}"
    return ""


@app.command("validate")
def validate(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The plan file (YAML) to check.", dir_okay=False)],
    province: Annotated[
        str | None,
        typer.Option(
            "--province",
            "-p",
            help=N_(
                "Also check every agency code and selector against this province's directory "
                "(the one imported here, else the sample shipped for it)."
            ),
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Check a plan file and list EVERY problem with its line and a hint (exit 65 if any)."""
    from sxsh_flow.cli.plan_check import validate_plan

    validate_plan(ctx.obj, file, province, as_json)


@app.command("schema")
def schema(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Print the JSON Schema of plan files (editors use it to check and complete plan files)."""
    from sxsh_flow.engine.schema import plan_json_schema

    write_json(plan_json_schema(), output)

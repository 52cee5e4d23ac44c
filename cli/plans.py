"""``plans``: list the built-in plans, show one with its calendar, validate a file, print the schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from sxsh_flow.cli.output import emit_json, shorten, table, vn_date, write_json

app = typer.Typer(
    help="Plans: list, show, validate a plan file, print the plan-file JSON Schema.", no_args_is_help=True
)


def _say(ctx: typer.Context, vietnamese: str, english: str) -> str:
    return str(ctx.obj.text(vietnamese, english))


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
                _say(ctx, "Mã", "Key"),
                _say(ctx, "Phiên bản", "Version"),
                _say(ctx, "Tỉnh", "Province"),
                _say(ctx, "Giai đoạn", "Period"),
                _say(ctx, "Nhiệm vụ", "Tasks"),
                _say(ctx, "Tên", "Title"),
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
    say = ctx.obj.text
    typer.echo(f"{spec.key} ({spec.version}) · {spec.title}")
    typer.echo(
        say("Căn cứ: ", "Legal basis: ")
        + "; ".join(f"{d.number} ngày {vn_date(d.date)} của {d.issuer}" for d in spec.legal_basis)
    )
    typer.echo(
        say(
            f"Giai đoạn {spec.period.first_year}–{spec.period.last_year} · tỉnh {spec.province} · chủ trì {spec.lead}",
            f"Period {spec.period.first_year}–{spec.period.last_year} · province {spec.province} · lead {spec.lead}",
        )
    )
    typer.echo(say(f"Mã nội dung: {loaded.content_hash[:16]}", f"Content hash: {loaded.content_hash[:16]}"))
    if spec.indicators:
        typer.echo("\n" + say("Chỉ tiêu", "Indicators"))
        typer.echo(
            table(
                [say("Mã", "Code"), say("Mục tiêu", "Target"), say("Tổng hợp", "Aggregation"), say("Tên", "Name")],
                [
                    [i.code, _target_text(i.target, i.unit), i.aggregation.value, shorten(i.name, 70)]
                    for i in spec.indicators
                ],
            )
        )
    typer.echo("\n" + say("Nhiệm vụ", "Tasks"))
    typer.echo(
        table(
            [
                say("Mã", "Key"),
                say("Chủ trì", "Lead"),
                say("Phối hợp", "Partners"),
                say("Kỳ", "Cadence"),
                say("Tên", "Title"),
            ],
            [
                [t.key, ", ".join(t.lead), ", ".join(t.partners), t.cadence.value, shorten(t.title, 60)]
                for t in spec.tasks
            ],
        )
    )
    typer.echo("\n" + say("Lịch báo cáo", "Reporting calendar"))
    typer.echo(
        table(
            [
                say("Chu kỳ", "Cycle"),
                say("Chốt số liệu", "Cut-off"),
                say("Mở", "Opens"),
                say("Hạn", "Due"),
                say("Tổng hợp", "Closes"),
            ],
            [
                [
                    c.label,
                    f"{vn_date(c.cutoff_start)}–{vn_date(c.cutoff_end)}",
                    vn_date(c.opens_on),
                    vn_date(c.due_on),
                    vn_date(c.closes_on),
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
        typer.echo("\n" + say("Hạn riêng của nhiệm vụ", "Task-specific deadlines"))
        typer.echo(
            table(
                [say("Nhiệm vụ", "Task"), say("Chu kỳ", "Cycle"), say("Hạn", "Due")],
                [[t.task_key, t.cycle_label, vn_date(t.due_on)] for t in special],
            )
        )


def _target_text(target: Any, unit: str) -> str:
    if target is None:
        return "-"
    if target.min is not None and target.max is not None:
        return f"{_number(target.min)}–{_number(target.max)} {unit}"
    if target.min is not None:
        return f"≥ {_number(target.min)} {unit}"
    return f"≤ {_number(target.max)} {unit}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


@app.command("validate")
def validate(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The plan file (YAML) to check.", dir_okay=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Check a plan file and list EVERY problem with its line and a hint (exit 65 if any)."""
    from sxsh_flow.engine.plan_file import load_plan_file
    from sxsh_flow.errors import InvalidPlan

    try:
        loaded = load_plan_file(file)
    except InvalidPlan as error:
        if not as_json:
            raise
        emit_json({"valid": False, "file": str(file), "problems": list(error.problems)})
        raise typer.Exit(error.exit_code) from error
    if as_json:
        emit_json(
            {
                "valid": True,
                "file": str(file),
                "key": loaded.spec.key,
                "version": loaded.spec.version,
                "content_hash": loaded.content_hash,
            }
        )
        return
    typer.echo(
        _say(
            ctx,
            f"{file}: hợp lệ · {loaded.spec.key} ({loaded.spec.version}) · {len(loaded.spec.tasks)} nhiệm vụ · "
            f"mã nội dung {loaded.content_hash[:16]}",
            f"{file}: valid · {loaded.spec.key} ({loaded.spec.version}) · {len(loaded.spec.tasks)} tasks · "
            f"content hash {loaded.content_hash[:16]}",
        )
    )


@app.command("schema")
def schema(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Print the JSON Schema of plan files (editors use it to check and complete plan files)."""
    from sxsh_flow.engine.schema import plan_json_schema

    write_json(plan_json_schema(), output)

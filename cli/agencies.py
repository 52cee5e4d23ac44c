"""``agencies``: list the registry, import a province's directory from YAML or CSV."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from sxsh_flow.cli.agency_import import import_agencies
from sxsh_flow.cli.output import emit_json, printable, shorten, table, write_json
from sxsh_flow.words import Words

app = typer.Typer(
    help="Agencies: list the directory, import a province's directory (YAML or CSV).", no_args_is_help=True
)


def register(main_app: typer.Typer) -> None:
    main_app.add_typer(app, name="agencies")


app.command("import")(import_agencies)


@app.command("list")
def list_agencies(
    ctx: typer.Context,
    province: Annotated[str | None, typer.Option("--province", "-p", help="Only this province code, e.g. HD.")] = None,
    contacts: Annotated[bool, typer.Option("--contacts", help="Also list each agency's contacts.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """List the agencies in the store, in the province's directory order.

    When the store is empty, the sample directories that ship with sxsh-flow are shown instead
    (marked as samples): sxsh-flow start imports the one it needs.
    """
    from sxsh_flow.agencies.loader import builtin_directory
    from sxsh_flow.cli.context import AppContext
    from sxsh_flow.engine.services.agencies import agency_records

    app_context: AppContext = ctx.obj
    code = province.upper() if province else None
    with app_context.store.session() as session:
        rows = [
            AgencyListing(
                r.province_code,
                r.code,
                r.name,
                r.short_name,
                r.kind,
                r.parent_code,
                r.valid_from,
                r.valid_to,
                list(r.successor_codes),
                [ContactListing(c.name, c.title, c.email, c.role, c.active) for c in r.contacts],
            )
            for r in agency_records(session, code)
        ]
    sample = not rows
    if sample:
        directory = builtin_directory(code or "HD")
        rows = [
            AgencyListing(
                directory.province.code,
                a.code,
                a.name,
                a.short_name,
                a.kind.value,
                a.parent,
                a.valid_from,
                a.valid_to,
                list(a.successors),
                [ContactListing(c.name, c.title, c.email, c.role.value, c.active) for c in a.contacts],
            )
            for a in directory.agencies
        ]
    if as_json:
        emit_json({"sample": sample, "agencies": rows})
        return
    said = app_context.words
    if sample:
        typer.echo(said.gettext("The store holds no directory; this is the bundled SAMPLE (not imported):"))
    from sxsh_flow.agencies.kinds import AgencyKind
    from sxsh_flow.engine.labels import code_label

    typer.echo(
        table(
            [
                said.gettext("Prov."),
                said.gettext("Code"),
                said.gettext("Kind"),
                said.gettext("Valid"),
                said.gettext("Name"),
            ],
            [
                [
                    r.province,
                    r.code,
                    code_label(AgencyKind, r.kind, said.language),
                    _validity(r, said),
                    shorten(r.name, 60),
                ]
                for r in rows
            ],
            indent=0,
        )
    )
    if contacts:
        for r in rows:
            for c in r.contacts:
                mark = "" if c.active else said.gettext(" (retired)")
                typer.echo(printable(f"  {r.code:<16} {c.role:<12} {c.name} <{c.email}>{mark}"))


@dataclass(frozen=True)
class ContactListing:
    name: str
    title: str
    email: str
    role: str
    active: bool


@dataclass(frozen=True)
class AgencyListing:
    province: str
    code: str
    name: str
    short_name: str
    kind: str
    parent: str | None
    valid_from: date | None
    valid_to: date | None
    successors: list[str]
    contacts: list[ContactListing]


def _validity(agency: AgencyListing, said: Words) -> str:
    if agency.valid_from is None and agency.valid_to is None:
        return ""
    start = said.date(agency.valid_from) if agency.valid_from else "…"
    end = said.date(agency.valid_to) if agency.valid_to else "…"
    return f"{start}–{end} → {', '.join(agency.successors)}" if agency.successors else f"{start}–{end}"


@app.command("schema")
def schema(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Print the JSON Schema of agency directory files (YAML)."""
    from sxsh_flow.engine.schema import directory_json_schema

    write_json(directory_json_schema(), output)

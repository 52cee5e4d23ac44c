"""What ``start`` and ``simulate`` begin from: a plan, and the agency directories to import first.

Both commands take the same arguments (PLAN or ``--plan-file``, ``--directory``, ``--province``)
and read them here, so they accept and refuse the same things in the same words. Every file is
read and checked before the store is opened: a broken plan or directory writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sxsh_flow.words import Words

if TYPE_CHECKING:
    from sxsh_flow.agencies.directory import Directory
    from sxsh_flow.engine.plan_file import LoadedPlan
    from sxsh_flow.engine.services.agencies import ImportSummary

PlanKey = Annotated[
    str | None,
    typer.Argument(help="Key of a built-in plan (see: sxsh-flow plans list); or give --plan-file.", show_default=False),
]
PlanFile = Annotated[
    Path | None,
    typer.Option("--plan-file", help="A plan YAML file, given instead of PLAN.", dir_okay=False, show_default=False),
]
DirectoryFiles = Annotated[
    list[Path] | None,
    typer.Option(
        "--directory",
        metavar="<file>",
        help="An agency directory file (.yaml/.yml or .csv) imported before the plan starts, as "
        "`agencies import` does; repeat it for several. Its province then gets no bundled sample.",
        dir_okay=False,
        show_default=False,
    ),
]
Province = Annotated[
    str | None, typer.Option("--province", "-p", help="Province code; default: the plan's own.", show_default=False)
]


@dataclass(frozen=True)
class PlanInputs:
    """A plan to begin, for which province, and the directories to import in the same transaction."""

    plan: LoadedPlan
    province: str
    directories: tuple[Directory, ...]


def read_plan_inputs(
    said: Words,
    plan_key: str | None,
    plan_file: Path | None,
    directory_files: list[Path] | None,
    province: str | None,
) -> PlanInputs:
    """The command's plan and directories, every file checked; raises before anything is written."""
    from sxsh_flow.workflows.catalog import resolve_plan

    if (plan_key is None) == (plan_file is None):
        raise typer.BadParameter(said.gettext("give exactly one of PLAN or --plan-file FILE"))
    plan = resolve_plan(plan_key, plan_file)
    directories = read_directories(directory_files or [])
    return PlanInputs(plan, (province or plan.spec.province).upper(), directories)


def read_directories(files: list[Path]) -> tuple[Directory, ...]:
    """Every file loaded, or one error listing the problems of all the broken ones, each with its line."""
    from sxsh_flow.agencies.loader import load_directory_file
    from sxsh_flow.problems import InvalidDirectory, Problem

    directories: list[Directory] = []
    broken: list[str] = []
    problems: list[Problem] = []
    for path in files:
        try:
            directories.append(load_directory_file(path))
        except InvalidDirectory as error:
            broken.append(error.source)
            problems.extend(error.problems)
    if broken:
        raise InvalidDirectory(", ".join(broken), problems)
    return tuple(directories)


def imported_line(said: Words, summary: ImportSummary) -> str:
    """What an import changed, in one line, in the words ``agencies import`` prints it."""
    return said.gettext(
        "Province {province}: {created} agencies created, {updated} updated, {unchanged} unchanged; "
        "{added} contacts added, {retired} retired.",
        province=summary.province,
        created=summary.created,
        updated=summary.updated,
        unchanged=summary.unchanged,
        added=summary.contacts_added,
        retired=summary.contacts_retired,
    )

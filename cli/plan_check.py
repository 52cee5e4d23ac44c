"""``plans validate``: a plan file checked alone, and with ``--province`` against that province's directory.

The directory is the one ``start`` would use: the store's imported directory of the province (and
of the provinces its duties pass to), else the sample shipped for it. Each unknown code is reported
with its place in the file and the codes it resembles; the exit code is 65 when anything is wrong.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from sxsh_flow.cli.output import emit_json

if TYPE_CHECKING:
    from sxsh_flow.agencies.registry import Registry
    from sxsh_flow.cli.context import AppContext
    from sxsh_flow.engine.plan_file import LoadedPlan
    from sxsh_flow.problems import Problem


def validate_plan(app: AppContext, file: Path, province: str | None, as_json: bool) -> None:
    """Print whether ``file`` is a valid plan, and, given a province, whether its directory knows every code."""
    from sxsh_flow.engine.plan_file import load_plan_file
    from sxsh_flow.problems import InvalidPlan

    try:
        loaded = load_plan_file(file)
    except InvalidPlan as error:
        if not as_json:
            raise
        emit_json({"valid": False, "file": str(file), "codes_checked": False, "problems": list(error.problems)})
        raise typer.Exit(error.exit_code) from error
    problems: list[Problem] = []
    origin = None
    if province is not None:
        province = province.upper()
        registry, origin = province_registry(app, province)
        problems = code_problems(file, loaded, registry, province)
    if as_json:
        emit_json(
            {
                "valid": not problems,
                "file": str(file),
                "key": loaded.spec.key,
                "version": loaded.spec.version,
                "content_hash": loaded.content_hash,
                "codes_checked": province is not None,
                "province": province,
                "directory": origin,
                "problems": [_problem_json(problem, app.language) for problem in problems],
            }
        )
        if problems:
            raise typer.Exit(InvalidPlan.exit_code)
        return
    if problems:
        raise InvalidPlan(str(file), problems)
    said = app.words
    typer.echo(
        said.gettext(
            "{file}: valid · {plan} ({version}) · {tasks} tasks · content hash {hash}",
            file=file,
            plan=loaded.spec.key,
            version=loaded.spec.version,
            tasks=len(loaded.spec.tasks),
            hash=loaded.content_hash[:16],
        )
    )
    if province is None:
        typer.echo(said.gettext("Agency codes were not checked against a directory: give --province to check them."))
    elif origin == "store":
        typer.echo(
            said.gettext("Every agency code is in the directory of {province} imported here.", province=province)
        )
    else:
        typer.echo(said.gettext("Every agency code is in the sample directory of {province}.", province=province))


def province_registry(app: AppContext, province: str) -> tuple[Registry, str]:
    """The directories ``start`` would read for ``province``, and where they come from: store or sample."""
    from sxsh_flow.agencies.loader import builtin_history
    from sxsh_flow.agencies.registry import Registry
    from sxsh_flow.engine.services.agencies import has_directory, load_registry

    with app.store.session() as session:
        if has_directory(session, province):
            return load_registry(session, province), "store"
    return Registry(builtin_history(province)), "sample"


def code_problems(file: Path, loaded: LoadedPlan, registry: Registry, province: str) -> list[Problem]:
    from sxsh_flow.datafile import LoadedDocument, read_text, read_yaml
    from sxsh_flow.engine.plan_agencies import agency_problems

    document = read_yaml(read_text(file), str(file))
    assert isinstance(document, LoadedDocument), "the file was just loaded as a valid plan"
    return agency_problems(document, loaded.spec, registry, province)


def _problem_json(problem: Problem, language: str) -> dict[str, Any]:
    """A problem for scripts: its place, the English message, and what the user read."""
    return {
        "source": problem.source,
        "path": problem.path,
        "line": problem.line,
        "message": problem.message,
        "hint": problem.hint,
        "said": problem.said(language),
        "params": {name: str(value) for name, value in problem.params.items()},
        "did_you_mean": [code for code in str(problem.params.get("suggestions", "")).split(", ") if code],
    }

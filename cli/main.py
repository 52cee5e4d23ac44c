"""The ``sxsh-flow`` command: global options, the command groups, and the one error boundary.

Only the module of the command being run is imported (``COMMAND_MODULES``), and imports of the
engine stay inside the commands, so small commands start fast and nothing here imports Prefect.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Annotated

import typer

from sxsh_flow.words import words

# Each command (or group) and the module that defines it. Only the module of the command being
# run is imported, so a command pays for its own imports and for no other's: `status` loads
# neither the web app behind `serve` nor the report writers behind `report`. Help of the whole
# tree, and a command name that is not here, load them all. In the order `--help` lists them.
COMMAND_MODULES: dict[str, str] = {
    "plans": "plans",
    "agencies": "agencies",
    "start": "runs",
    "status": "runs",
    "remind": "mail",
    "digest": "mail",
    "outbox": "mail",
    "serve": "serve",
    "submissions": "submissions",
    "review": "submissions",
    "extensions": "extensions",
    "forwards": "forwards",
    "report": "reports",
    "deploy": "deploy",
    "simulate": "simulate",
}


def build_app(command: str | None = None) -> typer.Typer:
    """The ``sxsh-flow`` app with ``command``'s module registered, or every module when it is None or unknown."""
    app = typer.Typer(
        name="sxsh-flow",
        help=(
            "Run a provincial multi-agency plan: tasks per agency, annual reporting cycles, deadlines, "
            "reminders and consolidation.\n\n"
            "Start with: sxsh-flow --now 2016-09-01 start plan-2016-2020, then: sxsh-flow status.\n\n"
            "Configuration: SXSH_HOME (data folder), SXSH_DATABASE_URL (PostgreSQL instead of the "
            "embedded SQLite), SXSH_NOW (a fixed 'now' for replays), SXSH_LANG (vi or en)."
        ),
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    app.callback()(main)
    modules = [COMMAND_MODULES[command]] if command in COMMAND_MODULES else dict.fromkeys(COMMAND_MODULES.values())
    for module in modules:
        importlib.import_module(f"sxsh_flow.cli.{module}").register(app)
    return app


def command_named(argv: Sequence[str]) -> str | None:
    """The command ``argv`` runs: its first word that is neither a global option nor the value of ``--now``."""
    remaining = iter(argv)
    for word in remaining:
        if word == "--now":
            next(remaining, None)
        elif not word.startswith("-"):
            return word
    return None


def main(
    ctx: typer.Context,
    now: Annotated[
        str | None,
        typer.Option(
            "--now",
            help="Act as if it were this day (2016-09-01, the start of that office day in Vietnam) "
            "or instant (2016-09-01T14:30+07:00). Overrides SXSH_NOW. For replays and tests.",
            show_default=False,
        ),
    ] = None,
) -> None:
    from sxsh_flow.cli.context import AppContext

    ctx.obj = AppContext.build(now)
    ctx.call_on_close(ctx.obj.close)


def execute(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` and return its exit code.

    The command speaks the language of SXSH_LANG (``cli/speech.py``): help, usage and usage mistakes
    (exit 2) come from the catalogues like every other word; every SxshError becomes one line on stderr,
    with the problems of a data file listed below it, and the error's exit code.
    """
    from typer._click import exceptions as click_errors

    from sxsh_flow.cli.plain_values import read_plain_values
    from sxsh_flow.cli.speech import prepare, show_usage_error
    from sxsh_flow.errors import SxshError

    language = _language()
    args = list(argv) if argv is not None else sys.argv[1:]
    command = typer.main.get_command(build_app(command_named(args)))
    prepare(command, language)
    read_plain_values(command)
    try:
        result = command.main(args=args, prog_name="sxsh-flow", standalone_mode=False)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except click_errors.ClickException as error:
        show_usage_error(error, language)
        return error.exit_code
    except typer.Abort:
        typer.echo(words(language).gettext("Aborted."), err=True)
        return 1
    except SxshError as error:
        from sxsh_flow.problems import InvalidDataFile

        typer.echo(f"sxsh-flow: {error.message(_language())}", err=True)
        if isinstance(error, InvalidDataFile):
            for problem in error.problems:
                typer.echo(f"  {problem.said(language)}", err=True)
        return error.exit_code
    return result if isinstance(result, int) and not isinstance(result, bool) else 0  # typer.Exit(code)


def run() -> None:
    """Console-script entry point."""
    sys.exit(execute())


def _language() -> str:
    import os

    return "en" if os.environ.get("SXSH_LANG") == "en" else "vi"


if __name__ == "__main__":
    run()

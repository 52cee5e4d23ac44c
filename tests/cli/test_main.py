"""The command line loads only the module of the command it runs, and the table that says which is whole."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from sxsh_flow.cli.main import COMMAND_MODULES, build_app, command_named


def commands_of(app: typer.Typer) -> set[str]:
    """The names of the commands and groups registered on ``app`` (a one-command app builds no group)."""
    return {str(info.name) for info in [*app.registered_commands, *app.registered_groups]}


@pytest.mark.parametrize("module", sorted(set(COMMAND_MODULES.values())))
def test_each_module_registers_exactly_the_commands_the_table_gives_it(module: str) -> None:
    app = typer.Typer()
    importlib.import_module(f"sxsh_flow.cli.{module}").register(app)

    assert commands_of(app) == {name for name, owner in COMMAND_MODULES.items() if owner == module}


def test_the_whole_tree_has_every_command_of_the_table() -> None:
    assert commands_of(build_app()) == set(COMMAND_MODULES)


def test_a_command_gets_only_its_own_module() -> None:
    assert commands_of(build_app("status")) == {"start", "status"}


def test_an_unknown_command_gets_the_whole_tree_so_click_can_say_it_is_unknown() -> None:
    assert commands_of(build_app("no-such-command")) == set(COMMAND_MODULES)


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["status", "--json"], "status"),
        (["--now", "2016-09-01", "start", "plan-2016-2020"], "start"),
        (["--now=2016-09-01", "outbox", "list"], "outbox"),
        (["--help"], None),
        ([], None),
    ],
)
def test_the_command_is_the_first_word_that_is_not_a_global_option(argv: list[str], command: str | None) -> None:
    assert command_named(argv) == command


# What `status` must not load: each is a package or a part of sxsh-flow that another command needs,
# and together they were most of status's start-up (issue 14: status answers in well under a second).
NOT_FOR_STATUS = [
    "prefect",
    "holidays",  # Vietnam's days come from engine/vietnam_days.py
    "alembic",  # the schema is current: its revision is known without alembic
    "pydantic",  # plain values are read directly (cli/plain_values.py); the plan is not validated again
    "sqlalchemy.orm",  # status reads rows as columns (engine/read_tables.py) on a bare connection
    "sxsh_flow.engine.models",
    "fastapi",
    "jinja2",
    "yaml",
    "rich",
    "psycopg",
    "sxsh_flow.workflows",
    "sxsh_flow.notifications",
    "sxsh_flow.web",
    "sxsh_flow.reports",
    "sxsh_flow.engine.message",
    "sxsh_flow.engine.services.outbox",
    "sxsh_flow.engine.services.mailing",
    "sxsh_flow.engine.services.transitions",
    "sxsh_flow.cli.agencies",
    "sxsh_flow.cli.mail",
    "sxsh_flow.cli.serve",
    "sxsh_flow.cli.reports",
]


def test_status_loads_none_of_what_other_commands_need(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SXSH_")}
    env["SXSH_HOME"] = str(tmp_path / "home")
    start = "from sxsh_flow.cli.main import execute; execute(['--now', '2016-09-01', 'start', 'plan-2016-2020'])"
    subprocess.run([sys.executable, "-c", start], env=env, check=True, capture_output=True, timeout=300)
    status = (
        "import json, sys\n"
        "from sxsh_flow.cli.main import execute\n"
        "codes = [execute(['--now', '2017-04-20', 'status']), execute(['--now', '2017-04-20', 'status', '--json'])]\n"
        f"print(json.dumps([codes, sorted(name for name in {NOT_FOR_STATUS!r} if name in sys.modules)]))\n"
    )

    result = subprocess.run([sys.executable, "-c", status], env=env, capture_output=True, text=True, timeout=300)

    assert result.returncode == 0, result.stderr
    codes, loaded = json.loads(result.stdout.splitlines()[-1])
    assert codes == [0, 0]
    assert loaded == []

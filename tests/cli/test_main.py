"""The command line loads only the module of the command it runs, and the table that says which is whole."""

from __future__ import annotations

import importlib

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

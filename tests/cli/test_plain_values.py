"""Plain command-line values are read directly, and read as Typer reads them; anything else is Typer's."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import pytest
import typer
from typer._click import exceptions as click_errors

from sxsh_flow.cli.plain_values import read_plain_values


def _command(*, plain: bool) -> tuple[Any, list[dict[str, Any]]]:
    seen: list[dict[str, Any]] = []
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.command()
    def show(
        number: Annotated[int | None, typer.Argument()] = None,
        word: Annotated[str | None, typer.Option("--word")] = None,
        flag: Annotated[bool, typer.Option("--flag")] = False,
        path: Annotated[Path | None, typer.Option("--path")] = None,
        bounded: Annotated[int, typer.Option("--bounded", min=1, max=3)] = 1,
    ) -> None:
        seen.append({"number": number, "word": word, "flag": flag, "path": path, "bounded": bounded})

    @app.command()
    def other() -> None:
        pass

    command = typer.main.get_command(app)
    if plain:
        read_plain_values(command)
    return command, seen


def _run(args: list[str], *, plain: bool) -> dict[str, Any] | str:
    command, seen = _command(plain=plain)
    try:
        command.main(args=args, prog_name="t", standalone_mode=False)
    except click_errors.BadParameter as error:
        return error.format_message()
    return seen[-1]


@pytest.mark.parametrize(
    "args",
    [
        ["show"],
        ["show", "7", "--word", "Hải Dương", "--flag"],
        ["show", "007", "--word", ""],
        ["show", "--", "-3"],
        ["show", "1_000"],
        ["show", "x"],
        ["show", "3.0"],
        ["show", "--path", "a/b", "--bounded", "2"],
        ["show", "--bounded", "9"],
    ],
)
def test_a_value_reads_as_typer_alone_reads_it(args: list[str]) -> None:
    assert _run(args, plain=True) == _run(args, plain=False)


def test_only_plain_words_numbers_and_flags_are_read_directly() -> None:
    command, _ = _command(plain=True)
    show = command.commands["show"]
    direct = {param.name for param in show.params if type(param._runtime_param).__name__ == "_PlainValue"}
    assert direct == {"number", "word", "flag"}

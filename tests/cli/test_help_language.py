"""``--help``, usage lines and usage mistakes in the coordinator's language, Typer's own words included."""

from __future__ import annotations

import inspect

import pytest
import typer

from sxsh_flow.cli.main import build_app

from .conftest import Cli


def every_command() -> list[tuple[str, ...]]:
    """The path of every command and group of ``sxsh-flow``, with the English of its help."""
    paths: list[tuple[str, ...]] = []

    def walk(command: typer.core.TyperGroup | object, path: tuple[str, ...]) -> None:
        paths.append(path)
        for name, child in sorted(getattr(command, "commands", {}).items()):
            walk(child, (*path, name))

    walk(typer.main.get_command(build_app()), ())
    return paths


def english_help(path: tuple[str, ...]) -> str:
    command = typer.main.get_command(build_app())
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    return inspect.cleandoc(command.help or "")


@pytest.mark.parametrize("path", every_command(), ids=lambda path: " ".join(path) or "sxsh-flow")
def test_every_help_is_vietnamese_by_default(cli: Cli, path: tuple[str, ...]) -> None:
    result = cli(*path, "--help")

    assert result.code == 0, result.err
    assert "Cách dùng: sxsh-flow" in result.out
    assert "Xem hướng dẫn này rồi thoát." in result.out
    for english in ("Usage:", "Options", "Arguments", "Commands", "Show this message and exit."):
        assert english not in result.out
    first_line = english_help(path).splitlines()[0] if english_help(path) else ""
    assert first_line[:40] not in " ".join(result.out.split()), "the command's help is still English"


@pytest.mark.parametrize("path", every_command(), ids=lambda path: " ".join(path) or "sxsh-flow")
def test_every_help_is_english_under_sxsh_lang_en(
    cli: Cli, path: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SXSH_LANG", "en")
    result = cli(*path, "--help")

    assert result.code == 0, result.err
    assert "Usage: sxsh-flow" in result.out
    assert "Show this message and exit." in result.out
    assert "Cách dùng" not in result.out


def test_the_options_of_status_are_explained_in_vietnamese(cli: Cli) -> None:
    text = " ".join(cli("status", "--help").out.split())
    assert "Chỉ các nhiệm vụ đã quá hạn." in text
    assert "Tùy chọn" in text
    assert "Tham số" in text


@pytest.mark.parametrize(
    ("args", "vietnamese", "english"),
    [
        (("status", "--bogus"), "Không có tùy chọn: --bogus", "No such option: --bogus"),
        (("status", "abc"), "Giá trị không hợp lệ cho 'run': cần một số nguyên", "Invalid value for 'run'"),
        (("statu",), "Không có lệnh 'statu'. Có phải ý là 'status'", "No such command 'statu'"),
        (("submissions", "show"), "Thiếu tham số 'submission'.", "Missing argument 'submission'."),
    ],
    ids=["unknown-option", "bad-value", "unknown-command", "missing-argument"],
)
def test_usage_mistakes_exit_2_in_the_users_language(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], vietnamese: str, english: str
) -> None:
    result = cli(*args)
    assert result.code == 2
    assert vietnamese in " ".join(result.err.split())
    assert "Lỗi" in result.err
    assert "Error" not in result.err

    monkeypatch.setenv("SXSH_LANG", "en")
    result = cli(*args)
    assert result.code == 2
    assert english in " ".join(result.err.split())

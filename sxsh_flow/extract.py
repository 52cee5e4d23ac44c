"""What ``pybabel extract`` reads from a Python file (babel.cfg): the marked messages, and the help of
the command line as Typer reads it.

Typer takes a command's help from its docstring and an option's from ``help="..."``; both are
English msgids the CLI translates when it builds the command (``cli/speech.py``). Reading them here,
where they are written, keeps them in the catalogue without wrapping each one in ``N_()``.
"""

from __future__ import annotations

import ast
import io
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from babel.messages.extract import extract_python

# (line, function, message(s), comments), as Babel's extraction methods yield them.
Extracted = tuple[Any, ...]


def extract(
    fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str], options: dict[str, Any]
) -> Iterator[Extracted]:
    """Babel's Python extraction, plus command docstrings and ``help=`` texts."""
    source = fileobj.read()
    yield from extract_python(io.BytesIO(source), keywords, comment_tags, options)  # type: ignore[arg-type]
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    yield from command_help(tree)


def command_help(tree: ast.AST) -> Iterator[Extracted]:
    """The docstring of every command and every literal ``help=`` argument.

    A command is a function registered with ``@app.command(...)``, ``app.command(...)(function)``
    or ``@app.callback()``, or one that takes a ``typer.Context``.
    """
    registered = {
        call.args[0].id
        for call in ast.walk(tree)
        if isinstance(call, ast.Call)
        and _is_registration(call.func)
        and len(call.args) == 1
        and isinstance(call.args[0], ast.Name)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and (
            node.name in registered or _takes_context(node) or any(_is_registration(d) for d in node.decorator_list)
        ):
            docstring = ast.get_docstring(node, clean=True)
            if docstring:
                yield node.body[0].lineno, None, docstring, []
        elif isinstance(node, ast.keyword) and node.arg == "help" and _is_text(node.value):
            yield node.value.lineno, None, node.value.value, []  # type: ignore[attr-defined]


def _is_registration(node: ast.expr) -> bool:
    """``app.command(...)`` or ``app.callback(...)``: what registers a function as a command."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"command", "callback"}
    )


def _takes_context(node: ast.FunctionDef) -> bool:
    return any(
        argument.annotation is not None and ast.unparse(argument.annotation) == "typer.Context"
        for argument in node.args.args
    )


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(node.value)

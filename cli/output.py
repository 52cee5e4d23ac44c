"""Printing for people (aligned tables) and for scripts (one JSON document).

Words, numbers and dates come from ``AppContext.words``.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

import typer


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def emit_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, default=_default, ensure_ascii=False, indent=2))
    sys.stdout.write("\n")


def write_json(document: Any, output: Path | None) -> None:
    """A JSON file people read and commit (UTF-8, indented), or the same on stdout."""
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


E = TypeVar("E", bound=Enum)


def state_option(states: type[E], text: str | None) -> E | None:
    """The state a ``--state`` option names, or a usage error that lists the states there are."""
    if text is None:
        return None
    try:
        return states(text)
    except ValueError:
        allowed = ", ".join(str(member.value) for member in states)
        raise typer.BadParameter(f"unknown state {text!r}; use one of {allowed}") from None


# Bidirectional overrides and isolates reorder what a terminal shows around them.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(text: str) -> str:
    """``text`` on one line: control characters (CR, LF, ESC, ...), line separators and bidi
    controls become spaces, so a name typed into a directory or the portal cannot fake a line of
    output or move the terminal's cursor."""
    return "".join(
        " " if unicodedata.category(char) in {"Cc", "Zl", "Zp"} or char in _BIDI_CONTROLS else char for char in text
    )


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, indent: int = 2) -> str:
    """A plain aligned table: readable in any terminal, in a pipe and in a log file."""
    rows = [[printable(cell) for cell in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    pad = " " * indent
    lines = [pad + "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append(pad + "  ".join("-" * w for w in widths))
    for row in rows:
        lines.append(pad + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def shorten(text: str, width: int) -> str:
    text = printable(text)
    return text if len(text) <= width else text[: width - 1] + "…"

"""Printing for people (aligned tables) and for scripts (one JSON document).

Words, numbers and dates come from ``AppContext.words``.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
import shutil
import sys
import textwrap
from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

import orjson
import typer

from sxsh_flow.problems import Saying
from sxsh_flow.words import N_


def emit_json(document: Any) -> None:
    """One JSON document on stdout, laid out as ``json.dumps(document, ensure_ascii=False, indent=2)``.

    Written by orjson: the standard library writes indented JSON in pure Python, one generator per
    value, and ``status --json`` of a national deployment spent more time there than reading its
    rows. orjson writes instants, days, enums and dataclasses itself, as ``_json_value`` does below.
    """
    try:
        text = orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode("utf-8")
    except orjson.JSONEncodeError:
        # An integer past 64 bits, which orjson refuses and json writes (or a type neither knows:
        # json then refuses it in turn, with its own TypeError).
        text = json.dumps(document, default=_json_value, ensure_ascii=False, indent=2)
    sys.stdout.write(text)
    sys.stdout.write("\n")


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # One level: the encoder calls back here for a dataclass inside.
        return {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
    raise TypeError(f"cannot serialise {type(value).__name__}")


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
        message = Saying(N_("unknown state {state}; use one of {allowed}"), state=repr(text), allowed=allowed)
        raise typer.BadParameter(message) from None


# Bidirectional overrides and isolates reorder what a terminal shows around them.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Unicode's control characters (Cc: C0, DEL, C1) and its line and paragraph separators (Zl, Zp) are
# fixed sets; one pattern finds them with the bidi controls, instead of asking for each character's
# category (tests/cli/test_output.py checks the pattern against unicodedata for every code point).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029" + "".join(sorted(_BIDI_CONTROLS)) + "]")


def printable(text: str) -> str:
    """``text`` on one line: control characters (CR, LF, ESC, ...), line separators and bidi
    controls become spaces, so a name typed into a directory or the portal cannot fake a line of
    output or move the terminal's cursor."""
    return _UNPRINTABLE.sub(" ", text)


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


def terminal_width() -> int:
    """The terminal's width in columns: $COLUMNS, else the terminal's own, else 80 (a pipe, a log)."""
    return max(shutil.get_terminal_size((80, 24)).columns, 40)


def wrapped(text: str, width: int, *, indent: int = 0, hang: int = 2) -> str:
    """``text`` on lines of at most ``width`` columns, indented; its continuation lines hang a little
    further. A command it quotes (``sxsh-flow outbox list``) is kept on one line, to be copied whole."""
    protected = _COMMAND.sub(lambda match: match.group(0).replace(" ", _NO_BREAK), printable(text))
    lines = textwrap.wrap(
        protected,
        width=width,
        initial_indent=" " * indent,
        subsequent_indent=" " * (indent + hang),
        break_on_hyphens=False,
    )
    return "\n".join(lines or [""]).replace(_NO_BREAK, " ")


# textwrap breaks lines at ASCII whitespace only: a no-break space holds a command's words together.
_NO_BREAK = "\u00a0"
_COMMAND = re.compile(r"sxsh-flow(?: [\w.:/=-]+)+")


def _wrap_cell(cell: str, width: int) -> list[str]:
    """A cell's lines. A cell that starts indented (a task under its agency) keeps its indent on each
    line, and one that starts with a bullet hangs its next lines under the text."""
    text = cell.lstrip(" ")
    lead = " " * (len(cell) - len(text))
    if text and len(cell) <= width and text == text.rstrip():
        # It fits as it is: what textwrap would give, without its work (status has thousands of cells).
        return [cell]
    hang = lead + ("  " if text.startswith("• ") else "")
    return textwrap.wrap(text, width, initial_indent=lead, subsequent_indent=hang, break_on_hyphens=False) or [""]


_NARROWEST = 10  # a flexible column is not squeezed below this many columns before the others have room


def fitted_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str] | str],
    *,
    width: int,
    flexible: Sequence[int],
    indent: int = 2,
) -> str:
    """An aligned table no wider than ``width``: the ``flexible`` columns (titles, names) wrap onto
    more lines when the others leave them too little room; the others keep their width. A row given
    as one string is a group's heading (an agency above its tasks), written across the table."""
    cells = [[printable(cell) for cell in row] for row in rows if not isinstance(row, str)]
    natural = [len(h) for h in headers]
    for row in cells:
        natural = [max(w, len(cell)) for w, cell in zip(natural, row, strict=True)]
    gaps = indent + 2 * (len(headers) - 1)
    widths = list(natural)
    room = width - gaps - sum(w for i, w in enumerate(natural) if i not in flexible)
    wanted = sum(natural[i] for i in flexible)
    if wanted > room:
        # Each flexible column first gets up to _NARROWEST columns; what is left goes in proportion
        # to what each still lacks, so a short column is not wrapped to feed a long one.
        for i in flexible:
            widths[i] = min(natural[i], _NARROWEST)
        left = max(room - sum(widths[i] for i in flexible), 0)
        lacking = sum(natural[i] - widths[i] for i in flexible)
        for i in flexible:
            widths[i] += left * (natural[i] - widths[i]) // max(lacking, 1)
    pad = " " * indent

    def lines_of(row: Sequence[str]) -> list[str]:
        parts = [_wrap_cell(cell, widths[i]) if i in flexible else [cell] for i, cell in enumerate(row)]
        out = []
        for line in itertools.zip_longest(*parts, fillvalue=""):
            text = pad + "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True))
            out.append(shorten(text.rstrip(), width))
        return out

    lines = lines_of([shorten(h, w) for h, w in zip(headers, widths, strict=True)])
    lines.append(shorten(pad + "  ".join("-" * w for w in widths), width))
    for entry in rows:
        if isinstance(entry, str):
            lines.append(wrapped(entry, width, indent=indent))
        else:
            lines.extend(lines_of([printable(cell) for cell in entry]))
    return "\n".join(lines)

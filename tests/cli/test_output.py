"""Printing for people: a name read from a directory or the portal cannot fake a line or move the cursor."""

from __future__ import annotations

import sys
import textwrap
import unicodedata

import pytest

from sxsh_flow.cli.output import _wrap_cell, printable

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_every_control_character_line_separator_and_bidi_control_becomes_a_space_and_nothing_else_does() -> None:
    # The definition, character by character, over every code point: what printable() must equal.
    every = "".join(chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF)
    expected = "".join(
        " " if unicodedata.category(char) in {"Cc", "Zl", "Zp"} or char in BIDI_CONTROLS else char for char in every
    )
    assert printable(every) == expected


def test_a_name_with_a_line_break_and_an_escape_stays_on_one_line() -> None:
    assert printable("Sở Công Thương\r\n\x1b[2Jgiả mạo\u2028dòng") == "Sở Công Thương   [2Jgiả mạo dòng"


@pytest.mark.parametrize(
    "cell",
    ["", "   ", "Sở Công Thương", "  • Báo cáo kết quả", "• a b c ", "x\u3000", "  " + "từ " * 12, "a\u00a0b  c"],
)
@pytest.mark.parametrize("width", [10, 20, 40])
def test_a_cell_wraps_as_textwrap_wraps_it(cell: str, width: int) -> None:
    text = cell.lstrip(" ")
    lead = " " * (len(cell) - len(text))
    hang = lead + ("  " if text.startswith("• ") else "")
    expected = textwrap.wrap(text, width, initial_indent=lead, subsequent_indent=hang, break_on_hyphens=False)
    assert _wrap_cell(cell, width) == (expected or [""])

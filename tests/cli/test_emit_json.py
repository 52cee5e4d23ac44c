"""The JSON the commands print (``emit_json``): one document, laid out as ``json.dumps(indent=2)`` lays it out.

orjson writes it; these tests hold it to what the standard library would have written, so scripts
reading ``--json`` see no change: the same text for the documents the commands print (text,
whole numbers, days, instants, states, dataclass rows), the same values for any other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum, IntEnum, StrEnum
from typing import Any

import pytest

from sxsh_flow.cli.output import _json_value, emit_json


class Colour(Enum):
    RED = "red"


class State(StrEnum):
    OPEN = "open"


class Level(IntEnum):
    HIGH = 3


@dataclass(frozen=True)
class Row:
    id: int
    day: date
    state: State
    inner: tuple[Any, ...] = ()


def standard(document: Any) -> str:
    return json.dumps(document, default=_json_value, ensure_ascii=False, indent=2) + "\n"


# What the commands print: the same text, byte for byte.
COMMAND_DOCUMENTS: list[Any] = [
    {},
    [],
    "",
    None,
    True,
    0,
    2**80,  # past orjson's 64 bits: written by json
    {"a": [], "b": {}, "c": [{}], "d": [[]]},
    {"tên": 'Sở Công Thương "HD"\n\t\\ \u0001 \u2028 😀', "x": [1, None, False, True]},
    [Colour.RED, State.OPEN, Level.HIGH, date(2016, 12, 21), datetime(2016, 12, 21, 1, 2, 3, 450000, tzinfo=UTC)],
    {"rows": [Row(1, date(2017, 1, 2), State.OPEN, (Row(2, date(2017, 1, 3), State.OPEN),))]},
    ({"nested": ({"deeper": [("t", 1)]},)},),
]


@pytest.mark.parametrize("document", COMMAND_DOCUMENTS, ids=range(len(COMMAND_DOCUMENTS)))
def test_a_command_s_document_is_the_text_json_would_write(document: Any, capsys: pytest.CaptureFixture[str]) -> None:
    emit_json(document)
    assert capsys.readouterr().out == standard(document)


@pytest.mark.parametrize("document", [[-0.0, 1e100, 2.5, 0.1], {1: "one", None: "none", 2.5: "x", False: "f"}])
def test_numbers_and_keys_json_spells_its_own_way_read_back_the_same(
    document: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    emit_json(document)
    assert json.loads(capsys.readouterr().out) == json.loads(standard(document))


def test_what_json_cannot_write_is_refused_as_json_refuses_it() -> None:
    with pytest.raises(TypeError):
        emit_json({"a": object()})

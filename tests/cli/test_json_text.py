"""The JSON the commands print is, byte for byte, what ``json.dumps(..., ensure_ascii=False, indent=2)`` writes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum, IntEnum, StrEnum
from typing import Any

import pytest

from sxsh_flow.cli.json_text import json_text, plain_value


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


DOCUMENTS: list[Any] = [
    {},
    [],
    "",
    None,
    True,
    0,
    -0.0,
    1e100,
    float("nan"),
    float("inf"),
    float("-inf"),
    2**80,
    {"a": [], "b": {}, "c": [{}], "d": [[]]},
    {"tên": 'Sở Công Thương "HD"\n\t\\ \u0001 \u2028 😀', "x": [1, 2.5, None, False, True]},
    [Colour.RED, State.OPEN, Level.HIGH, date(2016, 12, 21), datetime(2016, 12, 21, 1, 2, 3, tzinfo=UTC)],
    {"rows": [Row(1, date(2017, 1, 2), State.OPEN, (Row(2, date(2017, 1, 3), State.OPEN),))]},
    ({"nested": ({"deeper": [("t", 1)]},)},),
]


@pytest.mark.parametrize("document", DOCUMENTS, ids=range(len(DOCUMENTS)))
def test_the_text_is_json_dumps_text(document: Any) -> None:
    assert json_text(document) == json.dumps(document, default=plain_value, ensure_ascii=False, indent=2)


def test_keys_that_are_not_text_are_left_to_json() -> None:
    document = {"a": {1: "one", None: "none", 2.5: "x", False: "f"}}
    assert json_text(document) == json.dumps(document, default=plain_value, ensure_ascii=False, indent=2)


def test_what_json_cannot_write_is_refused_as_json_refuses_it() -> None:
    with pytest.raises(TypeError):
        json_text({"a": object()})

"""Indented JSON text, byte for byte as ``json.dumps(document, ensure_ascii=False, indent=2)`` writes it.

The standard library encodes indented JSON in pure Python, one generator per value: ``status
--json`` of a national deployment (tens of thousands of task runs) spent more time there than
reading its rows. This writer builds the same text by recursion, with the C string encoder, in
about half the time. Anything it does not write the way ``json`` would (a key that is not a string)
is handed to ``json.dumps`` itself.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import date
from enum import Enum
from json.encoder import encode_basestring as _string  # the C encoder when it is there, as json uses it
from typing import Any


class _NotPlain(Exception):
    """A document this writer leaves to ``json.dumps``."""


# The field names of each dataclass met, read once per class instead of once per row.
_FIELDS: dict[type, tuple[str, ...]] = {}


def plain_value(value: Any) -> Any:
    """What a value that JSON has no type for stands for: an instant or a day as ISO text, an enum's
    value, a dataclass as the mapping of its fields (one level; what is inside is converted in turn)."""
    if isinstance(value, date):  # datetime is a date
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS.get(type(value))
        if names is None:
            names = _FIELDS[type(value)] = tuple(field.name for field in dataclasses.fields(value))
        return {name: getattr(value, name) for name in names}
    raise TypeError(f"cannot serialise {type(value).__name__}")


def json_text(document: Any, default: Callable[[Any], Any] = plain_value) -> str:
    """``json.dumps(document, default=default, ensure_ascii=False, indent=2)``, the same text, faster."""
    try:
        return _encoded(document, "", default)
    except _NotPlain:
        return json.dumps(document, default=default, ensure_ascii=False, indent=2)


def _encoded(value: Any, indent: str, default: Callable[[Any], Any]) -> str:
    # The order of json's own encoder: str (an enum that is a str too), the constants, int, float,
    # then containers, and only then ``default``.
    if isinstance(value, str):
        return _string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        inner = indent + "  "
        items = [_encoded(item, inner, default) for item in value]
        return "[\n" + inner + (",\n" + inner).join(items) + "\n" + indent + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = indent + "  "
        members = []
        for key, item in value.items():
            if not isinstance(key, str):
                raise _NotPlain  # json turns such keys into text its own way
            members.append(_string(key) + ": " + _encoded(item, inner, default))
        return "{\n" + inner + (",\n" + inner).join(members) + "\n" + indent + "}"
    return _encoded(default(value), indent, default)


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)

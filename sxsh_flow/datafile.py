"""Read a YAML data file (a plan, an agency directory) and turn validation errors into Problems.

Pydantic validates the whole document at once and reports every error with its path; this module
finds the line each path points to in the YAML source, and adds a hint a coordinator can act on.
The loader never half-loads: a file with any problem yields no object at all.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Protocol, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from sxsh_flow.problems import Problem

Model = TypeVar("Model", bound=BaseModel)
Location = tuple[int | str, ...]


class Positions(Protocol):
    def line_of(self, path: Sequence[int | str]) -> int | None: ...


class _YamlPositions:
    """Maps a path inside a YAML document (``("tasks", 3, "lead")``) to its 1-based line."""

    def __init__(self, root: yaml.Node | None) -> None:
        self._root = root

    def line_of(self, path: Sequence[int | str]) -> int | None:
        node = self._root
        best: int | None = node.start_mark.line + 1 if node is not None else None
        for part in path:
            step = _child(node, part)
            if step is None:
                break
            # A mapping entry points at its key: that is where the reader looks for a field.
            marker, node = step
            best = marker.start_mark.line + 1
        return best

    def boolean_keys(self, path: Sequence[int | str]) -> list[str]:
        """The keys YAML 1.1 read as booleans (a bare on:, yes:, off:) in the mapping at ``path``."""
        node = self._root
        for part in path:
            step = _child(node, part)
            if step is None:
                return []
            node = step[1]
        if not isinstance(node, yaml.MappingNode):
            return []
        return [str(key.value) for key, _value in node.value if key.tag == "tag:yaml.org,2002:bool"]


def _child(node: yaml.Node | None, part: int | str) -> tuple[yaml.Node, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if str(key_node.value) == str(part):
                return key_node, value_node
    if isinstance(node, yaml.SequenceNode) and type(part) is int and 0 <= part < len(node.value):
        item: yaml.Node = node.value[part]
        return item, item
    return None


class LoadedDocument:
    """Parsed data (from YAML or CSV) with the line each part came from."""

    def __init__(self, source: str, data: Any, positions: Positions, problems: Sequence[Problem] = ()) -> None:
        self.source = source
        self.data = data
        self._positions = positions
        # Problems found while reading (a CSV row that contradicts another), reported with the rest.
        self.reading_problems = list(problems)

    def line_of(self, path: Sequence[int | str]) -> int | None:
        return self._positions.line_of(path)

    def boolean_keys(self, path: Sequence[int | str]) -> list[str]:
        finder = getattr(self._positions, "boolean_keys", None)
        return list(finder(path)) if finder is not None else []

    def problem(self, path: Sequence[int | str], message: str, hint: str = "") -> Problem:
        return Problem(self.source, format_path(path), self.line_of(path), message, hint)


def read_yaml(text: str, source: str) -> LoadedDocument | Problem:
    """Parse ``text``; a syntax error comes back as a single Problem with its line."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        return Problem(
            source,
            "",
            line,
            f"YAML syntax error: {exc.problem}",
            "check indentation and quoting near this line",
        )
    except yaml.YAMLError as exc:
        return Problem(source, "", None, f"YAML error: {exc}", "")
    return LoadedDocument(source, data, _YamlPositions(root))


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def as_date(value: object) -> date | None:
    """A date as YAML gives it, or as quoted text; None when it is no date (the structural pass says so)."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def format_path(path: Sequence[int | str]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


_HINTS: dict[str, str] = {
    "missing": "add this field",
    "extra_forbidden": "remove it or fix its spelling",
    "int_parsing": "write a whole number",
    "int_type": "write a whole number",
    "float_parsing": "write a number, with '.' as the decimal mark",
    "date_from_datetime_parsing": "write the date as YYYY-MM-DD",
    "date_parsing": "write the date as YYYY-MM-DD",
    "date_type": "write the date as YYYY-MM-DD",
    "enum": "use one of the listed values",
    "literal_error": "use one of the listed values",
    "string_pattern_mismatch": "see the allowed form in docs/",
    "too_short": "give at least one item",
    "bool_parsing": "write true or false",
    "list_type": "write a list (items starting with '- ')",
    "tuple_type": "write a list (items starting with '- ')",
    "dict_type": "write a mapping (key: value lines)",
    "model_type": "write a mapping (key: value lines)",
    "string_type": "write text (quote it if it looks like a number or date)",
}


def problems_from_validation(
    document: LoadedDocument,
    error: ValidationError,
    *,
    known_fields: Callable[[Location], Sequence[str]] | None = None,
) -> list[Problem]:
    problems: list[Problem] = []
    for item in error.errors(include_url=False):
        location: Location = tuple(part for part in item["loc"] if not _is_union_tag(part))
        kind = item["type"]
        if kind == "too_short" and _non_empty_list_at(document.data, location):
            continue  # pydantic's echo of failed items: the items' own problems are reported
        hint = _HINTS.get(kind, "")
        if kind == "invalid_key" and document.boolean_keys(location[:-1]):
            # pydantic names such a key 1 or 0; show it as written and say what happened.
            location = (*location[:-1], document.boolean_keys(location[:-1])[0])
            hint = "YAML reads a bare on/off/yes/no key as true/false: quote it, or use the field's name (on_day)"
        if kind == "extra_forbidden" and known_fields is not None and location:
            candidates = known_fields(location[:-1])
            close = difflib.get_close_matches(str(location[-1]), candidates, n=1)
            if close:
                hint = f"did you mean '{close[0]}'?"
            elif candidates:
                hint = f"allowed here: {', '.join(candidates)}"
        message = item["msg"]
        if message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        problems.append(document.problem(location, message, hint))
    return problems


def _non_empty_list_at(data: Any, location: Location) -> bool:
    node = data
    for part in location:
        in_mapping = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_mapping or in_list:
            node = node[part]
        else:
            return False
    return isinstance(node, list) and len(node) > 0


def _is_union_tag(part: int | str) -> bool:
    # Pydantic names the union member it tried ("function-after[...]", "str"): not part of the path.
    return isinstance(part, str) and ("[" in part or part in {"str", "int", "function-plain"})


def validate_document(
    document: LoadedDocument,
    model: type[Model],
    *,
    context: dict[str, Any] | None = None,
) -> Model | list[Problem]:
    """Validate the whole document; return the frozen model or every problem found."""
    if not isinstance(document.data, dict):
        return [document.problem((), "the file must be a mapping at the top level", "")]
    try:
        return model.model_validate(document.data, context=context)
    except ValidationError as exc:
        return problems_from_validation(document, exc, known_fields=lambda loc: _fields_at(model, document.data, loc))


def _fields_at(model: type[BaseModel], data: Any, location: Location) -> list[str]:
    """The field names a model accepts at ``location`` (for 'did you mean' hints)."""
    current: type[BaseModel] | None = model
    for part in location:
        if current is None:
            return []
        if isinstance(part, int):
            continue
        field = current.model_fields.get(str(part))
        if field is None:
            return []
        current = _model_in(field.annotation)
    return list(current.model_fields) if current is not None else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()) or ():
        found = _model_in(argument)
        if found is not None:
            return found
    return None

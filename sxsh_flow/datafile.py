"""Read a YAML data file (a plan, an agency directory) and turn validation errors into Problems.

Pydantic validates the whole document at once and reports every error with its path; this module
finds the line each path points to in the YAML source, and adds a hint a coordinator can act on.
The loader never half-loads: a file with any problem yields no object at all.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Protocol, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from sxsh_flow.problems import Problem, Saying
from sxsh_flow.words import N_

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
            Saying(N_("YAML syntax error: {problem}"), problem=str(exc.problem)),
            N_("check indentation and quoting near this line"),
        )
    except yaml.YAMLError as exc:
        return Problem(source, "", None, Saying(N_("YAML error: {error}"), error=str(exc)), "")
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
    "missing": N_("add this field"),
    "extra_forbidden": N_("remove it or fix its spelling"),
    "int_parsing": N_("write a whole number"),
    "int_type": N_("write a whole number"),
    "float_parsing": N_("write a number, with '.' as the decimal mark"),
    "date_from_datetime_parsing": N_("write the date as YYYY-MM-DD"),
    "date_parsing": N_("write the date as YYYY-MM-DD"),
    "date_type": N_("write the date as YYYY-MM-DD"),
    "enum": N_("use one of the listed values"),
    "literal_error": N_("use one of the listed values"),
    "string_pattern_mismatch": N_("see the allowed form in docs/"),
    "too_short": N_("give at least one item"),
    "bool_parsing": N_("write true or false"),
    "list_type": N_("write a list (items starting with '- ')"),
    "tuple_type": N_("write a list (items starting with '- ')"),
    "dict_type": N_("write a mapping (key: value lines)"),
    "model_type": N_("write a mapping (key: value lines)"),
    "string_type": N_("write text (quote it if it looks like a number or date)"),
}

# What pydantic found wrong, by its error type, in words of the catalogue; ``{name}`` fields come
# from the error's ctx. A type not listed here still reads in the user's language (``_ANY_ERROR``).
_MESSAGES: dict[str, str] = {
    "missing": N_("this field is required"),
    "extra_forbidden": N_("this field is not allowed here"),
    "int_parsing": N_("a whole number is expected"),
    "int_type": N_("a whole number is expected"),
    "int_from_float": N_("a whole number is expected, not a fraction"),
    "float_parsing": N_("a number is expected"),
    "float_type": N_("a number is expected"),
    "decimal_parsing": N_("a number is expected"),
    "decimal_type": N_("a number is expected"),
    "bool_parsing": N_("true or false is expected"),
    "bool_type": N_("true or false is expected"),
    "string_type": N_("text is expected"),
    "string_too_short": N_("at least {min_length} character(s) are expected"),
    "string_too_long": N_("at most {max_length} character(s) are allowed"),
    "string_pattern_mismatch": N_("the value does not have the expected form ({pattern})"),
    "too_short": N_("at least {min_length} item(s) are expected"),
    "too_long": N_("at most {max_length} item(s) are allowed"),
    "date_parsing": N_("a date is expected (YYYY-MM-DD)"),
    "date_type": N_("a date is expected (YYYY-MM-DD)"),
    "date_from_datetime_parsing": N_("a date is expected (YYYY-MM-DD)"),
    "date_from_datetime_inexact": N_("a date is expected, without a time of day"),
    "enum": N_("the value must be one of: {expected}"),
    "literal_error": N_("the value must be one of: {expected}"),
    "greater_than": N_("the value must be greater than {gt}"),
    "greater_than_equal": N_("the value must be at least {ge}"),
    "less_than": N_("the value must be less than {lt}"),
    "less_than_equal": N_("the value must be at most {le}"),
    "list_type": N_("a list is expected"),
    "tuple_type": N_("a list is expected"),
    "set_type": N_("a list is expected"),
    "dict_type": N_("a mapping (key: value) is expected"),
    "model_type": N_("a mapping (key: value) is expected"),
    "model_attributes_type": N_("a mapping (key: value) is expected"),
    "invalid_key": N_("keys must be text"),
    "url_parsing": N_("a web address is expected"),
}
_ANY_ERROR = N_("this value is not accepted here ({kind})")


def pydantic_message(error: Mapping[str, Any]) -> str:
    """What one pydantic error (an item of ``ValidationError.errors()``) says, in any language.

    By the error's ``type`` and ``ctx``, never by parsing pydantic's English. A validator of ours
    that raised ``ValueError(Saying(...))`` is said in its own words; its plain text otherwise.
    """
    kind = str(error.get("type", ""))
    context = dict(error.get("ctx") or {})
    if kind in {"value_error", "assertion_error"}:
        cause = context.get("error")
        reason = cause.args[0] if isinstance(cause, Exception) and cause.args else cause
        if isinstance(reason, Saying):
            return reason
        return str(error.get("msg", "")).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind not in _MESSAGES:
        return Saying(_ANY_ERROR, kind=kind)
    params: dict[str, Any] = {name: value for name, value in context.items() if isinstance(value, str | int | float)}
    if "expected" in params:
        expected = str(params["expected"])  # pydantic writes "'a', 'b' or 'c'"
        params["expected"] = lambda language: expected.replace("' or '", "', '")
    try:
        return Saying(_MESSAGES[kind], **params)
    except (KeyError, IndexError):  # a ctx without the field the message names
        return Saying(_ANY_ERROR, kind=kind)


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
            hint = N_("YAML reads a bare on/off/yes/no key as true/false: quote it, or use the field's name (on_day)")
        if kind == "extra_forbidden" and known_fields is not None and location:
            candidates = known_fields(location[:-1])
            close = difflib.get_close_matches(str(location[-1]), candidates, n=1)
            if close:
                hint = Saying(N_("did you mean '{name}'?"), name=close[0])
            elif candidates:
                hint = Saying(N_("allowed here: {fields}"), fields=", ".join(candidates))
        problems.append(document.problem(location, pydantic_message(item), hint))
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
        return [document.problem((), N_("the file must be a mapping at the top level"), "")]
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

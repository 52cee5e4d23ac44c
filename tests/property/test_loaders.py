"""The plan and directory loaders: on any text, a loaded value or their own error, never another.

Three kinds of input: any text; any YAML document (nested maps, lists and scalars, dumped); and
the built-in files with one value replaced by anything, which reaches the checks past the parser.
"""

from __future__ import annotations

from copy import deepcopy
from importlib import resources
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sxsh_flow.agencies.loader import load_directory_text
from sxsh_flow.engine.plan_file import load_plan_text
from sxsh_flow.problems import InvalidDirectory, InvalidPlan

PLAN_TEXT = (resources.files("sxsh_flow.workflows") / "plans" / "plan-2016-2020.yaml").read_text(encoding="utf-8")
DIRECTORY_TEXT = (resources.files("sxsh_flow.agencies") / "directories" / "hai-duong.yaml").read_text(encoding="utf-8")
PLAN = yaml.safe_load(PLAN_TEXT)
DIRECTORY = yaml.safe_load(DIRECTORY_TEXT)

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.dates(),
)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=20,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a parsed document a value sits (keys of maps, indexes of lists)."""
    found = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += paths(inner, (*prefix, index))
    return found


PLAN_PATHS = paths(PLAN)[1:]
DIRECTORY_PATHS = paths(DIRECTORY)[1:]


def replaced(document: Any, path: tuple[Any, ...], value: Any) -> str:
    copy = deepcopy(document)
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return yaml.safe_dump(copy, allow_unicode=True, sort_keys=False)


def plan_loads_or_says_why(text: str) -> None:
    try:
        load_plan_text(text, "property.yaml")
    except InvalidPlan as refused:
        problems = refused.problems
    else:
        return
    assert problems


def directory_loads_or_says_why(text: str, *, csv_format: bool = False) -> None:
    try:
        load_directory_text(text, "property.yaml", csv_format=csv_format)
    except InvalidDirectory as refused:
        problems = refused.problems
    else:
        return
    assert problems


@settings(max_examples=200)
@given(st.text(max_size=300))
def test_the_plan_loader_on_any_text(text: str) -> None:
    plan_loads_or_says_why(text)


@settings(max_examples=200)
@given(DOCUMENTS)
def test_the_plan_loader_on_any_yaml_document(document: Any) -> None:
    plan_loads_or_says_why(yaml.safe_dump(document, allow_unicode=True))


@settings(max_examples=100)  # each loads the whole plan: ~0.1 s
@given(st.sampled_from(PLAN_PATHS), DOCUMENTS)
def test_the_plan_loader_on_the_built_in_plan_with_one_value_replaced(path: tuple[Any, ...], value: Any) -> None:
    plan_loads_or_says_why(replaced(PLAN, path, value))


@settings(max_examples=200)
@given(st.text(max_size=300), st.booleans())
def test_the_directory_loader_on_any_text(text: str, csv_format: bool) -> None:
    directory_loads_or_says_why(text, csv_format=csv_format)


@settings(max_examples=200)
@given(DOCUMENTS)
def test_the_directory_loader_on_any_yaml_document(document: Any) -> None:
    directory_loads_or_says_why(yaml.safe_dump(document, allow_unicode=True))


@settings(max_examples=100)  # each loads the whole directory: ~0.1 s
@given(st.sampled_from(DIRECTORY_PATHS), DOCUMENTS)
def test_the_directory_loader_on_the_sample_directory_with_one_value_replaced(
    path: tuple[Any, ...], value: Any
) -> None:
    directory_loads_or_says_why(replaced(DIRECTORY, path, value))

"""The published JSON Schemas: the same as the models generate, and they accept the built-in files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from sxsh_flow.engine.schema import directory_json_schema, plan_json_schema

ROOT = Path(__file__).resolve().parents[2]


def as_json_data(path: Path) -> Any:
    # YAML reads dates as date objects; editors check the text, where they are strings.
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))


@pytest.mark.parametrize(
    ("published", "generate"),
    [("docs/plan.schema.json", plan_json_schema), ("docs/directory.schema.json", directory_json_schema)],
)
def test_the_published_schema_is_up_to_date(published: str, generate: Any) -> None:
    committed = json.loads((ROOT / published).read_text(encoding="utf-8"))
    assert committed == generate(), f"regenerate it: sxsh-flow plans|agencies schema -o {published}"


@pytest.mark.parametrize("key", ["plan-2016-2020", "plan-2021-2030"])
def test_the_built_in_plans_satisfy_the_plan_schema(key: str) -> None:
    jsonschema.validate(as_json_data(ROOT / f"workflows/plans/{key}.yaml"), plan_json_schema())


@pytest.mark.parametrize("name", ["hai-duong", "hai-phong"])
def test_the_sample_directories_satisfy_the_directory_schema(name: str) -> None:
    jsonschema.validate(as_json_data(ROOT / f"agencies/directories/{name}.yaml"), directory_json_schema())


def test_the_plan_schema_refuses_an_unknown_field() -> None:
    data = as_json_data(ROOT / "workflows/plans/plan-2016-2020.yaml")
    data["tasks"][0]["leader"] = "SCT"
    with pytest.raises(jsonschema.ValidationError, match="leader"):
        jsonschema.validate(data, plan_json_schema())

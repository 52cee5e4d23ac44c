"""JSON Schemas of the data files, generated from the models (docs/*.schema.json are these)."""

from __future__ import annotations

from typing import Any

from sxsh_flow.engine.spec import PlanSpec


def plan_json_schema() -> dict[str, Any]:
    schema = PlanSpec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://sxsh-flow.example/schemas/plan.schema.json"
    return schema


def directory_json_schema() -> dict[str, Any]:
    from sxsh_flow.agencies.directory import DirectorySpec

    schema = DirectorySpec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://sxsh-flow.example/schemas/directory.schema.json"
    return schema

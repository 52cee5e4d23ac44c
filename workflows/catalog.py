"""The plans that ship with sxsh-flow (``workflows/plans/*.yaml``), found by key."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from sxsh_flow.engine.plan_file import LoadedPlan, load_plan_file, load_plan_text
from sxsh_flow.errors import UnknownPlan


def _plan_files() -> dict[str, resources.abc.Traversable]:
    folder = resources.files("sxsh_flow.workflows") / "plans"
    return {entry.name.removesuffix(".yaml"): entry for entry in folder.iterdir() if entry.name.endswith(".yaml")}


def builtin_plan_keys() -> list[str]:
    return sorted(_plan_files())


def load_builtin_plan(key: str) -> LoadedPlan:
    files = _plan_files()
    if key not in files:
        raise UnknownPlan(key, sorted(files))
    loaded = load_plan_text(files[key].read_text(encoding="utf-8"), f"{key} (built-in)")
    if loaded.spec.key != key:  # a packaging mistake, not a user's: say so loudly
        raise RuntimeError(f"built-in plan file {key}.yaml declares key {loaded.spec.key!r}")
    return loaded


def resolve_plan(key: str | None, plan_file: Path | None) -> LoadedPlan:
    """A plan named by key (built-in) or given as a file; a file's key must match when both are given."""
    if plan_file is not None:
        loaded = load_plan_file(plan_file)
        if key is not None and loaded.spec.key != key:
            raise UnknownPlan(key, [loaded.spec.key])
        return loaded
    if key is None:
        raise UnknownPlan("", builtin_plan_keys())
    return load_builtin_plan(key)

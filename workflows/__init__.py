"""Plans as data (spec, loader, built-in catalog) and the entry points schedulers call."""

from .catalog import builtin_plan_keys, load_builtin_plan, resolve_plan
from .loader import LoadedPlan, check_plan_text, content_hash, load_plan_file, load_plan_text
from .spec import PlanSpec

__all__ = [
    "LoadedPlan",
    "PlanSpec",
    "builtin_plan_keys",
    "check_plan_text",
    "content_hash",
    "load_builtin_plan",
    "load_plan_file",
    "load_plan_text",
    "resolve_plan",
]

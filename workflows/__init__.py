"""The entry points schedulers call (jobs, the embedded scheduler, Prefect flows, the simulation)
and the built-in plans with their catalogue."""

from sxsh_flow.workflows.catalog import builtin_plan_keys, load_builtin_plan, resolve_plan

__all__ = ["builtin_plan_keys", "load_builtin_plan", "resolve_plan"]

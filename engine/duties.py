"""Who holds a plan's task in a cycle: the plan's selectors read in the registry on the duty's day.

``start`` and every later directory change ask the same question the same way, here: a task run
belongs to the agency that holds the duty on its cycle's dates, and that answer is derived again
whenever the directory changes (``engine.services.succession``).
"""

from __future__ import annotations

from datetime import date

from sxsh_flow.agencies.registry import Holder, Registry, SelectorChange
from sxsh_flow.engine.spec import PlanSpec, Task


def duty_day(cutoff_end: date, due_on: date) -> date:
    """The day a cycle's duty is assigned on: the end of what it reports on, or its deadline if earlier.

    An agency that existed that day reports for the cycle; one that ended before it hands over.
    """
    return min(cutoff_end, due_on)


def selector_changes(spec: PlanSpec) -> tuple[SelectorChange, ...]:
    return tuple(SelectorChange(c.selector, c.since, c.becomes) for c in spec.selector_changes)


def task_holders(spec: PlanSpec, registry: Registry, province: str, task: Task, day: date) -> list[Holder]:
    """The agencies that lead ``task`` on ``day``, in the plan's order, each once."""
    return _holders(spec, registry, province, task.lead, day)


def task_partners(spec: PlanSpec, registry: Registry, province: str, task: Task, day: date) -> list[Holder]:
    """The agencies that take part in ``task`` on ``day`` ("đơn vị phối hợp"), leads left out, each once.

    Read like the leads, on the same day and through the same successors: a partner that ended is
    stood in for by whoever took over its duties.
    """
    leads = set(task_holders(spec, registry, province, task, day))
    return [h for h in _holders(spec, registry, province, task.partners, day) if h not in leads]


def _holders(spec: PlanSpec, registry: Registry, province: str, selectors: tuple[str, ...], day: date) -> list[Holder]:
    changes = selector_changes(spec)
    found: dict[Holder, None] = {}
    for selector in selectors:
        found.update(dict.fromkeys(registry.holders(selector, province, day, changes)))
    return list(found)


def lead_holder(spec: PlanSpec, registry: Registry, province: str, day: date) -> Holder | None:
    """The plan's lead agency on ``day`` (its successor once it ended), or None when it names none."""
    holders = registry.holders(spec.lead, province, day, selector_changes(spec))
    return holders[0] if holders else None

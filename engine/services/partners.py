"""Partners ("đơn vị phối hợp"): the agencies a task names beside its leads are told, never asked.

A partner hears of a task when its leads do, in the kickoff letter and in the request of each cycle,
for coordination: the task, who leads it and their deadline. It has no task run, so it gets no reply
link, no reminder and no place on the board: the leads report. Who holds a partner selector is read
in the registry on the cycle's duty day, as who leads (``engine.duties``); the leads' own letters
name the partners of each task.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from sxsh_flow.agencies.registry import Registry
from sxsh_flow.engine.duties import duty_day, task_partners
from sxsh_flow.engine.message import PartnerTask
from sxsh_flow.engine.models import AgencyRecord, ReportingCycle, TaskRun
from sxsh_flow.engine.services.agencies import load_registry
from sxsh_flow.engine.spec import PlanSpec
from sxsh_flow.errors import UnknownProvince


class Partnering:
    """The partners of a run's tasks, cycle by cycle; the directory is read only if a task has any."""

    def __init__(self, session: Session, spec: PlanSpec, province: str) -> None:
        self.session = session
        self.spec = spec
        self.province = province
        self._found: dict[tuple[str, int], list[AgencyRecord]] = {}

    @cached_property
    def _registry(self) -> Registry | None:
        try:
            return load_registry(self.session, self.province)
        except UnknownProvince:
            return None  # no directory: nobody to name

    @cached_property
    def _records(self) -> dict[tuple[str, str], AgencyRecord]:
        provinces = [p.code for p in self._registry.provinces] if self._registry else []
        query = select(AgencyRecord).where(AgencyRecord.province_code.in_(provinces))
        # The session's identity map hands back the very records the run's mail already holds.
        records = self.session.scalars(query.options(selectinload(AgencyRecord.contacts)))
        return {(a.province_code, a.code): a for a in records}

    def of(self, task_run: TaskRun, cycle: ReportingCycle) -> list[AgencyRecord]:
        """The partners of ``task_run``'s task in ``cycle``, read on the cycle's duty day; its lead left out."""
        key = (task_run.task_key, cycle.id)
        if key not in self._found:
            task = self.spec.task(task_run.task_key)
            found: list[AgencyRecord] = []
            if task.partners and self._registry is not None:
                day = duty_day(cycle.cutoff_end, task_run.due_on)
                holders = task_partners(self.spec, self._registry, self.province, task, day)
                found = [self._records[h.key] for h in holders if h.key in self._records]
            self._found[key] = found
        return [a for a in self._found[key] if a.id != task_run.agency_id]

    def names(self, task_run: TaskRun, cycle: ReportingCycle) -> tuple[str, ...]:
        """What a lead's letter says under its task: the partners' names."""
        return tuple(a.name for a in self.of(task_run, cycle))

    def told(self, rows: Iterable[tuple[TaskRun, ReportingCycle]]) -> dict[int, list[PartnerTask]]:
        """For each partner agency (by id), the tasks of ``rows`` it is told of, one line per task and cycle."""
        by_task: dict[tuple[str, int], list[tuple[TaskRun, ReportingCycle]]] = defaultdict(list)
        for task_run, cycle in rows:
            by_task[task_run.task_key, cycle.id].append((task_run, cycle))
        result: dict[int, list[PartnerTask]] = defaultdict(list)
        for runs in by_task.values():
            first, cycle = runs[0]
            lead_ids = {t.agency_id for t, _ in runs}
            partners = [a for a in self.of(first, cycle) if a.id not in lead_ids]
            if not partners:
                continue
            task = self.spec.task(first.task_key)
            line = PartnerTask(
                task_key=first.task_key,
                title=first.task_title,
                description=task.description,
                cycle_label=cycle.label,
                cutoff_start=cycle.cutoff_start,
                cutoff_end=cycle.cutoff_end,
                due_on=min(t.effective_due_on for t, _ in runs),
                leads=tuple(dict.fromkeys(t.agency_name for t, _ in runs)),
            )
            for agency in partners:
                result[agency.id].append(line)
        return result

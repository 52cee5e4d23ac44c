"""Start a plan for a province: one transaction writes the run, its cycles, task runs and history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sxsh_flow.agencies.registry import Holder, Registry
from sxsh_flow.engine.calendar import WorkingCalendar
from sxsh_flow.engine.clock import local_date
from sxsh_flow.engine.duties import duty_day, selector_changes, task_holders
from sxsh_flow.engine.models import AgencyRecord, PlanRun, ReportingCycle, TaskRun
from sxsh_flow.engine.plan_file import LoadedPlan
from sxsh_flow.engine.schedule import CycleDates, PlanCalendar, TaskDates, build_calendar
from sxsh_flow.engine.services.mailing import Mailing, NoticeSummary
from sxsh_flow.engine.services.transitions import record_creation
from sxsh_flow.engine.spec import PlanSpec
from sxsh_flow.engine.states import CYCLE, PlanRunState, TaskRunState
from sxsh_flow.errors import NoAgencyForTask, PlanAlreadyStarted, PlanPeriodOver


@dataclass(frozen=True)
class StartedPlan:
    run_id: int
    plan_key: str
    province: str
    cycles: tuple[str, ...]
    skipped_cycles: tuple[str, ...]  # closed before the run started: recorded as not collected
    task_runs: int
    agencies: tuple[str, ...]
    first_due_on: date | None
    # The province that holds the plan today: its own, or the one it merged into (HD → HP).
    held_by: str
    held_by_name: str


@dataclass(frozen=True)
class Begun:
    started: StartedPlan
    notices: NoticeSummary
    sample_directory_imported: bool


def start_and_announce(
    session: Session, plan: LoadedPlan, province_code: str, *, now: datetime, mailing: Mailing, actor: str
) -> Begun:
    """What ``sxsh-flow start`` does in one transaction: start the run, open what is due, queue the kickoffs.

    A province with no directory in the store gets the sample shipped for it, if there is one.
    """
    from sxsh_flow.agencies.loader import builtin_history
    from sxsh_flow.engine.services.agencies import has_directory, import_directory, load_registry
    from sxsh_flow.engine.services.notices import announce_start

    imported = False
    if not has_directory(session, province_code):
        # The sample of the province and of every province it merged into (Hải Dương → Hải Phòng).
        for directory in builtin_history(province_code):
            if not has_directory(session, directory.province.code):
                import_directory(session, directory, now=now)
        imported = True
    registry = load_registry(session, province_code)
    started = start_plan(session, plan, registry, province_code, now=now, actor=actor)
    notices = announce_start(session, session.get_one(PlanRun, started.run_id), now=now, mailing=mailing, actor=actor)
    return Begun(started, notices, imported)


def replay_date(spec: PlanSpec) -> date:
    """The day to replay a past plan from: when it took effect, else the start of its period."""
    return spec.effective_from or date(spec.period.first_year, 1, 1)


def start_plan(
    session: Session,
    plan: LoadedPlan,
    registry: Registry,
    province: str,
    *,
    now: datetime,
    actor: str,
    calendar: WorkingCalendar | None = None,
) -> StartedPlan:
    """Create the run of ``plan`` for ``province``, as of ``now``, its agencies read in ``registry``.

    The run belongs to the province the plan was written for, and is held on each cycle's dates by
    whoever holds that province's duties then (its successor after a merger). Cycles that closed
    before today are recorded as not collected. Refuses a plan already started for the province,
    and one whose every cycle has closed (it can be replayed with a simulated clock). Everything
    starts scheduled: opening what is due, and asking agencies to report, is ``notices.open_due``'s
    (the CLI runs it right after). Nothing is written unless everything is.
    """
    spec = plan.spec
    existing = session.scalar(select(PlanRun).where(PlanRun.plan_key == spec.key, PlanRun.province_code == province))
    if existing is not None:
        raise PlanAlreadyStarted(spec.key, province, existing.id)
    plan_calendar = build_calendar(spec, calendar or WorkingCalendar())
    today = local_date(now)
    # A cycle is behind us once it has closed and its last deadline (the lead's own report) passed.
    live = [
        c for c in plan_calendar.cycles if max(c.closes_on, *(t.due_on for t in plan_calendar.tasks_in(c))) >= today
    ]
    if not live:
        last_due = max(t.due_on for t in plan_calendar.tasks)
        command = f"sxsh-flow --now {replay_date(spec).isoformat()} start {spec.key} --province {province}"
        raise PlanPeriodOver(spec.key, last_due.strftime("%d/%m/%Y"), command)
    assignments = _assignments(spec, registry, province, plan_calendar, live)
    reached = registry.provinces_reached(province)
    records = {
        (record.province_code, record.code): record
        for record in session.scalars(select(AgencyRecord).where(AgencyRecord.province_code.in_(reached)))
    }
    run = PlanRun(
        plan_key=spec.key,
        plan_version=spec.version,
        plan_hash=plan.content_hash,
        plan_title=spec.title,
        plan_source=plan.source,
        spec=spec.model_dump(mode="json"),
        province_code=province,
        started_at=now,
        started_by=actor,
        _state=PlanRunState.ACTIVE,
    )
    session.add(run)
    try:
        session.flush()
    except IntegrityError as exc:  # another coordinator started it a moment ago
        raise PlanAlreadyStarted(spec.key, province, None) from exc
    record_creation(
        session, run, actor=actor, now=now, reason=f"plan {spec.key} {spec.version} ({plan.content_hash[:12]})"
    )
    task_runs: list[TaskRun] = []
    missed = [c for c in plan_calendar.cycles if c not in live]
    for cycle_dates in [*missed, *live]:
        cycle = ReportingCycle(
            plan_run_id=run.id,
            cadence=cycle_dates.cadence.value,
            label=cycle_dates.label,
            year=cycle_dates.year,
            cutoff_start=cycle_dates.cutoff_start,
            cutoff_end=cycle_dates.cutoff_end,
            opens_on=cycle_dates.opens_on,
            due_on=cycle_dates.due_on,
            closes_on=cycle_dates.closes_on,
            _state=CYCLE.initial("pass_over" if cycle_dates in missed else "create"),
        )
        session.add(cycle)
        for task_dates, holder in assignments.get((cycle_dates.label, cycle_dates.cadence.value), []):
            task_run = TaskRun(
                plan_run_id=run.id,
                cycle=cycle,
                task_key=task_dates.task_key,
                task_title=spec.task(task_dates.task_key).title,
                agency_id=records[holder.key].id,
                agency_code=holder.agency.code,
                agency_name=holder.agency.name,
                opens_on=task_dates.opens_on,
                due_on=task_dates.due_on,
                _state=TaskRunState.SCHEDULED,
            )
            session.add(task_run)
            task_runs.append(task_run)
    session.flush()
    # Cycles first, then their task runs: the history reads in the order things came to be.
    passed = {(c.label, c.cadence.value) for c in missed}
    for cycle in run.cycles:
        if (cycle.label, cycle.cadence) in passed:
            reason = "closed before the run started: not collected"
            record_creation(session, cycle, actor=actor, now=now, transition="pass_over", reason=reason)
        else:
            record_creation(session, cycle, actor=actor, now=now)
    for task_run in task_runs:
        record_creation(session, task_run, actor=actor, now=now)
    session.flush()
    dues = [t.due_on for t in task_runs]
    holding = registry.province_on(province, today)
    return StartedPlan(
        run_id=run.id,
        plan_key=spec.key,
        province=province,
        cycles=tuple(c.label for c in live),
        skipped_cycles=tuple(c.label for c in plan_calendar.cycles if c not in live),
        task_runs=len(task_runs),
        agencies=tuple(sorted({t.agency_code for t in task_runs})),
        first_due_on=min(dues) if dues else None,
        held_by=holding.code,
        held_by_name=holding.name,
    )


def _assignments(
    spec: PlanSpec, registry: Registry, province: str, plan_calendar: PlanCalendar, cycles: list[CycleDates]
) -> dict[tuple[str, str], list[tuple[TaskDates, Holder]]]:
    """Which agencies lead each task in each cycle, resolved on the duty's day (``duty_day``).

    Resolving per cycle lets a ten-year plan follow the reorganisations of agencies: a merged
    department's later duties go to its successor, a district's to its communes; earlier ones stay.
    """
    changes = selector_changes(spec)
    result: dict[tuple[str, str], list[tuple[TaskDates, Holder]]] = {}
    for cycle in cycles:
        entries: list[tuple[TaskDates, Holder]] = []
        for task_dates in plan_calendar.tasks_in(cycle):
            task = spec.task(task_dates.task_key)
            day = duty_day(cycle.cutoff_end, task_dates.due_on)
            for selector in task.lead:
                if not registry.holders(selector, province, day, changes):
                    raise NoAgencyForTask(spec.key, task.key, selector, province, day)
            entries.extend((task_dates, holder) for holder in task_holders(spec, registry, province, task, day))
        result[cycle.label, cycle.cadence.value] = entries
    return result

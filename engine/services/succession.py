"""After the directory changes, every running plan's duties follow the agencies that hold them.

A task run belongs to the agency that holds its duty on the cycle's dates (``engine.duties``). When
an import ends an agency (a merger, the end of the district level, a province merged into a
city), what it still owes moves:

- a task run it still owes (scheduled, awaiting a report, or returned) is handed over to each of
  its successors on the duty's day, or today for a duty already past: a split gives each successor
  a task run of its own; a merger leaves the successor the one it had, which now carries what its
  predecessors owed;
- what it already sent stays with it, under the name it had then;
- an agency that now holds a duty of an open or coming cycle and has no task run for it gets one;
- every move is a history row naming the directory change.

The letters to the successors and the coordinator's summary are ``handover_letters``'.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Date, bindparam, select
from sqlalchemy.orm import Session

from sxsh_flow.agencies.registry import Holder, Registry
from sxsh_flow.engine.clock import local_date
from sxsh_flow.engine.duties import duty_day, task_holders
from sxsh_flow.engine.models import AgencyRecord, DirectoryChange, PlanRun, ReportingCycle, TaskRun
from sxsh_flow.engine.moves import Move
from sxsh_flow.engine.services.agencies import load_registry
from sxsh_flow.engine.services.mailing import active_runs
from sxsh_flow.engine.services.transitions import fire, record_creation, record_note
from sxsh_flow.engine.services.withdrawn_reminders import cancel_pending
from sxsh_flow.engine.spec import PlanSpec
from sxsh_flow.engine.states import TASK_RUN, TASK_RUN_VOID, CycleState, PlanRunState

# Cycles whose duties can still move: a closed cycle still takes late reports, so an ended agency's
# overdue one moves too; a cycle never collected, or cancelled, has nothing to move.
_LIVE_CYCLES = (CycleState.SCHEDULED, CycleState.OPEN, CycleState.CLOSED)
# Cycles where a holder without a task run gets one: the closed ones were assigned when they ran.
_ASSIGNABLE_CYCLES = (CycleState.SCHEDULED, CycleState.OPEN)


@dataclass(frozen=True)
class NewDuty:
    """A task run created for an agency that holds a duty and had none (a unit with no predecessor)."""

    plan_run_id: int
    cycle_label: str
    task_key: str
    agency_code: str
    agency_name: str
    task_run_id: int


@dataclass
class Succession:
    """What one directory change did to the running plans."""

    change_id: int
    moves: list[Move] = field(default_factory=list)
    new_duties: list[NewDuty] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def moves_of(self, run_id: int) -> list[Move]:
        return [m for m in self.moves if m.plan_run_id == run_id]


def follow_directory(session: Session, change: DirectoryChange, *, now: datetime, actor: str) -> Succession:
    """Move every running plan's duties to the agencies that hold them after ``change``."""
    result = Succession(change.id)
    today = local_date(now)
    for run in active_runs(session):
        registry = load_registry(session, run.province_code)
        _RunSuccession(session, run, registry, change, result, today=today, now=now, actor=actor).follow()
    return result


def follow_calendar(session: Session, *, now: datetime, actor: str) -> Succession | None:
    """The daily sweep's part: hand over what an agency still owes once its last day has passed.

    An import made before an agency ends (June 2025, for districts that end on 30/06) leaves it its
    past duties until then; the first sweep after its last day moves them, naming the directory
    change that set the end. One query when nothing has ended.
    """
    if not anything_ended(session, local_date(now)):
        return None
    change = session.scalars(select(DirectoryChange).order_by(DirectoryChange.id.desc())).first()
    if change is None:  # a directory written before changes were recorded: say where it came from
        change = DirectoryChange(imported_at=now, actor=actor, sources=["(directory in the store)"], provinces=[])
        session.add(change)
        session.flush()
    return follow_directory(session, change, now=now, actor=actor)


def anything_ended(session: Session, today: date) -> bool:
    """Whether an agency past its last day before ``today`` still owes a task of a running plan (one query)."""
    return session.scalar(_OWING_AFTER_END, {"today": today}) is not None


# Built once: the idle-day check asks it every simulated day (see workflows/idle_jobs.py).
_OWING_AFTER_END = (
    select(TaskRun.id)
    .join(AgencyRecord, TaskRun.agency_id == AgencyRecord.id)
    .join(PlanRun, TaskRun.plan_run_id == PlanRun.id)
    .where(
        PlanRun.state == PlanRunState.ACTIVE,
        TaskRun.state.in_(TASK_RUN.sources("hand_over")),
        AgencyRecord.valid_to < bindparam("today", type_=Date),
    )
    .limit(1)
)


class _RunSuccession:
    def __init__(
        self,
        session: Session,
        run: PlanRun,
        registry: Registry,
        change: DirectoryChange,
        result: Succession,
        *,
        today: date,
        now: datetime,
        actor: str,
    ) -> None:
        self.session, self.run, self.registry, self.change, self.result = session, run, registry, change, result
        self.today, self.now, self.actor = today, now, actor
        self.spec = PlanSpec.model_validate(run.spec)
        reached = registry.provinces_reached(run.province_code)
        self.records = {
            (r.province_code, r.code): r
            for r in session.scalars(select(AgencyRecord).where(AgencyRecord.province_code.in_(reached)))
        }
        self.by_id = {r.id: r for r in self.records.values()}

    def follow(self) -> None:
        cycles = {
            c.id: c
            for c in self.session.scalars(
                select(ReportingCycle).where(
                    ReportingCycle.plan_run_id == self.run.id, ReportingCycle.state.in_(_LIVE_CYCLES)
                )
            )
        }
        groups: dict[tuple[int, str], list[TaskRun]] = defaultdict(list)
        for task_run in self.session.scalars(
            select(TaskRun).where(TaskRun.cycle_id.in_(list(cycles))).order_by(TaskRun.id)
        ):
            groups[task_run.cycle_id, task_run.task_key].append(task_run)
        for (cycle_id, task_key), task_runs in sorted(groups.items(), key=lambda g: (cycles[g[0][0]].due_on, g[0])):
            self._follow_task(cycles[cycle_id], task_key, task_runs)

    def _follow_task(self, cycle: ReportingCycle, task_key: str, task_runs: list[TaskRun]) -> None:
        held = {t.agency_id: t for t in task_runs}
        day = duty_day(cycle.cutoff_end, task_runs[0].due_on)
        # A duty already past is owed today: an agency gone by now cannot send it either.
        on = max(day, self.today)
        for task_run in task_runs:
            if not TASK_RUN.can(task_run.state, "hand_over"):
                continue  # sent, accepted or void: it stays where it is
            holder = self._holder(task_run.agency_id)
            if holder is None or holder.agency.valid_to is None or holder.agency.valid_to >= on:
                continue
            self._hand_over(cycle, task_run, holder, on, held)
        if cycle.state in _ASSIGNABLE_CYCLES:
            task = self.spec.task(task_key)
            for holder in task_holders(self.spec, self.registry, self.run.province_code, task, day):
                record = self.records.get(holder.key)
                if record is not None and record.id not in held:
                    new = self._create(cycle, task_runs[0], record, reason=self._because("holds this duty now"))
                    held[record.id] = new
                    self.result.new_duties.append(
                        NewDuty(self.run.id, cycle.label, task_key, record.code, record.name, new.id)
                    )

    def _hand_over(
        self, cycle: ReportingCycle, task_run: TaskRun, holder: Holder, on: date, held: dict[int, TaskRun]
    ) -> None:
        ended = holder.agency.valid_to
        assert ended is not None  # checked by the caller
        since = ended + timedelta(days=1)
        successors = [self.records[s.key] for s in self.registry.successors_on(holder, on) if s.key in self.records]
        if not successors:
            self.result.problems.append(
                f"{self.run.plan_key} {cycle.label}: {holder.agency.code} ended on {ended.isoformat()} with no "
                f"successor in the directory; its task {task_run.task_key} stays with it"
            )
            return
        names = ", ".join(s.code for s in successors)
        awaited = task_run.state.awaits_report
        why = f"{holder.agency.code} ended on {ended.isoformat()}; passed to {names} from {since.isoformat()}"
        fire(self.session, task_run, "hand_over", actor=self.actor, now=self.now, reason=self._because(why))
        cancel_pending(
            self.session, task_run_id=task_run.id, now=self.now, actor=self.actor,
            reason=self._because(f"the task passed to {names}"),
        )  # fmt: skip
        for successor in successors:
            existing = held.get(successor.id)
            merged = existing is not None and existing.state not in TASK_RUN_VOID
            if existing is None:
                existing = self._create(
                    cycle, task_run, successor, reason=self._because(f"takes over from {holder.agency.code}")
                )
                if awaited:  # the predecessor had been asked: so is the successor, by its handover letter
                    fire(self.session, existing, "open", actor=self.actor, now=self.now, reason=self._because("open"))
                held[successor.id] = existing
            else:
                record_note(
                    self.session, existing, "take_over", self.actor,
                    self._because(f"also carries what {holder.agency.code} still owed"), self.now,
                )  # fmt: skip
            self.result.moves.append(
                Move(
                    change_id=self.change.id, plan_run_id=self.run.id, plan_key=self.run.plan_key,
                    cycle_label=cycle.label, task_key=task_run.task_key, task_title=task_run.task_title,
                    from_agency_id=task_run.agency_id, from_code=task_run.agency_code, from_name=task_run.agency_name,
                    to_agency_id=successor.id, to_code=successor.code, to_name=successor.name,
                    since=since, old_task_run_id=task_run.id, new_task_run_id=existing.id, merged=merged,
                )
            )  # fmt: skip

    def _create(self, cycle: ReportingCycle, model: TaskRun, agency: AgencyRecord, *, reason: str) -> TaskRun:
        """A task run for ``agency`` with ``model``'s task and dates (an approved extension carries over)."""
        task_run = TaskRun(
            plan_run_id=self.run.id, cycle_id=cycle.id, task_key=model.task_key, task_title=model.task_title,
            agency_id=agency.id, agency_code=agency.code, agency_name=agency.name, opens_on=model.opens_on,
            due_on=model.due_on, extended_until=model.extended_until, _state=TASK_RUN.initial("create"),
        )  # fmt: skip
        self.session.add(task_run)
        self.session.flush()
        record_creation(self.session, task_run, actor=self.actor, now=self.now, reason=reason)
        return task_run

    def _holder(self, agency_id: int) -> Holder | None:
        record = self.by_id.get(agency_id)
        if record is None:
            return None
        return self.registry.agency(record.code, record.province_code)

    def _because(self, what: str) -> str:
        return f"{what} (directory change #{self.change.id})"

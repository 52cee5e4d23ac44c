"""A plan's calendar: its reporting cycles and each task's deadline in them. Pure: no I/O, no clock.

Cut-off periods, deadlines, opening and closing dates follow the plan's ``reporting`` rules
(docs/plan-format.md); working days follow ``WorkingCalendar``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sxsh_flow.engine.calendar import WorkingCalendar
from sxsh_flow.engine.spec import Cadence, Cutoff, Deadline, PlanSpec, Task, month_day


@dataclass(frozen=True)
class CycleDates:
    cadence: Cadence
    label: str  # "2017", or "2017-H1" for six-monthly cycles
    year: int
    cutoff_start: date
    cutoff_end: date
    opens_on: date
    due_on: date
    closes_on: date


@dataclass(frozen=True)
class TaskDates:
    task_key: str
    cycle_label: str
    cadence: Cadence
    opens_on: date
    due_on: date


@dataclass(frozen=True)
class PlanCalendar:
    cycles: tuple[CycleDates, ...]
    tasks: tuple[TaskDates, ...]

    def tasks_in(self, cycle: CycleDates) -> list[TaskDates]:
        return [t for t in self.tasks if t.cycle_label == cycle.label and _cycle_cadence(t) is cycle.cadence]


def _cycle_cadence(task: TaskDates) -> Cadence:
    # Tasks done once belong to the annual cycle whose cut-off holds their due date.
    return Cadence.ANNUAL if task.cadence is Cadence.ONCE else task.cadence


def six_monthly_cutoffs(cutoff: Cutoff, year: int) -> list[tuple[str, date, date]]:
    first_start, first_end = cutoff.period_of(year)
    next_start, _ = cutoff.period_of(year + 1)
    # The second half runs from the day after the first ends to the day before next year's first.
    second_start, second_end = first_end + timedelta(days=1), next_start - timedelta(days=1)
    return [(f"{year}-H1", first_start, first_end), (f"{year}-H2", second_start, second_end)]


def deadline_after(cutoff_end: date, rule: Deadline, calendar: WorkingCalendar) -> date:
    """The day a report is due for a period that ends on ``cutoff_end``."""
    if rule.on_day is not None:
        fixed = month_day(rule.on_day, cutoff_end.year)
        return fixed if fixed >= cutoff_end else month_day(rule.on_day, cutoff_end.year + 1)
    days = rule.days_after_cutoff or 0
    if rule.working_days:
        return calendar.add_working_days(cutoff_end, days)
    return cutoff_end + timedelta(days=days)


def build_calendar(spec: PlanSpec, calendar: WorkingCalendar) -> PlanCalendar:
    """Every cycle of the plan's period with the dates of every task run in it."""
    reporting = spec.reporting
    cadences = {task.cadence for task in spec.tasks}
    # Tasks done once need an annual cycle to belong to, even in a plan of six-monthly reports.
    if Cadence.ONCE in cadences:
        cadences.add(Cadence.ANNUAL)
    cycles: list[CycleDates] = []
    for year in range(spec.period.first_year, spec.period.last_year + 1):
        periods: list[tuple[Cadence, str, date, date]] = []
        if Cadence.ANNUAL in cadences:
            start, end = reporting.cutoff_annual.period_of(year)
            periods.append((Cadence.ANNUAL, str(year), start, end))
        if Cadence.SIX_MONTHLY in cadences:
            for label, start, end in six_monthly_cutoffs(reporting.cutoff_six_monthly, year):
                periods.append((Cadence.SIX_MONTHLY, label, start, end))
        for cadence, label, start, end in periods:
            due = deadline_after(end, reporting.deadline, calendar)
            cycles.append(
                CycleDates(
                    cadence=cadence,
                    label=label,
                    year=year,
                    cutoff_start=start,
                    cutoff_end=end,
                    opens_on=_opening(due, reporting.opens_days_before_due, calendar),
                    due_on=due,
                    closes_on=calendar.add_working_days(due, reporting.closes_working_days_after_due),
                )
            )
    tasks = [dates for task in spec.tasks for dates in _task_dates(spec, task, cycles, calendar)]
    # A cycle opens when the first of its task runs does (a task done once may come early).
    opened = []
    for cycle in cycles:
        own = [t.opens_on for t in tasks if t.cycle_label == cycle.label and _cycle_cadence(t) is cycle.cadence]
        opened.append(_replace_opening(cycle, min([cycle.opens_on, *own])))
    return PlanCalendar(tuple(sorted(opened, key=lambda c: (c.due_on, c.label))), tuple(tasks))


def _replace_opening(cycle: CycleDates, opens_on: date) -> CycleDates:
    return CycleDates(
        cycle.cadence,
        cycle.label,
        cycle.year,
        cycle.cutoff_start,
        cycle.cutoff_end,
        opens_on,
        cycle.due_on,
        cycle.closes_on,
    )


def _opening(due: date, days_before: int, calendar: WorkingCalendar) -> date:
    return calendar.next_working_day(due - timedelta(days=days_before))


def _task_dates(spec: PlanSpec, task: Task, cycles: list[CycleDates], calendar: WorkingCalendar) -> list[TaskDates]:
    opens_before = spec.reporting.opens_days_before_due
    if task.cadence is Cadence.ONCE:
        assert task.due is not None  # the loader refuses a task done once without its date
        annual = [c for c in cycles if c.cadence is Cadence.ANNUAL]
        home = next((c for c in annual if c.cutoff_start <= task.due <= c.cutoff_end), None)
        if home is None:
            home = annual[0] if task.due < annual[0].cutoff_start else annual[-1]
        opens = min(_opening(task.due, opens_before, calendar), task.due)
        return [TaskDates(task.key, home.label, task.cadence, opens, task.due)]
    rule = spec.deadline_of(task)
    result = []
    for cycle in cycles:
        if cycle.cadence is not task.cadence:
            continue
        due = deadline_after(cycle.cutoff_end, rule, calendar)
        result.append(
            TaskDates(
                task.key, cycle.label, task.cadence, min(cycle.opens_on, _opening(due, opens_before, calendar)), due
            )
        )
    return result

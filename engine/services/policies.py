"""Each plan run's time policy, built from the plan snapshot the run keeps."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sxsh_flow.engine.calendar import WorkingCalendar
from sxsh_flow.engine.models import PlanRun
from sxsh_flow.engine.spec import snapshot_spec
from sxsh_flow.engine.states import PlanRunState
from sxsh_flow.engine.time_policy import NATIONAL, RunPolicies, TimePolicy


def run_policy(run: PlanRun, calendar: WorkingCalendar | None = None) -> TimePolicy:
    """The time policy of ``run``: the one its plan snapshot gives (a changed plan file changes nothing).

    The snapshot is validated once per content hash (``snapshot_spec``), not at each call: the
    outbox and the idle jobs ask for the policy of every active run.
    """
    return TimePolicy.for_plan(snapshot_spec(run.spec, run.plan_hash), calendar=calendar)


def run_policies(session: Session, calendar: WorkingCalendar | None = None) -> RunPolicies:
    """The policy of every active run, read once: the outbox serves them all."""
    runs = session.scalars(select(PlanRun).where(PlanRun.state == PlanRunState.ACTIVE))
    default = NATIONAL if calendar is None else TimePolicy(calendar=calendar)
    return RunPolicies({run.id: run_policy(run, calendar) for run in runs}, default)

"""Starting a plan: one transaction makes the run, its cycles, each agency's task runs and history."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.engine.clock import parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import HistoryEntry, PlanRun, ReportingCycle, TaskRun
from sxsh_flow.engine.plan_file import LoadedPlan
from sxsh_flow.engine.services.agencies import import_directory, load_registry
from sxsh_flow.engine.services.start import StartedPlan, start_plan
from sxsh_flow.engine.states import CycleState, PlanRunState, TaskRunState
from sxsh_flow.errors import NoAgencyForTask, PlanAlreadyStarted, PlanPeriodOver
from sxsh_flow.workflows import load_builtin_plan

DISTRICTS = {
    "UBND-TPHD", "UBND-CHILINH", "UBND-KINHMON", "UBND-BINHGIANG", "UBND-CAMGIANG", "UBND-GIALOC",
    "UBND-KIMTHANH", "UBND-NAMSACH", "UBND-NINHGIANG", "UBND-THANHHA", "UBND-THANHMIEN", "UBND-TUKY",
}  # fmt: skip


@pytest.fixture
def plan() -> LoadedPlan:
    return load_builtin_plan("plan-2016-2020")


@pytest.fixture
def hai_duong(store: Store, now: datetime) -> Store:
    with store.session() as session:
        import_directory(session, builtin_directory("HD"), now=now)
    return store


def start(store: Store, plan: LoadedPlan, now: datetime) -> StartedPlan:
    with store.session() as session:
        return start_plan(session, plan, load_registry(session, "HD"), "HD", now=now, actor="coordinator:test")


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_start_creates_a_run_with_five_annual_cycles(hai_duong: Store, plan: LoadedPlan, now: datetime) -> None:
    started = start(hai_duong, plan, now)
    assert started.cycles == ("2016", "2017", "2018", "2019", "2020")
    with hai_duong.session() as session:
        run = session.scalars(select(PlanRun)).one()
        assert (run.plan_key, run.province_code, run.state) == ("plan-2016-2020", "HD", PlanRunState.ACTIVE)
        assert run.plan_hash == plan.content_hash
        assert run.spec["key"] == "plan-2016-2020"  # the run keeps its own copy of the plan


def test_every_agency_of_the_plan_gets_its_task_runs(hai_duong: Store, plan: LoadedPlan, now: datetime) -> None:
    started = start(hai_duong, plan, now)
    assert started.task_runs == 131  # 26 a year for five years, and the database built once
    assert set(started.agencies) == {"SCT", "SKHCN", "STC", "STNMT", "SKHDT", "BQLKCN"} | DISTRICTS
    with hai_duong.session() as session:
        districts_2016 = session.scalars(
            select(TaskRun.agency_code)
            .join(ReportingCycle)
            .where(ReportingCycle.label == "2016", TaskRun.task_key == "district-implementation")
        ).all()
    assert sorted(districts_2016) == sorted(DISTRICTS)


def test_task_runs_keep_the_agency_name_they_were_assigned_under(
    hai_duong: Store, plan: LoadedPlan, now: datetime
) -> None:
    start(hai_duong, plan, now)
    with hai_duong.session() as session:
        names = set(session.scalars(select(TaskRun.agency_name).where(TaskRun.agency_code == "SKHDT")))
    assert names == {"Sở Kế hoạch và Đầu tư tỉnh Hải Dương"}


def test_everything_starts_scheduled_even_what_is_due_to_open(hai_duong: Store, plan: LoadedPlan) -> None:
    # Opening, and asking agencies to report, is notices.open_due's job (the CLI runs it next).
    started = start(hai_duong, plan, parse_instant("2016-12-01"))
    assert started.first_due_on == date(2016, 12, 21)
    with hai_duong.session() as session:
        assert set(session.scalars(select(TaskRun.state))) == {TaskRunState.SCHEDULED}
        assert set(session.scalars(select(ReportingCycle.state))) == {CycleState.SCHEDULED}


def test_every_creation_is_in_the_history(hai_duong: Store, plan: LoadedPlan, now: datetime) -> None:
    start(hai_duong, plan, now)
    with hai_duong.session() as session:
        created = session.scalars(select(HistoryEntry).where(HistoryEntry.transition == "create")).all()
    assert len(created) == 1 + 5 + 131
    assert {(h.from_state, h.to_state, h.actor) for h in created} == {
        (None, "active", "coordinator:test"),
        (None, "scheduled", "coordinator:test"),
    }


def test_starting_twice_is_refused_and_changes_nothing(hai_duong: Store, plan: LoadedPlan, now: datetime) -> None:
    first = start(hai_duong, plan, now)
    with hai_duong.session() as session:
        before = (count(session, PlanRun), count(session, TaskRun), count(session, HistoryEntry))
    with pytest.raises(PlanAlreadyStarted) as refused:
        start(hai_duong, plan, now)
    assert refused.value.run_id == first.run_id
    with hai_duong.session() as session:
        assert (count(session, PlanRun), count(session, TaskRun), count(session, HistoryEntry)) == before


def test_a_plan_whose_period_is_over_is_refused_with_the_replay_command(hai_duong: Store, plan: LoadedPlan) -> None:
    with pytest.raises(PlanPeriodOver) as refused:
        start(hai_duong, plan, parse_instant("2026-11-22"))
    assert refused.value.replay_command == "sxsh-flow --now 2016-09-01 start plan-2016-2020 --province HD"
    with hai_duong.session() as session:
        assert count(session, PlanRun) == 0


def test_a_plan_started_late_skips_the_cycles_already_closed(hai_duong: Store, plan: LoadedPlan) -> None:
    started = start(hai_duong, plan, parse_instant("2018-03-01"))
    assert started.skipped_cycles == ("2016", "2017")
    assert started.cycles == ("2018", "2019", "2020")


def test_a_task_for_an_agency_missing_from_the_directory_is_refused(
    hai_duong: Store, plan: LoadedPlan, now: datetime
) -> None:
    task = plan.spec.tasks[0].model_copy(update={"lead": ("SCT", "NOPE")})
    broken = LoadedPlan(plan.spec.model_copy(update={"tasks": (task,)}), "test", "hash")
    with pytest.raises(NoAgencyForTask, match="NOPE"):
        start(hai_duong, broken, now)
    with hai_duong.session() as session:
        assert count(session, PlanRun) == 0

"""The national fixture (bench/national_fixture.py) on SQLite and PostgreSQL: 34 provinces on one deployment.

One run of ``plan-2021-2030`` per province, started the way ``sxsh-flow start`` starts it, then the
2026 cycle through the scheduler's own jobs: its opening day (run twice, as a restarted scheduler
would), every agency's report through its reply link but for one commune in ten, and its closing
day. To keep the test short, the plan is cut to one cycle and each province has 10 communes (the
benchmark runs five cycles over 100 communes a province); what the test checks does not depend on
either number.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from bench import national_fixture as fixture
from sxsh_flow.cli.main import execute
from sxsh_flow.engine.models import OutboxMessage, PlanRun, ReportingCycle, TaskRun
from sxsh_flow.engine.settings import Settings
from sxsh_flow.engine.states import CycleState, TaskRunState
from sxsh_flow.workflows.jobs import DAILY_JOBS, JobEnvironment, JobResult, close_cycles
from sxsh_flow.workflows.scheduler import Timetable

pytestmark = pytest.mark.slow

# Who holds the plan's tasks in every province after the reform: five provincial agencies
# (the merged departments' tasks with their successors) and every commune.
PROVINCIAL_HOLDERS = {"SCT", "SKHCN", "STC", "SNNMT", "BQLKCN"}
COMMUNES = 10
# A province's task runs in a cycle: 14 provincial tasks (the plan's 15th, the database, is done once,
# in 2022) and one per commune.
TASKS = 14 + COMMUNES


@dataclass
class National:
    env: JobEnvironment
    environ: dict[str, str]
    run_ids: list[int]
    first_day: list[JobResult]
    second_day: list[JobResult]
    reports_in: int
    closing: JobResult


@pytest.fixture(scope="module")
def national(module_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[National]:
    home = tmp_path_factory.mktemp("national-home")
    environ = {"SXSH_HOME": str(home), "SXSH_DATABASE_URL": module_database_url, "SXSH_LANG": "vi"}
    settings = Settings.from_env(environ)
    env = JobEnvironment.from_settings(settings)
    try:
        run_ids = fixture.build(env, lambda _: None, communes=COMMUNES, cycles=1)
        opens_on, due_on, closes_on = fixture.cycle_dates(env, fixture.FIRST_CYCLE)

        def day_jobs() -> list[JobResult]:
            return [DAILY_JOBS[job](env, fixture.at(opens_on), None) for job in Timetable().jobs_on(opens_on)]

        first, second = day_jobs(), day_jobs()
        reports_in = fixture.fill_reports(
            env, run_ids, fixture.FIRST_CYCLE, due_on, lambda _: None, attachments_folder=settings.attachments_folder
        )
        closing = close_cycles(env, fixture.at(closes_on), None)
        yield National(env, environ, run_ids, first, second, reports_in, closing)
    finally:
        env.store.close()


def _count(result: list[JobResult], key: str) -> int:
    return sum(r.counts.get(key, 0) for r in result)


def test_one_run_per_province(national: National) -> None:
    with national.env.store.session() as session:
        provinces = Counter(session.scalars(select(PlanRun.province_code)))
    assert len(national.run_ids) == 34
    assert provinces == Counter({code: 1 for code, _, _ in fixture.PROVINCES})


def test_every_provinces_tasks_open_and_each_agency_is_asked_once(national: National) -> None:
    with national.env.store.session() as session:
        task_runs = session.execute(
            select(TaskRun.plan_run_id, TaskRun.agency_code, TaskRun._state)
            .join(ReportingCycle, TaskRun.cycle_id == ReportingCycle.id)
            .where(ReportingCycle.label == str(fixture.FIRST_CYCLE))
        ).all()
        requests = Counter(session.scalars(select(OutboxMessage.plan_run_id).where(OutboxMessage.kind == "request")))
    per_run = Counter(run_id for run_id, _, _ in task_runs)
    assert set(per_run) == set(national.run_ids)
    assert set(per_run.values()) == {TASKS}
    assert _count(national.first_day, "opened") == len(task_runs)
    # One request per agency that holds a task, in every province.
    agencies = {run_id: {code for r, code, _ in task_runs if r == run_id} for run_id in national.run_ids}
    assert requests == Counter({run_id: len(codes) for run_id, codes in agencies.items()})
    assert _count(national.first_day, "queued") >= sum(requests.values())
    # The same day's jobs again (a restarted scheduler): nothing opens or is queued twice.
    assert _count(national.second_day, "opened") == 0
    assert _count(national.second_day, "queued") == 0


def test_closing_consolidates_34_reports(national: National) -> None:
    silent = len(national.run_ids) * (COMMUNES // fixture.SILENT_EVERY)
    assert national.reports_in == 34 * TASKS - silent
    assert national.closing.counts["closed_cycles"] == 34
    assert not national.closing.problems
    with national.env.store.session() as session:
        cycles = session.execute(
            select(ReportingCycle.plan_run_id, ReportingCycle._state).where(
                ReportingCycle.label == str(fixture.FIRST_CYCLE)
            )
        ).all()
        messages = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "cycle_closed")).all()
        submitted = session.scalar(select(func.count(TaskRun.id)).where(TaskRun._state == TaskRunState.SUBMITTED))
    assert sorted(run_id for run_id, _ in cycles) == sorted(national.run_ids)
    assert {state for _, state in cycles} == {CycleState.CLOSED}
    assert sorted(m.plan_run_id for m in messages) == sorted(national.run_ids)
    # Each closing email carries the consolidated report, as Word and Excel files.
    for message in messages:
        assert b".docx" in message.raw
        assert b".xlsx" in message.raw
    assert submitted == national.reports_in


def _status(national: National, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    import json

    for name, value in national.environ.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SXSH_NOW", "2026-12-28")
    capsys.readouterr()
    assert execute(["status", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_status_of_one_run_lists_its_agencies(
    national: National, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run_id = national.run_ids[-1]
    document = _status(national, monkeypatch, capsys, str(run_id))
    (run,) = document["runs"]
    assert run["id"] == run_id
    assert run["province"] == fixture.PROVINCES[-1][0]
    communes = {f"UBND-{'P' if n % 3 == 0 else 'X'}-{n:03d}" for n in range(1, COMMUNES + 1)}
    assert {t["agency_code"] for t in run["task_runs"]} == PROVINCIAL_HOLDERS | communes


def test_status_of_every_run(
    national: National, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    document = _status(national, monkeypatch, capsys)
    assert sorted(run["id"] for run in document["runs"]) == sorted(national.run_ids)
    assert {len(run["task_runs"]) for run in document["runs"]} == {TASKS}

"""Idle jobs: asking whether a job has anything to do changes nothing that running it would have done."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import HistoryEntry, OutboxMessage, ScheduledRun, Submission
from sxsh_flow.workflows import load_builtin_plan
from sxsh_flow.workflows.simulation import DayDone, Simulation

from .conftest import job_environment

PLAN = load_builtin_plan("plan-2016-2020")
# Past the first cycle's closing: openings, reminders, escalations, digests, a consolidation.
UNTIL = date(2017, 2, 1)


def everything_written(store: Store) -> dict[str, list[Any]]:
    """The rows a simulation leaves, without what is random (link nonces) or the dispatcher's name."""

    def anonymous(actor: str) -> str:
        return re.sub(r"dispatcher:\w+", "dispatcher", actor)

    with store.session() as session:
        return {
            "outbox": [
                (m.id, m.kind, m.dedup_key, m.subject, m.to, m.cc, m.state, m.queued_at, m.sent_at)
                for m in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
            ],
            "history": [
                (h.id, h.entity, h.entity_id, h.transition, h.from_state, h.to_state, anonymous(h.actor), h.at)
                for h in session.scalars(select(HistoryEntry).order_by(HistoryEntry.id))
                if h.entity != "outbox_message" or h.transition not in ("claim", "deliver")
            ],
            "ledger": [
                (r.id, r.job, r.slot, r.state, r.started_at, r.finished_at, r.detail)
                for r in session.scalars(select(ScheduledRun).order_by(ScheduledRun.id))
            ],
            "submissions": [
                (s.id, s.task_run_id, s.version, s.state, s.submitted_at, s.values)
                for s in session.scalars(select(Submission).order_by(Submission.id))
            ],
        }


def simulate(folder: Path, *, ask_first: bool) -> dict[str, list[Any]]:
    with Store(f"sqlite:///{folder / 'store.db'}") as store:
        simulation = Simulation(
            job_environment(store), PLAN, province="HD", seed=5, attachments_folder=folder, until=UNTIL
        )
        if not ask_first:
            simulation.runner.idle = None  # every job runs every day, as `serve` runs them
        simulation.run()
        return everything_written(store)


@pytest.mark.slow
def test_a_simulation_that_skips_idle_jobs_writes_what_running_every_job_writes(tmp_path: Path) -> None:
    (tmp_path / "asked").mkdir()
    (tmp_path / "ran").mkdir()

    asked = simulate(tmp_path / "asked", ask_first=True)
    ran = simulate(tmp_path / "ran", ask_first=False)

    for what in ("ledger", "outbox", "history", "submissions"):
        assert asked[what] == ran[what], what
    kinds = {row[1] for row in ran["outbox"]}
    assert {"kickoff", "request", "reminder", "overdue", "digest", "cycle_closed"} <= kinds


def test_the_simulation_commits_without_sync_only_while_it_runs(tmp_path: Path) -> None:
    def synchronous(store: Store) -> int:
        with store.session() as session:
            return int(session.execute(text("PRAGMA synchronous")).scalar_one())

    seen: list[int] = []
    with Store(f"sqlite:///{tmp_path / 'store.db'}") as store:
        before = synchronous(store)
        simulation = Simulation(
            job_environment(store), PLAN, province="HD", seed=5, attachments_folder=tmp_path, until=date(2016, 9, 3)
        )

        def progress(_done: DayDone) -> None:
            seen.append(synchronous(store))

        simulation.run(progress)
        after = synchronous(store)

    assert before == after == 2  # FULL: a commit waits for the disk
    assert set(seen) == {1}  # NORMAL in WAL mode: the log is synced at checkpoints, not at each commit

"""``serve --workers N``: what each worker process is built from, and when several are refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from sxsh_flow.cli.context import AppContext
from sxsh_flow.cli.serve import _hand_clock_to_workers, worker_app
from sxsh_flow.engine.clock import FixedClock, parse_instant

from .conftest import Cli


def test_several_workers_are_refused_with_a_simulated_clock(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each process would start its fast clock at its own moment, and the portals would disagree on the day.
    monkeypatch.setenv("SXSH_NOW", "2016-11-01")
    monkeypatch.setenv("SXSH_CLOCK_RATE", "21600")

    refused = cli("serve", "--workers", "2", "--no-scheduler")

    assert refused.code == 78
    assert "--workers" in refused.err
    assert "đồng hồ giả lập (SXSH_CLOCK_RATE) chỉ chạy với một tiến trình" in refused.err


def test_no_workers_at_all_is_a_usage_mistake(cli: Cli) -> None:
    assert cli("serve", "--workers", "0").code == 2


def test_a_worker_runs_on_the_fixed_now_of_its_parent(sxsh_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SXSH_SECRET_KEY", "serve-tests-" + "signing-key-7Qm3v9x2LkP0aZt7YwR4sN8e")
    parent = AppContext.build("2016-11-22T09:00")
    monkeypatch.delenv("SXSH_NOW", raising=False)

    _hand_clock_to_workers(parent)
    worker = AppContext.build(None)

    assert isinstance(worker.clock, FixedClock)
    assert worker.clock.now() == parse_instant("2016-11-22T09:00") == parent.clock.now()
    assert os.environ["SXSH_NOW"] == parent.clock.now().isoformat()


def test_a_worker_builds_the_portal_from_its_environment(sxsh_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SXSH_SECRET_KEY", "serve-tests-" + "signing-key-7Qm3v9x2LkP0aZt7YwR4sN8e")
    monkeypatch.setenv("SXSH_NOW", "2016-11-22T09:00")

    with TestClient(worker_app()) as client:
        health = client.get("/health")
        dead = client.get("/r/not-a-link")

    assert health.json() == {"status": "ok"}
    assert dead.status_code == 404
    assert (sxsh_home / "sxsh-flow.db").exists()

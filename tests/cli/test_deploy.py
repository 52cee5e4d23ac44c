"""``sxsh-flow deploy`` without a server: what it would register, and how it refuses when there is none.

Registering on a real server, and running the deployments through a worker, is tested in
tests/workflows/test_flows.py (marked ``prefect``).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest


def sxsh_flow() -> str:
    return str(Path(sys.executable).with_name("sxsh-flow"))


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    """No Prefect settings of the caller's (a home of its own, so no profile names a server either)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("PREFECT_", "SXSH_"))}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    env["SXSH_HOME"] = str(tmp_path / "sxsh-home")
    return env


def deploy(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sxsh_flow(), "deploy", *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port  # closed again when the probe is: nobody listens there


@pytest.mark.slow
def test_without_prefect_api_url_deploy_refuses_in_one_line_with_the_configuration_exit_code(
    environment: dict[str, str],
) -> None:
    result = deploy(environment)

    assert result.returncode == 78
    assert result.stderr.startswith("sxsh-flow: ")
    assert "PREFECT_API_URL" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


@pytest.mark.slow
def test_when_the_server_does_not_answer_deploy_refuses_in_one_line_and_registers_nothing(
    environment: dict[str, str],
) -> None:
    url = f"http://127.0.0.1:{closed_port()}/api"
    environment |= {"PREFECT_API_URL": url, "SXSH_LANG": "en"}

    result = deploy(environment)

    assert result.returncode == 69
    assert result.stderr.startswith(f"sxsh-flow: The Prefect server {url} does not answer")
    assert "nothing was registered" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_a_dry_run_shows_the_deployments_and_their_schedules_without_a_server(environment: dict[str, str]) -> None:
    result = deploy(environment, "--dry-run", "--json", "--sweep-at", "7:30", "--dispatch-every", "5", "--pool", "hd")

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    by_job = {item["job"]: item for item in document["deployments"]}
    assert document["dry_run"] is True
    assert document["worker_command"] == "prefect worker start --pool hd"
    assert by_job["daily"]["cron"] == "30 7 * * *"
    assert by_job["dispatch"]["cron"] == "*/5 8-16 * * 1-6"
    assert {item["timezone"] for item in document["deployments"] if item["cron"]} == {"Asia/Ho_Chi_Minh"}
    assert by_job["sweep"]["entrypoint"] == "sxsh_flow.workflows.flows.sweep_flow"
    assert {item["id"] for item in document["deployments"]} == {None}


def test_a_time_that_is_not_hh_mm_is_a_usage_error(environment: dict[str, str]) -> None:
    result = deploy(environment, "--dry-run", "--sweep-at", "25:00")

    assert result.returncode == 2
    assert "--sweep-at" in result.stderr
    assert "Traceback" not in result.stderr

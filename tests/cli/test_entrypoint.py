"""The installed ``sxsh-flow`` command, run as a coordinator runs it: in a process of its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def sxsh_flow_command() -> list[str]:
    """The console script of this interpreter's environment, else one on PATH, else ``python -m``."""
    beside_python = Path(sys.executable).with_name("sxsh-flow")
    if beside_python.exists():
        return [str(beside_python)]
    on_path = shutil.which("sxsh-flow")
    return [on_path] if on_path else [sys.executable, "-m", "sxsh_flow.cli.main"]


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    """The caller's environment with a data folder of its own and no fixed clock, database or language."""
    env = {k: v for k, v in os.environ.items() if k not in {"SXSH_NOW", "SXSH_DATABASE_URL", "SXSH_LANG"}}
    env["SXSH_HOME"] = str(tmp_path / "sxsh-home")
    return env


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_help_exits_0_and_names_the_start_and_status_commands(environment: dict[str, str]) -> None:
    result = run([*sxsh_flow_command(), "--help"], environment)

    assert result.returncode == 0, result.stderr
    assert "start" in result.stdout
    assert "status" in result.stdout


def test_running_as_a_module_works_too(environment: dict[str, str]) -> None:
    result = run([sys.executable, "-m", "sxsh_flow.cli.main", "--help"], environment)

    assert result.returncode == 0, result.stderr
    assert "status" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["no-such-command"],
        ["status", "not-a-number"],
        ["start", "--no-such-option"],
        ["agencies", "import"],
        [],
    ],
    ids=["unknown-command", "bad-argument", "unknown-option", "missing-argument", "no-arguments"],
)
def test_a_usage_mistake_exits_non_zero_without_a_traceback(environment: dict[str, str], args: list[str]) -> None:
    result = run([*sxsh_flow_command(), *args], environment)

    assert result.returncode != 0
    assert "Traceback" not in result.stderr


def test_an_error_of_sxsh_flow_is_one_line_on_stderr_with_its_exit_code(environment: dict[str, str]) -> None:
    result = run([*sxsh_flow_command(), "--now", "garbage", "status"], environment)

    assert result.returncode == 78
    assert result.stderr.startswith("sxsh-flow: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_start_then_status_through_the_installed_command(environment: dict[str, str]) -> None:
    command = sxsh_flow_command()

    started = run([*command, "--now", "2016-09-01", "start", "plan-2016-2020"], environment)
    status = run([*command, "--now", "2016-09-01", "status", "--json"], environment)

    assert started.returncode == 0, started.stderr
    assert status.returncode == 0, status.stderr
    assert '"plan_key": "plan-2016-2020"' in status.stdout
    assert (Path(environment["SXSH_HOME"]) / "sxsh-flow.db").exists()  # the embedded SQLite in SXSH_HOME


@pytest.mark.parametrize(
    "argv",
    [
        ["status"],
        ["plans", "list"],
        ["agencies", "list"],
        ["--now", "2016-09-01", "start", "plan-2016-2020"],
        ["--help"],
        ["deploy", "--help"],  # deploy imports Prefect only when it runs, not to describe itself
    ],
    ids=["status", "plans-list", "agencies-list", "start", "help", "deploy-help"],
)
def test_ordinary_commands_never_import_prefect(environment: dict[str, str], argv: list[str]) -> None:
    script = (
        "import sys\n"
        "from sxsh_flow.cli.main import execute\n"
        f"code = execute({argv!r})\n"
        "print('prefect' in sys.modules, code)\n"
    )

    result = run([sys.executable, "-c", script], environment)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "False 0"

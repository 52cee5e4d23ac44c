"""Folders are layers: the import-linter contract holds for this tree, and it catches an upward import."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("sxsh_flow", "agencies", "engine", "notifications", "reports", "web", "workflows", "cli")

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash for .ci/layers")


def _check(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(ROOT / ".ci" / "layers"), str(tree)], capture_output=True, text=True, timeout=300, check=False
    )


def _copy_of_the_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    for folder in FOLDERS:
        shutil.copytree(ROOT / folder, tree / folder, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def test_the_engine_importing_the_email_layer_breaks_the_build(tmp_path: Path) -> None:
    tree = _copy_of_the_tree(tmp_path)
    reminders = tree / "engine" / "reminders.py"
    reminders.write_text(reminders.read_text() + "\nfrom sxsh_flow.notifications.render import render  # noqa\n")

    result = _check(tree)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "sxsh_flow.engine is not allowed to import sxsh_flow.notifications" in result.stdout
    assert "sxsh_flow.engine.reminders -> sxsh_flow.notifications.render" in result.stdout


def test_a_plain_command_importing_prefect_breaks_the_build(tmp_path: Path) -> None:
    tree = _copy_of_the_tree(tmp_path)
    jobs = tree / "workflows" / "jobs.py"
    jobs.write_text(jobs.read_text() + "\nimport prefect  # noqa\n")

    result = _check(tree)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "sxsh_flow.workflows.jobs -> prefect" in result.stdout

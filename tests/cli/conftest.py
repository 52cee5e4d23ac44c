"""Drive ``sxsh-flow`` in-process: ``cli("--now", "2016-09-01", "start", "plan-2016-2020")``.

Each test gets a data folder of its own (SXSH_HOME) and a clean environment: no SXSH_NOW, no
SXSH_DATABASE_URL, no SXSH_LANG (so messages are in Vietnamese, the default). Test modules that
touch the store point SXSH_DATABASE_URL at the ``database_url`` fixture (SQLite and PostgreSQL).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sxsh_flow.cli.main import execute

# A plan file with four problems, one per line below; the loader must report all four.
BROKEN_PLAN = """\
format: 1
key: Not A Key
version: 2016.1
title: Kế hoạch hỏng để thử
province: HD
lead: SCT
period:
  first_year: 2020
  last_year: 2016
legal_basis:
  - {number: 1419/QĐ-TTg, date: 2009-09-07, issuer: Thủ tướng Chính phủ}
tasks:
  - key: sct-report
    title: Báo cáo kết quả
    lead: SCT
    cadence: weekly
"""
BROKEN_PLAN_PROBLEMS = {(2, "key"), (3, "version"), (9, "period.last_year"), (16, "tasks[0].cadence")}


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Cli = Callable[..., Result]


@pytest.fixture
def sxsh_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    home = tmp_path / "sxsh-home"
    home.mkdir(mode=0o700)  # as sxsh-flow makes it: a home others can read is tightened, with a word
    monkeypatch.setenv("SXSH_HOME", str(home))
    for name in ("SXSH_NOW", "SXSH_DATABASE_URL", "SXSH_LANG", "SXSH_SMTP_URL", "SXSH_MAIL_FROM"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def cli(sxsh_home: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    def run(*args: str) -> Result:
        capsys.readouterr()
        code = execute(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@dataclass(frozen=True)
class BrokenPlan:
    path: Path
    problems: frozenset[tuple[int, str]]  # (line, path inside the file) of every problem in it


@pytest.fixture
def broken_plan(tmp_path: Path) -> BrokenPlan:
    path = tmp_path / "broken-plan.yaml"
    path.write_text(BROKEN_PLAN, encoding="utf-8")
    return BrokenPlan(path, frozenset(BROKEN_PLAN_PROBLEMS))

"""The running-clock tier: the real CLI as subprocesses on a clock that moves while it works.

Every other test uses a fixed clock, which is how ``outbox send`` came to compare two readings of
a running clock and never send. Here each command runs with SXSH_NOW and SXSH_CLOCK_RATE (a clock
that starts at SXSH_NOW and runs on), or on the plain system clock where the outcome does not
depend on the hour. Run the tier alone with ``pytest -m running_clock``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

# Monday 21/11/2016, 09:00 in Vietnam: a working day, in office hours; the 2016 cycle opens that day.
OFFICE_MORNING = "2016-11-21T09:00+07:00"
KICKOFF_LETTERS = 18  # one per agency of plan-2016-2020 in Hải Dương


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.running_clock)


@dataclass(frozen=True)
class Finished:
    code: int
    out: str
    err: str


@dataclass(frozen=True)
class Home:
    """A fresh SXSH_HOME (SQLite, mail to a folder of .eml files) and a way to run the CLI in it."""

    folder: Path
    environ: dict[str, str]

    @property
    def outbox(self) -> Path:
        return self.folder / "outbox"

    def sent(self, kind: str = "") -> int:
        """How many emails reached the folder (of one ``kind``: their file names start with it)."""
        return len(list(self.outbox.rglob(f"{kind}*.eml"))) if self.outbox.exists() else 0

    def run(self, *args: str, now: str | None = None, rate: float | None = None) -> Finished:
        environ = dict(self.environ)
        if now is not None:
            environ["SXSH_NOW"] = now
        if rate is not None:
            environ["SXSH_CLOCK_RATE"] = str(rate)
        done = subprocess.run(
            [sys.executable, "-m", "sxsh_flow.cli.main", *args],
            env=environ,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        return Finished(done.returncode, done.stdout, done.stderr)


Cli = Callable[..., Finished]


@pytest.fixture
def home(tmp_path: Path) -> Home:
    folder = tmp_path / "home"
    folder.mkdir()
    environ = {name: value for name, value in os.environ.items() if not name.startswith("SXSH_")}
    environ |= {"SXSH_HOME": str(folder), "SXSH_SECRET_KEY": "a test secret key that is long enough to sign links"}
    return Home(folder, environ)


@pytest.fixture
def started(home: Home) -> Home:
    """plan-2016-2020 started on 21/11/2016 with its kickoff letters queued, not sent."""
    done = home.run("--now", "2016-11-21", "start", "plan-2016-2020", "--no-send")
    assert done.code == 0, done.err
    assert home.sent() == 0
    return home

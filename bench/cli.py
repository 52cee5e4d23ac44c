"""How fast the everyday commands answer: `--help`, and `status` on a small database.

Each command runs as a fresh process, as a coordinator runs it, a number of times; the figures are
the median and the slowest wall-clock time, and the median CPU time (user + system) of the process,
which other work on a shared machine disturbs far less than the wall clock. The database is the
2016–2020 plan started for Hải Dương (131 task runs) in a temporary SXSH_HOME.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .figures import Figures, Say

RUNS = 15


def _command() -> list[str]:
    script = shutil.which("sxsh-flow", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "sxsh_flow.cli.main"]


def _time(args: list[str], env: dict[str, str]) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each run of the command."""
    # One untimed run first: it leaves the compiled bytecode an installed package has, and warms the disk cache.
    subprocess.run([*_command(), *args], env=env, check=True, stdout=subprocess.DEVNULL)
    timings, cpu = [], []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([*_command(), *args], env=env, check=True, stdout=subprocess.DEVNULL)
        timings.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return timings, cpu


def measure(say: Say) -> Figures:
    figures: Figures = {}
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "SXSH_HOME": home}
        env.pop("SXSH_DATABASE_URL", None)
        # A coordinator's installation has its modules compiled (pip compiles them when it installs);
        # without bytecode every run would compile the project's modules again, and that is not start-up.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run(
            [*_command(), "--now", "2016-12-01", "start", "plan-2016-2020"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        say(f"cli startup ({RUNS} runs each, fresh process, SQLite, 131 task runs)")
        for key, label, args in [
            ("help", "sxsh-flow --help", ["--help"]),
            ("status", "sxsh-flow status", ["--now", "2016-12-22", "status"]),
            ("status_json", "sxsh-flow status --json", ["--now", "2016-12-22", "status", "--json"]),
        ]:
            timings, cpu = _time(args, env)
            figures[f"{key}_ms"] = round(statistics.median(timings) * 1000, 1)
            figures[f"{key}_max_ms"] = round(max(timings) * 1000, 1)
            figures[f"{key}_cpu_ms"] = round(statistics.median(cpu) * 1000, 1)
            say(
                f"  {label:<26} median {statistics.median(timings) * 1000:6.0f} ms   max {max(timings) * 1000:6.0f} ms"
                f"   CPU {statistics.median(cpu) * 1000:6.0f} ms"
            )
        probe = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from sxsh_flow.cli.main import execute; execute(['status']); "
                "print('prefect imported' if 'prefect' in sys.modules else 'prefect not imported')",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        path = probe.stdout.strip().splitlines()[-1]
        figures["status_imports_prefect"] = "yes" if path == "prefect imported" else "no"
        say(f"  status path: {path}")
    return figures


if __name__ == "__main__":
    measure(print)

"""National scale: 34 provinces on one deployment, on PostgreSQL (the ministry's) and on SQLite.

The fixture (``bench.national_fixture``): 34 provinces with 20 provincial agencies and 100 communes
each, ``plan-2021-2030`` started in every one on 05/01/2026, five cycles to go. Then, for the 2026
cycle, as ``sxsh-flow serve`` would run them (``workflows.scheduler.Timetable`` says which jobs run
on a day, ``workflows.jobs.DAILY_JOBS`` runs them over every run at once; mail is queued, not sent):

- ``daily_s``: the slower of two days' jobs: the opening day (every task run opens, every agency is
  asked to report; a Monday, so the digest too) and the day of the first reminders (14 working days
  before the deadline, every agency reminded);
- ``close_s``: once the reports are in (``save_report`` through each agency's reply link, one
  commune in ten silent), ``close_cycles`` on the closing day: 34 cycles closed, each consolidated
  into the report's .docx and .xlsx attached to the coordinator's email;
- ``status_one_s`` / ``status_all_s``: ``sxsh-flow status RUN --json`` and ``sxsh-flow status
  --json`` as fresh processes (median of a few runs).

SXSH_BENCH_NATIONAL_COMMUNES sets the communes a province has (100 by default): the closing's cost is
per province and grows with its communes, so 34 provinces of 10 communes show its shape in minutes.

PostgreSQL is a database of its own (``bench_national_<pid>`` on 127.0.0.1:5432, or the server at
SXSH_BENCH_POSTGRES_URL), dropped at the end; SQLite a temporary file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from sxsh_flow.engine.settings import Settings
from sxsh_flow.workflows.jobs import DAILY_JOBS, JobEnvironment, close_cycles
from sxsh_flow.workflows.scheduler import Timetable

from . import national_fixture as fixture
from .figures import Figures, Say

POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
STATUS_RUNS = 5


@contextlib.contextmanager
def _database(kind: str, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'national.db'}"
        return
    import psycopg

    from sxsh_flow.engine.db import normalize_url

    admin = normalize_url(os.environ.get("SXSH_BENCH_POSTGRES_URL", POSTGRES_ADMIN_URL))
    name = f"bench_national_{os.getpid()}"
    connect = dict(
        host=admin.host,
        port=admin.port or 5432,
        user=admin.username,
        password=admin.password,
        dbname=admin.database or "postgres",
        autocommit=True,
    )
    with psycopg.connect(**connect) as connection:  # type: ignore[arg-type]
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(**connect) as connection:  # type: ignore[arg-type]
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _command() -> list[str]:
    script = shutil.which("sxsh-flow", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "sxsh_flow.cli.main"]


def _status_seconds(args: list[str], environ: dict[str, str]) -> float:
    timings = []
    for _ in range(STATUS_RUNS):
        started = time.perf_counter()
        subprocess.run([*_command(), *args], env=environ, check=True, stdout=subprocess.DEVNULL)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def _day_jobs(env: JobEnvironment, day: date) -> tuple[float, dict[str, float], dict[str, int]]:
    """Seconds for one day's jobs over every run, as the scheduler runs them; each job's; what they counted."""
    counts: dict[str, int] = {}
    each: dict[str, float] = {}
    for job in Timetable().jobs_on(day):
        started = time.perf_counter()
        result = DAILY_JOBS[job](env, fixture.at(day), None)
        each[job] = round(time.perf_counter() - started, 2)
        for key, value in result.counts.items():
            counts[key] = counts.get(key, 0) + value
    return sum(each.values()), each, counts


def measure_on(kind: str, url: str, home: Path, say: Say) -> Figures:
    environ = {"SXSH_HOME": str(home), "SXSH_DATABASE_URL": url, "SXSH_LANG": "vi"}
    settings = Settings.from_env(environ)
    env = JobEnvironment.from_settings(settings)
    figures: Figures = {}
    communes = int(os.environ.get("SXSH_BENCH_NATIONAL_COMMUNES", fixture.COMMUNES))
    try:
        say(f"national fixture on {kind}: 34 provinces × ({len(fixture.PROVINCIAL_AGENCIES)} agencies + "
            f"{communes} communes), {fixture.PLAN_KEY} started in each")  # fmt: skip
        started = time.perf_counter()
        run_ids = fixture.build(env, say, communes=communes)
        figures["build_s"] = round(time.perf_counter() - started, 1)
        say(f"  built in {figures['build_s']} s; {fixture.deliver(env, fixture.STARTED_ON)} kickoff emails sent")
        year = fixture.FIRST_CYCLE
        opens_on, due_on, closes_on = fixture.cycle_dates(env, year)
        days = {"open": opens_on, "remind": fixture.first_reminder_day(due_on)}
        for name, day in days.items():
            seconds, each, counts = _day_jobs(env, day)
            figures[f"daily_{name}_s"] = round(seconds, 2)
            figures[f"daily_{name}_queued"] = counts.get("queued", 0)
            say(f"  {day:%d/%m/%Y} ({name}): {seconds:.2f} s {each}, {counts}")
            say(f"  ({fixture.deliver(env, day)} emails sent, untimed)")
        figures["daily_s"] = max(float(figures["daily_open_s"]), float(figures["daily_remind_s"]))
        filled = fixture.fill_reports(env, run_ids, year, due_on, say, attachments_folder=settings.attachments_folder)
        figures["reports_in"] = filled
        started = time.perf_counter()
        closed = close_cycles(env, fixture.at(closes_on), None)
        figures["close_s"] = round(time.perf_counter() - started, 2)
        figures["closed_cycles"] = closed.counts.get("closed_cycles", 0)
        say(f"  closing {closes_on:%d/%m/%Y}: {figures['close_s']} s, {closed.counts}")
        status_env = {**os.environ, **environ, "SXSH_NOW": closes_on.isoformat()}
        figures["status_one_s"] = round(_status_seconds(["status", str(run_ids[0]), "--json"], status_env), 3)
        figures["status_all_s"] = round(_status_seconds(["status", "--json"], status_env), 3)
        say(f"  status --json: one run {figures['status_one_s']} s, every run {figures['status_all_s']} s")
    finally:
        env.store.close()
    return figures


def measure(say: Say) -> Figures:
    figures: Figures = {}
    # SXSH_BENCH_NATIONAL_DATABASES=sqlite (or postgresql) measures one of them only.
    chosen = os.environ.get("SXSH_BENCH_NATIONAL_DATABASES", "postgresql,sqlite").split(",")
    for kind in [kind for kind in ("postgresql", "sqlite") if kind in chosen]:
        with tempfile.TemporaryDirectory() as folder, _database(kind, Path(folder)) as url:
            home = Path(folder) / "home"
            home.mkdir()
            for key, value in measure_on(kind, url, home, say).items():
                figures[f"{kind}_{key}"] = value
    return figures


if __name__ == "__main__":
    measure(print)

"""Reply portal figures: requests per second and p50/p99 latency of opening a form and of submitting one.

`sxsh-flow serve --workers N` runs as its own processes on loopback, once over SQLite (WAL) and
once over PostgreSQL (a fresh database created on 127.0.0.1:5432 and dropped after; skipped when no
server answers), each store holding 1,000 communes with an open task run and a reply link. A
client with a few concurrent keep-alive connections opens forms (GET) and submits reports (GET for
the form's tokens, then POST, timed alone).

The client shares the machine's cores with the server (two on the reference machine), so it is
kept cheap: one asyncio process on raw streams (bench/portal_client.py), no httpx. What it spends
is still taken from the server: the figures are a floor of what the portal does on its own.

BENCH_PORTAL_WORKERS lists the worker counts to measure ("2" by default; "1,2,4" to compare):
the keys without a suffix are the first count's, the others get ``_w<N>``. With several counts,
the 1,000 reports are shared among them (a link reports once).

Why two workers on a two-core machine: a worker is one Python process, busy on one core at a time
(the GIL), so one worker leaves the second core to the client and the database; two use both;
four only add context switches and, on SQLite, more writers meeting in its busy handler, which
sleeps in steps of up to 100 ms (measured on a machine busy with other work: on SQLite, four
workers had the worst p99 for opening and for submitting; on PostgreSQL four looked better, but
on a shared machine more processes simply take a larger share of it). PostgreSQL's own
processes need the same two cores.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select

from sxsh_flow.agencies.directory import Agency, Contact, ContactRole, Directory, Province
from sxsh_flow.agencies.kinds import AgencyKind
from sxsh_flow.engine.clock import parse_instant
from sxsh_flow.engine.db import Store, normalize_url
from sxsh_flow.engine.models import ContactRecord, TaskRun
from sxsh_flow.engine.plan_file import LoadedPlan
from sxsh_flow.engine.services.agencies import import_directory, load_registry
from sxsh_flow.engine.services.links import LinkSigner, issue_link
from sxsh_flow.engine.services.notices import Mailing, open_due
from sxsh_flow.engine.services.start import start_plan
from sxsh_flow.notifications import EMAIL_WRITER
from sxsh_flow.workflows import load_builtin_plan

from .figures import Figures, Say
from .portal_client import Connection

COMMUNES = int(os.environ.get("BENCH_COMMUNES", "1000"))
OPENS = int(os.environ.get("BENCH_OPENS", "2000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
WORKERS = tuple(int(n) for n in os.environ.get("BENCH_PORTAL_WORKERS", "2").split(","))
POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SECRET = "bench-" + "signing-key-7Qm3v9x2LkP0aZt7YwR4sN8eJ1uH6cB5"
REPORT = {
    "indicator.informed.numerator": "12",
    "indicator.informed.denominator": "20",
    "indicator.applying.numerator": "5",
    "indicator.applying.denominator": "20",
    "indicator.training_events.value": "2",
    "section.results": "Đã triển khai kế hoạch trên địa bàn xã.",
    "action": "submit",
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _prepare(database_url: str, base_url: str) -> list[str]:
    """A started plan whose 2016 cycle is open, and one reply link per commune."""
    agencies = [
        Agency(
            code="SCT",
            name="Sở Công Thương",
            kind=AgencyKind.DEPARTMENT,
            contacts=(Contact(name="Đầu mối", email="sxsh@sct.bench.example", role=ContactRole.FOCAL_POINT),),
        )
    ]
    agencies += [
        Agency(
            code=f"XA-{n:05d}",
            name=f"Ủy ban nhân dân xã số {n}",
            kind=AgencyKind.COMMUNE,
            contacts=(Contact(name=f"Cán bộ {n}", email=f"sxsh@xa{n}.bench.example", role=ContactRole.FOCAL_POINT),),
        )
        for n in range(COMMUNES)
    ]
    plan = load_builtin_plan("plan-2016-2020")
    district_task = plan.spec.task("district-implementation")
    task = district_task.model_copy(update={"lead": ("kind:commune",), "partners": ()})
    spec = plan.spec.model_copy(update={"tasks": (task,)})
    start, opening = parse_instant("2016-09-01"), parse_instant("2016-11-21")
    signer = LinkSigner(SECRET, base_url)
    with Store(database_url) as store, store.session() as session:
        import_directory(session, Directory(Province(code="HD", name="Hải Dương"), tuple(agencies)), now=start)
        start_plan(
            session, LoadedPlan(spec, "bench", "bench"), load_registry(session, "HD"), "HD", now=start, actor="bench"
        )
        open_due(session, now=opening, mailing=Mailing(writer=EMAIL_WRITER), actor="bench", ask=False)
        links = []
        for task_run in session.scalars(select(TaskRun).where(TaskRun.state == "open").order_by(TaskRun.id)):
            contact = session.scalars(
                select(ContactRecord).where(ContactRecord.agency_id == task_run.agency_id)
            ).first()
            assert contact is not None
            links.append(signer.url(issue_link(session, task_run, contact, now=opening, actor="bench")))
    return links


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]+)"', html) or re.search(
        rf'value="([^"]+)"[^>]*name="{name}"', html
    )
    if match is None:
        raise RuntimeError(f"the form has no {name}")
    return match.group(1)


async def _opens(base_url: str, paths: list[str]) -> tuple[float, list[float]]:
    latencies: list[float] = []
    queue = [paths[i % len(paths)] for i in range(OPENS)]

    async def worker(connection: Connection) -> None:
        while queue:
            path = queue.pop()
            started = time.perf_counter()
            status, _ = await connection.get(path)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                raise RuntimeError(f"opening a form answered {status}")

    connections = [Connection(base_url) for _ in range(CONCURRENCY)]
    started = time.perf_counter()
    await asyncio.gather(*(worker(connection) for connection in connections))
    elapsed = time.perf_counter() - started
    for connection in connections:
        connection.close()
    return OPENS / elapsed, latencies


async def _submits(base_url: str, paths: list[str]) -> tuple[float, list[float]]:
    latencies: list[float] = []
    queue = list(paths)
    busy = 0.0

    async def worker(connection: Connection) -> None:
        nonlocal busy
        while queue:
            path = queue.pop()
            page = (await connection.get(path))[1].decode()
            form = {**REPORT, "csrf_token": _hidden(page, "csrf_token"), "form_nonce": _hidden(page, "form_nonce")}
            started = time.perf_counter()
            status, _ = await connection.post(path, form)
            elapsed = time.perf_counter() - started
            latencies.append(elapsed)
            busy += elapsed
            if status != 200:
                raise RuntimeError(f"submit answered {status}")

    connections = [Connection(base_url) for _ in range(CONCURRENCY)]
    await asyncio.gather(*(worker(connection) for connection in connections))
    for connection in connections:
        connection.close()
    # POSTs only: their total time spread over the concurrent connections.
    return len(paths) / (busy / CONCURRENCY), latencies


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


@contextmanager
def _serving(home: Path, database_url: str, port: int, workers: int) -> Iterator[None]:
    """``sxsh-flow serve --workers N --no-scheduler``, until every worker has started."""
    env = {**os.environ, "SXSH_HOME": str(home), "SXSH_SECRET_KEY": SECRET, "SXSH_BASE_URL": f"http://127.0.0.1:{port}"}
    env["SXSH_DATABASE_URL"] = database_url
    command = [sys.executable, "-m", "sxsh_flow.cli.main", "--now", "2016-11-22T09:00", "serve", "--no-scheduler"]
    command += ["--port", str(port), "--workers", str(workers)]
    log = home / f"serve-{port}.log"
    with log.open("wb") as errors:
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    try:
        deadline = time.monotonic() + 120
        while log.read_text(errors="replace").count("Application startup complete") < workers:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the portal did not start:\n{log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.1)
        yield
    finally:
        server.terminate()
        server.wait()


def _measure_backend(say: Say, backend: str, home: Path, database_url: str) -> Figures:
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    say(f"  preparing {COMMUNES} communes on {backend}")
    paths = [urlsplit(url).path for url in _prepare(database_url, base_url)]
    share = len(paths) // len(WORKERS)
    figures: Figures = {}
    for index, workers in enumerate(WORKERS):
        with _serving(home, database_url, port, workers):
            asyncio.run(_opens(base_url, paths[: 20 * CONCURRENCY]))  # warm every worker up, untimed
            rate, opened = asyncio.run(_opens(base_url, paths))
            submit_rate, submitted = asyncio.run(_submits(base_url, paths[index * share : (index + 1) * share]))
        suffix = "" if index == 0 else f"_w{workers}"
        say(
            f"  {backend}, {workers} worker(s): open a form {rate:6.0f} req/s   "
            f"p50 {statistics.median(opened) * 1000:5.1f} ms   p99 {_percentile(opened, 0.99) * 1000:5.1f} ms   "
            f"({OPENS} requests)"
        )
        say(
            f"  {backend}, {workers} worker(s): submit      {submit_rate:6.0f} req/s   "
            f"p50 {statistics.median(submitted) * 1000:5.1f} ms   p99 {_percentile(submitted, 0.99) * 1000:5.1f} ms   "
            f"({len(submitted)} reports)"
        )
        figures |= {
            f"{backend}_open_rps{suffix}": round(rate),
            f"{backend}_open_p50_ms{suffix}": round(statistics.median(opened) * 1000, 1),
            f"{backend}_open_p99_ms{suffix}": round(_percentile(opened, 0.99) * 1000, 1),
            f"{backend}_submit_rps{suffix}": round(submit_rate),
            f"{backend}_submit_p50_ms{suffix}": round(statistics.median(submitted) * 1000, 1),
            f"{backend}_submit_p99_ms{suffix}": round(_percentile(submitted, 0.99) * 1000, 1),
        }
    return figures


@contextmanager
def _fresh_postgres_database() -> Iterator[str | None]:
    """A new database on the server at BENCH_POSTGRES_URL, dropped afterwards; None when none answers."""
    import psycopg

    admin = normalize_url(POSTGRES_ADMIN_URL)
    connect = {"host": admin.host, "port": admin.port or 5432, "user": admin.username, "dbname": admin.database}
    name = f"sxsh_bench_portal_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(**connect, password=admin.password, autocommit=True, connect_timeout=3) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        yield None
        return
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(**connect, password=admin.password, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def measure(say: Say) -> Figures:
    say(
        f"reply portal (`sxsh-flow serve --workers {'/'.join(map(str, WORKERS))}`, "
        f"{CONCURRENCY} concurrent keep-alive clients on loopback, sharing the cores)"
    )
    figures: Figures = {}
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        figures |= _measure_backend(say, "sqlite", home, f"sqlite:///{home / 'sxsh-flow.db'}")
        with _fresh_postgres_database() as postgres_url:
            if postgres_url is None:
                say(f"  PostgreSQL: no server answers at {POSTGRES_ADMIN_URL}; skipped")
            else:
                figures |= _measure_backend(say, "postgresql", home, postgres_url)
    return figures


if __name__ == "__main__":
    measure(print)

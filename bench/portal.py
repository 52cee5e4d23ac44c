"""Reply portal figures: requests per second and p50/p99 latency of opening a form and of submitting one.

`sxsh-flow serve` runs as its own process on loopback over a SQLite store in which 1,000 communes
each have an open task run and a reply link; a client with a few concurrent connections opens
forms (GET) and submits reports (GET for the form's tokens, then POST, timed alone).
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
from pathlib import Path

import httpx
from sqlalchemy import select

from sxsh_flow.agencies.directory import Agency, Contact, ContactRole, Directory, Province
from sxsh_flow.agencies.kinds import AgencyKind
from sxsh_flow.engine.clock import parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import ContactRecord, TaskRun
from sxsh_flow.engine.plan_file import LoadedPlan
from sxsh_flow.engine.services.agencies import import_directory, load_registry
from sxsh_flow.engine.services.links import LinkSigner, issue_link
from sxsh_flow.engine.services.notices import Mailing, open_due
from sxsh_flow.engine.services.start import start_plan
from sxsh_flow.notifications import EMAIL_WRITER
from sxsh_flow.workflows import load_builtin_plan

from .figures import Figures, Say

COMMUNES = int(os.environ.get("BENCH_COMMUNES", "1000"))
OPENS = int(os.environ.get("BENCH_OPENS", "2000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
SECRET = "bench-" + "signing-key-7Qm3v9x2LkP0aZt7YwR4sN8eJ1uH6cB5"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _prepare(home: Path, base_url: str) -> list[str]:
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
    with Store(f"sqlite:///{home / 'sxsh-flow.db'}") as store, store.session() as session:
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


async def _opens(links: list[str]) -> tuple[float, list[float]]:
    latencies: list[float] = []
    queue = [links[i % len(links)] for i in range(OPENS)]

    async def worker(client: httpx.AsyncClient) -> None:
        while queue:
            url = queue.pop()
            started = time.perf_counter()
            response = await client.get(url)
            latencies.append(time.perf_counter() - started)
            response.raise_for_status()

    started = time.perf_counter()
    async with httpx.AsyncClient(timeout=30) as client:
        await asyncio.gather(*(worker(client) for _ in range(CONCURRENCY)))
    return OPENS / (time.perf_counter() - started), latencies


async def _submits(links: list[str]) -> tuple[float, list[float]]:
    latencies: list[float] = []
    queue = list(links)
    report = {
        "indicator.informed.numerator": "12",
        "indicator.informed.denominator": "20",
        "indicator.applying.numerator": "5",
        "indicator.applying.denominator": "20",
        "indicator.training_events.value": "2",
        "section.results": "Đã triển khai kế hoạch trên địa bàn xã.",
        "action": "submit",
    }
    busy = 0.0

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal busy
        while queue:
            url = queue.pop()
            page = (await client.get(url)).text
            data = {**report, "csrf_token": _hidden(page, "csrf_token"), "form_nonce": _hidden(page, "form_nonce")}
            started = time.perf_counter()
            response = await client.post(url, data=data)
            elapsed = time.perf_counter() - started
            latencies.append(elapsed)
            busy += elapsed
            if response.status_code != 200:
                raise RuntimeError(f"submit answered {response.status_code}")

    async with httpx.AsyncClient(timeout=30) as client:
        await asyncio.gather(*(worker(client) for _ in range(CONCURRENCY)))
    # POSTs only: their total time spread over the concurrent workers.
    return len(links) / (busy / CONCURRENCY), latencies


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def measure(say: Say) -> Figures:
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        links = _prepare(home, base_url)
        env = {**os.environ, "SXSH_HOME": str(home), "SXSH_SECRET_KEY": SECRET, "SXSH_BASE_URL": base_url}
        env.pop("SXSH_DATABASE_URL", None)
        server = subprocess.Popen(
            [sys.executable, "-m", "sxsh_flow.cli.main", "--now", "2016-11-22T09:00", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(200):
                try:
                    if httpx.get(f"{base_url}/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
            rate, opened = asyncio.run(_opens(links))
            submit_rate, submitted = asyncio.run(_submits(links))
        finally:
            server.terminate()
            server.wait()
    say(f"reply portal (`sxsh-flow serve`, SQLite, {CONCURRENCY} concurrent clients on loopback)")
    say(
        f"  open a form   {rate:6.0f} req/s   p50 {statistics.median(opened) * 1000:5.1f} ms   "
        f"p99 {_percentile(opened, 0.99) * 1000:5.1f} ms   ({OPENS} requests)"
    )
    say(
        f"  submit        {submit_rate:6.0f} req/s   p50 {statistics.median(submitted) * 1000:5.1f} ms   "
        f"p99 {_percentile(submitted, 0.99) * 1000:5.1f} ms   ({len(submitted)} reports)"
    )
    return {
        "sqlite_open_rps": round(rate),
        "sqlite_open_p50_ms": round(statistics.median(opened) * 1000, 1),
        "sqlite_open_p99_ms": round(_percentile(opened, 0.99) * 1000, 1),
        "sqlite_submit_rps": round(submit_rate),
        "sqlite_submit_p50_ms": round(statistics.median(submitted) * 1000, 1),
        "sqlite_submit_p99_ms": round(_percentile(submitted, 0.99) * 1000, 1),
    }


if __name__ == "__main__":
    measure(print)

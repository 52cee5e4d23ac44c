"""The daily sweep: one reminder day over many open task runs, as `sxsh-flow remind` runs it.

1,000 communes with a number of tasks each over five yearly cycles, every task run open: the sweep
judges each one and queues one reminder per commune (rendered, composed, with reply links). Each
size is built once, then swept on a copy of its database: once timed, once under tracemalloc for the
peak of Python allocations (tracemalloc slows the run, so the two are apart).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import tracemalloc
from pathlib import Path

from sqlalchemy import func, select

from sxsh_flow.agencies.directory import Agency, Contact, ContactRole, Directory, Province
from sxsh_flow.agencies.kinds import AgencyKind
from sxsh_flow.engine.clock import parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import TaskRun
from sxsh_flow.engine.plan_file import LoadedPlan
from sxsh_flow.engine.services.agencies import import_directory, load_registry
from sxsh_flow.engine.services.links import LinkSigner
from sxsh_flow.engine.services.notices import Mailing, queue_reminders
from sxsh_flow.engine.services.start import start_plan
from sxsh_flow.engine.states import TaskRunState
from sxsh_flow.notifications import EMAIL_WRITER
from sxsh_flow.workflows import load_builtin_plan

from .figures import Figures, Say

SIZES = (100_000, 20_000)
SECRET = "bench-" + "signing-key-7Qm3v9x2LkP0aZt7YwR4sN8eJ1uH6cB5"
# SXSH_BENCH_SWEEP_SIZES=20000 for a quick run of one size.
SIZES_VARIABLE = "SXSH_BENCH_SWEEP_SIZES"
COMMUNES = 1000


def _build(path: Path, task_runs: int) -> int:
    """A store with ``task_runs`` open task runs over COMMUNES communes; returns how many it holds."""
    tasks_per_commune = max(task_runs // (COMMUNES * 5), 1)

    def agency(code: str, name: str, kind: AgencyKind, email: str) -> Agency:
        contact = Contact(name=f"Đầu mối {name}", email=email, role=ContactRole.FOCAL_POINT)
        return Agency(code=code, name=name, kind=kind, contacts=(contact,))

    agencies = [agency("SCT", "Sở Công Thương", AgencyKind.DEPARTMENT, "sxsh@sct.bench.example")]
    agencies += [
        agency(f"XA-{n:05d}", f"Ủy ban nhân dân xã số {n}", AgencyKind.COMMUNE, f"sxsh@xa{n}.bench.example")
        for n in range(COMMUNES)
    ]
    directory = Directory(Province(code="HD", name="Hải Dương"), tuple(agencies))
    plan = load_builtin_plan("plan-2016-2020")
    task = plan.spec.tasks[0].model_copy(update={"key": "commune-report", "lead": ("kind:commune",), "partners": ()})
    spec = plan.spec.model_copy(
        update={
            "tasks": tuple(task.model_copy(update={"key": f"commune-report-{i}"}) for i in range(tasks_per_commune))
        }
    )
    at = parse_instant("2016-09-01")
    with Store(f"sqlite:///{path}") as store:
        with store.session() as session:
            import_directory(session, directory, now=at)
            start_plan(
                session, LoadedPlan(spec, "bench", "bench"), load_registry(session, "HD"), "HD", now=at, actor="bench"
            )
        with store.session() as session:
            session.execute(TaskRun.__table__.update().values(state=TaskRunState.OPEN.value))
            return int(session.scalar(select(func.count(TaskRun.id))) or 0)


def _sweep(path: Path) -> tuple[float, int]:
    """Seconds for one reminder day on the store at ``path``, and the messages it queued."""
    day = parse_instant("2016-12-01")  # 14 working days before the 2016 deadline: every commune is reminded
    with Store(f"sqlite:///{path}") as store:
        started = time.perf_counter()
        with store.session() as session:
            # As `sxsh-flow remind` runs it on a deployment: each reminder carries its reply links.
            mailing = Mailing(writer=EMAIL_WRITER, signer=LinkSigner(SECRET, "https://sxsh.bench.example"))
            summary = queue_reminders(session, now=day, mailing=mailing, actor="bench")
        return time.perf_counter() - started, len(summary.queued)


def measure(say: Say) -> Figures:
    figures: Figures = {}
    sizes = [int(size) for size in os.environ.get(SIZES_VARIABLE, "").split(",") if size.strip()] or SIZES
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            built = Path(folder) / f"sweep-{size}.db"
            open_count = _build(built, size)
            timed, traced = Path(folder) / "timed.db", Path(folder) / "traced.db"
            shutil.copyfile(built, timed)
            shutil.copyfile(built, traced)
            seconds, queued = _sweep(timed)
            tracemalloc.start()
            _sweep(traced)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            say(
                f"daily sweep over {open_count} open task runs (SQLite): {seconds:.2f} s, {queued} messages queued, "
                f"peak {peak / 2**20:.1f} MiB of Python allocations"
            )
            figures[f"runs_{size}_s"] = round(seconds, 3)
            figures[f"runs_{size}_queued"] = queued
            figures[f"runs_{size}_peak_mib"] = round(peak / 2**20, 1)
    return figures


if __name__ == "__main__":
    measure(print)

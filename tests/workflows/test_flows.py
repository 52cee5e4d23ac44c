"""The Prefect path: the flows run the jobs, and deployments made by ``sxsh-flow deploy`` run them on a worker.

The first tests call the flows' functions without Prefect's engine (no server). The tests marked
``prefect`` start a real ``prefect server start`` on loopback, register the deployments with the
installed ``sxsh-flow deploy``, start a process worker on a SQLite database and a real SMTP server,
run deployments through it, and check that what arrives is what the jobs (the embedded scheduler's
path) send when called directly on an identical copy of the database.
"""

from __future__ import annotations

import importlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time as clock
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import select

from sxsh_flow.cli.main import execute
from sxsh_flow.engine.clock import VIETNAM, FixedClock
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import OutboxMessage
from sxsh_flow.engine.settings import Settings
from sxsh_flow.engine.states import OutboxState
from sxsh_flow.workflows import jobs
from sxsh_flow.workflows.jobs import JobResult

SECRET = "a test secret key that is long enough to sign links"
SERVER_START_TIMEOUT = 120  # seconds; the server takes 10–30 s to start
RUN_TIMEOUT = 120  # seconds for one flow run: the worker polls, starts a process, imports Prefect
TERMINAL_STATES = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def vn(day: date, hour: int = 8) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=VIETNAM)


def required(module: str) -> ModuleType:
    """A module the Prefect tests need: skipped without it on a developer's machine, a failure in CI."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"{module} is needed for the Prefect tests and is not installed: {exc}")
        pytest.skip(f"{module} is not installed: {exc}")


# --- without a server: the flows' functions, with Prefect's tasks as plain functions ---------------


@pytest.fixture
def flows(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ModuleType:
    """``workflows.flows`` with every task replaced by its plain function, so no Prefect engine runs."""
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect-home"))
    from sxsh_flow.workflows import flows as module

    for name in ("open_cycles_task", "close_cycles_task", "sweep_task", "digest_task", "dispatch_task"):
        monkeypatch.setattr(module, name, getattr(module, name).fn)
    for job, step in list(module.STEPS.items()):
        monkeypatch.setitem(module.STEPS, job, step.fn)
    return module


@dataclass
class Recorder:
    calls: list[tuple[str, datetime, int | None]] = field(default_factory=list)

    def step(self, job: str) -> Callable[..., JobResult]:
        def run(at: datetime, run_id: int | None = None) -> JobResult:
            self.calls.append((job, at, run_id))
            return JobResult(job, at, {"queued": 0})

        return run


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2016, 12, 1), ["open_cycles", "close_cycles", "sweep", "dispatch"]),  # a Thursday
        (date(2016, 12, 5), ["open_cycles", "close_cycles", "sweep", "digest", "dispatch"]),  # a Monday
        (date(2016, 12, 4), ["open_cycles", "close_cycles", "dispatch"]),  # a Sunday: cycles only
        (date(2017, 1, 2), ["open_cycles", "close_cycles", "dispatch"]),  # New Year's day off, a Monday
    ],
    ids=["thursday", "monday", "sunday", "holiday-monday"],
)
def test_the_daily_flow_runs_the_days_jobs_in_the_embedded_schedulers_order(
    flows: ModuleType, monkeypatch: pytest.MonkeyPatch, day: date, expected: list[str]
) -> None:
    recorder = Recorder()
    for job in flows.STEPS:
        monkeypatch.setitem(flows.STEPS, job, recorder.step(job))
    monkeypatch.setattr(flows, "dispatch_task", recorder.step("dispatch"))

    results = flows.daily_flow.fn(at=vn(day), run_id=7)

    assert [job for job, _, _ in recorder.calls] == expected
    assert {at for _, at, _ in recorder.calls} == {vn(day)}  # one instant for the whole day
    assert [run_id for job, _, run_id in recorder.calls if job != "dispatch"] == [7] * (len(expected) - 1)
    assert [result["job"] for result in results] == expected


@pytest.fixture
def started_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """plan-2016-2020 started on 01/09/2016 and its 2016 cycle opened on 21/11/2016, through the CLI."""
    url = f"sqlite:///{tmp_path / 'sxsh-flow.db'}"
    for name, value in sxsh_environment(url, tmp_path / "home").items():
        monkeypatch.setenv(name, value)
    for name in ("SXSH_NOW", "SXSH_SMTP_URL", "SXSH_LANG"):
        monkeypatch.delenv(name, raising=False)
    assert execute(["--now", "2016-09-01", "start", "plan-2016-2020"]) == 0
    assert execute(["--now", "2016-11-21", "remind"]) == 0
    return url


def test_the_sweep_and_dispatch_flows_run_the_jobs_on_the_database_the_environment_names(
    flows: ModuleType, started_database: str, tmp_path: Path
) -> None:
    swept = flows.sweep_flow.fn(at=vn(date(2016, 12, 1)))
    sent = flows.dispatch_flow.fn(at=vn(date(2016, 12, 1)))

    assert swept["job"] == "sweep"
    assert swept["counts"]["queued"] == 18  # the 14-working-days reminder to each unit that reports
    assert sent["counts"] == {"sent": 18, "deferred": 0, "failed": 0}
    assert len(list((tmp_path / "home" / "outbox" / "2016-12-01").glob("*.eml"))) == 18
    with Store(started_database) as store, store.session() as session:
        reminders = list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reminder")))
    assert len(reminders) == 18
    assert {row.state for row in reminders} == {OutboxState.SENT}


def test_a_naive_instant_is_vietnam_time_and_none_means_sxsh_now(
    flows: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SXSH_NOW", "2016-12-05")

    assert flows._instant(datetime(2016, 12, 1, 8, 0)) == vn(date(2016, 12, 1))
    assert flows._instant(None) == vn(date(2016, 12, 5))
    monkeypatch.delenv("SXSH_NOW")
    assert abs(flows._instant(None) - datetime.now(UTC)).total_seconds() < 60


def test_a_deferring_smtp_server_fails_the_dispatch_task_so_that_prefect_retries_it(
    flows: ModuleType, started_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SXSH_SMTP_URL", f"smtp://127.0.0.1:{free_port()}?timeout=2")  # nobody listens
    flows.sweep_flow.fn(at=vn(date(2016, 12, 1)))

    with pytest.raises(flows.DeliveryDeferred, match="deferred by the SMTP server"):
        flows.dispatch_flow.fn(at=vn(date(2016, 12, 1)))

    with Store(started_database) as store, store.session() as session:
        waiting = list(session.scalars(select(OutboxMessage).where(OutboxMessage.state == OutboxState.RETRY)))
    assert waiting  # nothing lost: the messages wait in the outbox for the retry
    # Prefect retries on the outbox's own backoff, when the deferred messages are due again.
    assert flows.DISPATCH_RETRY_DELAYS == [300, 600, 1200]


def test_the_dispatch_task_is_retried_and_the_engine_steps_too(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect-home"))
    from sxsh_flow.workflows import flows

    assert flows.dispatch_task.retries == 3
    assert flows.dispatch_task.retry_delay_seconds == [300, 600, 1200]
    assert {task.retries for task in flows.STEPS.values()} == {flows.STEP_RETRIES}
    assert flows.STEP_RETRIES > 0


# --- with a real Prefect server, `sxsh-flow deploy`, and a process worker ----------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def sxsh_environment(database_url: str, home: Path) -> dict[str, str]:
    return {
        "SXSH_HOME": str(home),
        "SXSH_DATABASE_URL": database_url,
        "SXSH_SECRET_KEY": SECRET,
        "SXSH_BASE_URL": "https://sxsh.haiduong.example",
    }


def installed(command: str) -> str:
    """A console script of this interpreter's environment (sxsh-flow, prefect)."""
    path = Path(sys.executable).with_name(command)
    if not path.exists():
        pytest.fail(f"{command} is not installed beside {sys.executable}; run `make install`")
    return str(path)


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts, with its envelope."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        with self._lock:
            self.received.append((list(envelope.rcpt_tos), bytes(envelope.original_content)))
        return "250 2.0.0 OK queued"

    def since(self, count: int) -> list[tuple[str, str, str, tuple[str, ...]]]:
        """What came after the first ``count`` messages: Message-ID, From, Subject and the envelope, sorted."""
        import email
        import email.policy

        with self._lock:
            received = self.received[count:]
        parsed = []
        for recipients, data in received:
            message = email.message_from_bytes(data, policy=email.policy.default)
            parsed.append(
                (str(message["Message-ID"]), str(message["From"]), str(message["Subject"]), tuple(sorted(recipients)))
            )
        return sorted(parsed)


@dataclass
class SmtpServer:
    url: str
    inbox: Inbox


@pytest.fixture(scope="module")
def smtp_servers() -> Iterator[tuple[SmtpServer, SmtpServer]]:
    """Two SMTP servers on loopback: one for the Prefect worker, one for the jobs called directly."""
    controller_class = required("aiosmtpd.controller").Controller
    servers, controllers = [], []
    try:
        for _ in range(2):
            inbox, port = Inbox(), free_port()
            controller = controller_class(inbox, hostname="127.0.0.1", port=port)
            controller.start()
            controllers.append(controller)
            servers.append(SmtpServer(f"smtp://127.0.0.1:{port}?timeout=5", inbox))
        yield servers[0], servers[1]
    finally:
        for controller in controllers:
            controller.stop()


@dataclass
class Service:
    """A long-running subprocess in a process group of its own, its output in a log file."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path

    @classmethod
    def start(cls, name: str, command: list[str], env: dict[str, str], log: Path) -> Service:
        with log.open("wb") as output:
            process = subprocess.Popen(
                command,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        return cls(name, process, log)

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            for sent, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
                try:
                    os.killpg(self.process.pid, sent)
                except ProcessLookupError:
                    break
                try:
                    self.process.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue


@dataclass
class PrefectServer:
    api_url: str
    env: dict[str, str]  # what a Prefect client process needs: the API URL and a home of its own
    service: Service


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrefectServer]:
    """``prefect server start`` on a free loopback port, with its own home and SQLite database."""
    httpx = required("httpx")
    folder = tmp_path_factory.mktemp("prefect")
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = {name: value for name, value in os.environ.items() if not name.startswith(("PREFECT_", "SXSH_"))}
    env |= {
        "PREFECT_HOME": str(folder / "home"),
        "PREFECT_API_URL": api_url,
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{folder / 'prefect.db'}",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        # No runs from the schedules: they would act for today's date on the test's database. The
        # schedules are registered all the same, and checked below.
        "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
    }
    command = [installed("prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    service = Service.start("prefect server", command, env, folder / "server.log")
    try:
        deadline = clock.monotonic() + SERVER_START_TIMEOUT
        while True:
            if service.process.poll() is not None:
                pytest.fail(f"prefect server exited with {service.process.returncode}{hint(service)}\n{service.tail()}")
            try:
                if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if clock.monotonic() > deadline:
                pytest.fail(f"prefect server did not answer in {SERVER_START_TIMEOUT}s\n{service.tail()}")
            clock.sleep(0.25)
        yield PrefectServer(api_url, env, service)
    finally:
        service.stop()


def hint(service: Service) -> str:
    if "min_items" in service.tail(200):
        return " (Prefect 3.8's server does not run on FastAPI 0.155 or later: install fastapi<0.155)"
    return ""


@dataclass
class Databases:
    """Two identical copies of one prepared database: the worker's and the direct jobs' (the reference)."""

    worker_url: str
    reference_url: str
    worker_home: Path
    reference_home: Path


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Databases:
    folder = tmp_path_factory.mktemp("databases")
    template = folder / "template.db"
    with pytest.MonkeyPatch.context() as patch:
        for name, value in sxsh_environment(f"sqlite:///{template}", folder / "template-home").items():
            patch.setenv(name, value)
        for name in ("SXSH_NOW", "SXSH_SMTP_URL", "SXSH_LANG"):
            patch.delenv(name, raising=False)
        assert execute(["--now", "2016-09-01", "start", "plan-2016-2020"]) == 0
        assert execute(["--now", "2016-11-21", "remind"]) == 0  # the 2016 cycle opens; requests sent
    for copy in ("worker.db", "reference.db"):
        with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(folder / copy)) as target:
            source.backup(target)  # a consistent copy, write-ahead log included
    return Databases(
        f"sqlite:///{folder / 'worker.db'}",
        f"sqlite:///{folder / 'reference.db'}",
        folder / "worker-home",
        folder / "reference-home",
    )


@pytest.fixture(scope="module")
def deployed(prefect_server: PrefectServer) -> dict[str, Any]:
    """What ``sxsh-flow deploy --json`` registered on the server."""
    import json

    result = subprocess.run(
        [installed("sxsh-flow"), "deploy", "--json"],
        env=prefect_server.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


@pytest.fixture(scope="module")
def worker(
    prefect_server: PrefectServer,
    deployed: dict[str, Any],
    databases: Databases,
    smtp_servers: tuple[SmtpServer, SmtpServer],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Service]:
    """``prefect worker start --pool sxsh-flow``, with the SXSH_* settings of the worker's database and SMTP."""
    env = prefect_server.env | sxsh_environment(databases.worker_url, databases.worker_home)
    env |= {"SXSH_SMTP_URL": smtp_servers[0].url, "PREFECT_WORKER_QUERY_SECONDS": "1"}
    command = [installed("prefect"), "worker", "start", "--pool", deployed["pool"]["name"], "--type", "process"]
    service = Service.start("prefect worker", command, env, tmp_path_factory.mktemp("worker") / "worker.log")
    try:
        yield service
    finally:
        service.stop()


@pytest.fixture(scope="module")
def reference(databases: Databases, smtp_servers: tuple[SmtpServer, SmtpServer]) -> Iterator[jobs.JobEnvironment]:
    """The jobs' environment on the reference copy, sending to the second SMTP server."""
    settings = Settings.from_env(
        sxsh_environment(databases.reference_url, databases.reference_home) | {"SXSH_SMTP_URL": smtp_servers[1].url}
    )
    environment = jobs.JobEnvironment.from_settings(settings)
    try:
        yield environment
    finally:
        environment.store.close()


def run_deployment(server: PrefectServer, worker: Service, deployment_id: str, at: datetime) -> dict[str, Any]:
    """Start a run of the deployment with ``at`` and wait until the worker has finished it."""
    import httpx

    created = httpx.post(
        f"{server.api_url}/deployments/{deployment_id}/create_flow_run",
        json={"parameters": {"at": at.isoformat()}},
        timeout=10,
    )
    created.raise_for_status()
    run_id = created.json()["id"]
    deadline = clock.monotonic() + RUN_TIMEOUT
    while clock.monotonic() < deadline:
        run: dict[str, Any] = httpx.get(f"{server.api_url}/flow_runs/{run_id}", timeout=10).json()
        state = (run.get("state") or {}).get("type")
        if state in TERMINAL_STATES:
            if state != "COMPLETED":
                pytest.fail(f"flow run {run['name']} ended {state}:\n{run_logs(server, run_id)}\n{worker.tail()}")
            return run
        if worker.process.poll() is not None:
            pytest.fail(f"the worker exited with {worker.process.returncode}\n{worker.tail()}")
        clock.sleep(0.5)
    pytest.fail(f"flow run {run_id} did not finish in {RUN_TIMEOUT}s\n{worker.tail()}")


def run_logs(server: PrefectServer, run_id: str) -> str:
    import httpx

    response = httpx.post(
        f"{server.api_url}/logs/filter", json={"logs": {"flow_run_id": {"any_": [run_id]}}, "limit": 200}, timeout=10
    )
    return "\n".join(entry["message"] for entry in response.json())


def deployment_id(deployed: dict[str, Any], name: str) -> str:
    ids = {item["name"]: item["id"] for item in deployed["deployments"]}
    return str(ids[name])


def outbox_rows(url: str, message_ids: list[str]) -> list[OutboxMessage]:
    with Store(url) as store, store.session() as session:
        return list(session.scalars(select(OutboxMessage).where(OutboxMessage.message_id.in_(message_ids))))


@pytest.mark.prefect
@pytest.mark.slow
def test_deploy_registers_the_flows_by_module_path_with_cron_schedules_in_vietnam_time(
    prefect_server: PrefectServer, deployed: dict[str, Any]
) -> None:
    import httpx

    by_name = {item["name"]: item for item in deployed["deployments"]}
    daily = httpx.get(f"{prefect_server.api_url}/deployments/{by_name['sxsh-daily/default']['id']}", timeout=10).json()
    dispatch = httpx.get(
        f"{prefect_server.api_url}/deployments/{by_name['sxsh-dispatch/default']['id']}", timeout=10
    ).json()
    pool = httpx.get(f"{prefect_server.api_url}/work_pools/sxsh-flow", timeout=10).json()

    assert deployed["pool"] == {"name": "sxsh-flow", "type": "process", "created": True}
    assert pool["type"] == "process"
    assert set(by_name) == {
        f"sxsh-{job}/default" for job in ("daily", "open-cycles", "close-cycles", "sweep", "digest", "dispatch")
    }
    assert daily["entrypoint"] == "sxsh_flow.workflows.flows.daily_flow"
    assert daily["pull_steps"] == []  # nothing to download: workers import the installed package
    assert [(s["schedule"]["cron"], s["schedule"]["timezone"]) for s in daily["schedules"]] == [
        ("0 8 * * *", "Asia/Ho_Chi_Minh")
    ]
    assert [(s["schedule"]["cron"], s["schedule"]["timezone"]) for s in dispatch["schedules"]] == [
        ("*/1 8-16 * * 1-6", "Asia/Ho_Chi_Minh")
    ]
    assert by_name["sxsh-sweep/default"]["cron"] is None  # on demand only


@pytest.mark.prefect
@pytest.mark.slow
def test_the_sweep_and_dispatch_deployments_send_through_a_worker_what_the_jobs_send(
    prefect_server: PrefectServer,
    deployed: dict[str, Any],
    worker: Service,
    databases: Databases,
    smtp_servers: tuple[SmtpServer, SmtpServer],
    reference: jobs.JobEnvironment,
) -> None:
    at = vn(date(2016, 12, 1))  # 14 working days before the 2016 deadline: a reminder to every unit
    worker_smtp, reference_smtp = smtp_servers
    worker_before, reference_before = len(worker_smtp.inbox.received), len(reference_smtp.inbox.received)

    swept = run_deployment(prefect_server, worker, deployment_id(deployed, "sxsh-sweep/default"), at)
    dispatched = run_deployment(prefect_server, worker, deployment_id(deployed, "sxsh-dispatch/default"), at)
    jobs.sweep(reference, at)
    jobs.dispatch_outbox(reference, at)

    received = worker_smtp.inbox.since(worker_before)
    expected = reference_smtp.inbox.since(reference_before)
    assert (swept["work_pool_name"], dispatched["work_pool_name"]) == ("sxsh-flow", "sxsh-flow")
    assert len(received) == 18
    assert received == expected  # same Message-IDs, senders, subjects and recipients
    assert all("Nhắc hạn nộp báo cáo năm 2016" in subject for _, _, subject, _ in received), received
    rows = outbox_rows(databases.worker_url, [message_id for message_id, *_ in received])
    assert len(rows) == 18
    assert {(row.kind, row.state, row.sent_at.astimezone(VIETNAM) if row.sent_at else None) for row in rows} == {
        ("reminder", OutboxState.SENT, at)
    }


@pytest.mark.prefect
@pytest.mark.slow
def test_the_daily_deployment_sends_through_a_worker_what_the_embedded_scheduler_sends(
    prefect_server: PrefectServer,
    deployed: dict[str, Any],
    worker: Service,
    smtp_servers: tuple[SmtpServer, SmtpServer],
    reference: jobs.JobEnvironment,
) -> None:
    from sxsh_flow.workflows.scheduler import Runner

    at = vn(date(2016, 12, 16))  # a Friday, 3 working days before the deadline
    worker_smtp, reference_smtp = smtp_servers
    worker_before, reference_before = len(worker_smtp.inbox.received), len(reference_smtp.inbox.received)

    run = run_deployment(prefect_server, worker, deployment_id(deployed, "sxsh-daily/default"), at)
    Runner(reference, FixedClock(at)).tick()  # the embedded scheduler's day: the due slots, then the outbox

    received = worker_smtp.inbox.since(worker_before)
    expected = reference_smtp.inbox.since(reference_before)
    assert run["state"]["type"] == "COMPLETED"
    assert received, "the daily run sent nothing"
    assert received == expected

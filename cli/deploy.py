"""``deploy``: register the jobs as Prefect deployments, so that Prefect workers on many machines run them.

This is the only command that imports Prefect (about 3 s), and it does so inside the command: the
others, and ``deploy --help``, stay fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sxsh_flow.cli.output import emit_json, table

if TYPE_CHECKING:
    from prefect.client.orchestration import SyncPrefectClient
    from prefect.flows import Flow

    from sxsh_flow.cli.context import AppContext
    from sxsh_flow.words import Words

TIMEZONE = "Asia/Ho_Chi_Minh"
DEPLOYMENT_NAME = "default"
# Dispatch only inside the dispatcher's office hours (08:00–17:00), on the days that can be working
# days: Saturdays are, when the government moves one (the dispatcher's calendar knows which).
DISPATCH_HOURS = "8-16"
DISPATCH_DAYS = "1-6"


def register(app: typer.Typer) -> None:
    app.command("deploy")(deploy)


@dataclass(frozen=True)
class PlannedDeployment:
    """One deployment as ``deploy`` registers it: which flow, where workers find it, when it runs."""

    job: str
    flow_name: str
    entrypoint: str
    cron: str | None
    when: str
    id: str | None = None

    @property
    def name(self) -> str:
        return f"{self.flow_name}/{DEPLOYMENT_NAME}"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "job": self.job,
            "flow": self.flow_name,
            "entrypoint": self.entrypoint,
            "cron": self.cron,
            "timezone": TIMEZONE if self.cron else None,
            "when": self.when,
            "id": self.id,
        }


def deploy(
    ctx: typer.Context,
    pool: Annotated[
        str, typer.Option("--pool", help="The work pool the deployments go to (a process pool, created if missing).")
    ] = "sxsh-flow",
    sweep_at: Annotated[
        str, typer.Option("--sweep-at", help="When the day's jobs run, HH:MM in Asia/Ho_Chi_Minh.")
    ] = "08:00",
    dispatch_every: Annotated[
        int,
        typer.Option("--dispatch-every", min=1, max=59, help="Send the outbox every this many minutes (08:00–17:00)."),
    ] = 1,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be registered; contact no server.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Register the jobs on a Prefect server, so that Prefect workers run them on schedule.

    The server is the one PREFECT_API_URL names. Start one and point this shell at it:
      prefect server start
      export PREFECT_API_URL=http://127.0.0.1:4200/api

    Registered (schedules in Asia/Ho_Chi_Minh; running deploy again updates them in place):
      sxsh-daily/default     every day at --sweep-at: open and close cycles, then on working
                             days the sweep and (Mondays) the digest, then send
      sxsh-dispatch/default  every --dispatch-every minutes, 08:00-17:00, Monday to Saturday
      sxsh-sweep/default ... one per job, on demand, for catching up a day:
      prefect deployment run sxsh-sweep/default --param at=2016-12-01T08:00:00+07:00

    A worker is a long-running process that polls the work pool and runs each due flow in a
    process of its own. Start one on every machine that should run jobs, with sxsh-flow installed
    and the SXSH_* settings the jobs need (SXSH_DATABASE_URL naming a PostgreSQL database they
    all reach, SXSH_SMTP_URL, SXSH_SECRET_KEY, SXSH_BASE_URL, SXSH_MAIL_FROM):
      prefect worker start --pool sxsh-flow
    """
    app_context: AppContext = ctx.obj
    hour, minute = _clock_time(sweep_at)
    from sxsh_flow.workflows import flows  # Prefect: here, not at the top, so `deploy --help` stays fast

    planned = _plan(flows.FLOWS, hour, minute, dispatch_every, app_context.words)
    api_url = _api_url()
    pool_type: str | None = None
    created = False
    if not dry_run:
        from sxsh_flow.errors import PrefectServerNotConfigured

        if api_url is None:
            raise PrefectServerNotConfigured()
        pool_type, created = _register(api_url, pool, planned, flows.FLOWS)
    _print(app_context, api_url, pool, pool_type, created, planned, dry_run=dry_run, as_json=as_json)


def _clock_time(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"([01]?\d|2[0-3])[:h]([0-5]\d)", text.strip())
    if match is None:
        raise typer.BadParameter(f"{text!r} is not a time of day; give HH:MM, such as 08:00", param_hint="--sweep-at")
    return int(match.group(1)), int(match.group(2))


def _plan(
    flows: dict[str, Flow[..., Any]], hour: int, minute: int, dispatch_every: int, said: Words
) -> list[PlannedDeployment]:
    # The daily flow runs every day, as the embedded scheduler's timetable does: cycles open and close
    # on their dates whatever the weekday, and the flow itself keeps the sweep to working days.
    daily_at = f"{hour:02d}:{minute:02d}"
    schedules = {
        "daily": (
            f"{minute} {hour} * * *",
            said.gettext("{time} every day", time=daily_at),
        ),
        "dispatch": (
            f"*/{dispatch_every} {DISPATCH_HOURS} * * {DISPATCH_DAYS}",
            said.gettext("every {minutes} min, 08:00–17:00 Mon–Sat", minutes=dispatch_every),
        ),
    }
    planned = []
    for job, flow in flows.items():
        cron, when = schedules.get(job, (None, said.gettext("on demand")))
        planned.append(PlannedDeployment(job, flow.name, f"{flow.__module__}.{flow.fn.__name__}", cron, when))
    return planned


def _api_url() -> str | None:
    """PREFECT_API_URL from the environment or the active Prefect profile (`prefect config set`)."""
    from prefect.settings import PREFECT_API_URL

    value = PREFECT_API_URL.value()
    return str(value).rstrip("/") if value else None


def _register(
    api_url: str, pool: str, planned: list[PlannedDeployment], flows: dict[str, Flow[..., Any]]
) -> tuple[str, bool]:
    """Make sure the server answers and the pool exists, then create or update each deployment."""
    from prefect import get_client
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.deployments.runner import RunnerDeployment
    from prefect.schedules import Cron
    from prefect.types.entrypoint import EntrypointType

    from sxsh_flow.errors import PrefectServerUnavailable

    with get_client(sync_client=True) as client:
        problem = client.api_healthcheck()
        if problem is not None:
            raise PrefectServerUnavailable(api_url, _reason(problem))
        pool_type, created = _ensure_pool(client, pool)
    version = _package_version()
    for index, item in enumerate(planned):
        deployment = RunnerDeployment.from_flow(
            flows[item.job],
            name=DEPLOYMENT_NAME,
            schedule=Cron(item.cron, timezone=TIMEZONE) if item.cron else None,
            # One dispatcher at a time: one that is waiting out an SMTP outage (its retries follow the
            # outbox's backoff) is not joined by a new one every minute; the next one starts after it.
            concurrency_limit=(
                ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW)
                if item.job == "dispatch"
                else None
            ),
            description=flows[item.job].description,
            tags=["sxsh-flow"],
            version=version,
            # By module path: workers import the flow from the installed package, nothing is uploaded.
            entrypoint_type=EntrypointType.MODULE_PATH,
        )
        deployment_id = deployment.apply(work_pool_name=pool)
        planned[index] = replace(item, entrypoint=deployment.entrypoint or item.entrypoint, id=str(deployment_id))
    return pool_type, created


def _ensure_pool(client: SyncPrefectClient, pool: str) -> tuple[str, bool]:
    """The pool's type, and whether it was created now (as a process pool: workers run flows as subprocesses)."""
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
    from prefect.workers.process import ProcessWorker

    try:
        return client.read_work_pool(pool).type, False
    except ObjectNotFound:
        pass
    try:
        client.create_work_pool(
            WorkPoolCreate(
                name=pool,
                type=ProcessWorker.type,
                base_job_template=ProcessWorker.get_default_base_job_template(),
                description="sxsh-flow jobs; workers need sxsh-flow installed and the SXSH_* settings.",
            )
        )
    except ObjectAlreadyExists:  # another deploy created it meanwhile
        return client.read_work_pool(pool).type, False
    return ProcessWorker.type, True


def _reason(problem: Exception) -> str:
    text = str(problem).strip().splitlines()
    return f"{type(problem).__name__}: {text[0]}" if text else type(problem).__name__


def _package_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"sxsh-flow {version('sxsh-flow')}"
    except PackageNotFoundError:
        return None


def _print(
    app_context: AppContext,
    api_url: str | None,
    pool: str,
    pool_type: str | None,
    created: bool,
    planned: list[PlannedDeployment],
    *,
    dry_run: bool,
    as_json: bool,
) -> None:
    worker = f"prefect worker start --pool {pool}"
    if as_json:
        emit_json(
            {
                "dry_run": dry_run,
                "api_url": api_url,
                "pool": {"name": pool, "type": pool_type, "created": created},
                "timezone": TIMEZONE,
                "deployments": [item.to_json() for item in planned],
                "worker_command": worker,
            }
        )
        return
    said = app_context.words
    server = api_url or said.gettext("(PREFECT_API_URL not set)")
    if dry_run:
        typer.echo(said.gettext("Would register on {server}, work pool {pool}:", server=server, pool=pool))
    else:
        state = said.pgettext("work pool", "created") if created else said.pgettext("work pool", "existing")
        typer.echo(
            said.gettext(
                "Registered on {server}, work pool {pool} ({pool_type}, {state}):",
                server=server,
                pool=pool,
                pool_type=pool_type,
                state=state,
            )
        )
    typer.echo(
        table(
            [said.gettext("Deployment"), said.gettext("Schedule ({timezone})", timezone=TIMEZONE), "cron"],
            [[item.name, item.when, item.cron or "-"] for item in planned],
        )
    )
    typer.echo(
        said.gettext(
            "Workers: on each machine with sxsh-flow installed and the SXSH_* settings, run: {worker}", worker=worker
        )
    )

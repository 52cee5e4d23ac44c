"""``serve``: the reply portal and the scheduler that runs the plan by itself."""

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from fastapi import FastAPI

    from sxsh_flow.cli.context import AppContext

# Where each worker process finds its app (uvicorn imports it there and calls it).
WORKER_APP = "sxsh_flow.cli.serve:worker_app"


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    daily_at: Annotated[
        str, typer.Option("--daily-at", help="When the day's jobs run (HH:MM, Asia/Ho_Chi_Minh).")
    ] = "08:00",
    tick: Annotated[
        float | None,
        typer.Option("--tick", help="Seconds between catch-up checks (default 60; 1 with a simulated clock)."),
    ] = None,
    no_scheduler: Annotated[
        bool, typer.Option("--no-scheduler", help="Run the portal only (when Prefect workers run the jobs).")
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            help="Portal processes sharing the port. One Python process uses one core at a time: give "
            "about as many as the machine has cores (2 on a 2-core machine), fewer if the database "
            "server or other work shares it. SQLite (WAL) lets them all read at once; writes take "
            "turns. The scheduler runs once, in the parent process. Not with SXSH_CLOCK_RATE.",
        ),
    ] = 1,
) -> None:
    """Run the reply portal and the scheduler that runs the plan by itself, until stopped.

    Every day at --daily-at (Asia/Ho_Chi_Minh) the scheduler opens the cycles due to open, closes
    and consolidates those due to close, sends the day's reminders, overdue notices and escalations
    (working days), and on Mondays the coordinator's digest; the outbox is sent every minute in
    office hours. Each day's runs are recorded in the database, so a restart neither misses a run
    nor repeats one. Stop it with Ctrl-C or SIGTERM: a job in progress is finished first.

    Links in emails point at SXSH_BASE_URL; put the portal behind that address (a reverse proxy
    with HTTPS in production). To watch a plan run faster than life, set SXSH_NOW=2016-11-01 and
    SXSH_CLOCK_RATE=21600 (a simulated day every 4 seconds).

    With --workers N the portal runs in N processes that share the port, each with its own
    connections to the database; /health then reports the database and failing jobs, not the
    scheduler's clock (it runs in the parent).
    """
    import logging
    import signal
    from datetime import timedelta

    import uvicorn

    from sxsh_flow.errors import ConfigurationError
    from sxsh_flow.web.app import create_app
    from sxsh_flow.words import N_
    from sxsh_flow.workflows.jobs import JobEnvironment
    from sxsh_flow.workflows.scheduler import EmbeddedScheduler, Runner, Timetable

    app_context: AppContext = ctx.obj
    said = app_context.words
    settings = app_context.settings
    simulated = settings.clock_rate is not None
    if workers > 1 and simulated:
        # Each process would start its fast clock at its own moment: the portals would disagree on the day.
        raise ConfigurationError("--workers", str(workers), N_("a simulated clock (SXSH_CLOCK_RATE) runs one worker"))
    scheduler = None
    if not no_scheduler:
        timetable = Timetable(daily_at=_time_option("--daily-at", daily_at))
        env = JobEnvironment.from_settings(settings, store=app_context.store)
        runner = Runner(env, app_context.clock, timetable)
        scheduler = EmbeddedScheduler(
            runner, simulated_clock=simulated, tick=timedelta(seconds=tick or (1 if simulated else 60))
        )
    typer.echo(
        said.gettext(
            "Reply portal: http://{host}:{port} (links in emails point at {base_url})",
            host=host,
            port=port,
            base_url=settings.base_url,
        )
    )
    if scheduler is not None:
        typer.echo(
            said.gettext(
                "Scheduler: daily at {daily_at} (Vietnam time); mail sent every minute in office hours.",
                daily_at=daily_at,
            )
        )
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        # uvicorn shuts down on SIGTERM, then restores the default handler and raises the signal
        # again, which would end the process before the scheduler stops. As SystemExit(0), that
        # second signal lets the `finally` below wait for a job in progress.
        signal.signal(signal.SIGTERM, _exit_cleanly)
        scheduler.start()
    try:
        if workers == 1:
            uvicorn.run(
                create_app(
                    app_context.store,
                    settings,
                    app_context.clock,
                    health_details=(lambda: {"scheduler": scheduler.health()}) if scheduler is not None else None,
                ),
                host=host,
                port=port,
                log_level="info",
            )
        else:
            # Migrated (and its files made private) here, once, before the workers each open it.
            _ = app_context.store
            _hand_clock_to_workers(app_context)
            uvicorn.run(WORKER_APP, factory=True, workers=workers, host=host, port=port, log_level="info")
    finally:
        # uvicorn returns on SIGINT and SIGTERM: let a job in progress finish before the process ends.
        if scheduler is not None:
            scheduler.shutdown()


def worker_app() -> FastAPI:
    """The portal of one worker process, built from the environment the parent process left it."""
    from sxsh_flow.cli.context import AppContext
    from sxsh_flow.web.app import create_app

    context = AppContext.build(None)
    return create_app(context.store, context.settings, context.clock)


def _hand_clock_to_workers(app_context: AppContext) -> None:
    """A fixed "now" (from --now or SXSH_NOW) passes to the workers through SXSH_NOW; the real clock needs nothing."""
    import os

    from sxsh_flow.engine.clock import FixedClock

    if isinstance(app_context.clock, FixedClock):
        os.environ["SXSH_NOW"] = app_context.clock.now().isoformat()


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _time_option(name: str, value: str) -> time:
    from sxsh_flow.errors import ConfigurationError
    from sxsh_flow.words import N_

    try:
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise ConfigurationError(name, value, N_("give HH:MM, e.g. 08:00")) from exc

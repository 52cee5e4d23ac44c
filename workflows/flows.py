"""The jobs as Prefect 3 flows: the distributed path, for a Prefect server with workers on many machines.

Each flow wraps the same entry points of ``workflows.jobs`` that the embedded scheduler calls, so a
Prefect worker sends the very messages ``sxsh-flow serve`` would. Flows take plain values (an instant,
a run number), never ORM objects; each step builds its environment from the worker's SXSH_* variables
and closes it, so any worker that has sxsh-flow installed and reaches the database can run any step.

Only this module and ``sxsh-flow deploy`` import Prefect (about 3 s): every other command stays fast.
``sxsh-flow deploy`` registers these flows by module path (``sxsh_flow.workflows.flows.daily_flow``),
so workers load them from the installed package; no code is uploaded anywhere.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext, TaskRunContext
from prefect.exceptions import MissingContextError
from prefect.flows import Flow

from sxsh_flow.engine.clock import VIETNAM, local_date
from sxsh_flow.engine.settings import Settings
from sxsh_flow.engine.time_policy import backoff
from sxsh_flow.workflows import jobs
from sxsh_flow.workflows.scheduler import Timetable

__all__ = [
    "FLOWS",
    "DeliveryDeferred",
    "close_cycles_flow",
    "daily_flow",
    "digest_flow",
    "dispatch_flow",
    "open_cycles_flow",
    "sweep_flow",
]

ACTOR = "scheduler:prefect"  # history rows say the Prefect path did it, beside the embedded "scheduler"

# A failed engine step is retried soon: the jobs are idempotent, and what fails them is usually a
# database that was briefly locked or restarting.
STEP_RETRIES = 2
STEP_RETRY_DELAY_SECONDS = 30

# Delivery is retried on the outbox's own backoff (5, 10, 20 minutes): a deferred message is not due
# again before that, so retrying sooner would find nothing to send.
DISPATCH_RETRY_DELAYS: list[float] = [backoff(attempt).total_seconds() for attempt in (1, 2, 3)]


class DeliveryDeferred(Exception):
    """The SMTP server deferred some messages; the task fails so that Prefect retries it (and shows it)."""

    def __init__(self, result: jobs.JobResult) -> None:
        self.result = result
        details = "; ".join(result.problems[:5])
        super().__init__(
            f"{result.counts.get('deferred', 0)} message(s) deferred by the SMTP server; "
            f"they stay in the outbox and are retried after its backoff. {details}".strip()
        )


# --- tasks: one engine step each ---------------------------------------------------------------


@task(name="open-cycles", cache_policy=NO_CACHE, retries=STEP_RETRIES, retry_delay_seconds=STEP_RETRY_DELAY_SECONDS)
def open_cycles_task(at: datetime, run_id: int | None = None) -> jobs.JobResult:
    """Open the cycles whose opening day has come and queue the requests to report."""
    return _run(jobs.open_cycles, at, run_id)


@task(name="close-cycles", cache_policy=NO_CACHE, retries=STEP_RETRIES, retry_delay_seconds=STEP_RETRY_DELAY_SECONDS)
def close_cycles_task(at: datetime, run_id: int | None = None) -> jobs.JobResult:
    """Close the cycles whose collection has ended; queue each one's final status to the coordinator."""
    return _run(jobs.close_cycles, at, run_id)


@task(name="sweep", cache_policy=NO_CACHE, retries=STEP_RETRIES, retry_delay_seconds=STEP_RETRY_DELAY_SECONDS)
def sweep_task(at: datetime, run_id: int | None = None) -> jobs.JobResult:
    """Queue the reminders, due-today and overdue notices and escalations the plans call for."""
    return _run(jobs.sweep, at, run_id)


@task(name="digest", cache_policy=NO_CACHE, retries=STEP_RETRIES, retry_delay_seconds=STEP_RETRY_DELAY_SECONDS)
def digest_task(at: datetime, run_id: int | None = None) -> jobs.JobResult:
    """Queue the coordinator's weekly digest of every run with a report overdue or due soon."""
    return _run(jobs.send_digest, at, run_id)


@task(
    name="dispatch-outbox",
    cache_policy=NO_CACHE,
    retries=len(DISPATCH_RETRY_DELAYS),
    retry_delay_seconds=DISPATCH_RETRY_DELAYS,
    retry_jitter_factor=0.2,
)
def dispatch_task(at: datetime, limit: int | None = None) -> jobs.JobResult:
    """Send what the outbox holds; fail (and be retried) when the SMTP server defers messages."""
    with _environment() as environment:
        result = jobs.dispatch_outbox(environment, _attempt_instant(at), limit=limit)
    _report(result)
    if result.counts.get("deferred", 0):
        raise DeliveryDeferred(result)
    return result


# --- flows: what deployments run ----------------------------------------------------------------


@flow(name="sxsh-open-cycles")
def open_cycles_flow(at: datetime | None = None, run_id: int | None = None) -> dict[str, Any]:
    """Open the cycles due at ``at`` (default: the run's scheduled time); ``run_id`` limits it to one plan run."""
    return open_cycles_task(_instant(at), run_id).to_json()


@flow(name="sxsh-close-cycles")
def close_cycles_flow(at: datetime | None = None, run_id: int | None = None) -> dict[str, Any]:
    """Close and consolidate the cycles whose collection ended by ``at``."""
    return close_cycles_task(_instant(at), run_id).to_json()


@flow(name="sxsh-sweep")
def sweep_flow(at: datetime | None = None, run_id: int | None = None) -> dict[str, Any]:
    """The daily sweep at ``at``: queue what is due (sending is the dispatcher's)."""
    return sweep_task(_instant(at), run_id).to_json()


@flow(name="sxsh-digest")
def digest_flow(at: datetime | None = None, run_id: int | None = None) -> dict[str, Any]:
    """Queue the coordinator's status digest as of ``at``."""
    return digest_task(_instant(at), run_id).to_json()


@flow(name="sxsh-dispatch")
def dispatch_flow(at: datetime | None = None, limit: int | None = None) -> dict[str, Any]:
    """Send what the outbox holds at ``at`` (office hours only; the rest waits for the morning)."""
    return dispatch_task(_instant(at), limit).to_json()


@flow(name="sxsh-daily")
def daily_flow(at: datetime | None = None, run_id: int | None = None) -> list[dict[str, Any]]:
    """A day's jobs as the embedded scheduler runs them: open, close, the sweep, the Monday digest, then send.

    Which jobs a day has comes from the embedded scheduler's own timetable (the sweep and the digest
    on working days only), so both paths do the same on the same day. A cycle opens before the sweep
    looks at it, and one that closes today is reported on before the sweep sends its overdue
    notices. A step that fails stops the day; running the day again is harmless.
    """
    when = _instant(at)
    results = [STEPS[job](when, run_id) for job in Timetable().jobs_on(local_date(when))]
    results.append(dispatch_task(when))
    return [result.to_json() for result in results]


# The daily steps by the names the timetable gives them.
STEPS = {
    "open_cycles": open_cycles_task,
    "close_cycles": close_cycles_task,
    "sweep": sweep_task,
    "digest": digest_task,
}

# The deployments `sxsh-flow deploy` registers, by the name of the job each runs.
FLOWS: dict[str, Flow[..., Any]] = {
    "daily": daily_flow,
    "open_cycles": open_cycles_flow,
    "close_cycles": close_cycles_flow,
    "sweep": sweep_flow,
    "digest": digest_flow,
    "dispatch": dispatch_flow,
}


# --- helpers -------------------------------------------------------------------------------------


@contextmanager
def _environment() -> Iterator[jobs.JobEnvironment]:
    """The worker's store, mailing and transport, from its SXSH_* variables; closed after the step."""
    environment = jobs.JobEnvironment.from_settings(Settings.from_env(os.environ), actor=ACTOR)
    try:
        yield environment
    finally:
        environment.store.close()


def _run(
    job: Callable[[jobs.JobEnvironment, datetime, int | None], jobs.JobResult], at: datetime, run_id: int | None
) -> jobs.JobResult:
    with _environment() as environment:
        result = job(environment, at, run_id)
    _report(result)
    return result


def _instant(at: datetime | None) -> datetime:
    """The instant a flow acts for: ``at`` as given, else SXSH_NOW, else the time the run was scheduled for.

    A scheduled run that starts late (no worker was free) still acts for its own slot, so the day's
    reminders are those of the day it was meant for. A time without an offset is Vietnam time.
    """
    if at is not None:
        return at if at.tzinfo is not None else at.replace(tzinfo=VIETNAM)
    fixed = Settings.from_env(os.environ).now
    if fixed is not None:
        return fixed
    context = FlowRunContext.get()
    scheduled = context.flow_run.expected_start_time if context and context.flow_run else None
    return datetime.fromtimestamp(scheduled.timestamp(), UTC) if scheduled else datetime.now(UTC)


def _attempt_instant(at: datetime) -> datetime:
    """``at`` on the first attempt; on a retry, later by as much time as has passed since the first one.

    The outbox put each deferred message off from ``at``; a retry that kept acting for ``at`` would
    never find them due, in a replay (``at`` in the past) as much as in a scheduled run.
    """
    context = TaskRunContext.get()
    if context is None or context.task_run.run_count <= 1 or context.task_run.start_time is None:
        return at
    return at + (datetime.now(UTC) - context.task_run.start_time)


def _report(result: jobs.JobResult) -> None:
    """What the step did, in the run's log (problems as warnings) and as a markdown artifact."""
    logger = _logger()
    logger.info(result.describe())
    for problem in result.problems:
        logger.warning("%s: %s", result.job, problem)
    if TaskRunContext.get() is not None:
        create_markdown_artifact(
            markdown=_markdown(result),
            key=f"sxsh-{result.job.replace('_', '-')}",
            description=result.describe(),
        )


def _markdown(result: jobs.JobResult) -> str:
    rows = [f"| {name} | {value} |" for name, value in result.counts.items()]
    lines = [
        f"### {result.job} at {result.at.astimezone(VIETNAM):%d/%m/%Y %H:%M} (Asia/Ho_Chi_Minh)",
        "",
        "| | |",
        "|---|---:|",
        *rows,
    ]
    if result.problems:
        lines += ["", "**Problems**", "", *(f"- {problem}" for problem in result.problems)]
    return "\n".join(lines)


def _logger() -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    try:
        return get_run_logger()
    except MissingContextError:  # called as plain functions (``.fn``), outside any Prefect run
        return logging.getLogger(__name__)

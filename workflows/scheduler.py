"""The embedded scheduler of ``sxsh-flow serve``: APScheduler 3 in a thread beside the portal.

What is due is derived from the clock and the ledger (``scheduled_runs``), not from a job store:

- each day at ``daily_at`` (Asia/Ho_Chi_Minh) one slot per daily job: open the cycles due to open,
  close the cycles due to close, the sweep (working days), and the digest (on ``digest_weekday``);
- the dispatcher every minute.

A slot is claimed in the ledger before it runs and marked done after, so a restart across a due
time runs the slot it missed (no run missed), and a restart after it ran finds the row (none
doubled). A slot missed by more than ``misfire_grace`` is recorded as skipped rather than run
late: yesterday's "3 working days left" is wrong today. Openings and closings lose nothing by
that, because each run takes every cycle whose day has come.

APScheduler only says when to look: a cron trigger at the daily time, and an interval trigger
that catches up at start and every ``tick`` after, both with ``coalesce=True`` (a backlog of
wake-ups runs once) and an explicit ``misfire_grace_time``. With a simulated clock (SXSH_CLOCK_RATE)
the cron trigger, which reads the real time, is left out and the ticks alone drive the schedule.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from sxsh_flow.engine.calendar import WorkingCalendar
from sxsh_flow.engine.clock import VIETNAM, AcceleratedClock, Clock, local_date
from sxsh_flow.engine.services import ledger
from sxsh_flow.workflows.job_alarm import warn_coordinators
from sxsh_flow.workflows.jobs import DAILY_JOBS, JobEnvironment, JobResult, dispatch_outbox

logger = logging.getLogger("sxsh_flow.scheduler")

# (session, job, time) -> True when the job run then would certainly do nothing (``workflows.idle_jobs``).
IdleCheck = Callable[[Session, str, datetime], bool]


@dataclass(frozen=True)
class Slot:
    job: str
    day: date
    due_at: datetime

    @property
    def key(self) -> str:
        return self.day.isoformat()


@dataclass(frozen=True)
class Timetable:
    """When each daily job is due. Pure: the same clock reading always gives the same slots."""

    daily_at: time = time(8, 0)
    digest_weekday: int = 0  # Monday
    misfire_grace: timedelta = timedelta(hours=8)
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)

    def jobs_on(self, day: date) -> list[str]:
        jobs = ["open_cycles", "close_cycles"]
        if self.calendar.is_working_day(day):
            jobs.append("sweep")
            if day.weekday() == self.digest_weekday:
                jobs.append("digest")
        return jobs

    def due_at(self, day: date) -> datetime:
        return datetime.combine(day, self.daily_at, tzinfo=VIETNAM)

    def slots(self, now: datetime, since: datetime | None = None) -> Iterator[tuple[Slot, bool]]:
        """Every slot that has come in the lookback window, oldest first, and whether it may still run.

        Slots due before ``since`` (when the schedule began to exist) were never owed: none is missed.
        """
        today = local_date(now)
        lookback = (self.misfire_grace // timedelta(days=1)) + 1
        for offset in range(lookback, -1, -1):
            day = today - timedelta(days=offset)
            due = self.due_at(day)
            if due > now or (since is not None and due < since):
                continue
            for job in self.jobs_on(day):
                yield Slot(job, day, due), now - due <= self.misfire_grace

    def next_due(self, now: datetime) -> datetime:
        today = local_date(now)
        due = self.due_at(today)
        return due if due > now else self.due_at(today + timedelta(days=1))


class Runner:
    """Runs what the timetable says is due, once per slot, whatever wakes it up."""

    def __init__(
        self,
        env: JobEnvironment,
        clock: Clock,
        timetable: Timetable | None = None,
        *,
        owner: str | None = None,
        on_result: Callable[[JobResult], None] | None = None,
        since: datetime | None = None,
        idle: IdleCheck | None = None,
    ) -> None:
        self.env = env
        # Asked before a job runs: a slot whose job would do nothing is recorded done, as it would
        # be after running, in the claim's own transaction (the simulation's 1,800 quiet days).
        self.idle = idle
        # A simulated world begins at its first instant: the day before it, no scheduler could have run.
        self.since = since
        self.clock = clock
        self.timetable = timetable or Timetable()
        self.owner = owner or ledger.this_process()
        self.on_result = on_result
        self._lock = threading.Lock()  # the cron and the catch-up trigger may wake it together
        self.last_results: list[JobResult] = []
        # Slots this runner saw done or skipped: the ledger never runs them again, so it need not be asked.
        self._settled: set[tuple[str, str]] = set()

    def run_due(self) -> list[JobResult]:
        """Run every slot that has come and has not run; record the ones missed beyond the grace."""
        with self._lock:
            now = self.clock.now()
            results = []
            slots = list(self.timetable.slots(now, self.since))
            self._settled &= {(slot.job, slot.key) for slot, _ in slots}  # older ones are out of the window
            for slot, in_time in slots:
                if (slot.job, slot.key) in self._settled:
                    continue
                if not in_time:
                    self._skip(slot, now)
                elif (result := self._run_slot(slot, now)) is not None:
                    results.append(result)
            return results

    def dispatch(self) -> JobResult:
        now = self.clock.now()
        if self.idle is not None:
            with self.env.store.session() as session:
                if self.idle(session, "dispatch", now):
                    return JobResult("dispatch", now, {"sent": 0, "deferred": 0, "failed": 0})
        result = dispatch_outbox(self.env, now)
        if result.counts.get("sent") or result.counts.get("failed") or result.counts.get("deferred"):
            self._report(result)
        return result

    def tick(self) -> None:
        """One wake-up of a simulated clock: the due slots, then the outbox."""
        self.run_due()
        self.dispatch()

    def _run_slot(self, slot: Slot, now: datetime) -> JobResult | None:
        # A slot run late keeps its own day: its messages are keyed and dated as if on time.
        at = now if local_date(now) == slot.day else slot.due_at
        idle: JobResult | None = None
        with self.env.store.session() as session:
            claimed = ledger.claim(session, slot.job, slot.key, now=now, owner=self.owner)
            claimed_id = claimed.id if claimed is not None else None
            if claimed_id is not None and self.idle is not None and self.idle(session, slot.job, at):
                idle = JobResult(slot.job, at)
                ledger.finish(session, claimed_id, now=self.clock.now(), detail=idle.describe())
        if idle is not None:
            self._settled.add((slot.job, slot.key))
            self._report(idle)
            return idle
        if claimed_id is None:
            return None
        try:
            result = DAILY_JOBS[slot.job](self.env, at, None)
        except Exception as exc:
            logger.exception("%s for %s failed; it is tried again at the next tick", slot.job, slot.key)
            with self.env.store.session() as session:
                ledger.fail(session, claimed_id, now=self.clock.now(), error=f"{type(exc).__name__}: {exc}")
            self._alarm(slot.job)
            return None
        with self.env.store.session() as session:
            ledger.finish(session, claimed_id, now=self.clock.now(), detail=result.describe())
        self._settled.add((slot.job, slot.key))
        self._report(result)
        return result

    def _alarm(self, job: str) -> None:
        """Tell the coordinator, once per failing streak; an alarm that cannot be queued is only logged."""
        try:
            warn_coordinators(self.env, job, now=self.clock.now())
        except Exception:
            logger.exception("the coordinator could not be told that %s fails", job)

    def _skip(self, slot: Slot, now: datetime) -> None:
        with self.env.store.session() as session:
            reason = f"missed by more than {self.timetable.misfire_grace}; not run late"
            if ledger.skip(session, slot.job, slot.key, now=now, owner=self.owner, reason=reason):
                logger.warning("%s for %s was missed (the scheduler was not running); skipped", slot.job, slot.key)
        self._settled.add((slot.job, slot.key))  # skipped now, or found already there: either way settled

    def _report(self, result: JobResult) -> None:
        logger.info("%s", result.describe())
        self.last_results = [*self.last_results[-19:], result]
        if self.on_result is not None:
            self.on_result(result)


@dataclass
class EmbeddedScheduler:
    """APScheduler's BackgroundScheduler wired to a ``Runner``; start it beside the portal."""

    runner: Runner
    simulated_clock: bool = False
    tick: timedelta = timedelta(seconds=60)
    dispatch_every: timedelta = timedelta(minutes=1)
    _scheduler: Any = None

    def start(self) -> None:
        from apscheduler.schedulers.background import BackgroundScheduler
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        grace = int(self.runner.timetable.misfire_grace.total_seconds())
        scheduler = BackgroundScheduler(
            timezone=VIETNAM,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": grace},
        )
        # The interval jobs also run at once on start: a restart catches up without waiting a tick.
        at_once = datetime.now(VIETNAM)
        if self.simulated_clock:
            # Real-time triggers mean nothing to a clock that runs faster: each tick does everything.
            scheduler.add_job(
                self.runner.tick, IntervalTrigger(seconds=self.tick.total_seconds()), id="tick", next_run_time=at_once
            )
        else:
            daily = self.runner.timetable.daily_at
            scheduler.add_job(
                self.runner.run_due, CronTrigger(hour=daily.hour, minute=daily.minute, timezone=VIETNAM), id="daily"
            )
            scheduler.add_job(
                self.runner.run_due,
                IntervalTrigger(seconds=self.tick.total_seconds()),
                id="catch_up",
                next_run_time=at_once,
            )
            scheduler.add_job(
                self.runner.dispatch,
                IntervalTrigger(seconds=self.dispatch_every.total_seconds()),
                id="dispatch",
                next_run_time=at_once,
            )
        if isinstance(self.runner.clock, AcceleratedClock):
            self.runner.clock.restart()  # SXSH_NOW is when the scheduler starts, not when the process did
        scheduler.start()
        self._scheduler = scheduler

    def shutdown(self) -> None:
        """Stop taking new work and wait for a job in progress, so nothing is left half done."""
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=True)

    @property
    def running(self) -> bool:
        return bool(self._scheduler is not None and self._scheduler.running)

    def health(self) -> dict[str, Any]:
        now = self.runner.clock.now()
        return {
            "running": self.running,
            "clock": now.isoformat(),
            "next_daily_run": self.runner.timetable.next_due(now).isoformat(),
            # Counts only: a job's problems name recipients and quote the mail server's refusals.
            "last_runs": [result.public_json() for result in self.runner.last_results[-5:]],
        }

"""The jobs a scheduler runs: plain functions of ids and a time, never of ORM objects.

Both schedulers call these and nothing else: APScheduler inside ``sxsh-flow serve``
(``workflows.scheduler``) and Prefect workers (``workflows.flows``); so does ``sxsh-flow simulate``.
Each job opens its own transaction and is idempotent for a given time: every message it queues has
a key (kind, run, agency, day), and every state change starts from a state the second run no
longer finds. Running a job twice for the same time does nothing more than running it once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sxsh_flow.engine.clock import FixedClock
from sxsh_flow.engine.db import Store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from sxsh_flow.engine.message import MailAttachment
    from sxsh_flow.engine.services.cycles import ClosingCycle, ReportFiles
    from sxsh_flow.engine.services.mailing import Mailing, NoticeSummary
    from sxsh_flow.engine.settings import Settings
    from sxsh_flow.notifications.transports import Transport

ACTOR = "scheduler"


@dataclass
class JobEnvironment:
    """What the jobs share in one process: the store, how mail is written, and where it goes."""

    store: Store
    mailing: Mailing
    transport_factory: Callable[[], Transport]
    actor: str = ACTOR
    # The consolidated reports' files for the closing emails of a step's cycles, and a report page's address.
    report_files: ReportFiles | None = None
    report_link: Callable[[int, str, datetime], str] | None = None

    @classmethod
    def from_settings(cls, settings: Settings, *, actor: str = ACTOR, store: Store | None = None) -> JobEnvironment:
        from sxsh_flow.engine.services.links import LinkSigner
        from sxsh_flow.engine.services.mailing import Mailing
        from sxsh_flow.notifications import EMAIL_WRITER

        secret = settings.secret_key()
        signer = LinkSigner(secret, settings.base_url)

        def report_link(run_id: int, cycle_label: str, now: datetime) -> str:
            from sxsh_flow.web.report_links import report_url

            return report_url(secret, settings.base_url, run_id, cycle_label, now=now)

        return cls(
            store=store or Store(settings.database_url, private_folders=settings.private_folders),
            mailing=Mailing(
                writer=EMAIL_WRITER,
                language=settings.language,
                sender_email=settings.mail_from,
                signer=signer,
                installation=settings.installation_id(),
            ),
            transport_factory=lambda: _transport(settings),
            actor=actor,
            report_files=_report_files,
            report_link=report_link,
        )


@dataclass(frozen=True)
class JobResult:
    """What a job did, in numbers a log line, a JSON document or a Prefect artifact can carry."""

    job: str
    at: datetime
    counts: Mapping[str, int] = field(default_factory=dict)
    problems: tuple[str, ...] = ()

    def describe(self) -> str:
        done = ", ".join(f"{key} {value}" for key, value in self.counts.items() if value) or "nothing to do"
        return f"{self.job} at {self.at.isoformat()}: {done}"

    def to_json(self) -> dict[str, Any]:
        return {
            "job": self.job,
            "at": self.at.isoformat(),
            "counts": dict(self.counts),
            "problems": list(self.problems),
        }

    def public_json(self) -> dict[str, Any]:
        """What anyone may see (/health): the counts, and how many problems, not what they say."""
        return {"job": self.job, "at": self.at.isoformat(), "counts": dict(self.counts), "problems": len(self.problems)}


def open_cycles(env: JobEnvironment, at: datetime, run_id: int | None = None) -> JobResult:
    """Open the cycles and task runs whose opening day has come; ask each agency to report."""
    from sxsh_flow.engine.services.notices import open_due

    with env.store.session() as session:
        summary = open_due(session, now=at, mailing=env.mailing, actor=env.actor, run_id=run_id)
    return _result("open_cycles", at, summary, opened_cycles=summary.opened_cycles, opened=summary.opened_task_runs)


def sweep(env: JobEnvironment, at: datetime, run_id: int | None = None) -> JobResult:
    """The daily sweep: reminders before the deadline, on the day, overdue notices and escalations."""
    from sxsh_flow.engine.services.notices import queue_reminders

    with env.store.session() as session:
        summary = queue_reminders(session, now=at, mailing=env.mailing, actor=env.actor, run_id=run_id)
    return _result("sweep", at, summary)


def close_cycles(env: JobEnvironment, at: datetime, run_id: int | None = None) -> JobResult:
    """Close the cycles whose collection has ended; the coordinator gets each one's final status and report."""
    from sxsh_flow.engine.services.cycles import close_due

    with env.store.session() as session:
        summary = close_due(
            session,
            now=at,
            mailing=env.mailing,
            actor=env.actor,
            run_id=run_id,
            report_files=env.report_files,
            report_link=env.report_link,
        )
    return _result(
        "close_cycles",
        at,
        summary,
        closed_cycles=len(summary.closed_cycles),
        completed_runs=len(summary.completed_runs),
    )


def send_digest(env: JobEnvironment, at: datetime, run_id: int | None = None) -> JobResult:
    """The coordinator's weekly digest of every run with a report overdue or due soon (``digest_horizon``)."""
    from sxsh_flow.engine.services.digest import queue_digest

    with env.store.session() as session:
        summary = queue_digest(session, now=at, mailing=env.mailing, actor=env.actor, run_id=run_id, weekly=True)
    return _result("digest", at, summary)


def dispatch_outbox(env: JobEnvironment, at: datetime, *, limit: int | None = None) -> JobResult:
    """Send what the outbox holds for ``at`` (inside office hours); failures wait for their backoff."""
    from sxsh_flow.notifications.dispatcher import dispatch

    transport = env.transport_factory()

    async def run() -> Any:
        try:
            return await dispatch(env.store, transport, FixedClock(at), limit=limit)
        finally:
            await transport.close()

    summary = asyncio.run(run())
    return JobResult(
        "dispatch",
        at,
        {"sent": summary.sent, "deferred": summary.deferred, "failed": summary.failed},
        tuple(summary.errors[:20]),
    )


# The order a day's jobs run in: a cycle opens before the sweep looks at it, and one that closes
# today is reported on before the sweep sends its overdue notices.
DAILY_JOBS: dict[str, Callable[[JobEnvironment, datetime, int | None], JobResult]] = {
    "open_cycles": open_cycles,
    "close_cycles": close_cycles,
    "sweep": sweep,
    "digest": send_digest,
}


def _result(job: str, at: datetime, summary: NoticeSummary, **counts: int) -> JobResult:
    return JobResult(
        job,
        at,
        {**counts, "queued": len(summary.queued), "already_queued": summary.already_queued},
        tuple(summary.problems),
    )


def _transport(settings: Settings) -> Transport:
    from sxsh_flow.notifications.transports import transport_for

    return transport_for(settings.smtp_url, settings.outbox_folder)


def _report_files(
    session: Session, cycles: Sequence[ClosingCycle], today: date
) -> dict[ClosingCycle, tuple[MailAttachment, ...]]:
    """The consolidated reports (.docx, .xlsx) for the closing emails of ``cycles``, built in this
    session and rendered in worker processes when there are several (``reports.rendering``); the
    renderers are imported only here."""
    from sxsh_flow.engine.message import MailAttachment
    from sxsh_flow.reports.collect import cycles_files

    files = cycles_files(session, cycles, today=today)
    return {key: tuple(MailAttachment(*file) for file in found) for key, found in files.items()}

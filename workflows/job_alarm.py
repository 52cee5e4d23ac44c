"""The coordinator's alarm: a scheduled job that fails is told once, not at every tick.

The scheduler retries a failed slot at every wake-up (each minute), and a job that fails for a
reason that does not go away (a figure the formatter refuses) fails at each of them. The alarm's
outbox key is the job and the day its failing began (``FailingJob.since``), per coordinator: the
outbox queues a key once, so the coordinator gets one email per failing streak of a job. A job
that runs again ends its streak; if it fails later, that is a new streak and a new email.

The email says which job, since when and how often it was tried, and where to look; not the
error itself, which may quote a figure or an address someone typed (it is in the ledger, which
``sxsh-flow status`` shows, and in the log).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from html import escape

from sxsh_flow.engine.clock import local_date
from sxsh_flow.engine.message import Address, RenderedMessage
from sxsh_flow.engine.services.mailing import RunMail, active_runs
from sxsh_flow.engine.services.outbox import OutgoingMessage, queue_messages, queued_keys
from sxsh_flow.engine.services.status import FailingJob, failing_jobs
from sxsh_flow.words import words
from sxsh_flow.workflows.jobs import JobEnvironment

KIND = "job_failing"


def warn_coordinators(env: JobEnvironment, job: str, *, now: datetime) -> int:
    """Queue the alarm about ``job`` for each active run's coordinator who has not had it; how many queued."""
    with env.store.session() as session:
        failing = next((found for found in failing_jobs(session) if found.job == job), None)
        if failing is None:
            return 0
        messages: dict[str, tuple[OutgoingMessage, RunMail]] = {}
        for run in active_runs(session):
            mail = RunMail(session, run, env.mailing, on=local_date(now))
            coordinator = mail.coordinator
            if coordinator is None or mail.lead is None:
                continue
            key = alarm_key(failing, coordinator)
            if key in messages:
                continue  # one coordinator of several runs: one email
            messages[key] = (_message(env, mail, failing, coordinator, key, now), mail)
        fresh = set(messages) - queued_keys(session, list(messages))
        for key in sorted(fresh):
            message, mail = messages[key]
            queue_messages(
                session, [message], compose=env.mailing.writer.compose, now=now, time=mail.time, actor=env.actor
            )
        return len(fresh)


def alarm_key(failing: FailingJob, coordinator: Address) -> str:
    person = hashlib.sha256(coordinator.email.lower().encode("utf-8")).hexdigest()[:16]
    return f"{KIND}:{failing.job}:{failing.since.isoformat()}:{person}"


def _message(
    env: JobEnvironment, mail: RunMail, failing: FailingJob, coordinator: Address, key: str, now: datetime
) -> OutgoingMessage:
    assert mail.lead is not None
    language = env.mailing.language
    said = words(language)
    subject = said.gettext("sxsh-flow: the scheduled job {job} is failing", job=failing.job)
    lines = [
        said.gettext("Dear {name},", name=coordinator.name),
        said.gettext(
            "The scheduled job {job} has failed since {since} (attempts: {attempts}, the last on {at}). "
            "It is tried again at every tick of the scheduler until it runs.",
            job=failing.job,
            since=said.date(failing.since),
            attempts=failing.attempts,
            at=said.date(local_date(failing.last_failed_at)),
        ),
        said.gettext("The error is in the server's log and in: sxsh-flow status"),
        said.gettext("This email is sent once per failing job; another follows only if it fails again later."),
    ]
    html = "".join(f"<p>{escape(line)}</p>" for line in lines)
    return OutgoingMessage(
        dedup_key=key,
        kind=KIND,
        plan_run_id=mail.run.id,
        agency_id=mail.lead.id,
        task_run_ids=(),
        message_id=env.mailing.writer.message_id(
            mail.domain, KIND, failing.job, failing.since.isoformat(), key.rpartition(":")[2]
        ),
        language=language,
        sender=mail.sender,
        to=(coordinator,),
        cc=(),
        rendered=RenderedMessage(subject=subject, text="\n\n".join(lines) + "\n", html=html),
        reason=f"{failing.job} failing since {failing.since.isoformat()}",
    )

"""``sxsh-flow simulate``: a whole plan replayed on a simulated clock, with agencies that answer.

Every day of the period, at the hours an office keeps:

- 08:00 the embedded scheduler's ``Runner`` runs the day's slots (open, close, sweep, digest), with
  the same ledger ``serve`` uses;
- 09:00 the coordinator reviews what came in before today: accepts it, or now and then returns it
  with a comment (the agency sends a new version two working days later);
- 10:00 agencies whose day has come answer through their own reply link, with a filled form;
- 16:00 the outbox is sent (to the .eml folder or the SMTP server of the settings).

Each agency's behaviour in a cycle comes from ``simulated_agencies``, seeded with (seed, agency,
cycle): the same seed gives the same run, whatever else changes in iteration order. Time is the
run's one ``TimePolicy``, built from the plan, as every service the simulation calls counts it.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from sxsh_flow.agencies.directory import ContactRole, Directory
from sxsh_flow.engine.calendar import WorkingCalendar
from sxsh_flow.engine.clock import VIETNAM, FixedClock
from sxsh_flow.engine.models import ContactRecord, OutboxMessage, PlanRun, ReportingCycle, Submission, TaskRun
from sxsh_flow.engine.plan_file import LoadedPlan
from sxsh_flow.engine.report_form import form_definition
from sxsh_flow.engine.services.agencies import ImportSummary
from sxsh_flow.engine.spec import PlanSpec
from sxsh_flow.engine.states import TASK_RUN_VOID, OutboxState, SubmissionState, TaskRunState
from sxsh_flow.engine.time_policy import TimePolicy
from sxsh_flow.workflows.idle_jobs import IdleJobs
from sxsh_flow.workflows.jobs import JobEnvironment, JobResult
from sxsh_flow.workflows.scheduler import Runner, Timetable
from sxsh_flow.workflows.simulated_agencies import RETURN_RATE, answer_day, behaviour_of, form_data
from sxsh_flow.workflows.simulated_durability import commits_without_sync, writes_without_sync
from sxsh_flow.workflows.simulation_summary import CycleOutcome as CycleOutcome
from sxsh_flow.workflows.simulation_summary import SimulationSummary as SimulationSummary

REVIEW_HOUR, ANSWER_HOUR, DISPATCH_HOUR = time(9, 0), time(10, 0), time(16, 0)
ACTOR = "simulation"
NUDGE_KINDS = ("reminder", "due_today", "overdue", "escalation")


@dataclass(frozen=True)
class DayDone:
    """Progress after one simulated day."""

    day: date
    index: int
    total: int
    sent: int
    submissions: int


class Simulation:
    """One simulated run of a plan; ``run()`` goes day by day and returns the summary."""

    def __init__(
        self,
        env: JobEnvironment,
        plan: LoadedPlan,
        *,
        province: str,
        seed: int,
        attachments_folder: Path,
        until: date | None = None,
        calendar: WorkingCalendar | None = None,
        directories: Sequence[Directory] = (),
    ) -> None:
        from sxsh_flow.engine.services.start import replay_date

        # Its .eml files, like its commits (``run``), do not wait for the disk: ``simulated_durability``.
        self.env = replace(env, transport_factory=writes_without_sync(env.transport_factory))
        self.plan, self.province, self.seed = plan, province, seed
        self.attachments_folder = attachments_folder
        self.directories = tuple(directories)  # imported as the run starts, in its transaction
        self.imported: list[ImportSummary] = []
        # The run's one time policy, built once from the plan: its calendar, unit of days, office hours.
        self.time = TimePolicy.for_plan(plan.spec, calendar=calendar)
        self.calendar = self.time.calendar
        self.first_day = replay_date(plan.spec)
        self.until = until
        self.clock = FixedClock(self._at(self.first_day, time(8, 0)))
        # Most days no job has anything to do: asking costs a query, running one a whole step.
        self.runner = Runner(
            self.env,
            self.clock,
            Timetable(calendar=self.calendar),
            owner=ACTOR,
            since=self.clock.now(),
            idle=IdleJobs(),
        )
        self.answers: dict[int, date] = {}  # task run -> the day its agency answers
        self.planned: set[int] = set()
        self.sent = 0
        self.submissions = 0
        self.returned = 0

    def run(self, progress: Callable[[DayDone], None] | None = None) -> SimulationSummary:
        with commits_without_sync(self.env.store):
            run_id, last_day = self._start()
            days = list(_days(self.first_day, last_day))
            for index, day in enumerate(days, start=1):
                self._live(day)
                if progress is not None:
                    progress(DayDone(day, index, len(days), self.sent, self.submissions))
            return self._summary(run_id, last_day)

    def _start(self) -> tuple[int, date]:
        from sxsh_flow.engine.services.agencies import import_directory
        from sxsh_flow.engine.services.start import start_and_announce

        now = self.clock.now()
        with self.env.store.session() as session:
            self.imported = [import_directory(session, directory, now=now) for directory in self.directories]
            begun = start_and_announce(
                session, self.plan, self.province, now=now, mailing=self.env.mailing, actor=ACTOR
            )
            run_id = begun.started.run_id
            # The run's snapshot of the plan, as the services read it; it never changes.
            self.spec = PlanSpec.model_validate(session.get_one(PlanRun, run_id).spec)
            last_close = max(
                session.scalars(select(ReportingCycle.closes_on).where(ReportingCycle.plan_run_id == run_id))
            )
        self.run_id = run_id
        # A week past the last closing: the final consolidation has gone out, late stragglers too.
        return run_id, self.until or last_close + timedelta(days=7)

    def _live(self, day: date) -> None:
        self.clock.instant = self._at(day, time(8, 0))
        self.runner.run_due()
        working = self.time.is_working_day(day)
        if working:
            self.clock.instant = self._at(day, REVIEW_HOUR)
            self._review(day)
            self.clock.instant = self._at(day, ANSWER_HOUR)
            self._answer(day)
            self.clock.instant = self._at(day, DISPATCH_HOUR)
            result: JobResult = self.runner.dispatch()
            self.sent += result.counts.get("sent", 0)

    def _plan_answers(self, session: Session, spec: PlanSpec) -> None:
        """Give each task run that has opened since yesterday the day its agency will answer."""
        rows = session.execute(
            select(
                TaskRun.id,
                TaskRun.agency_code,
                TaskRun.task_key,
                TaskRun.due_on,
                TaskRun.opens_on,
                ReportingCycle.label,
            )
            .join(ReportingCycle, TaskRun.cycle_id == ReportingCycle.id)
            .where(TaskRun.plan_run_id == self.run_id, TaskRun.state == TaskRunState.OPEN)
        ).all()
        for task_run_id, agency_code, task_key, due_on, opens_on, label in rows:
            if task_run_id in self.planned:
                continue
            self.planned.add(task_run_id)
            rng = random.Random(f"{self.seed}:answer:{agency_code}:{label}:{task_key}")
            day = answer_day(
                behaviour_of(self.seed, agency_code, label),
                rng,
                opened_on=max(opens_on, self.first_day),
                due_on=due_on,
                policy=spec.reminders,
                time=self.time,
            )
            if day is not None:
                self.answers[task_run_id] = day

    def _answer(self, day: date) -> None:
        from sxsh_flow.engine.services.links import issue_link, resolve
        from sxsh_flow.engine.services.submissions import save_report

        signer = self.env.mailing.signer
        assert signer is not None, "the simulation answers through reply links: the mailing needs a signer"
        now = self.clock.now()
        spec = self.spec
        with self.env.store.session() as session:
            self._plan_answers(session, spec)
            due_today = sorted(task_run_id for task_run_id, answer in self.answers.items() if answer <= day)
            for task_run_id in due_today:
                task_run = session.get_one(TaskRun, task_run_id)
                del self.answers[task_run_id]
                if not task_run.state.awaits_report:
                    continue
                contact = _reporter(session, task_run)
                if contact is None:
                    continue
                # The link the agency's emails carry: issue_link hands back the one already issued.
                access = resolve(
                    session, signer, signer.token(issue_link(session, task_run, contact, now=now, actor=ACTOR)), now=now
                )
                if access is None:
                    continue
                version = (
                    session.scalar(
                        select(Submission.version)
                        .where(Submission.task_run_id == task_run_id)
                        .order_by(Submission.version.desc())
                        .limit(1)
                    )
                    or 0
                )
                rng = random.Random(
                    f"{self.seed}:form:{task_run.agency_code}:{task_run.cycle.label}:{task_run.task_key}:{version}"
                )
                definition = form_definition(spec, spec.task(task_run.task_key))
                cycle = task_run.cycle
                data = form_data(
                    definition,
                    rng,
                    year_index=cycle.year - spec.period.first_year,
                    covers=(cycle.cutoff_start, cycle.cutoff_end),
                )
                saved = save_report(
                    session,
                    access,
                    data,
                    [],
                    submit=True,
                    form_nonce=f"simulation-{task_run_id}-{version + 1}",
                    now=now,
                    attachments_folder=self.attachments_folder,
                    mailing=self.env.mailing,
                )
                if saved.submitted:
                    self.submissions += 1

    def _review(self, day: date) -> None:
        from sxsh_flow.engine.services.submissions import review_submission

        now = self.clock.now()
        start_of_day = self._at(day, time(0, 0))
        with self.env.store.session() as session:
            waiting = session.scalars(
                select(Submission)
                .join(TaskRun, Submission.task_run_id == TaskRun.id)
                .where(
                    TaskRun.plan_run_id == self.run_id,
                    Submission.state == SubmissionState.SUBMITTED,
                    Submission.submitted_at < start_of_day,
                )
                .order_by(Submission.id)
            ).all()
            for submission in waiting:
                rng = random.Random(f"{self.seed}:review:{submission.task_run_id}:{submission.version}")
                send_back = submission.version == 1 and rng.random() < RETURN_RATE
                review_submission(
                    session,
                    submission.id,
                    accept=not send_back,
                    comment="Đề nghị bổ sung số liệu kinh phí và danh sách doanh nghiệp tham gia." if send_back else "",
                    now=now,
                    actor="coordinator:simulation",
                    mailing=self.env.mailing,
                    signer=self.env.mailing.signer,
                )
                if send_back:
                    self.returned += 1
                    self.answers[submission.task_run_id] = self.calendar.add_working_days(day, 2)

    def _summary(self, run_id: int, last_day: date) -> SimulationSummary:
        from sxsh_flow.engine.services.digest import first_submissions

        with self.env.store.session() as session:
            run = session.get_one(PlanRun, run_id)
            cycles = list(
                session.scalars(
                    select(ReportingCycle).where(ReportingCycle.plan_run_id == run_id).order_by(ReportingCycle.due_on)
                )
            )
            task_runs = list(
                session.scalars(
                    select(TaskRun).where(TaskRun.plan_run_id == run_id, TaskRun.state.not_in(TASK_RUN_VOID))
                )
            )
            first_in = first_submissions(session, [t.id for t in task_runs])
            cycle_of = {t.id: t.cycle_id for t in task_runs}
            outcomes = {cycle.id: CycleOutcome(cycle.label) for cycle in cycles}
            never: dict[int, set[str]] = defaultdict(set)
            for task_run in task_runs:
                if task_run.opens_on > last_day:
                    continue  # not asked yet when the simulation stopped
                outcome = outcomes[task_run.cycle_id]
                outcome.expected += 1
                submitted = first_in.get(task_run.id)
                if submitted is not None:
                    on_time = submitted.astimezone(VIETNAM).date() <= task_run.effective_due_on
                    outcome.on_time += on_time
                    outcome.late += not on_time
                elif task_run.effective_due_on < last_day:
                    outcome.missing += 1
                    never[task_run.cycle_id].add(task_run.agency_code)
            sent = Counter[str]()
            for kind, task_run_ids in session.execute(
                select(OutboxMessage.kind, OutboxMessage.task_run_ids).where(
                    OutboxMessage.plan_run_id == run_id, OutboxMessage.state == OutboxState.SENT
                )
            ).tuples():
                sent[kind] += 1
                if kind in NUDGE_KINDS and task_run_ids and task_run_ids[0] in cycle_of:
                    outcomes[cycle_of[task_run_ids[0]]].nudges_sent += 1
            for cycle_id, codes in never.items():
                outcomes[cycle_id].never_reported = sorted(codes)
            return SimulationSummary(
                run_id=run_id,
                plan_key=run.plan_key,
                province=run.province_code,
                seed=self.seed,
                first_day=self.first_day,
                last_day=last_day,
                cycles=[outcomes[cycle.id] for cycle in cycles if outcomes[cycle.id].expected],
                messages_sent=dict(sent),
                submissions=self.submissions,
                returned=self.returned,
                run_state=run.state.value,
            )

    @staticmethod
    def _at(day: date, hour: time) -> datetime:
        return datetime.combine(day, hour, tzinfo=VIETNAM)


def _reporter(session: Session, task_run: TaskRun) -> ContactRecord | None:
    """Who in the agency fills the report: its focal point, else its head."""
    contacts = session.scalars(
        select(ContactRecord).where(ContactRecord.agency_id == task_run.agency_id, ContactRecord.active.is_(True))
    ).all()
    for role in (ContactRole.FOCAL_POINT, ContactRole.HEAD):
        for contact in contacts:
            if contact.role == role.value:
                return contact
    return None


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)

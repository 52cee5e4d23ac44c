"""Build a run's consolidated report from the database: one cycle, or every cycle up to one.

Which figures count, per task run: the accepted version; before the coordinator has reviewed it,
the latest version sent (the report says how many such figures are not yet reviewed, so nobody
waits for every review to see the numbers). A returned version never counts, and neither do
drafts. Lateness is judged on the first version sent: an agency that reported on time and was asked
for a correction did not report late.

Left out: cancelled task runs, and the reports the lead agency sends upward (a task whose recipient
is not the plan's lead, such as Sở Công Thương's own consolidated report to UBND tỉnh): that report
is what this builds, and counting its figures would count every figure twice. It is counted apart
(``engine.report_counts``, the count ``status`` and the closing email use), and the report says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from sxsh_flow.agencies.directory import Province
from sxsh_flow.agencies.kinds import ProvinceKind
from sxsh_flow.engine.clock import local_date
from sxsh_flow.engine.duties import duty_day, lead_holder
from sxsh_flow.engine.legal_basis import in_force
from sxsh_flow.engine.message import LegalReference
from sxsh_flow.engine.models import (
    AgencyRecord,
    ContactRecord,
    PlanRun,
    ReportingCycle,
    Submission,
    TaskRun,
)
from sxsh_flow.engine.report_counts import count_reports, upward_tasks
from sxsh_flow.engine.services.agencies import succession_registry
from sxsh_flow.engine.spec import PlanSpec
from sxsh_flow.engine.states import TASK_RUN_VOID, CycleState, SubmissionState
from sxsh_flow.engine.time_policy import TimePolicy
from sxsh_flow.errors import UnknownCycle, UnknownRun
from sxsh_flow.reports.decree30 import NUMBER_BLANK
from sxsh_flow.reports.model import ConsolidatedReport, DocumentHeader
from sxsh_flow.reports.rendering import DOCX_TYPE, XLSX_TYPE, ReportFile, render_files, render_many
from sxsh_flow.reports.sums import (
    Duty,
    enterprises,
    funding,
    indicator_results,
    late_units,
    texts,
    timeliness,
    work_volume,
)
from sxsh_flow.words import Words, words

__all__ = ["DOCX_TYPE", "XLSX_TYPE", "build_report", "cycles_files", "report_files"]


def build_report(
    session: Session, run_id: int, *, cycle_label: str, cumulative: bool, today: date, language: str = "vi"
) -> ConsolidatedReport:
    """The report of ``cycle_label`` (or, ``cumulative``, of every cycle up to it) as of ``today``.

    Raises ``UnknownRun`` and ``UnknownCycle``. ``today`` decides who is missing (deadline passed,
    nothing sent) and is the date the document bears. ``language`` is the language of the body and
    the tables; the Decree 30 header stays Vietnamese, as the document it heads.
    """
    run = session.get(PlanRun, run_id)
    if run is None:
        raise UnknownRun(str(run_id))
    spec = PlanSpec.model_validate(run.spec)
    cycles = sorted(
        (c for c in run.cycles if c.state not in (CycleState.CANCELLED, CycleState.NOT_COLLECTED)),
        key=lambda c: (c.due_on, c.cadence, c.label),
    )
    chosen = next((c for c in cycles if c.label == cycle_label), None)
    if chosen is None:
        raise UnknownCycle(run_id, cycle_label, [c.label for c in cycles])
    history = [c for c in cycles if c.due_on <= chosen.due_on]
    covered = history if cumulative else [chosen]
    final = cumulative and chosen is cycles[-1]
    duties = _duties(session, run, spec, history)
    covered_labels = {c.label for c in covered}
    in_scope = [d for d in duties if d.cycle_label in covered_labels]
    w = words(language)
    by_agency, total = funding(in_scope, total_label=w.gettext("Total"))
    years = tuple(sorted({c.year for c in covered}))
    whole_plan = _whole_plan(spec, covered, cumulative=cumulative, final=final)
    province, lead = _holding(session, run, spec, covered[-1])
    # One count with the closing email and ``status`` (engine.report_counts), the lead's own report apart.
    counts = count_reports(
        session.scalars(select(TaskRun).where(TaskRun.cycle_id.in_([c.id for c in covered]))), upward_tasks(spec)
    )
    counted_pending = sum(1 for d in in_scope if d.counted and not d.reviewed)
    # Sent, yet nothing counts: every version sent was returned and no new one has come.
    returned = sum(1 for d in in_scope if d.submitted_on is not None and not d.counted)
    return ConsolidatedReport(
        run_id=run.id,
        plan_key=run.plan_key,
        plan_title=_one_line(spec.title),
        legal_basis=_legal_basis(spec, w, today),
        scope="cumulative" if cumulative else "cycle",
        cycle_labels=tuple(c.label for c in covered),
        years=years,
        period_start=min(c.cutoff_start for c in covered),
        period_end=max(c.cutoff_end for c in covered),
        header=_header(session, province, spec, lead, today=today, covered=covered, whole_plan=whole_plan),
        indicators=indicator_results(
            spec,
            in_scope,
            cumulative=cumulative,
            final=final,
            years=len(years),
            year=chosen.year,
            closes_year=chosen is [c for c in cycles if c.year == chosen.year][-1],
        ),
        work_volume=work_volume(spec, in_scope),
        funding_by_agency=by_agency,
        funding_total=total,
        texts=texts(in_scope),
        late_units=late_units(in_scope, today=today, time=TimePolicy.for_plan(spec)),
        enterprises=enterprises(in_scope, language=language),
        timeliness=timeliness(duties, [c.label for c in history], today=today),
        reports_expected=counts.expected,
        reports_received=counts.received,
        upward_expected=counts.upward_expected,
        upward_received=counts.upward_received,
        upward_to=_upward_to(session, run, spec, province),
        notes=_notes(w, pending=counted_pending, returned=returned, cumulative=cumulative, final=final),
        reports_pending_review=counted_pending,
        final=final,
        period_label=_period_label(w, covered, whole_plan=whole_plan),
        language=language,
        lead_name=lead.display_name if lead is not None else spec.lead,
    )


def report_files(session: Session, run_id: int, cycle_label: str, *, today: date) -> list[ReportFile]:
    """The Word and Excel files of one cycle's report, for the email sent when the cycle closes.

    Each is (file name, MIME type, content).
    """
    return render_files(build_report(session, run_id, cycle_label=cycle_label, cumulative=False, today=today))


def cycles_files(
    session: Session, cycles: Sequence[tuple[int, str]], *, today: date
) -> dict[tuple[int, str], list[ReportFile]]:
    """``report_files`` of several (run, cycle label) pairs: each report built here, in turn, and
    rendered in a worker process as soon as it is built (``reports.rendering``)."""

    def built() -> Iterator[ConsolidatedReport]:
        for run_id, label in cycles:
            yield build_report(session, run_id, cycle_label=label, cumulative=False, today=today)

    return dict(zip(cycles, render_many(built(), len(cycles)), strict=True))


def _duties(session: Session, run: PlanRun, spec: PlanSpec, cycles: Sequence[ReportingCycle]) -> list[Duty]:
    """Every task run of ``cycles`` owed to the lead, in cycle, directory and plan order."""
    cycle_order = {cycle.id: index for index, cycle in enumerate(cycles)}
    task_order = {task.key: index for index, task in enumerate(spec.tasks)}
    upward = upward_tasks(spec)
    rows = session.execute(
        select(TaskRun, AgencyRecord.position)
        .join(AgencyRecord, TaskRun.agency_id == AgencyRecord.id)
        .where(
            TaskRun.plan_run_id == run.id,
            TaskRun.cycle_id.in_(list(cycle_order)),
            TaskRun.state.not_in(TASK_RUN_VOID),
        )
    ).tuples()
    task_runs = sorted(
        ((task_run, position) for task_run, position in rows if task_run.task_key not in upward),
        key=lambda row: (cycle_order[row[0].cycle_id], row[1], row[0].agency_code, task_order.get(row[0].task_key, 0)),
    )
    versions: dict[int, list[Submission]] = {}
    for submission in session.scalars(
        select(Submission)
        .where(
            Submission.task_run_id.in_([task_run.id for task_run, _ in task_runs]),
            Submission.state != SubmissionState.DRAFT,
        )
        .order_by(Submission.task_run_id, Submission.version)
    ):
        versions.setdefault(submission.task_run_id, []).append(submission)
    cycles_by_id = {cycle.id: cycle for cycle in cycles}
    duties = []
    for task_run, _ in task_runs:
        sent = versions.get(task_run.id, [])
        counted = _counted_version(sent)
        first = min((v.submitted_at for v in sent if v.submitted_at is not None), default=None)
        cycle = cycles_by_id[task_run.cycle_id]
        duties.append(
            Duty(
                cycle_label=cycle.label,
                year=cycle.year,
                task_key=task_run.task_key,
                task_title=task_run.task_title,
                agency_code=task_run.agency_code,
                agency_name=task_run.agency_name,
                due_on=task_run.effective_due_on,
                submitted_on=local_date(first) if first is not None else None,
                values=dict(counted.values) if counted is not None else None,
                reviewed=counted is None or counted.state is SubmissionState.ACCEPTED,
            )
        )
    return duties


def _counted_version(sent: Sequence[Submission]) -> Submission | None:
    accepted = [v for v in sent if v.state is SubmissionState.ACCEPTED]
    if accepted:
        return accepted[-1]
    awaiting = [v for v in sent if v.state is SubmissionState.SUBMITTED]
    return awaiting[-1] if awaiting else None


def _header(
    session: Session,
    province: Province,
    spec: PlanSpec,
    lead: AgencyRecord | None,
    *,
    today: date,
    covered: Sequence[ReportingCycle],
    whole_plan: bool,
) -> DocumentHeader:
    """The Decree 30 header, in Vietnamese whatever the report's language."""
    vi = words("vi")
    city = province.kind is ProvinceKind.CITY
    lead_code = lead.code if lead is not None else spec.lead
    head = None
    if lead is not None:
        head = session.scalars(
            select(ContactRecord)
            .where(ContactRecord.agency_id == lead.id, ContactRecord.role == "head", ContactRecord.active.is_(True))
            .order_by(ContactRecord.id)
        ).first()
    title = _one_line(spec.title)
    # "Kế hoạch ... giai đoạn 2016 - 2020" already names the whole period: do not say it twice.
    names_period = re.search(rf"{spec.period.first_year}\s*[-–]\s*{spec.period.last_year}", title)
    subtitle = vi.gettext("Results of {title}", title=title)
    if not (whole_plan and names_period):
        subtitle += f" {_period_label(vi, covered, whole_plan=whole_plan)}"
    return DocumentHeader(
        superior_body=(
            vi.gettext("PEOPLE'S COMMITTEE OF {province} CITY", province=province.name.upper())
            if city
            else vi.gettext("PEOPLE'S COMMITTEE OF {province} PROVINCE", province=province.name.upper())
        ),
        issuing_body=(lead.display_name if lead is not None else lead_code).upper(),
        # The number is given by the clerk when the report is registered; the blank is where it goes.
        number_symbol=f"Số:{NUMBER_BLANK}/BC-{lead_code}",
        place=province.name,
        issued_on=today,
        title=vi.gettext("REPORT"),
        subtitle=subtitle,
        recipients=(
            vi.gettext("Ministry of Industry and Trade;"),
            vi.gettext("City People's Committee;") if city else vi.gettext("Provincial People's Committee;"),
            vi.gettext("Filed: clerical office, {lead}.", lead=lead_code),
        ),
        signer_title=_signer_title(head.title if head is not None else "", vi),
        signer_name=head.name if head is not None else "",
    )


def _holding(
    session: Session, run: PlanRun, spec: PlanSpec, last: ReportingCycle
) -> tuple[Province, AgencyRecord | None]:
    """The province and lead agency that held the run for ``last`` (the report's latest cycle).

    A report keeps the names of its own time: Hải Dương's 2024 report is "UBND TỈNH HẢI DƯƠNG" even
    when printed in 2026; the 2025 one, due after the merger, is Hải Phòng's.
    """
    day = duty_day(last.cutoff_end, last.due_on)
    registry = succession_registry(session, run.province_code, spec.lead)
    province = registry.province_on(run.province_code, day)
    holder = lead_holder(spec, registry, run.province_code, day)
    if holder is None:  # the plan names its lead by kind, or the directory lacks it
        return province, None
    lead = session.scalars(
        select(AgencyRecord).where(
            AgencyRecord.province_code == holder.province, AgencyRecord.code == holder.agency.code
        )
    ).first()
    return province, lead


def _signer_title(title: str, vi: Words) -> str:
    """ "Giám đốc Sở" → "GIÁM ĐỐC": the signature block names the office; the body is in the header."""
    office = re.sub(r"\s+SỞ$", "", title.strip().upper())
    return office or vi.gettext("DIRECTOR")


def _whole_plan(spec: PlanSpec, covered: Sequence[ReportingCycle], *, cumulative: bool, final: bool) -> bool:
    """A cumulative report through the plan's last cycle that covers every year of it."""
    first, last = covered[0].year, covered[-1].year
    whole = first == spec.period.first_year and last == spec.period.last_year
    return cumulative and final and len(covered) > 1 and whole


def _period_label(w: Words, covered: Sequence[ReportingCycle], *, whole_plan: bool) -> str:
    """The period in words: "năm 2017", "giai đoạn 2016 - 2020", "từ năm 2016 đến năm 2018"."""
    if len(covered) == 1:
        return w.cycle_name(covered[-1].label)
    first, last = covered[0].year, covered[-1].year
    if whole_plan:
        return w.gettext("the {first} - {last} period", first=first, last=last)
    return w.gettext("{first} to {last}", first=first, last=last)


def _upward_to(session: Session, run: PlanRun, spec: PlanSpec, province: Province) -> str:
    """Whom the lead's own report goes to ("UBND tỉnh"), by the directory's name for it."""
    upward = upward_tasks(spec)
    codes = sorted({spec.recipient_of(task) for task in spec.tasks if task.key in upward})
    names = {
        agency.code: agency.display_name
        for agency in session.scalars(
            select(AgencyRecord).where(
                AgencyRecord.code.in_(codes), AgencyRecord.province_code.in_({run.province_code, province.code})
            )
        )
    }
    return ", ".join(names.get(code, code) for code in codes)


def _legal_basis(spec: PlanSpec, w: Words, issued_on: date) -> tuple[str, ...]:
    """The instruments the report cites: those issued by its date (engine.legal_basis)."""
    lines = []
    for document in in_force(spec.legal_basis, issued_on):
        reference = w.legal_reference(LegalReference(document.number, document.date, document.issuer, document.title))
        title = _one_line(document.title)
        if title:
            reference += f", {title}" if w.english else f" {title[0].lower()}{title[1:]}"
        lines.append(reference)
    return tuple(lines)


def _notes(w: Words, *, pending: int, returned: int, cumulative: bool, final: bool) -> tuple[str, ...]:
    notes = []
    if pending:
        notes.append(
            w.ngettext(
                "{count} report is counted though not yet reviewed by the coordinator.",
                "{count} reports are counted though not yet reviewed by the coordinator.",
                pending,
            )
        )
    if returned:
        notes.append(
            w.ngettext(
                "{count} report was returned for correction and is not counted until sent again.",
                "{count} reports were returned for correction and are not counted until sent again.",
                returned,
            )
        )
    if not cumulative:
        notes.append(w.gettext("Targets for the whole plan period (totals) are judged in the cumulative report."))
    elif not final:
        notes.append(w.gettext("Totals not yet reached are in progress: the plan period is not over."))
    return tuple(notes)


def _one_line(text: str) -> str:
    return " ".join(text.split())

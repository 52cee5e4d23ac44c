"""The national fixture: 34 provinces after the 2025 reform, one plan run each, built through the engine.

What a ministry's deployment would hold in 2026: the 34 province-level units formed on 01/07/2025
(their names are real; their codes here are this fixture's, not an official list), each with its
People's Committee, its departments and boards (20 agencies) and about 100 communes and wards that
report straight to the province, one focal point each. Every directory goes in through
``import_directory`` and every plan through ``start_and_announce``, as ``sxsh-flow agencies import``
and ``sxsh-flow start`` write them.

The plan is the built-in ``plan-2021-2030``, the programme in force (Decision 889/QĐ-TTg): the
2016–2020 strategy ended before the reform and never had commune-level agencies. Started on
05/01/2026, its 2021–2025 cycles are behind it (recorded as not collected) and five live cycles
remain, 2026–2030. Each province gets the plan as it would adopt it after the reform, in the plan's
own words (``selector_changes``): the departments merged on 01/03/2025 (Sở Tài nguyên và Môi
trường → Sở Nông nghiệp và Môi trường, Sở Kế hoạch và Đầu tư → Sở Tài chính) and the districts'
duty carried by the communes from 01/07/2025, since these directories begin after the reform and
hold no ended agency to follow as a successor.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import select

from sxsh_flow.agencies.directory import Agency, Contact, ContactRole, Directory, Province
from sxsh_flow.agencies.kinds import AgencyKind, ProvinceKind
from sxsh_flow.engine.calendar import WorkingCalendar
from sxsh_flow.engine.clock import VIETNAM
from sxsh_flow.engine.models import ContactRecord, ReportingCycle, TaskRun
from sxsh_flow.engine.plan_file import LoadedPlan, content_hash
from sxsh_flow.engine.report_form import form_definition
from sxsh_flow.engine.spec import PlanSpec
from sxsh_flow.engine.states import TaskRunState
from sxsh_flow.workflows import load_builtin_plan
from sxsh_flow.workflows.jobs import JobEnvironment
from sxsh_flow.workflows.simulated_agencies import form_data

Say = Callable[[str], None]

PLAN_KEY = "plan-2021-2030"
STARTED_ON = date(2026, 1, 5)  # a Monday after the 2025 cycle closed: five cycles left, 2026–2030
FIRST_CYCLE = 2026
COMMUNES = 100
# One commune in ten does not report in the cycle that is closed, so the consolidation lists who is missing.
SILENT_EVERY = 10

# The 34 province-level units from 01/07/2025 (six cities under central authority, 28 provinces).
PROVINCES: tuple[tuple[str, str, ProvinceKind], ...] = (
    ("HN", "Hà Nội", ProvinceKind.CITY),
    ("HUE", "Huế", ProvinceKind.CITY),
    ("HP", "Hải Phòng", ProvinceKind.CITY),
    ("DNG", "Đà Nẵng", ProvinceKind.CITY),
    ("HCM", "Hồ Chí Minh", ProvinceKind.CITY),
    ("CT", "Cần Thơ", ProvinceKind.CITY),
    ("CB", "Cao Bằng", ProvinceKind.PROVINCE),
    ("DB", "Điện Biên", ProvinceKind.PROVINCE),
    ("LCH", "Lai Châu", ProvinceKind.PROVINCE),
    ("SL", "Sơn La", ProvinceKind.PROVINCE),
    ("LS", "Lạng Sơn", ProvinceKind.PROVINCE),
    ("QNI", "Quảng Ninh", ProvinceKind.PROVINCE),
    ("TH", "Thanh Hóa", ProvinceKind.PROVINCE),
    ("NA", "Nghệ An", ProvinceKind.PROVINCE),
    ("HT", "Hà Tĩnh", ProvinceKind.PROVINCE),
    ("TQ", "Tuyên Quang", ProvinceKind.PROVINCE),
    ("LCI", "Lào Cai", ProvinceKind.PROVINCE),
    ("TN", "Thái Nguyên", ProvinceKind.PROVINCE),
    ("PT", "Phú Thọ", ProvinceKind.PROVINCE),
    ("BN", "Bắc Ninh", ProvinceKind.PROVINCE),
    ("HY", "Hưng Yên", ProvinceKind.PROVINCE),
    ("NB", "Ninh Bình", ProvinceKind.PROVINCE),
    ("QT", "Quảng Trị", ProvinceKind.PROVINCE),
    ("QNG", "Quảng Ngãi", ProvinceKind.PROVINCE),
    ("GL", "Gia Lai", ProvinceKind.PROVINCE),
    ("KH", "Khánh Hòa", ProvinceKind.PROVINCE),
    ("LD", "Lâm Đồng", ProvinceKind.PROVINCE),
    ("DL", "Đắk Lắk", ProvinceKind.PROVINCE),
    ("DNI", "Đồng Nai", ProvinceKind.PROVINCE),
    ("TNI", "Tây Ninh", ProvinceKind.PROVINCE),
    ("VL", "Vĩnh Long", ProvinceKind.PROVINCE),
    ("DT", "Đồng Tháp", ProvinceKind.PROVINCE),
    ("CM", "Cà Mau", ProvinceKind.PROVINCE),
    ("AG", "An Giang", ProvinceKind.PROVINCE),
)

# A province's People's Committee, its departments after 01/03/2025, and the boards and centres a plan
# names: twenty agencies. (code, name without the province, kind)
PROVINCIAL_AGENCIES: tuple[tuple[str, str, AgencyKind], ...] = (
    ("UBND", "Ủy ban nhân dân", AgencyKind.PROVINCIAL_COMMITTEE),
    ("VP", "Văn phòng Ủy ban nhân dân", AgencyKind.DEPARTMENT),
    ("SCT", "Sở Công Thương", AgencyKind.DEPARTMENT),
    ("SKHCN", "Sở Khoa học và Công nghệ", AgencyKind.DEPARTMENT),
    ("STC", "Sở Tài chính", AgencyKind.DEPARTMENT),
    ("SNNMT", "Sở Nông nghiệp và Môi trường", AgencyKind.DEPARTMENT),
    ("SXD", "Sở Xây dựng", AgencyKind.DEPARTMENT),
    ("SNV", "Sở Nội vụ", AgencyKind.DEPARTMENT),
    ("STP", "Sở Tư pháp", AgencyKind.DEPARTMENT),
    ("SGDDT", "Sở Giáo dục và Đào tạo", AgencyKind.DEPARTMENT),
    ("SYT", "Sở Y tế", AgencyKind.DEPARTMENT),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", AgencyKind.DEPARTMENT),
    ("SDTTG", "Sở Dân tộc và Tôn giáo", AgencyKind.DEPARTMENT),
    ("TTRA", "Thanh tra", AgencyKind.DEPARTMENT),
    ("BQLKCN", "Ban Quản lý các khu công nghiệp", AgencyKind.INDUSTRIAL_ZONE_BOARD),
    ("TTKC", "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp", AgencyKind.CENTER),
    ("TTXTDT", "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch", AgencyKind.CENTER),
    ("TTQTMT", "Trung tâm Quan trắc tài nguyên và môi trường", AgencyKind.CENTER),
    ("TTKN", "Trung tâm Khuyến nông", AgencyKind.CENTER),
    ("BQLDA", "Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp", AgencyKind.CENTER),
)


def directory_of(code: str, name: str, kind: ProvinceKind, communes: int = COMMUNES) -> Directory:
    """One province's directory from 01/07/2025: its provincial agencies and ``communes`` communes and wards."""
    domain = f"{code.lower()}.bench.example"
    where = f"thành phố {name}" if kind is ProvinceKind.CITY else f"tỉnh {name}"

    def agency(agency_code: str, full_name: str, agency_kind: AgencyKind, mailbox: str) -> Agency:
        contact = Contact(name=f"Đầu mối {full_name}", email=f"{mailbox}@{domain}", role=ContactRole.FOCAL_POINT)
        return Agency(
            code=agency_code, name=full_name, kind=agency_kind, valid_from=date(2025, 7, 1), contacts=(contact,)
        )

    agencies = [agency(c, f"{n} {where}", k, c.lower()) for c, n, k in PROVINCIAL_AGENCIES]
    for number in range(1, communes + 1):
        ward = number % 3 == 0  # about a third are wards (phường), the rest communes (xã)
        label = "phường" if ward else "xã"
        agencies.append(
            agency(
                f"UBND-{'P' if ward else 'X'}-{number:03d}",
                f"Ủy ban nhân dân {label} số {number}",
                AgencyKind.COMMUNE,
                f"xa{number:03d}",
            )
        )
    return Directory(Province(code=code, name=name, kind=kind, valid_from=date(2025, 7, 1)), tuple(agencies))


def plan_for(province_name: str, cycles: int = 5) -> LoadedPlan:
    """``plan-2021-2030`` as a province adopts it after the reform; ``cycles`` < 5 ends it earlier (tests)."""
    builtin = load_builtin_plan(PLAN_KEY)
    spec = builtin.spec
    changes = [
        {"selector": "STNMT", "since": "2025-03-01", "becomes": "SNNMT"},
        {"selector": "SKHDT", "since": "2025-03-01", "becomes": "STC"},
        {"selector": "kind:district", "since": "2025-07-01", "becomes": "kind:commune"},
    ]
    document = spec.model_dump(mode="json")
    document["title"] = spec.title.replace("tỉnh Hải Dương", province_name)
    document["selector_changes"] = changes
    document["period"]["last_year"] = FIRST_CYCLE + cycles - 1
    adopted = PlanSpec.model_validate(document)
    return LoadedPlan(adopted, f"{builtin.source} (fixture: {province_name})", content_hash(adopted))


def at(day: date, hour: int = 8) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=VIETNAM)


def build(env: JobEnvironment, say: Say, *, communes: int = COMMUNES, cycles: int = 5) -> list[int]:
    """Import the 34 directories and start the plan in each province; returns the run ids, in order."""
    from sxsh_flow.engine.services.agencies import import_directory
    from sxsh_flow.engine.services.start import start_and_announce

    now = at(STARTED_ON)
    run_ids = []
    for index, (code, name, kind) in enumerate(PROVINCES, start=1):
        with env.store.session() as session:
            import_directory(session, directory_of(code, name, kind, communes), now=now)
            begun = start_and_announce(
                session, plan_for(name, cycles), code, now=now, mailing=env.mailing, actor="coordinator:bench"
            )
        run_ids.append(begun.started.run_id)
        if index % 6 == 0 or index == len(PROVINCES):
            say(f"  {index}/{len(PROVINCES)} provinces imported and started")
    return run_ids


def cycle_dates(env: JobEnvironment, year: int) -> tuple[date, date, date]:
    """(opens_on, due_on, closes_on) of the ``year`` cycle, the same in every province."""
    with env.store.session() as session:
        cycle = session.scalars(select(ReportingCycle).where(ReportingCycle.label == str(year)).limit(1)).one()
        return cycle.opens_on, cycle.due_on, cycle.closes_on


def first_reminder_day(due_on: date, before_due: int = 14) -> date:
    """The day of the first reminder (``before_due`` working days before the deadline)."""
    return WorkingCalendar().add_working_days(due_on, -before_due)


def fill_reports(
    env: JobEnvironment, run_ids: list[int], year: int, day: date, say: Say, *, attachments_folder: Path
) -> int:
    """Every open task run of the ``year`` cycle answered through its reply link, as an agency's focal
    point would (``save_report``), but for one commune in ``SILENT_EVERY``; returns how many came in."""
    from sxsh_flow.engine.models import PlanRun
    from sxsh_flow.engine.services.links import issue_link, resolve
    from sxsh_flow.engine.services.submissions import save_report

    signer = env.mailing.signer
    assert signer is not None, "reports come in through reply links: the mailing needs a signer"
    now = at(day, 10)
    submitted = 0
    for index, run_id in enumerate(run_ids, start=1):
        with env.store.session() as session:
            spec = PlanSpec.model_validate(session.get_one(PlanRun, run_id).spec)
            task_runs = session.scalars(
                select(TaskRun)
                .join(ReportingCycle, TaskRun.cycle_id == ReportingCycle.id)
                .where(
                    TaskRun.plan_run_id == run_id,
                    ReportingCycle.label == str(year),
                    TaskRun.state == TaskRunState.OPEN,
                )
                .order_by(TaskRun.id)
            ).all()
            focal = {
                contact.agency_id: contact
                for contact in session.scalars(
                    select(ContactRecord).where(
                        ContactRecord.agency_id.in_({t.agency_id for t in task_runs}),
                        ContactRecord.role == ContactRole.FOCAL_POINT.value,
                    )
                )
            }
            for task_run in task_runs:
                if task_run.agency_code.startswith("UBND-") and int(task_run.agency_code[-3:]) % SILENT_EVERY == 0:
                    continue
                token = signer.token(issue_link(session, task_run, focal[task_run.agency_id], now=now, actor="bench"))
                access = resolve(session, signer, token, now=now)
                assert access is not None
                cycle = task_run.cycle
                rng = random.Random(f"national:{run_id}:{task_run.agency_code}:{task_run.task_key}:{year}")
                data = form_data(
                    form_definition(spec, spec.task(task_run.task_key)),
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
                    form_nonce=f"national-{task_run.id}",
                    now=now,
                    attachments_folder=attachments_folder,
                    mailing=env.mailing,
                )
                submitted += saved.submitted
        if index % 6 == 0 or index == len(run_ids):
            say(f"  {index}/{len(run_ids)} provinces' reports in ({submitted} so far)")
    return submitted


def deliver(env: JobEnvironment, day: date) -> int:
    """Send what the outbox holds on ``day`` (to a transport that keeps it in memory); returns how many.

    A deployment sends its outbox every minute of office hours: the fixture does the same between the
    days it measures, so that the next day finds the outbox as a real one would (sent, not pending).
    """
    from sxsh_flow.notifications.memory_transport import MemoryTransport
    from sxsh_flow.workflows.jobs import dispatch_outbox

    env.transport_factory = MemoryTransport
    return dispatch_outbox(env, at(day, 9)).counts.get("sent", 0)

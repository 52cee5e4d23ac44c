"""A run with realistic reports, for the tests of the consolidated report (service, outputs, CLI, page).

plan-2016-2020 for Hải Dương, started on 01/09/2016. Every report goes in through the engine as the
portal sends it (a reply link, ``save_report``), and is reviewed with ``review_submission``.

2016 (due 21/12/2016): Sở Công Thương's technical support (9 quick and 3 detailed assessments) on
time; Tứ Kỳ late (28/12); every other unit missing.

2017 (due 21/12/2017; the database task due 30/06/2017), as of 05/01/2018 (``TODAY``):
- Sở Công Thương: dissemination (informed 300/400, officers trained 18/20, 6 classes, 2.800
  leaflets, 123.000.000 central and 400.000.000 local budget, one enterprise), technical support
  (applying 40/400, saving 95/1000, 6 quick and 2 detailed assessments, 200.600.000 local, three
  enterprises), study tours (2 tours, 35 people, 150.000.000 local), inspection (4 inspections, 1
  violation), its other tasks a few words each; all accepted.
- Ban Quản lý các KCN: informed 150/200; applying 30/200 and saving 90/1000; accepted.
- Tứ Kỳ: informed 1.234/1.500, applying 320/1.500, 4 classes, 100.000.000 local, one enterprise
  (also reported by Sở Công Thương); accepted.
- Thanh Hà: informed 80/100, applying 10/100, 2 classes, 50.000.000 local, one enterprise; sent on
  27/12/2017, six days late, and not reviewed yet.
- Kim Thành: sent on time, returned for correction, not sent again.
- Ninh Giang: nothing sent: the one missing unit.
- Sở TN&MT: its task run was cancelled.
- every other unit (8 districts, Sở KH&CN, Sở Tài chính, Sở KH&ĐT): informed 50/100, applying 10/100
  and 1 class for a district, one research project for Sở KH&CN; on time; accepted.

So the 2017 report counts 23 reports of 25 expected (Thanh Hà's awaiting review among them), and
the province's figures are: informed 2.164/3.000 = 72,1%; applying 480/3.000 = 16,0%; saving
185/2.000 = 9,3% (within 8–13%); officers trained 18/20 = 90,0%; 20 classes; funding
123.000.000 + 900.600.000 = 1.023.600.000 đồng.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from sxsh_flow.agencies.directory import ContactRole
from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.engine.clock import parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import ContactRecord, ReportingCycle, TaskRun
from sxsh_flow.engine.services.agencies import import_directory, load_registry
from sxsh_flow.engine.services.links import LinkSigner, issue_link, resolve
from sxsh_flow.engine.services.notices import Mailing, open_due
from sxsh_flow.engine.services.start import start_plan
from sxsh_flow.engine.services.submissions import review_submission, save_report
from sxsh_flow.engine.services.transitions import fire
from sxsh_flow.notifications import EMAIL_WRITER
from sxsh_flow.workflows import load_builtin_plan

SIGNER = LinkSigner("r" * 48, "http://portal.example")
MAILING = Mailing(writer=EMAIL_WRITER, signer=SIGNER)
TODAY = date(2018, 1, 5)
PROVINCE_CENTRAL = 123_000_000
PROVINCE_LOCAL = 900_600_000
PROVINCE_TOTAL = 1_023_600_000
TOTAL_IN_WORDS = "Một tỷ, không trăm hai mươi ba triệu, sáu trăm nghìn đồng"
LATE_UNIT = "UBND-THANHHA"
MISSING_UNIT = "UBND-NINHGIANG"
DISTRICTS = (
    "UBND-TPHD",
    "UBND-CHILINH",
    "UBND-KINHMON",
    "UBND-BINHGIANG",
    "UBND-CAMGIANG",
    "UBND-GIALOC",
    "UBND-KIMTHANH",
    "UBND-NAMSACH",
    "UBND-NINHGIANG",
    "UBND-THANHHA",
    "UBND-THANHMIEN",
    "UBND-TUKY",
)
DONE = {"section.results": "Đã triển khai các nội dung được giao trong năm."}


def enterprise_fields(*rows: tuple[str, str, str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for index, (name, sector, participation) in enumerate(rows):
        fields |= {
            f"enterprise.{index}.name": name,
            f"enterprise.{index}.sector": sector,
            f"enterprise.{index}.participation": participation,
        }
    return fields


MAY_TU_KY = ("Công ty TNHH May Tứ Kỳ", "Dệt may", "quick_assessment")

# (agency, task) -> what the agency typed, when it pressed "submit", and what the coordinator did.
REPORTS_2017: dict[tuple[str, str], tuple[dict[str, str], str, str | None]] = {
    ("SCT", "sct-dissemination"): (
        {
            "indicator.informed.numerator": "300",
            "indicator.informed.denominator": "400",
            "indicator.officers_trained.numerator": "18",
            "indicator.officers_trained.denominator": "20",
            "indicator.training_events.value": "6",
            "indicator.leaflets.value": "2.800",
            "funding.central_budget": "123.000.000",
            "funding.local_budget": "400.000.000",
            "section.results": "Tổ chức 6 lớp tập huấn, phát hành 2.800 tờ rơi về sản xuất sạch hơn.",
            "section.difficulties": "Doanh nghiệp chưa có cán bộ chuyên trách về sản xuất sạch hơn.",
            "section.recommendations": "Bộ Công Thương tăng cường tập huấn cho cán bộ tư vấn.",
            **enterprise_fields(("Công ty TNHH Gốm sứ Chu Đậu", "Sản xuất gốm sứ", "trained")),
        },
        "2017-12-15T10:00",
        "accept",
    ),
    ("SCT", "sct-technical-support"): (
        {
            "indicator.applying.numerator": "40",
            "indicator.applying.denominator": "400",
            "indicator.saving.numerator": "95",
            "indicator.saving.denominator": "1.000",
            "indicator.quick_assessments.value": "6",
            "indicator.detailed_assessments.value": "2",
            "funding.local_budget": "200.600.000",
            "section.results": "Hỗ trợ đánh giá nhanh 6 doanh nghiệp, đánh giá chi tiết 2 doanh nghiệp.",
            **enterprise_fields(
                ("Công ty Cổ phần Bia Hải Dương", "Sản xuất đồ uống", "quick_assessment"),
                MAY_TU_KY,
                ("Công ty Cổ phần Thép Hòa Phát Hải Dương", "Luyện kim", "detailed_assessment"),
            ),
        },
        "2017-12-18T09:00",
        "accept",
    ),
    ("SCT", "sct-study-tours"): (
        {
            "field.tours": "2",
            "field.participants": "35",
            "funding.local_budget": "150.000.000",
            "section.results": "Hai đoàn tham quan mô hình sản xuất sạch hơn tại Bắc Ninh và Hưng Yên.",
        },
        "2017-12-18T14:00",
        "accept",
    ),
    ("SCT", "sct-inspection"): (
        {"field.inspections": "4", "field.violations": "1", "section.results": "Kiểm tra 4 cơ sở, xử lý 1 vi phạm."},
        "2017-12-19T09:00",
        "accept",
    ),
    ("BQLKCN", "bqlkcn-dissemination"): (
        {"indicator.informed.numerator": "150", "indicator.informed.denominator": "200", **DONE},
        "2017-12-19T10:00",
        "accept",
    ),
    ("BQLKCN", "bqlkcn-guidance"): (
        {
            "indicator.applying.numerator": "30",
            "indicator.applying.denominator": "200",
            "indicator.saving.numerator": "90",
            "indicator.saving.denominator": "1.000",
            **DONE,
        },
        "2017-12-19T11:00",
        "accept",
    ),
    ("UBND-TUKY", "district-implementation"): (
        {
            "indicator.informed.numerator": "1.234",
            "indicator.informed.denominator": "1.500",
            "indicator.applying.numerator": "320",
            "indicator.applying.denominator": "1.500",
            "indicator.training_events.value": "4",
            "funding.local_budget": "100.000.000",
            "section.results": "Tuyên truyền đến 1.234 cơ sở sản xuất trên địa bàn huyện.",
            "section.recommendations": "Đề nghị bổ sung kinh phí khuyến công cho cấp huyện.",
            **enterprise_fields(MAY_TU_KY),
        },
        "2017-12-20T09:00",
        "accept",
    ),
    ("UBND-THANHHA", "district-implementation"): (
        {
            "indicator.informed.numerator": "80",
            "indicator.informed.denominator": "100",
            "indicator.applying.numerator": "10",
            "indicator.applying.denominator": "100",
            "indicator.training_events.value": "2",
            "funding.local_budget": "50.000.000",
            "section.results": "Tổ chức 2 lớp tập huấn.",
            "section.difficulties": "Thiếu cán bộ theo dõi sản xuất sạch hơn ở cấp huyện.",
            **enterprise_fields(("Hợp tác xã Chế biến vải thiều Thanh Hà", "Chế biến nông sản", "applying")),
        },
        "2017-12-27T15:00",
        None,
    ),
    ("UBND-KIMTHANH", "district-implementation"): (
        {
            "indicator.informed.numerator": "999",
            "indicator.informed.denominator": "1.000",
            "indicator.applying.numerator": "999",
            "indicator.applying.denominator": "1.000",
            "indicator.training_events.value": "99",
            "funding.local_budget": "999.000.000",
            **DONE,
        },
        "2017-12-19T09:00",
        "return",
    ),
}
GENERIC_DISTRICT = {
    "indicator.informed.numerator": "50",
    "indicator.informed.denominator": "100",
    "indicator.applying.numerator": "10",
    "indicator.applying.denominator": "100",
    "indicator.training_events.value": "1",
    **DONE,
}
REPORTS_2016: dict[tuple[str, str], tuple[dict[str, str], str, str | None]] = {
    ("SCT", "sct-technical-support"): (
        {
            "indicator.applying.numerator": "20",
            "indicator.applying.denominator": "400",
            "indicator.saving.numerator": "80",
            "indicator.saving.denominator": "1.000",
            "indicator.quick_assessments.value": "9",
            "indicator.detailed_assessments.value": "3",
            **DONE,
        },
        "2016-12-20T09:00",
        "accept",
    ),
    ("UBND-TUKY", "district-implementation"): (
        {
            "indicator.informed.numerator": "1.000",
            "indicator.informed.denominator": "1.500",
            "indicator.applying.numerator": "200",
            "indicator.applying.denominator": "1.500",
            "indicator.training_events.value": "3",
            **DONE,
        },
        "2016-12-28T09:00",
        "accept",
    ),
}


def build_scenario(store: Store, attachments: Path) -> int:
    """Write the run above into ``store``; returns its id."""
    started_at = parse_instant("2016-09-01")
    with store.session() as session:
        import_directory(session, builtin_directory("HD"), now=started_at)
        run_id = start_plan(
            session, load_builtin_plan("plan-2016-2020"), load_registry(session, "HD"), "HD", now=started_at, actor="t"
        ).run_id
    _open(store, "2016-11-21")
    for (agency, task), (typed, at, review) in REPORTS_2016.items():
        _send(store, attachments, "2016", agency, task, typed, at, review)
    _open(store, "2017-05-31")
    _send(store, attachments, "2017", "SCT", "sct-database", DONE, "2017-06-20T09:00", "accept")
    _open(store, "2017-11-21")
    with store.session() as session:
        stnmt = _task_run(session, "2017", "STNMT", "stnmt-environment-integration")
        fire(session, stnmt, "cancel", actor="coordinator", now=parse_instant("2017-11-22"), reason="merged task")
    reports = dict(REPORTS_2017)
    for district in DISTRICTS:
        reports.setdefault((district, "district-implementation"), (GENERIC_DISTRICT, "2017-12-20T10:00", "accept"))
    reports.pop((MISSING_UNIT, "district-implementation"))
    for key in (
        ("SCT", "sct-central-programmes"),
        ("SCT", "sct-rewards"),
        ("SKHCN", "skhcn-science-funding"),
        ("STC", "stc-funding-appraisal"),
        ("SKHDT", "skhdt-investment"),
    ):
        reports[key] = (DONE, "2017-12-20T11:00", "accept")
    reports["SKHCN", "skhcn-research"] = ({"field.research_projects": "1", **DONE}, "2017-12-20T11:00", "accept")
    for (agency, task), (typed, at, review) in reports.items():
        _send(store, attachments, "2017", agency, task, typed, at, review)
    return run_id


def _open(store: Store, day: str) -> None:
    with store.session() as session:
        open_due(session, now=parse_instant(day), mailing=MAILING, actor="t")


def _task_run(session: Session, cycle: str, agency: str, task: str) -> TaskRun:
    return session.scalars(
        select(TaskRun)
        .join(ReportingCycle, TaskRun.cycle_id == ReportingCycle.id)
        .where(ReportingCycle.label == cycle, TaskRun.agency_code == agency, TaskRun.task_key == task)
    ).one()


def _send(
    store: Store,
    attachments: Path,
    cycle: str,
    agency: str,
    task: str,
    typed: dict[str, str],
    at: str,
    review: str | None,
) -> None:
    now: datetime = parse_instant(at)
    with store.session() as session:
        task_run = _task_run(session, cycle, agency, task)
        contact = session.scalars(
            select(ContactRecord).where(
                ContactRecord.agency_id == task_run.agency_id, ContactRecord.role == ContactRole.FOCAL_POINT.value
            )
        ).first()
        assert contact is not None
        link = issue_link(session, task_run, contact, now=now, actor="t")
        access = resolve(session, SIGNER, SIGNER.token(link), now=now)
        assert access is not None, (agency, task)
        saved = save_report(
            session,
            access,
            typed,
            (),
            submit=True,
            form_nonce=f"{cycle}-{agency}-{task}",
            now=now,
            attachments_folder=attachments,
            mailing=MAILING,
        )
        assert saved.submitted, (agency, task, saved.parsed.errors)
        assert saved.submission is not None
        if review is not None:
            review_submission(
                session,
                saved.submission.id,
                accept=review == "accept",
                comment="" if review == "accept" else "Số liệu chưa khớp với báo cáo năm trước.",
                now=now,
                actor="coordinator",
                mailing=MAILING,
                signer=SIGNER,
            )

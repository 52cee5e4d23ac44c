"""Partners ("đơn vị phối hợp") are told of their tasks for coordination, and the leads' letters name them.

plan-2016-2020 as built in, with Trung tâm Khuyến công (TTKC), which leads nothing, named a partner
of Sở Công Thương's technical-support task: the case of the Sơn La plan whose partners heard nothing.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import func, select

from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.engine.clock import parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import OutboxMessage, PlanRun, TaskRun
from sxsh_flow.engine.plan_file import LoadedPlan
from sxsh_flow.engine.services.agencies import import_directory, load_registry
from sxsh_flow.engine.services.links import LinkSigner
from sxsh_flow.engine.services.notices import Mailing, NoticeSummary, announce_start, open_due, queue_reminders
from sxsh_flow.engine.services.outbox import OutgoingMessage
from sxsh_flow.engine.services.start import start_plan
from sxsh_flow.notifications import EMAIL_WRITER
from sxsh_flow.workflows import load_builtin_plan

SIGNER = LinkSigner("s" * 48, "http://portal.example")
MAILING = Mailing(writer=EMAIL_WRITER, signer=SIGNER)
TTKC = "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp Hải Dương"
TASK = "sct-technical-support"


def plan_with_a_partner_that_leads_nothing() -> LoadedPlan:
    plan = load_builtin_plan("plan-2016-2020")
    tasks = tuple(
        task.model_copy(update={"partners": (*task.partners, "TTKC")}) if task.key == TASK else task
        for task in plan.spec.tasks
    )
    return dataclasses.replace(plan, spec=plan.spec.model_copy(update={"tasks": tasks}))


def started(store: Store, day: str) -> NoticeSummary:
    at = parse_instant(day)
    with store.session() as session:
        import_directory(session, builtin_directory("HD"), now=at)
        run_id = start_plan(
            session, plan_with_a_partner_that_leads_nothing(), load_registry(session, "HD"), "HD", now=at, actor="t"
        ).run_id
        return announce_start(session, session.get_one(PlanRun, run_id), now=at, mailing=MAILING, actor="t")


def letter_to(summary: NoticeSummary, code: str, kind: str) -> OutgoingMessage:
    (letter,) = [m for m in summary.queued if m.kind == kind and m.dedup_key.split(":")[2] == code]
    return letter


def test_a_partner_that_leads_nothing_gets_a_kickoff_letter_for_coordination(store: Store) -> None:
    letter = letter_to(started(store, "2016-09-01"), "TTKC", "kickoff")

    assert [a.email for a in letter.to] == ["sxsh@ttkc.haiduong.example"]
    assert "để phối hợp" in letter.rendered.subject
    assert letter.task_run_ids == ()  # no task run: nothing to report, nothing to remind of
    text = letter.rendered.text
    assert "Hỗ trợ kỹ thuật áp dụng SXSH cho các cơ sở sản xuất công nghiệp" in text
    assert "Đơn vị chủ trì: Sở Công Thương tỉnh Hải Dương" in text
    assert "không phải gửi báo cáo" in text
    assert SIGNER.base_url not in text  # no reply link
    assert SIGNER.base_url not in letter.rendered.html
    assert letter.rendered.calendar is None  # the leads' deadline is not the partner's


def test_the_leads_kickoff_letter_names_the_partners(store: Store) -> None:
    letter = letter_to(started(store, "2016-09-01"), "SCT", "kickoff")

    assert f"Đơn vị phối hợp: Ban Quản lý các khu công nghiệp tỉnh Hải Dương, {TTKC}" in letter.rendered.text
    assert f"Đơn vị phối hợp: Ban Quản lý các khu công nghiệp tỉnh Hải Dương, {TTKC}" in letter.rendered.html
    # kind:district, a partner of the dissemination task, read in the registry: every district by name.
    assert "Ủy ban nhân dân huyện Tứ Kỳ" in letter.rendered.text


def test_an_agency_that_leads_and_partners_gets_one_letter_with_both_parts(store: Store) -> None:
    summary = started(store, "2016-09-01")
    letter = letter_to(summary, "BQLKCN", "kickoff")

    assert len([m for m in summary.queued if m.dedup_key == "kickoff:1:BQLKCN"]) == 1
    assert "Thông báo triển khai Kế hoạch và nhiệm vụ được giao" in letter.rendered.subject
    assert "Ngoài ra, để phối hợp" in letter.rendered.text
    assert "Đơn vị chủ trì: Sở Công Thương tỉnh Hải Dương" in letter.rendered.text
    with store.session() as session:
        codes = session.scalars(select(TaskRun.agency_code).where(TaskRun.id.in_(letter.task_run_ids)))
        assert set(codes) == {"BQLKCN"}  # only its own tasks are tied to the letter


def test_partners_are_told_when_a_cycle_opens_once_without_link_or_reminder(store: Store) -> None:
    started(store, "2016-09-01")
    at = parse_instant("2016-11-21")
    with store.session() as session:
        opened = open_due(session, now=at, mailing=MAILING, actor="t")
        again = open_due(session, now=at, mailing=MAILING, actor="t")
        reminded = queue_reminders(session, now=parse_instant("2016-12-20"), mailing=MAILING, actor="t")
    request = letter_to(opened, "TTKC", "request")

    assert "để phối hợp" in request.rendered.subject
    assert "năm 2016" in request.rendered.subject
    assert request.task_run_ids == ()
    assert SIGNER.base_url not in request.rendered.text
    assert "Đơn vị chủ trì: Sở Công Thương tỉnh Hải Dương" in request.rendered.text
    assert "Đơn vị phối hợp:" in letter_to(opened, "SCT", "request").rendered.text
    assert again.queued == []  # the same day's second sweep queues no partner letter twice
    assert reminded.queued  # the leads are reminded the day before the deadline...
    assert not [m for m in reminded.queued if ":TTKC:" in m.dedup_key]  # ...the partner never is
    with store.session() as session:
        to_ttkc = select(func.count()).where(OutboxMessage.dedup_key.like("%:TTKC%"))
        assert session.scalar(to_ttkc) == 2  # the kickoff and the 2016 request

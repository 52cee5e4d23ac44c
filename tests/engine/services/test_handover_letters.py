"""Successors hear which duties they take over; the coordinator hears every move, once per directory change.

The world: the 2016–2020 plan, started on 21/11/2016 when the 2016 cycle opens. On 01/12/2016 a
directory change ends three agencies on 30/11/2016: Sở Kế hoạch và Đầu tư merges into Sở Tài chính
(which had none of its tasks: it gets task runs of its own); huyện Ninh Giang merges into huyện
Thanh Hà (which already reports on the district task: its own task run carries it); huyện Tứ Kỳ is
split between two communes of the city of Hải Phòng, another province, one of which has no contact
yet. The moves are made here by hand, as ``succession`` would make them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sxsh_flow.agencies.directory import Agency, Contact, ContactRole, Directory, Province
from sxsh_flow.agencies.kinds import AgencyKind, ProvinceKind
from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.engine.clock import parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import (
    AgencyRecord,
    DirectoryChange,
    HistoryEntry,
    OutboxMessage,
    PlanRun,
    ReplyLink,
    ReportingCycle,
    TaskRun,
)
from sxsh_flow.engine.moves import Move
from sxsh_flow.engine.services.agencies import import_directory, load_registry
from sxsh_flow.engine.services.handover_letters import queue_handover_letters
from sxsh_flow.engine.services.links import LinkSigner, resolve
from sxsh_flow.engine.services.mailing import Mailing, NoticeSummary
from sxsh_flow.engine.services.notices import announce_start
from sxsh_flow.engine.services.outbox import OutgoingMessage
from sxsh_flow.engine.services.start import start_plan
from sxsh_flow.engine.services.transitions import fire, record_creation
from sxsh_flow.engine.states import TASK_RUN
from sxsh_flow.notifications import EMAIL_WRITER
from sxsh_flow.workflows import load_builtin_plan

SIGNER = LinkSigner("handover-tests-" + "signing-key-4Hq8w2ZmT7yLp0Xc", "https://sxsh.haiduong.example")
MAILING = Mailing(writer=EMAIL_WRITER, signer=SIGNER)
STARTED = "2016-11-21"
HANDED_OVER = "2016-12-01T09:00"
LAST_DAY = date(2016, 11, 30)
SINCE = date(2016, 12, 1)
DISTRICT_TASK = "district-implementation"

HAI_PHONG = Directory(
    Province(code="HP", name="Hải Phòng", kind=ProvinceKind.CITY),
    (
        Agency(
            code="XA-TANKY",
            name="Ủy ban nhân dân xã Tân Kỳ",
            kind=AgencyKind.COMMUNE,
            contacts=(
                Contact(name="Vũ Văn Nam", email="sxsh@tanky.haiphong.example", role=ContactRole.FOCAL_POINT),
                Contact(name="Văn phòng UBND xã", email="vanphong@tanky.haiphong.example", role=ContactRole.COPY),
            ),
        ),
        Agency(code="XA-DAIDONG", name="Ủy ban nhân dân xã Đại Đồng", kind=AgencyKind.COMMUNE),
    ),
)


def reorganised_hai_duong() -> Directory:
    """Hải Dương's directory with the three agencies ended on 30/11/2016, and their successors."""
    ends = {
        "SKHDT": ("STC",),
        "UBND-NINHGIANG": ("UBND-THANHHA",),
        "UBND-TUKY": ("HP:XA-TANKY", "HP:XA-DAIDONG"),
    }
    sample = builtin_directory("HD")
    agencies = tuple(
        a.model_copy(update={"valid_to": LAST_DAY, "successors": ends[a.code]}) if a.code in ends else a
        for a in sample.agencies
    )
    return Directory(sample.province, agencies)


@dataclass
class World:
    run_id: int
    change_id: int
    moves: list[Move]


def _hand_over(session: Session, old: TaskRun, successor: AgencyRecord, now: datetime, change_id: int) -> Move:
    """What ``succession`` does for one successor: a task run of its own, or the one it holds."""
    held = session.scalars(
        select(TaskRun).where(
            TaskRun.cycle_id == old.cycle_id, TaskRun.task_key == old.task_key, TaskRun.agency_id == successor.id
        )
    ).first()
    if held is None:
        held = TaskRun(
            plan_run_id=old.plan_run_id, cycle_id=old.cycle_id, task_key=old.task_key, task_title=old.task_title,
            agency_id=successor.id, agency_code=successor.code, agency_name=successor.name, opens_on=old.opens_on,
            due_on=old.due_on, extended_until=old.extended_until, _state=TASK_RUN.initial("create"),
        )  # fmt: skip
        session.add(held)
        session.flush()
        record_creation(session, held, actor="test", now=now, reason=f"takes over from {old.agency_code}")
        if old.state.awaits_report:
            fire(session, held, "open", actor="test", now=now)
        merged = False
    else:
        merged = True
    return Move(
        change_id=change_id, plan_run_id=old.plan_run_id, plan_key="plan-2016-2020",
        cycle_label=old.cycle.label, task_key=old.task_key, task_title=old.task_title,
        from_agency_id=old.agency_id, from_code=old.agency_code, from_name=old.agency_name,
        to_agency_id=successor.id, to_code=successor.code, to_name=successor.name, since=SINCE,
        old_task_run_id=old.id, new_task_run_id=held.id, merged=merged,
    )  # fmt: skip


@pytest.fixture
def world(store: Store) -> World:
    started = parse_instant(STARTED)
    now = parse_instant(HANDED_OVER)
    with store.session() as session:
        import_directory(session, builtin_directory("HD"), now=started)
        run_id = start_plan(
            session, load_builtin_plan("plan-2016-2020"), load_registry(session, "HD"), "HD", now=started, actor="t"
        ).run_id
        announce_start(session, session.get_one(PlanRun, run_id), now=started, mailing=MAILING, actor="t")
    with store.session() as session:
        import_directory(session, reorganised_hai_duong(), now=now)
        import_directory(session, HAI_PHONG, now=now)
        change = DirectoryChange(imported_at=now, actor="coordinator", sources=["test"], provinces=["HD", "HP"])
        session.add(change)
        session.flush()
        agencies = {(a.province_code, a.code): a for a in session.scalars(select(AgencyRecord))}
        moves: list[Move] = []
        owed = session.scalars(
            select(TaskRun)
            .join(ReportingCycle, TaskRun.cycle_id == ReportingCycle.id)
            .where(
                TaskRun.plan_run_id == run_id,
                TaskRun.agency_code.in_(["SKHDT", "UBND-NINHGIANG", "UBND-TUKY"]),
                ReportingCycle.label.in_(["2016", "2017"]),
            )
            .order_by(ReportingCycle.due_on, TaskRun.id)
        ).all()
        for old in owed:
            successors = {
                "SKHDT": [("HD", "STC")],
                "UBND-NINHGIANG": [("HD", "UBND-THANHHA")],
                "UBND-TUKY": [("HP", "XA-TANKY"), ("HP", "XA-DAIDONG")],
            }[old.agency_code]
            moves.extend(_hand_over(session, old, agencies[key], now, change.id) for key in successors)
            fire(session, old, "hand_over", actor="test", now=now, reason=f"directory change #{change.id}")
        return World(run_id, change.id, moves)


def queue(store: Store, world: World, *, dry_run: bool = False, moves: list[Move] | None = None) -> NoticeSummary:
    now = parse_instant(HANDED_OVER)
    with store.session() as session:
        run = session.get_one(PlanRun, world.run_id)
        summary = queue_handover_letters(
            session, run, world.moves if moves is None else moves, now=now, mailing=MAILING, actor="t",
            dry_run=dry_run,
        )  # fmt: skip
        if dry_run:
            session.commit()  # whatever a dry run wrote would stay: it must write nothing
    return summary


def rows(store: Store) -> dict[str, int]:
    with store.session() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (OutboxMessage, ReplyLink, HistoryEntry)
        }


def letter_to(summary: NoticeSummary, world: World, agency_code: str, store: Store) -> OutgoingMessage:
    with store.session() as session:
        agency_id = session.scalars(select(AgencyRecord.id).where(AgencyRecord.code == agency_code)).one()
    return next(m for m in summary.queued if m.dedup_key == f"handover:{world.run_id}:{agency_id}:{world.change_id}")


def test_each_successor_with_a_contact_gets_one_letter_and_the_coordinator_one_summary(
    store: Store, world: World
) -> None:
    summary = queue(store, world)

    kinds = sorted(m.kind for m in summary.queued)
    assert kinds == ["handover"] * 3 + ["succession"]  # Sở Tài chính, huyện Thanh Hà, xã Tân Kỳ
    assert summary.problems == ["XA-DAIDONG: no active contact; handover letter not queued"]
    assert {m.sender.email for m in summary.queued} == {"sxsh@sct.haiduong.example"}


def test_a_letter_names_each_task_taken_over_its_predecessor_the_day_and_the_deadline(
    store: Store, world: World
) -> None:
    letter = letter_to(queue(store, world), world, "STC", store)
    text = letter.rendered.text

    assert [a.email for a in letter.to] == ["sxsh@stc.haiduong.example"]
    assert letter.cc == ()
    assert letter.rendered.subject == (
        "[Kế hoạch SXSH trong công nghiệp 2016–2020] Tiếp nhận nhiệm vụ của Sở Kế hoạch và Đầu tư tỉnh Hải Dương "
        "kể từ ngày 01/12/2016: 2 nhiệm vụ"
    )
    assert text.startswith("Kính gửi: Sở Tài chính tỉnh Hải Dương\n(Người nhận: Ông/Bà Đỗ Văn Hùng)\n")
    assert (
        "do sắp xếp lại tổ chức bộ máy, kể từ ngày 01/12/2016 Quý đơn vị tiếp nhận các nhiệm vụ dưới đây của "
        "Sở Kế hoạch và Đầu tư tỉnh Hải Dương:" in text
    )
    assert text.count("1. Tiếp cận các nguồn đầu tư, tài trợ trong và ngoài nước về SXSH\n") == 1
    assert "   Kỳ báo cáo: năm 2016\n" in text
    assert "   Kỳ báo cáo: năm 2017\n" in text
    assert "   Hạn nộp báo cáo: Thứ Tư, 21/12/2016\n" in text
    assert text.count("   Tiếp nhận từ: Sở Kế hoạch và Đầu tư tỉnh Hải Dương, kể từ ngày 01/12/2016\n") == 2
    assert "Đề nghị Quý đơn vị bố trí thực hiện các nhiệm vụ nêu trên và gửi báo cáo đúng hạn" in text


def test_the_task_awaiting_a_report_carries_the_successors_own_link_the_coming_one_none(
    store: Store, world: World
) -> None:
    letter = letter_to(queue(store, world), world, "STC", store)
    urls = [line.split(": ", 1)[1] for line in letter.rendered.text.splitlines() if "Báo cáo trực tuyến: " in line]

    assert len(urls) == 1  # the 2016 report is awaited; the 2017 one will be asked for when its cycle opens
    assert "sẽ được gửi trong thư tiếp theo" in letter.rendered.text
    with store.session() as session:
        access = resolve(session, SIGNER, urls[0].rpartition("/")[2], now=parse_instant(HANDED_OVER))
        assert access is not None
        assert access.contact_email == "sxsh@stc.haiduong.example"
        new_2016 = next(m.new_task_run_id for m in world.moves if m.to_code == "STC" and m.cycle_label == "2016")
        assert access.task_run_id == new_2016
    assert letter.task_run_ids == tuple(m.new_task_run_id for m in world.moves if m.to_code == "STC")


def test_a_successor_in_another_province_is_written_to_with_its_copy_contacts(store: Store, world: World) -> None:
    letter = letter_to(queue(store, world), world, "XA-TANKY", store)

    assert [a.email for a in letter.to] == ["sxsh@tanky.haiphong.example"]
    assert [a.email for a in letter.cc] == ["vanphong@tanky.haiphong.example"]
    assert letter.rendered.text.startswith("Kính gửi: Ủy ban nhân dân xã Tân Kỳ\n")
    assert "   Tiếp nhận từ: Ủy ban nhân dân huyện Tứ Kỳ, kể từ ngày 01/12/2016\n" in letter.rendered.text
    assert "Báo cáo trực tuyến: https://sxsh.haiduong.example/r/" in letter.rendered.text


def test_in_a_merger_the_successors_own_task_runs_carry_the_duty(store: Store, world: World) -> None:
    letter = letter_to(queue(store, world), world, "UBND-THANHHA", store)
    text = letter.rendered.text

    with store.session() as session:
        own = session.scalars(
            select(TaskRun.id)
            .join(ReportingCycle, TaskRun.cycle_id == ReportingCycle.id)
            .where(TaskRun.agency_code == "UBND-THANHHA", TaskRun.task_key == DISTRICT_TASK)
            .where(ReportingCycle.label.in_(["2016", "2017"]))
            .order_by(ReportingCycle.due_on)
        ).all()
    assert letter.task_run_ids == tuple(own)  # no new task run: its own ones, 2016 and 2017
    assert text.count("   Tiếp nhận từ: Ủy ban nhân dân huyện Ninh Giang, kể từ ngày 01/12/2016\n") == 2
    assert (
        "   Quý đơn vị đã được giao nhiệm vụ này trong kỳ báo cáo; nay báo cáo của Quý đơn vị bao gồm cả phần việc "
        "Ủy ban nhân dân huyện Ninh Giang chưa báo cáo.\n" in text
    )


def test_the_coordinators_summary_says_every_move_per_cycle_and_the_letters(store: Store, world: World) -> None:
    summary = queue(store, world)
    [sent] = [m for m in summary.queued if m.kind == "succession"]
    text = sent.rendered.text

    assert sent.dedup_key == f"succession:{world.run_id}:{world.change_id}"
    assert [a.email for a in sent.to] == ["sxsh@sct.haiduong.example"]
    assert sent.rendered.subject == (
        "[Kế hoạch SXSH trong công nghiệp 2016–2020] Chuyển giao nhiệm vụ do sắp xếp lại cơ quan, đơn vị: "
        "8 lượt chuyển giao, 3 thư thông báo"
    )
    assert text.startswith("Kính gửi: Ông/Bà Lê Văn Cường, Sở Công Thương tỉnh Hải Dương\n")
    assert text.index("KỲ BÁO CÁO NĂM 2016\n") < text.index("KỲ BÁO CÁO NĂM 2017\n")
    assert (
        "- Tiếp cận các nguồn đầu tư, tài trợ trong và ngoài nước về SXSH: từ Sở Kế hoạch và Đầu tư tỉnh Hải Dương "
        "sang Sở Tài chính tỉnh Hải Dương, kể từ ngày 01/12/2016; giao mới cho đơn vị tiếp nhận\n" in text
    )
    assert (
        "từ Ủy ban nhân dân huyện Ninh Giang sang Ủy ban nhân dân huyện Thanh Hà, kể từ ngày 01/12/2016; "
        "gộp vào nhiệm vụ đơn vị tiếp nhận đang thực hiện\n" in text
    )
    assert (
        "từ Ủy ban nhân dân huyện Tứ Kỳ sang Ủy ban nhân dân xã Đại Đồng, kể từ ngày 01/12/2016; giao mới cho "
        "đơn vị tiếp nhận (chưa gửi thư: đơn vị chưa có đầu mối liên hệ)\n" in text
    )
    assert "Thư thông báo gửi các cơ quan, đơn vị tiếp nhận: 3\n" in text


def test_a_second_call_for_the_same_change_queues_nothing_and_issues_no_link(store: Store, world: World) -> None:
    first = queue(store, world)
    before = rows(store)
    second = queue(store, world)

    assert len(first.queued) == 4
    assert second.queued == []
    assert second.already_queued == 4
    assert rows(store) == before


def test_a_dry_run_says_what_would_go_and_writes_nothing(store: Store, world: World) -> None:
    before = rows(store)
    preview = queue(store, world, dry_run=True)

    assert sorted(m.kind for m in preview.queued) == ["handover"] * 3 + ["succession"]
    assert rows(store) == before
    assert "Báo cáo trực tuyến:" not in letter_to(preview, world, "STC", store).rendered.text  # no link issued


def test_moves_of_another_run_are_left_to_that_run(store: Store, world: World) -> None:
    other = [replace(m, plan_run_id=world.run_id + 1) for m in world.moves]
    before = rows(store)

    assert queue(store, world, moves=other).queued == []
    assert rows(store) == before

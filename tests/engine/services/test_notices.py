"""Who hears what, and when: kickoff letters, requests to report, reminders, escalations, the digest."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from sxsh_flow.agencies.directory import ContactRole, Directory
from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.engine.clock import parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import OutboxMessage, PlanRun, TaskRun
from sxsh_flow.engine.services.agencies import import_directory, load_registry
from sxsh_flow.engine.services.notices import (
    Mailing,
    NoticeSummary,
    announce_start,
    open_due,
    queue_digest,
    queue_reminders,
)
from sxsh_flow.engine.services.start import start_plan
from sxsh_flow.engine.services.transitions import fire
from sxsh_flow.engine.states import TaskRunState
from sxsh_flow.notifications import EMAIL_WRITER
from sxsh_flow.workflows import load_builtin_plan

MAILING = Mailing(writer=EMAIL_WRITER)


def started_on(store: Store, day: str, directory: Directory | None = None) -> NoticeSummary:
    at = parse_instant(day)
    with store.session() as session:
        import_directory(session, directory or builtin_directory("HD"), now=at)
        started = start_plan(
            session, load_builtin_plan("plan-2016-2020"), load_registry(session, "HD"), "HD", now=at, actor="t"
        )
        return announce_start(session, session.get_one(PlanRun, started.run_id), now=at, mailing=MAILING, actor="t")


def sweep(store: Store, day: str, *, dry_run: bool = False) -> NoticeSummary:
    at = parse_instant(day)
    with store.session() as session:
        opened = open_due(session, now=at, mailing=MAILING, actor="t", dry_run=dry_run)
        reminders = queue_reminders(session, now=at, mailing=MAILING, actor="t", dry_run=dry_run)
        if dry_run:
            session.rollback()
    opened.queued.extend(reminders.queued)
    opened.already_queued += reminders.already_queued
    return opened


def outbox_size(store: Store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage)) or 0


def test_a_start_sends_each_agency_one_kickoff_letter(store: Store) -> None:
    summary = started_on(store, "2016-09-01")
    kickoffs = [m for m in summary.queued if m.kind == "kickoff"]
    assert len(kickoffs) == 18
    assert {m.kind for m in summary.queued} == {"kickoff"}  # nothing is due to open in September
    tuky = next(m for m in kickoffs if m.dedup_key.endswith(":UBND-TUKY"))
    assert [a.email for a in tuky.to] == ["sxsh@tuky.haiduong.example"]
    assert tuky.sender.name == "Sở Công Thương tỉnh Hải Dương"
    assert tuky.sender.email == "sxsh@sct.haiduong.example"
    sct = next(m for m in kickoffs if m.dedup_key.endswith(":SCT"))
    assert len(sct.task_run_ids) == 8  # one line per task of Sở Công Thương, with its first deadline


def test_a_start_inside_a_cycle_opens_it_and_the_kickoff_letters_ask_for_the_reports(store: Store) -> None:
    summary = started_on(store, "2016-12-01")
    assert summary.opened_task_runs == 26
    assert sorted(m.kind for m in summary.queued) == ["kickoff"] * 18  # one letter each, not two
    with store.session() as session:
        assert session.scalar(select(func.count()).where(TaskRun.state == TaskRunState.OPEN)) == 26


def test_the_opening_day_opens_the_cycle_and_asks_every_agency(store: Store) -> None:
    started_on(store, "2016-09-01")
    summary = sweep(store, "2016-11-21")
    assert summary.opened_cycles == 1
    assert summary.opened_task_runs == 26
    assert sorted(m.kind for m in summary.queued) == ["request"] * 18


def test_a_second_sweep_on_the_same_day_queues_nothing(store: Store) -> None:
    started_on(store, "2016-09-01")
    first = sweep(store, "2016-12-01")
    size = outbox_size(store)
    second = sweep(store, "2016-12-01")
    assert first.queued
    assert second.queued == []
    # The same reminders come due again and find their keys taken; the requests are not due again.
    assert second.already_queued == sum(1 for m in first.queued if m.kind == "reminder") == 18
    assert outbox_size(store) == size


def test_a_dry_run_shows_what_would_be_queued_and_changes_nothing(store: Store) -> None:
    started_on(store, "2016-09-01")
    size = outbox_size(store)
    preview = sweep(store, "2016-11-21", dry_run=True)
    assert len(preview.queued) == 18
    assert outbox_size(store) == size
    with store.session() as session:
        assert session.scalar(select(func.count()).where(TaskRun.state == TaskRunState.OPEN)) == 0


def test_fourteen_working_days_before_the_deadline_every_agency_is_reminded(store: Store) -> None:
    started_on(store, "2016-11-21")
    summary = sweep(store, "2016-12-01")
    reminders = [m for m in summary.queued if m.kind == "reminder"]
    assert len(reminders) == 18
    sct = next(m for m in reminders if m.dedup_key.endswith(":SCT:2016-12-01"))
    # Six of its seven 2016 tasks are due on 21/12; the consolidated report, due 28/12, waits until 08/12.
    assert len(sct.task_run_ids) == 6


def test_the_escalation_goes_to_the_head_with_focal_point_and_coordinator_in_copy(store: Store) -> None:
    started_on(store, "2016-11-21")
    summary = sweep(store, "2016-12-28")
    escalation = next(m for m in summary.queued if m.kind == "escalation" and ":UBND-TUKY:" in m.dedup_key)
    assert [a.email for a in escalation.to] == ["lanhdao@tuky.haiduong.example"]
    assert [a.email for a in escalation.cc] == ["sxsh@tuky.haiduong.example", "sxsh@sct.haiduong.example"]


def test_nothing_goes_about_a_report_already_submitted(store: Store) -> None:
    started_on(store, "2016-11-21")
    at = parse_instant("2016-11-30")
    with store.session() as session:
        for task_run in session.scalars(
            select(TaskRun).where(TaskRun.agency_code == "UBND-TUKY", TaskRun.state == TaskRunState.OPEN)
        ):
            fire(session, task_run, "submit", actor="contact", now=at)
    summary = sweep(store, "2016-12-01")
    assert not [m for m in summary.queued if ":UBND-TUKY:" in m.dedup_key]


def test_retired_contacts_receive_nothing_and_the_head_stands_in(store: Store) -> None:
    sample = builtin_directory("HD")
    tuky = sample.get("UBND-TUKY")
    assert tuky is not None
    retired = tuple(
        c.model_copy(update={"active": False}) if c.role is ContactRole.FOCAL_POINT else c for c in tuky.contacts
    )
    directory = Directory(
        sample.province,
        tuple(a.model_copy(update={"contacts": retired}) if a.code == "UBND-TUKY" else a for a in sample.agencies),
    )
    started_on(store, "2016-11-21", directory)
    summary = sweep(store, "2016-12-01")
    reminder = next(m for m in summary.queued if ":UBND-TUKY:" in m.dedup_key)
    assert [a.email for a in reminder.to] == ["lanhdao@tuky.haiduong.example"]
    assert all("sxsh@tuky" not in a.email for a in (*reminder.to, *reminder.cc))


def test_cancelled_task_runs_are_not_reminded(store: Store) -> None:
    started_on(store, "2016-11-21")
    at = parse_instant("2016-11-30")
    with store.session() as session:
        for task_run in session.scalars(
            select(TaskRun).where(TaskRun.agency_code == "STC", TaskRun.state == TaskRunState.OPEN)
        ):
            fire(session, task_run, "cancel", actor="coordinator", now=at, reason="task withdrawn")
    assert not [m for m in sweep(store, "2016-12-01").queued if ":STC:" in m.dedup_key]


def test_the_digest_goes_to_the_coordinator_once_a_day(store: Store, now: datetime) -> None:
    started_on(store, "2016-11-21")
    at = parse_instant("2016-12-22")
    with store.session() as session:
        first = queue_digest(session, now=at, mailing=MAILING, actor="t")
        second = queue_digest(session, now=at, mailing=MAILING, actor="t")
    (digest,) = first.queued
    assert [a.email for a in digest.to] == ["sxsh@sct.haiduong.example"]
    assert second.queued == []
    assert second.already_queued == 1


@pytest.mark.parametrize("day", ["2016-12-24", "2016-12-25", "2017-01-02"])
def test_no_reminder_is_queued_on_a_day_off(store: Store, day: str) -> None:
    started_on(store, "2016-11-21")
    with store.session() as session:
        assert queue_reminders(session, now=parse_instant(day), mailing=MAILING, actor="t").queued == []

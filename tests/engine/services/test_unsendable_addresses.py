"""One contact cannot stop everyone's mail (issue 12, finding 4).

A directory stored before the address policy existed may hold an address the SMTP path cannot send
(a non-ASCII local part). Such a contact is left out of the messages with a problem line naming the
agency, the address and why; a message that still cannot be built is recorded as failed with why,
once, where the coordinator looks (``outbox list``, ``status``), and nothing sends it; every other
agency's message is queued; a dry run says the same and writes nothing.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from sxsh_flow.agencies.directory import ContactRole, Directory
from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.engine.clock import parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.message import Address, MessageKind
from sxsh_flow.engine.models import AgencyRecord, ContactRecord, HistoryEntry, OutboxMessage, PlanRun, TaskRun
from sxsh_flow.engine.services.agencies import import_directory, load_registry
from sxsh_flow.engine.services.mailing import RunMail
from sxsh_flow.engine.services.notices import (
    Mailing,
    NoticeSummary,
    announce_start,
    open_due,
    queue_reminders,
    queue_task_message,
)
from sxsh_flow.engine.services.outbox import claim, requeue
from sxsh_flow.engine.services.start import start_plan
from sxsh_flow.engine.services.status import failed_messages
from sxsh_flow.engine.states import OutboxState
from sxsh_flow.errors import MessageNeverBuilt
from sxsh_flow.notifications import EMAIL_WRITER
from sxsh_flow.workflows import load_builtin_plan

MAILING = Mailing(writer=EMAIL_WRITER)
UNSENDABLE = "phí.toàn@tuky.haiduong.example"
UNSENDABLE_HEAD = "nhung@tuky"  # no dot in the domain
NOBODY = {ContactRole.FOCAL_POINT: UNSENDABLE, ContactRole.HEAD: UNSENDABLE_HEAD}


def directory_with(code: str, addresses: dict[ContactRole, str]) -> Directory:
    """The sample directory with some addresses replaced, unchecked, as an old store holds them."""
    sample = builtin_directory("HD")
    agencies = tuple(
        agency.model_copy(
            update={
                "contacts": tuple(
                    c.model_copy(update={"email": addresses[c.role]}) if c.role in addresses else c
                    for c in agency.contacts
                )
            }
        )
        if agency.code == code
        else agency
        for agency in sample.agencies
    )
    return Directory(sample.province, agencies)


def started(store: Store, day: str, directory: Directory) -> NoticeSummary:
    at = parse_instant(day)
    with store.session() as session:
        import_directory(session, directory, now=at)
        run = start_plan(
            session, load_builtin_plan("plan-2016-2020"), load_registry(session, "HD"), "HD", now=at, actor="t"
        )
        return announce_start(session, session.get_one(PlanRun, run.run_id), now=at, mailing=MAILING, actor="t")


def reminders(store: Store, day: str, *, dry_run: bool = False) -> NoticeSummary:
    at = parse_instant(day)
    with store.session() as session:
        summary = queue_reminders(session, now=at, mailing=MAILING, actor="t", dry_run=dry_run)
        open_due(session, now=at, mailing=MAILING, actor="t", dry_run=dry_run)
        if dry_run:
            session.rollback()
        return summary


def outbox_size(store: Store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage)) or 0


def test_an_unsendable_focal_point_is_left_out_and_the_head_stands_in(store: Store) -> None:
    summary = started(store, "2016-09-01", directory_with("UBND-TUKY", {ContactRole.FOCAL_POINT: UNSENDABLE}))

    assert len(summary.queued) == 18
    tuky = next(m for m in summary.queued if m.dedup_key.endswith(":UBND-TUKY"))
    assert [a.email for a in (*tuky.to, *tuky.cc)] == ["lanhdao@tuky.haiduong.example"]
    [problem] = summary.problems
    assert "UBND-TUKY" in problem
    assert UNSENDABLE in problem
    assert "SMTPUTF8" in problem


def test_an_agency_nobody_can_be_written_to_is_skipped_and_no_other(store: Store) -> None:
    summary = started(store, "2016-09-01", directory_with("UBND-TUKY", NOBODY))

    assert len(summary.queued) == 17  # every agency but Tứ Kỳ
    assert not [m for m in summary.queued if m.dedup_key.endswith(":UBND-TUKY")]
    assert any(UNSENDABLE in p and "SMTPUTF8" in p for p in summary.problems)
    assert any("UBND-TUKY" in p and "not queued" in p for p in summary.problems)
    assert outbox_size(store) == 17


def test_a_dry_run_reports_the_unsendable_address_as_the_sweep_does(store: Store) -> None:
    started(store, "2016-11-21", directory_with("UBND-TUKY", NOBODY))
    size = outbox_size(store)

    preview = reminders(store, "2016-12-01", dry_run=True)
    assert len(preview.queued) == 17
    assert any("UBND-TUKY" in p and UNSENDABLE in p for p in preview.problems)
    assert outbox_size(store) == size

    summary = reminders(store, "2016-12-01")
    assert len(summary.queued) == 17
    assert summary.problems == preview.problems
    assert outbox_size(store) == size + 17


def test_an_unsendable_head_is_left_out_of_the_copy_and_the_focal_point_still_hears(store: Store) -> None:
    started(store, "2016-11-21", directory_with("UBND-TUKY", {ContactRole.HEAD: UNSENDABLE}))

    summary = reminders(store, "2016-12-28")  # escalations: the head in To, the focal point in Cc

    escalation = next(m for m in summary.queued if m.kind == "escalation" and ":UBND-TUKY:" in m.dedup_key)
    assert [a.email for a in escalation.to] == ["sxsh@tuky.haiduong.example"]
    assert UNSENDABLE not in [a.email for a in escalation.cc]
    assert any("UBND-TUKY" in p and UNSENDABLE in p for p in summary.problems)


# --- a message that cannot be built is recorded as failed, with why ---------------------------------

DAY = parse_instant("2016-12-01T09:00+07:00")
WRITABLE = "sxsh@gialoc.haiduong.example"


def step_to(store: Store, addresses: dict[str, str], *, dry_run: bool = False) -> NoticeSummary:
    """One step writing a reminder to each agency in ``addresses``, at the address given.

    An address the mail path cannot send reaches the builder this way from a stored contact that a
    message names directly (a receipt, a forward) or from an older store: ``queue`` builds it.
    """
    with store.session() as session:
        run = session.scalars(select(PlanRun)).one()
        mail = RunMail(session, run, MAILING, on=date(2016, 12, 1))
        messages = []
        for code, address in addresses.items():
            task_run = session.scalars(select(TaskRun).where(TaskRun.agency_code == code).order_by(TaskRun.id)).first()
            assert task_run is not None
            messages.append(
                mail.message(
                    kind=MessageKind.REMINDER,
                    key=f"reminder:{run.id}:{code}:2016-12-01",
                    agency=mail.agencies[task_run.agency_id],
                    to=[Address("Đầu mối", address)],
                    cc=[],
                    tasks=[mail.task_item(task_run, task_run.cycle)],
                    today=date(2016, 12, 1),
                )
            )
        summary = NoticeSummary()
        mail.queue(summary, messages, now=DAY, actor="t", dry_run=dry_run)
        if dry_run:
            session.rollback()
        return summary


def outbox_rows(store: Store, kind: str = "reminder") -> dict[str, OutboxMessage]:
    """The outbox's rows of ``kind``, by agency code."""
    with store.session() as session:
        rows = session.execute(
            select(AgencyRecord.code, OutboxMessage)
            .join(AgencyRecord, OutboxMessage.agency_id == AgencyRecord.id)
            .where(OutboxMessage.kind == kind)
        ).tuples()
        return dict(rows.all())


def test_a_message_that_cannot_be_built_is_failed_with_why_and_the_other_agency_is_queued(store: Store) -> None:
    started(store, "2016-11-21", builtin_directory("HD"))

    summary = step_to(store, {"UBND-TUKY": UNSENDABLE, "UBND-GIALOC": WRITABLE})

    assert [m.dedup_key for m in summary.queued] == ["reminder:1:UBND-GIALOC:2016-12-01"]
    [problem] = summary.problems
    assert problem.startswith("UBND-TUKY: reminder cannot be sent: ")
    assert UNSENDABLE in problem
    rows = outbox_rows(store)
    assert (rows["UBND-GIALOC"].state, rows["UBND-TUKY"].state) == (OutboxState.QUEUED, OutboxState.FAILED)
    failed = rows["UBND-TUKY"]
    assert failed.last_error is not None
    assert UNSENDABLE in failed.last_error
    assert "SMTPUTF8" in failed.last_error
    assert [a["email"] for a in failed.to] == [UNSENDABLE]
    assert failed.raw == b""  # nothing was built, so nothing can go out
    with store.session() as session:
        [history] = session.scalars(
            select(HistoryEntry).where(HistoryEntry.entity == "outbox_message", HistoryEntry.entity_id == failed.id)
        ).all()
        assert (history.transition, history.from_state, history.to_state) == ("refuse", None, "failed")
        assert UNSENDABLE in history.reason
        assert failed_messages(session) == 1


def test_the_same_step_again_records_the_failure_once_and_says_it_again(store: Store) -> None:
    started(store, "2016-11-21", builtin_directory("HD"))
    first = step_to(store, {"UBND-TUKY": UNSENDABLE, "UBND-GIALOC": WRITABLE})
    size = outbox_size(store)

    again = step_to(store, {"UBND-TUKY": UNSENDABLE, "UBND-GIALOC": WRITABLE})

    assert again.queued == []
    assert again.already_queued == 1
    assert again.problems == first.problems  # still said: it still cannot be sent
    assert outbox_size(store) == size


def test_a_dry_run_says_what_cannot_be_sent_and_records_nothing(store: Store) -> None:
    started(store, "2016-11-21", builtin_directory("HD"))
    size = outbox_size(store)

    preview = step_to(store, {"UBND-TUKY": UNSENDABLE, "UBND-GIALOC": WRITABLE}, dry_run=True)

    assert [m.dedup_key for m in preview.queued] == ["reminder:1:UBND-GIALOC:2016-12-01"]
    assert preview.problems == step_to(store, {"UBND-TUKY": UNSENDABLE, "UBND-GIALOC": WRITABLE}).problems
    assert outbox_size(store) == size + 2  # only the real run wrote: one queued, one failed


def test_no_dispatcher_takes_a_message_that_was_never_built_and_retry_says_why(store: Store) -> None:
    started(store, "2016-11-21", builtin_directory("HD"))
    step_to(store, {"UBND-TUKY": UNSENDABLE, "UBND-GIALOC": WRITABLE})
    failed = outbox_rows(store)["UBND-TUKY"]

    with store.session() as session:
        claimed = claim(session, now=parse_instant("2017-01-01T09:00+07:00"), dispatcher="d", limit=1000)
    assert outbox_rows(store)["UBND-GIALOC"].id in {c.id for c in claimed}
    assert failed.id not in {c.id for c in claimed}

    with store.session() as session, pytest.raises(MessageNeverBuilt) as refused:
        requeue(session, failed.id, now=DAY, actor="t")
    assert str(failed.id) in refused.value.message("en")
    assert UNSENDABLE in refused.value.message("en")
    assert "agencies import" in refused.value.message("vi")
    assert outbox_rows(store)["UBND-TUKY"].state == OutboxState.FAILED


def test_a_receipt_to_a_contact_that_cannot_be_written_to_is_failed_not_lost(store: Store) -> None:
    started(store, "2016-11-21", directory_with("UBND-TUKY", {ContactRole.FOCAL_POINT: UNSENDABLE}))
    with store.session() as session:
        task_run = session.scalars(select(TaskRun).where(TaskRun.agency_code == "UBND-TUKY")).first()
        assert task_run is not None
        focal = session.scalars(select(ContactRecord).where(ContactRecord.email == UNSENDABLE)).one()
        summary = queue_task_message(
            session, task_run, kind=MessageKind.RECEIPT, key="receipt:test", to_contacts=[focal], now=DAY,
            mailing=MAILING, receipt_version=1, on_time=True,
        )  # fmt: skip

    assert summary.queued == []
    assert any(UNSENDABLE in p for p in summary.problems)
    receipt = outbox_rows(store, "receipt")["UBND-TUKY"]
    assert receipt.state == OutboxState.FAILED
    assert receipt.last_error is not None
    assert UNSENDABLE in receipt.last_error

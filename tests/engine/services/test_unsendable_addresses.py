"""One contact cannot stop everyone's mail (issue 12, finding 4).

A directory stored before the address policy existed may hold an address the SMTP path cannot send
(a non-ASCII local part). The message that cannot be built is skipped with a problem line naming the
agency, the address and why; every other agency's message is queued; a dry run says the same.
"""

from __future__ import annotations

from sqlalchemy import func, select

from sxsh_flow.agencies.directory import ContactRole, Directory
from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.engine.clock import parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import OutboxMessage, PlanRun
from sxsh_flow.engine.services.agencies import import_directory, load_registry
from sxsh_flow.engine.services.notices import Mailing, NoticeSummary, announce_start, open_due, queue_reminders
from sxsh_flow.engine.services.start import start_plan
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

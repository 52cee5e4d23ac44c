"""The coordinator's digest: every outstanding unit, grouped by urgency, and only while something is due.

plan-2016-2020 for Hải Dương: the 2016 cycle opens on Monday 21/11/2016 with 26 task runs, due on
Wednesday 21/12/2016. The plan's first reminder comes 14 working days before a deadline, and so
does the weekly digest.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.engine.clock import parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.desk_paths import board
from sxsh_flow.engine.models import PlanRun, TaskRun
from sxsh_flow.engine.services.agencies import import_directory, load_registry
from sxsh_flow.engine.services.digest import digest_horizon, queue_digest
from sxsh_flow.engine.services.links import LinkSigner
from sxsh_flow.engine.services.notices import Mailing, NoticeSummary, announce_start, open_due
from sxsh_flow.engine.services.start import start_plan
from sxsh_flow.engine.spec import ReminderPolicy
from sxsh_flow.notifications import EMAIL_WRITER
from sxsh_flow.workflows import load_builtin_plan

PORTAL = "https://sxsh.haiduong.example"
MAILING = Mailing(writer=EMAIL_WRITER, signer=LinkSigner("s" * 48, PORTAL))


def opened(store: Store) -> int:
    """The run started in September 2016 and its 2016 cycle opened on 21/11/2016; its id."""
    at = parse_instant("2016-09-01")
    with store.session() as session:
        import_directory(session, builtin_directory("HD"), now=at)
        plan = load_builtin_plan("plan-2016-2020")
        run_id = start_plan(session, plan, load_registry(session, "HD"), "HD", now=at, actor="t").run_id
        announce_start(session, session.get_one(PlanRun, run_id), now=at, mailing=MAILING, actor="t")
        open_due(session, now=parse_instant("2016-11-21"), mailing=MAILING, actor="t")
    return run_id


def digest_on(store: Store, day: str, *, weekly: bool = True) -> NoticeSummary:
    with store.session() as session:
        return queue_digest(session, now=parse_instant(day), mailing=MAILING, actor="t", weekly=weekly)


def test_the_horizon_is_the_plans_first_reminder_or_a_named_default() -> None:
    assert digest_horizon(ReminderPolicy()) == 14
    assert digest_horizon(ReminderPolicy(before_due=(5, 2))) == 5
    assert digest_horizon(ReminderPolicy(before_due=())) == 10


def test_the_digest_lists_every_outstanding_unit_grouped_by_urgency(store: Store) -> None:
    run_id = opened(store)
    (digest,) = digest_on(store, "2016-12-05").queued  # a Monday, 12 working days before the deadline

    text = digest.rendered.text
    with store.session() as session:
        owing = list(session.scalars(select(TaskRun).where(TaskRun.plan_run_id == run_id, TaskRun.awaits_report)))
    assert len(owing) == 26  # more than the 20 the digest used to cut at
    for task_run in owing:
        assert f"- {task_run.agency_name}: {task_run.task_title} (" in text
        assert task_run.agency_name in digest.rendered.html
    # 14 working days from Monday 05/12 is Friday 23/12: the 21/12 deadline is due soon; the lead's
    # own consolidated report, due 28/12, is not yet.
    soon = text.index("Sắp đến hạn, đến ngày 23/12/2016 (25):")
    later = text.index("Chưa đến hạn (1):\n- Sở Công Thương tỉnh Hải Dương: Báo cáo tổng hợp")
    assert text.index("Chưa nộp, đã quá hạn (0):") < soon < later
    assert text.count("\n- ") == 26 + 2  # every unit once, and "Không có" under the two empty groups
    assert "đơn vị khác" not in text  # nothing is cut, so nothing says it was
    assert f"{PORTAL}{board(run_id)}" in text
    assert f'href="{PORTAL}{board(run_id)}"' in digest.rendered.html


def test_no_weekly_digest_while_nothing_is_due_soon_or_overdue(store: Store) -> None:
    opened(store)  # the cycle is open, but its deadline is 21 working days away

    assert digest_on(store, "2016-11-21").queued == []
    assert digest_on(store, "2016-11-28").queued == []  # 16 working days
    assert len(digest_on(store, "2016-12-05").queued) == 1  # 12 working days: within the horizon
    assert len(digest_on(store, "2016-11-21", weekly=False).queued) == 1  # asked for outright: always


def test_an_overdue_unit_brings_the_weekly_digest(store: Store) -> None:
    opened(store)
    with store.session() as session:
        # A one-off task of the cycle, due before the others and not reported.
        early = session.scalars(select(TaskRun).where(TaskRun.awaits_report).order_by(TaskRun.id)).first()
        assert early is not None
        early.due_on, name = date(2016, 11, 18), early.agency_name

    (digest,) = digest_on(store, "2016-11-28").queued
    overdue = digest.rendered.text.split("Chưa nộp, đã quá hạn (1):\n", 1)[1]
    assert overdue.startswith(f"- {name}: ")

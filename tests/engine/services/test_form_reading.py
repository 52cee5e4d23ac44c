"""The portal's two-query read of a form's state says exactly what ``submissions.form_state`` says."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import event, select

from sxsh_flow.engine.clock import FixedClock
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import ReplyLink
from sxsh_flow.engine.services.extensions import request_extension
from sxsh_flow.engine.services.form_reading import read_form_state
from sxsh_flow.engine.services.links import resolve
from sxsh_flow.engine.services.submissions import form_state, review_submission
from tests.engine.services.test_submissions import MAILING, REPORT, SIGNER, access, clock, save, token

__all__ = ["clock", "token"]  # the fixtures, shared with the submissions' tests


def both(store: Store, link: str, clock: FixedClock) -> None:
    """Read the two ways, each in a session of its own, and compare."""
    with store.reading() as session:
        found = resolve(session, SIGNER, link, now=clock.now())
        assert found is not None
        expected = form_state(session, found)
    with store.reading() as session:
        found = resolve(session, SIGNER, link, now=clock.now())
        assert found is not None
        assert read_form_state(session, found) == expected


def test_a_fresh_form_reads_the_same(store: Store, token: str, clock: FixedClock) -> None:
    both(store, token, clock)


def test_a_draft_with_a_pending_extension_reads_the_same(
    store: Store, token: str, clock: FixedClock, tmp_path: Path
) -> None:
    save(store, token, clock, tmp_path, {"section.results": "Bản nháp"}, submit=False)
    with store.session() as session:
        request_extension(
            session, access(store, token, clock), reason="Chờ số liệu", proposed_until=date(2017, 1, 6), now=clock.now()
        )
    both(store, token, clock)


def test_a_returned_report_and_its_new_draft_read_the_same(
    store: Store, token: str, clock: FixedClock, tmp_path: Path
) -> None:
    first = save(store, token, clock, tmp_path, REPORT, submit=True).submission
    assert first is not None
    both(store, token, clock)
    with store.session() as session:
        review_submission(
            session,
            first.id,
            accept=False,
            comment="Bổ sung",
            now=clock.now(),
            actor="c",
            mailing=MAILING,
            signer=SIGNER,
        )
    with store.reading() as session:
        fresh = session.scalars(select(ReplyLink).where(ReplyLink.revoked_at.is_(None))).all()
        link = SIGNER.token(next(link for link in fresh if link.task_run_id == first.task_run_id))
    both(store, link, clock)
    save(store, link, clock, tmp_path, {"section.results": "Sửa lại"}, submit=False, nonce="n2")
    both(store, link, clock)


def test_a_fresh_form_opens_in_three_queries(store: Store, token: str, clock: FixedClock) -> None:
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(store.engine, "before_cursor_execute", listener)
    try:
        with store.reading() as session:
            found = resolve(session, SIGNER, token, now=clock.now())
            assert found is not None
            read_form_state(session, found)
    finally:
        event.remove(store.engine, "before_cursor_execute", listener)
    # The link with its task run, agency, contact and cycle; the plan run and any pending
    # extension; the versions (none yet). SQLite's BEGIN of the reading snapshot is not counted.
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 3

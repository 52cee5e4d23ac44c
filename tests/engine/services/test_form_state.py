"""What a reply link's page shows (``submissions.form_state``), read as the portal reads it.

The portal resolves the link first (the link, its task run, agency, contact and cycle in one
query), then reads the form's state in two more: every page of the portal does this.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import event, select

from sxsh_flow.engine.clock import FixedClock
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import ReplyLink
from sxsh_flow.engine.services.extensions import request_extension
from sxsh_flow.engine.services.links import resolve
from sxsh_flow.engine.services.submissions import FormState, form_state, review_submission
from sxsh_flow.engine.states import SubmissionState, TaskRunState
from tests.engine.services.test_submissions import MAILING, REPORT, SIGNER, access, clock, save, token

__all__ = ["clock", "token"]  # the fixtures, shared with the submissions' tests


def read(store: Store, link: str, clock: FixedClock) -> FormState:
    """The state as a page reads it, in a session of its own."""
    with store.reading() as session:
        found = resolve(session, SIGNER, link, now=clock.now())
        assert found is not None
        return form_state(session, found)


def test_a_fresh_form_shows_the_task_and_nothing_typed(store: Store, token: str, clock: FixedClock) -> None:
    state = read(store, token, clock)
    assert (state.values, state.attachments, state.versions) == ({}, (), ())
    assert (state.task_state, state.review_comment, state.pending_extension) == (TaskRunState.OPEN, None, None)
    assert state.plan_title
    assert state.definition.fields


def test_a_draft_with_a_pending_extension_shows_both(
    store: Store, token: str, clock: FixedClock, tmp_path: Path
) -> None:
    save(store, token, clock, tmp_path, {"section.results": "Bản nháp"}, submit=False)
    with store.session() as session:
        request_extension(
            session, access(store, token, clock), reason="Chờ số liệu", proposed_until=date(2017, 1, 6), now=clock.now()
        )
    state = read(store, token, clock)
    assert state.values["section.results"] == "Bản nháp"
    assert [v.state for v in state.versions] == [SubmissionState.DRAFT]
    assert state.pending_extension == date(2017, 1, 6)


def test_a_returned_report_shows_the_comment_and_then_the_new_draft(
    store: Store, token: str, clock: FixedClock, tmp_path: Path
) -> None:
    first = save(store, token, clock, tmp_path, REPORT, submit=True).submission
    assert first is not None
    assert [v.state for v in read(store, token, clock).versions] == [SubmissionState.SUBMITTED]
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
    returned = read(store, link, clock)
    assert (returned.task_state, returned.review_comment) == (TaskRunState.RETURNED, "Bổ sung")
    assert returned.values == dict(first.values)
    save(store, link, clock, tmp_path, {"section.results": "Sửa lại"}, submit=False, nonce="n2")
    redrafted = read(store, link, clock)
    assert [v.state for v in redrafted.versions] == [SubmissionState.RETURNED, SubmissionState.DRAFT]
    assert redrafted.values["section.results"] == "Sửa lại"
    assert redrafted.review_comment == "Bổ sung"


def test_a_fresh_form_opens_in_three_queries(store: Store, token: str, clock: FixedClock) -> None:
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(store.engine, "before_cursor_execute", listener)
    try:
        read(store, token, clock)
    finally:
        event.remove(store.engine, "before_cursor_execute", listener)
    # The link with its task run, agency, contact and cycle; the plan run and any pending
    # extension; the versions (none yet). SQLite's BEGIN of the reading snapshot is not counted.
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 3

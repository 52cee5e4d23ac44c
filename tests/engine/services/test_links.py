"""Reply links: signed, scoped to one task run and one contact, expiring, revocable.

A link works only while every condition holds: our signature, the row's nonce, before its expiry,
not revoked, the contact still active and still in the agency that holds the task, and a report
still awaited or under review. Every other token resolves to ``None``, whatever the reason, so the
portal shows one calm page and tells a prober nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from sxsh_flow.agencies.directory import ContactRole
from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.engine.clock import VIETNAM, parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import ContactRecord, HistoryEntry, ReplyLink, TaskRun
from sxsh_flow.engine.services.agencies import import_directory, load_registry
from sxsh_flow.engine.services.links import (
    LINK_SALT,
    LinkSigner,
    issue_link,
    link_expiry,
    new_nonce,
    new_nonces,
    resolve,
    revoke_links,
)
from sxsh_flow.engine.services.start import start_plan
from sxsh_flow.engine.services.transitions import fire
from sxsh_flow.engine.states import TaskRunState
from sxsh_flow.workflows import load_builtin_plan

KEY = "a key for the reply links of these tests, long enough"
SIGNER = LinkSigner(KEY, "https://sxsh.haiduong.example/")
NOW = parse_instant("2016-11-21T09:00")  # the day the 2016 cycle opens


@dataclass
class Opened:
    session: Session
    task_run: TaskRun
    contact: ContactRecord  # the focal point of the agency that holds the task


@pytest.fixture
def opened(store: Store) -> Iterator[Opened]:
    """plan-2016-2020 started for Hải Dương on 21/11/2016; one district's task and its focal point."""
    with store.session() as session:
        import_directory(session, builtin_directory("HD"), now=NOW)
        start_plan(session, load_builtin_plan("plan-2016-2020"), load_registry(session, "HD"), "HD", now=NOW, actor="t")
        task_run = session.scalars(
            select(TaskRun).where(TaskRun.agency_code == "UBND-NAMSACH").order_by(TaskRun.due_on)
        ).first()
        assert task_run is not None
        fire(session, task_run, "open", actor="t", now=NOW)  # what the day's sweep does when a cycle opens
        contact = session.scalars(
            select(ContactRecord).where(
                ContactRecord.agency_id == task_run.agency_id, ContactRecord.role == ContactRole.FOCAL_POINT.value
            )
        ).one()
        yield Opened(session, task_run, contact)


def token_of(opened: Opened) -> str:
    return SIGNER.token(issue_link(opened.session, opened.task_run, opened.contact, now=NOW, actor="t"))


def swap(text: str, index: int) -> str:
    return text[:index] + ("A" if text[index] != "A" else "B") + text[index + 1 :]


# --- signing --------------------------------------------------------------------------------------


def test_a_link_is_the_portal_address_and_a_token_that_carries_only_its_id_and_nonce(opened: Opened) -> None:
    link = issue_link(opened.session, opened.task_run, opened.contact, now=NOW, actor="t")

    url = SIGNER.url(link)

    assert url == f"https://sxsh.haiduong.example/r/{SIGNER.token(link)}"
    assert SIGNER.read(SIGNER.token(link)) == (link.id, link.nonce)
    assert opened.contact.email not in url


def test_a_token_signed_with_another_key_or_changed_anywhere_is_not_ours(opened: Opened) -> None:
    token = token_of(opened)
    other = LinkSigner("another installation's key, just as long as ours", "https://x.example")
    payload, _, signature = token.partition(".")
    # Change a character well inside each part: the last base64 character may carry only padding bits.
    in_payload = swap(payload, 5) + "." + signature
    in_signature = payload + "." + swap(signature, 5)

    assert other.read(token) is None
    assert SIGNER.read(in_payload) is None
    assert SIGNER.read(in_signature) is None
    assert SIGNER.read("not-a-token") is None
    assert SIGNER.read("") is None
    assert resolve(opened.session, SIGNER, in_signature, now=NOW) is None


@pytest.mark.parametrize("payload", [[1], [1, "nonce", "extra"], ["1", "nonce"], [1, 2], {"id": 1}, 1])
def test_a_payload_we_signed_but_of_another_shape_is_refused(payload: object) -> None:
    # Same key and salt, so the signature is good: only the shape check stands in the way.
    forged = URLSafeSerializer(KEY, salt=LINK_SALT).dumps(payload)

    assert SIGNER.read(str(forged)) is None


def test_a_token_with_the_right_id_but_another_nonce_does_not_work(opened: Opened) -> None:
    link = issue_link(opened.session, opened.task_run, opened.contact, now=NOW, actor="t")
    guessed = str(URLSafeSerializer(KEY, salt=LINK_SALT).dumps([link.id, "guessed-nonce"]))

    assert resolve(opened.session, SIGNER, guessed, now=NOW) is None


# --- round trip -----------------------------------------------------------------------------------


def test_a_working_link_says_who_acts_on_which_task(opened: Opened) -> None:
    link = issue_link(opened.session, opened.task_run, opened.contact, now=NOW, actor="t")

    access = resolve(opened.session, SIGNER, SIGNER.token(link), now=NOW)

    assert access is not None
    assert (access.link_id, access.task_run_id, access.contact_id) == (link.id, opened.task_run.id, opened.contact.id)
    assert (access.contact_email, access.agency_id) == (opened.contact.email, opened.task_run.agency_id)
    assert access.agency_name == "Ủy ban nhân dân huyện Nam Sách"
    assert access.actor == f"contact:{opened.contact.id}:{opened.contact.email} via link {link.id}"


def test_issuing_again_gives_the_same_link_and_the_first_issue_is_in_the_task_history(opened: Opened) -> None:
    first = issue_link(opened.session, opened.task_run, opened.contact, now=NOW, actor="t")
    again = issue_link(opened.session, opened.task_run, opened.contact, now=NOW + timedelta(days=3), actor="t")

    assert again.id == first.id
    history = opened.session.scalars(
        select(HistoryEntry).where(
            HistoryEntry.entity_id == opened.task_run.id, HistoryEntry.transition == "issue_link"
        )
    ).all()
    assert [(h.reason, h.from_state, h.to_state) for h in history] == [
        (f"link for {opened.contact.email}", "open", "open")
    ]


# --- expiry ---------------------------------------------------------------------------------------


def test_a_link_expires_at_the_end_of_the_day_eight_weeks_after_its_cycle_closes(opened: Opened) -> None:
    link = issue_link(opened.session, opened.task_run, opened.contact, now=NOW, actor="t")
    cycle = opened.task_run.cycle
    expiry = datetime.combine(cycle.closes_on + timedelta(weeks=8), time(23, 59, 59), VIETNAM)

    assert link.expires_at == link_expiry(cycle) == expiry
    assert resolve(opened.session, SIGNER, SIGNER.token(link), now=expiry - timedelta(seconds=1)) is not None
    assert resolve(opened.session, SIGNER, SIGNER.token(link), now=expiry) is None


def test_after_expiry_issuing_gives_a_new_link(opened: Opened) -> None:
    old = issue_link(opened.session, opened.task_run, opened.contact, now=NOW, actor="t")

    new = issue_link(opened.session, opened.task_run, opened.contact, now=old.expires_at, actor="t")

    assert new.id != old.id
    assert new.nonce != old.nonce


# --- revocation and what no longer holds ----------------------------------------------------------


def test_a_revoked_link_stops_working_and_the_next_issue_is_a_new_link(opened: Opened) -> None:
    old = token_of(opened)

    revoked = revoke_links(
        opened.session, now=NOW, actor="coordinator", reason="sent to the wrong person", task_run_id=opened.task_run.id
    )

    assert revoked == 1
    assert resolve(opened.session, SIGNER, old, now=NOW) is None
    link = opened.session.scalars(select(ReplyLink)).one()
    assert (link.revoked_at, link.revoked_reason) == (NOW, "sent to the wrong person")
    fresh = token_of(opened)
    assert fresh != old
    assert resolve(opened.session, SIGNER, fresh, now=NOW) is not None


def test_revoking_by_contact_leaves_other_contacts_links_working(opened: Opened) -> None:
    head = opened.session.scalars(
        select(ContactRecord).where(
            ContactRecord.agency_id == opened.task_run.agency_id, ContactRecord.role == ContactRole.HEAD.value
        )
    ).one()
    focal_token = token_of(opened)
    head_token = SIGNER.token(issue_link(opened.session, opened.task_run, head, now=NOW, actor="t"))

    assert revoke_links(opened.session, now=NOW, actor="t", reason="left", contact_id=opened.contact.id) == 1

    assert resolve(opened.session, SIGNER, focal_token, now=NOW) is None
    assert resolve(opened.session, SIGNER, head_token, now=NOW) is not None


def test_revoking_needs_a_task_run_or_a_contact(opened: Opened) -> None:
    with pytest.raises(ValueError, match="needs a task run or a contact"):
        revoke_links(opened.session, now=NOW, actor="t", reason="all of them")


def test_a_retired_contacts_link_stops_working(opened: Opened) -> None:
    token = token_of(opened)

    opened.contact.active = False

    assert resolve(opened.session, SIGNER, token, now=NOW) is None


def test_a_link_stops_working_once_no_report_is_awaited(opened: Opened) -> None:
    token = token_of(opened)

    fire(opened.session, opened.task_run, "cancel", actor="t", reason="dropped from the plan", now=NOW)

    assert opened.task_run.state is TaskRunState.CANCELLED
    assert resolve(opened.session, SIGNER, token, now=NOW) is None


def test_nonces_made_together_are_new_nonces_each() -> None:
    made = list(new_nonces(1000))

    assert len(set(made)) == 1000
    assert {len(nonce) for nonce in made} == {len(new_nonce())}
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", nonce) for nonce in made)

"""Who may sign in to the desk, and how long a one-time link and a session last."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from sxsh_flow.agencies.directory import Contact, ContactRole, Directory
from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.engine.clock import FixedClock
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import OutboxMessage, PlanRun
from sxsh_flow.engine.services.agencies import import_directory, load_registry
from sxsh_flow.engine.services.desk_access import (
    IDLE_TIMEOUT,
    SESSION_AGE,
    current_session,
    request_sign_in,
    run_coordinators,
    use_link,
)
from sxsh_flow.engine.services.mailing import Mailing
from sxsh_flow.engine.services.start import start_plan
from sxsh_flow.notifications import EMAIL_WRITER
from sxsh_flow.workflows import load_builtin_plan

FOCAL_POINT = "sxsh@sct.haiduong.example"
NAMED = "dieuphoi@sct.haiduong.example"
MAILING = Mailing(writer=EMAIL_WRITER)


def with_coordinator(directory: Directory) -> Directory:
    """Hải Dương's directory where Sở Công Thương names a coordinator beside its focal point."""
    agencies = tuple(
        agency.model_copy(
            update={
                "contacts": (*agency.contacts, Contact(name="Vũ Thị Hạnh", email=NAMED, role=ContactRole.COORDINATOR))
            }
        )
        if agency.code == "SCT"
        else agency
        for agency in directory.agencies
    )
    return Directory(directory.province, agencies)


def started(store: Store, clock: FixedClock, directory: Directory) -> int:
    with store.session() as session:
        import_directory(session, directory, now=clock.now())
        run = start_plan(
            session, load_builtin_plan("plan-2016-2020"), load_registry(session, "HD"), "HD", now=clock.now(), actor="t"
        )
        return run.run_id


def ask(store: Store, clock: FixedClock, address: str) -> str | None:
    """The token of the link emailed to ``address``, or None when none was sent."""
    tokens: list[str] = []
    with store.session() as session:
        request_sign_in(session, address, next_path="/desk", now=clock.now(), mailing=MAILING, url_of=tokens.append)
    return tokens[-1] if tokens else None


def test_without_a_named_coordinator_the_leads_focal_points_sign_in(store: Store, clock: FixedClock) -> None:
    run_id = started(store, clock, builtin_directory("HD"))
    with store.session() as session:
        people = run_coordinators(session, session.get_one(PlanRun, run_id), on=clock.now())

    assert [person.email for person in people] == [FOCAL_POINT]
    assert ask(store, clock, FOCAL_POINT) is not None
    assert ask(store, clock, "lanhdao@sct.haiduong.example") is None  # the director: not a coordinator


def test_a_named_coordinator_signs_in_and_the_focal_point_no_longer_does(store: Store, clock: FixedClock) -> None:
    started(store, clock, with_coordinator(builtin_directory("HD")))

    assert ask(store, clock, FOCAL_POINT) is None
    assert ask(store, clock, NAMED) is not None
    with store.session() as session:
        (row,) = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "sign_in"))
        assert [a["email"] for a in row.to] == [NAMED]
        assert row.next_attempt_at == clock.now()  # due at once: the link dies in twenty minutes


def test_a_mailbox_gets_at_most_five_links_in_twenty_minutes(store: Store, clock: FixedClock) -> None:
    started(store, clock, builtin_directory("HD"))

    sent = [ask(store, clock, FOCAL_POINT) for _ in range(7)]

    assert sum(token is not None for token in sent) == 5


def signed_in(store: Store, clock: FixedClock) -> str:
    token = ask(store, clock, FOCAL_POINT)
    assert token is not None
    with store.session() as session:
        opened = use_link(session, token, now=clock.now())
        assert opened is not None
        assert use_link(session, token, now=clock.now()) is None  # once only
    return opened.session_id


def alive(store: Store, clock: FixedClock, session_id: str) -> bool:
    with store.session() as session:
        return current_session(session, session_id, now=clock.now()) is not None


def test_a_session_ends_after_half_an_hour_idle(store: Store, clock: FixedClock) -> None:
    started(store, clock, builtin_directory("HD"))
    session_id = signed_in(store, clock)

    clock.advance(IDLE_TIMEOUT - timedelta(minutes=1))
    assert alive(store, clock, session_id)
    clock.advance(IDLE_TIMEOUT + timedelta(seconds=1))
    assert not alive(store, clock, session_id)
    clock.advance(-IDLE_TIMEOUT)
    assert not alive(store, clock, session_id)  # ended is ended


def test_a_busy_session_still_ends_at_its_absolute_end(store: Store, clock: FixedClock) -> None:
    started(store, clock, builtin_directory("HD"))
    session_id = signed_in(store, clock)
    step = IDLE_TIMEOUT - timedelta(minutes=1)
    busy = timedelta(0)

    while busy + step < SESSION_AGE:
        clock.advance(step)
        busy += step
        assert alive(store, clock, session_id)
    clock.advance(SESSION_AGE - busy)
    assert not alive(store, clock, session_id)

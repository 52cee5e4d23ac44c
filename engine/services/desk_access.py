"""Who may sit at the coordinator's desk, the one-time links that let them in, and their sessions.

The people a run's directory names as its lead agency's coordinators (role ``coordinator``; the
lead's focal points when it names none, who already get the digest) may sign in. They ask for a
link; it goes by email to their registered address only, works once, for ``SIGN_IN_LINK_AGE``,
and opens a session that ends after ``IDLE_TIMEOUT`` without a request, or at ``SESSION_AGE``
whatever happens. Tokens and session ids are random and stored as their SHA-256 only.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session, selectinload

from sxsh_flow.agencies.directory import ContactRole
from sxsh_flow.engine.clock import local_date
from sxsh_flow.engine.duties import lead_holder
from sxsh_flow.engine.message import Address, MessageKind
from sxsh_flow.engine.models import AgencyRecord, DeskSession, OutboxMessage, PlanRun, SignInLink
from sxsh_flow.engine.services.agencies import succession_registry
from sxsh_flow.engine.services.mailing import Mailing, NoticeSummary, RunMail
from sxsh_flow.engine.spec import PlanSpec

# Long enough to switch to the mailbox and back; short enough that an old email opens nothing.
SIGN_IN_LINK_AGE = timedelta(minutes=20)
# A desk left open on a shared office computer closes itself during a lunch break.
IDLE_TIMEOUT = timedelta(minutes=30)
SESSION_AGE = timedelta(hours=10)  # a working day: signing in once each morning is enough
# At most this many links per address within SIGN_IN_LINK_AGE: the form cannot flood a mailbox.
LINKS_PER_WHILE = 5
# Seen-at is written at most this often: a page read should not write to the database every time.
SEEN_PRECISION = timedelta(minutes=1)


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def run_coordinators(session: Session, run: PlanRun, *, on: datetime) -> list[Address]:
    """The run's coordinators on ``on``'s day: its lead's (or successor's) coordinators, else its focal points."""
    spec = PlanSpec.model_validate(run.spec)
    day = local_date(on)
    registry = succession_registry(session, run.province_code, spec.lead)
    held = lead_holder(spec, registry, run.province_code, day) if run.province_code in registry else None
    province, code = (held.province, held.agency.code) if held else (run.province_code, spec.lead)
    lead = session.scalars(
        select(AgencyRecord)
        .where(AgencyRecord.province_code == province, AgencyRecord.code == code)
        .options(selectinload(AgencyRecord.contacts))
    ).first()
    if lead is None:
        return []
    active = [c for c in lead.contacts if c.active]
    named = [c for c in active if c.role == ContactRole.COORDINATOR.value]
    chosen = named or [c for c in active if c.role == ContactRole.FOCAL_POINT.value]
    return [Address(c.name, c.email.lower()) for c in chosen]


def coordinated_runs(session: Session, email: str, *, now: datetime) -> list[PlanRun]:
    """The runs ``email`` coordinates, oldest first."""
    wanted = email.strip().lower()
    runs = session.scalars(select(PlanRun).order_by(PlanRun.id))
    return [run for run in runs if any(a.email == wanted for a in run_coordinators(session, run, on=now))]


def coordinates(session: Session, email: str, run_id: int, *, now: datetime) -> bool:
    run = session.get(PlanRun, run_id)
    return run is not None and any(a.email == email.lower() for a in run_coordinators(session, run, on=now))


def request_sign_in(
    session: Session, email: str, *, next_path: str, now: datetime, mailing: Mailing, url_of: Callable[[str], str]
) -> bool:
    """Email a one-time link to ``email`` if it is a coordinator's; True when one was queued.

    The caller shows the same page either way: whether an address is a coordinator's is not told.
    """
    wanted = email.strip().lower()
    runs = coordinated_runs(session, wanted, now=now) if wanted else []
    if not runs:
        return False
    recent = session.scalar(
        select(func.count())
        .select_from(SignInLink)
        .where(SignInLink.email == wanted, SignInLink.created_at > now - SIGN_IN_LINK_AGE)
    )
    if (recent or 0) >= LINKS_PER_WHILE:
        return False
    token = secrets.token_urlsafe(32)
    link = SignInLink(
        token_hash=digest_of(token),
        email=wanted,
        next_path=next_path[:500],
        created_at=now,
        expires_at=now + SIGN_IN_LINK_AGE,
    )
    session.add(link)
    session.flush()
    mail = RunMail(session, runs[0], mailing, agency_ids=set(), on=local_date(now))
    person = next(a for a in run_coordinators(session, runs[0], on=now) if a.email == wanted)
    if mail.lead is None:
        return False
    message = mail.message(
        kind=MessageKind.SIGN_IN,
        key=f"sign_in:{link.id}",
        agency=mail.lead,
        to=[person],
        cc=[],
        tasks=[],
        today=local_date(now),
        extra={"sign_in_url": url_of(token), "minutes": str(int(SIGN_IN_LINK_AGE.total_seconds() // 60))},
    )
    summary = NoticeSummary()
    mail.queue(summary, [message], now=now, actor=wanted)
    # A link that dies in 20 minutes cannot wait for the office to open: due at once (the
    # dispatcher still sends only in office hours, when coordinators are at their desks).
    row = session.scalars(select(OutboxMessage).where(OutboxMessage.dedup_key == message.dedup_key)).first()
    if row is not None:
        row.next_attempt_at = now
    return bool(summary.queued)


def usable_link(session: Session, token: str, *, now: datetime) -> SignInLink | None:
    """The sign-in link ``token`` names, if unused and not expired (reading it uses nothing up)."""
    link = session.scalars(select(SignInLink).where(SignInLink.token_hash == digest_of(token))).first()
    if link is None or link.used_at is not None or now >= link.expires_at:
        return None
    return link


@dataclass(frozen=True)
class Opened:
    """A session just opened: its secret id (for the cookie, never stored) and where to go."""

    session_id: str
    email: str
    next_path: str


def use_link(session: Session, token: str, *, now: datetime) -> Opened | None:
    """Spend the sign-in link and open a session; None when the link does not work (any reason)."""
    link = usable_link(session, token, now=now)
    if link is None or not coordinated_runs(session, link.email, now=now):
        return None
    # One UPDATE that only an unused link passes: two presses at once open one session, not two.
    taken = session.execute(
        update(SignInLink).where(SignInLink.id == link.id, SignInLink.used_at.is_(None)).values(used_at=now)
    )
    if cast(CursorResult[Any], taken).rowcount != 1:
        return None
    secret = secrets.token_urlsafe(32)
    session.add(
        DeskSession(
            session_hash=digest_of(secret),
            email=link.email,
            created_at=now,
            last_seen_at=now,
            expires_at=now + SESSION_AGE,
        )
    )
    session.flush()
    return Opened(secret, link.email, link.next_path)


def current_session(session: Session, secret: str | None, *, now: datetime) -> DeskSession | None:
    """The open session ``secret`` names, its idle clock restarted; None once ended, idle or too old."""
    if not secret:
        return None
    found = session.scalars(select(DeskSession).where(DeskSession.session_hash == digest_of(secret))).first()
    if found is None or found.ended_at is not None or now >= found.expires_at:
        return None
    if now - found.last_seen_at >= IDLE_TIMEOUT:
        found.ended_at = now
        return None
    if now - found.last_seen_at >= SEEN_PRECISION:
        found.last_seen_at = now
    return found


def end_session(session: Session, secret: str | None, *, now: datetime) -> None:
    if not secret:
        return
    found = session.scalars(select(DeskSession).where(DeskSession.session_hash == digest_of(secret))).first()
    if found is not None and found.ended_at is None:
        found.ended_at = now

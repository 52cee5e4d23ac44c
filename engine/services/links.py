"""Reply links: a signed URL per (task run, contact) that lets that person report, and nothing else.

The URL carries only the link's id and a random nonce, signed with the installation's key; the row
decides whether the link still works (not expired, not revoked, the task still assigned, the
contact still active, the agency not ended). Opening a link reads; only the portal's POSTs change
anything. The link of a duty that passed to a successor says who took it over (``passed_on``).
"""

from __future__ import annotations

import base64
import hmac
import json
import secrets
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import cast

from itsdangerous import BadSignature, URLSafeSerializer
from itsdangerous.encoding import base64_encode
from itsdangerous.signer import HMACAlgorithm
from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from sxsh_flow.engine.clock import VIETNAM, local_date
from sxsh_flow.engine.models import AgencyRecord, ContactRecord, HistoryEntry, ReplyLink, ReportingCycle, TaskRun
from sxsh_flow.engine.services.agencies import load_registry
from sxsh_flow.engine.services.link_rows import link_with_duty
from sxsh_flow.engine.services.transitions import record_note
from sxsh_flow.engine.states import TASK_RUN_AWAITING_REPORT, TaskRunState

LINK_SALT = "sxsh-flow/reply-link/v1"
# A link opens while a report is awaited, and while a sent one waits for review (read-only then).
REPORTABLE = TASK_RUN_AWAITING_REPORT | {TaskRunState.SUBMITTED}
# Late reports are still welcome for a while after a cycle is consolidated.
DEFAULT_VALID_AFTER_CLOSE = timedelta(weeks=8)


# itsdangerous's compact JSON (its _CompactJSON.dumps), as one encoder.
_COMPACT_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


class LinkSigner:
    def __init__(self, secret_key: str, base_url: str) -> None:
        self._serializer = URLSafeSerializer(secret_key, salt=LINK_SALT)
        self.base_url = base_url.rstrip("/")
        # ``dumps`` makes a new Signer and derives its key (a hash) for every token, then HMACs
        # through the slow path of a digest given as a function: a sweep signs thousands. The key
        # is derived once here and each token HMAC-SHA1'd in one call, the very token ``dumps``
        # makes (its default signer, which ``read`` checks with; tests compare the two).
        signer = self._serializer.make_signer()
        if not isinstance(signer.algorithm, HMACAlgorithm) or signer.digest_method().name != "sha1":
            raise RuntimeError("itsdangerous's default signer is no longer HMAC-SHA1: see LinkSigner.token")
        self._key = signer.derive_key()
        self._separator = signer.sep

    def token(self, link: ReplyLink | IssuedLink) -> str:
        # The payload as URLSafeSerializer.dump_payload writes it: its compact JSON (built once
        # here rather than by json.dumps at each call), compressed when that makes it shorter.
        data = _COMPACT_JSON.encode([link.id, link.nonce]).encode("utf-8")
        compressed = zlib.compress(data)
        payload = b"." + base64_encode(compressed) if len(compressed) < len(data) - 1 else base64_encode(data)
        signature = base64_encode(hmac.digest(self._key, payload, "sha1"))
        return (payload + self._separator + signature).decode("ascii")

    def url(self, link: ReplyLink | IssuedLink) -> str:
        return f"{self.base_url}/r/{self.token(link)}"

    def read(self, token: str) -> tuple[int, str] | None:
        """The (id, nonce) a token carries, or None when it is not one we signed."""
        try:
            payload = self._serializer.loads(token)
        except BadSignature:
            return None
        if (
            isinstance(payload, list)
            and len(payload) == 2
            and isinstance(payload[0], int)
            and isinstance(payload[1], str)
        ):
            return payload[0], payload[1]
        return None


@dataclass(frozen=True)
class LinkAccess:
    """Who is acting through a working link, on what."""

    link_id: int
    task_run_id: int
    contact_id: int | None  # None for a guest: a colleague a task was forwarded to
    contact_name: str
    contact_email: str
    agency_id: int
    agency_name: str

    @property
    def actor(self) -> str:
        if self.contact_id is None:
            return f"guest:{self.contact_name} <{self.contact_email}> via link {self.link_id}"
        return f"contact:{self.contact_id}:{self.contact_email} via link {self.link_id}"

    @property
    def author(self) -> str:
        """The person acting, as a submission names its author."""
        return f"{self.contact_name} <{self.contact_email}>"


def link_expiry(cycle: ReportingCycle, valid_after_close: timedelta = DEFAULT_VALID_AFTER_CLOSE) -> datetime:
    """The end of the day, in Vietnam, some weeks after the cycle closes."""
    last_day = cycle.closes_on + valid_after_close
    return datetime.combine(last_day, time(23, 59, 59), VIETNAM)


def issue_link(
    session: Session,
    task_run: TaskRun,
    contact: ContactRecord,
    *,
    now: datetime,
    actor: str,
    forwarded_from: ReplyLink | None = None,
) -> ReplyLink:
    """The working link of ``contact`` for ``task_run``: the existing one, or a new one."""
    if forwarded_from is None:
        working = _working_links(session, [task_run.id], [contact.id], now=now)
        if (task_run.id, contact.id) in working:
            return working[task_run.id, contact.id]
    link = _new_link(session, task_run, contact, now=now, actor=actor, forwarded_from=forwarded_from)
    session.flush()
    return link


@dataclass(frozen=True)
class IssuedLink:
    """What a reply URL carries of a link: enough to sign it, without loading the row."""

    id: int
    nonce: str


@dataclass(frozen=True)
class LinkTarget:
    """What issuing a link needs of a task run, read as columns: a sweep links thousands."""

    id: int
    plan_run_id: int
    agency_id: int
    cycle_id: int
    state: TaskRunState


def issue_links(
    session: Session, wanted: Sequence[tuple[TaskRun | LinkTarget, ContactRecord]], *, now: datetime, actor: str
) -> list[IssuedLink]:
    """The working link of each (task run, contact) of ``wanted``, in its order: the existing one, or a new one.

    A sweep asks for thousands: the existing links are read in a few queries, and the new ones and
    their history rows written in two statements of many rows, not as objects flushed one by one.
    """
    found: dict[tuple[int, int | None], IssuedLink] = _working_pairs(
        session, {(t.id, c.id) for t, c in wanted}, now=now
    )
    new_keys: list[tuple[int, int]] = []
    new_rows: list[dict[str, object]] = []
    notes: list[dict[str, object]] = []
    expiry: dict[int, datetime] = {}  # per cycle: a sweep's task runs share a few
    nonces = new_nonces(len(wanted))
    for task_run, contact in wanted:
        key = (task_run.id, contact.id)
        if key in found:  # a working link, or one made above for the same pair
            continue
        if task_run.cycle_id not in expiry:
            # The session's own cycle when loaded (as a TaskRun's ``cycle`` would be), else one read.
            expiry[task_run.cycle_id] = link_expiry(session.get_one(ReportingCycle, task_run.cycle_id))
        nonce = next(nonces)
        found[key] = IssuedLink(0, nonce)  # its id once inserted
        new_keys.append(key)
        new_rows.append({
            "task_run_id": task_run.id, "contact_id": contact.id, "nonce": nonce,
            "created_at": now, "created_by": actor, "expires_at": expiry[task_run.cycle_id],
        })  # fmt: skip
        state = task_run.state.value
        notes.append({
            "plan_run_id": task_run.plan_run_id, "entity": "task_run", "entity_id": task_run.id,
            "transition": "issue_link", "from_state": state, "to_state": state, "actor": actor,
            "reason": f"link for {contact.email}", "at": now,
        })  # fmt: skip
    if new_rows:
        # Core inserts (no ORM bulk machinery per row). Each new id is matched to its link by the
        # nonce, unique: RETURNING in parameter order would make SQLAlchemy send SQLite one
        # INSERT per row, while unordered it sends a few statements of many rows.
        inserted = session.execute(
            insert(_LINKS).returning(ReplyLink.id, ReplyLink.nonce),
            new_rows,
        )
        ids = {nonce: link_id for link_id, nonce in inserted}
        for key in new_keys:
            found[key] = IssuedLink(ids[found[key].nonce], found[key].nonce)
        session.execute(insert(_HISTORY), notes)
    return [found[task_run.id, contact.id] for task_run, contact in wanted]


# The tables themselves: inserting into them skips the ORM's bulk machinery for each row.
_LINKS = cast(Table, ReplyLink.__table__)
_HISTORY = cast(Table, HistoryEntry.__table__)


def _working_pairs(
    session: Session, pairs: set[tuple[int, int]], *, now: datetime
) -> dict[tuple[int, int | None], IssuedLink]:
    """``_working_links`` of exactly these (task run, contact) pairs, read as columns.

    Only the task runs are asked of SQL (a few hundred a query, by their index); the contacts are
    picked here, so a query carries 500 ids rather than those and every contact's.
    """
    working: dict[tuple[int, int | None], IssuedLink] = {}
    task_run_ids = sorted({task_run_id for task_run_id, _ in pairs})
    for start in range(0, len(task_run_ids), 500):
        for link_id, nonce, task_run_id, contact_id in session.execute(
            select(ReplyLink.id, ReplyLink.nonce, ReplyLink.task_run_id, ReplyLink.contact_id)
            .where(
                ReplyLink.task_run_id.in_(task_run_ids[start : start + 500]),
                ReplyLink.revoked_at.is_(None),
                ReplyLink.expires_at > now,
            )
            .order_by(ReplyLink.id)
        ):
            if (task_run_id, contact_id) in pairs:
                working.setdefault((task_run_id, contact_id), IssuedLink(link_id, nonce))
    return working


def _working_links(
    session: Session, task_run_ids: Sequence[int], contact_ids: Sequence[int], *, now: datetime
) -> dict[tuple[int, int | None], ReplyLink]:
    """The first working link of each (task run, contact) among these, read a few hundred task runs a query."""
    working: dict[tuple[int, int | None], ReplyLink] = {}
    for start in range(0, len(task_run_ids), 500):
        for link in session.scalars(
            select(ReplyLink)
            .where(
                ReplyLink.task_run_id.in_(task_run_ids[start : start + 500]),
                ReplyLink.contact_id.in_(contact_ids),
                ReplyLink.revoked_at.is_(None),
                ReplyLink.expires_at > now,
            )
            .order_by(ReplyLink.id)
        ):
            working.setdefault((link.task_run_id, link.contact_id), link)
    return working


def _new_link(
    session: Session,
    task_run: TaskRun,
    contact: ContactRecord,
    *,
    now: datetime,
    actor: str,
    forwarded_from: ReplyLink | None = None,
) -> ReplyLink:
    link = ReplyLink(
        task_run_id=task_run.id,
        contact_id=contact.id,
        nonce=new_nonce(),
        created_at=now,
        created_by=actor,
        expires_at=link_expiry(task_run.cycle),
        forwarded_from_id=forwarded_from.id if forwarded_from else None,
    )
    session.add(link)
    reason = f"link for {contact.email}" + (f", forwarded from link {forwarded_from.id}" if forwarded_from else "")
    record_note(session, task_run, "issue_link" if forwarded_from is None else "forward", actor, reason, now)
    return link


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def resolve(session: Session, signer: LinkSigner, token: str, *, now: datetime) -> LinkAccess | None:
    """Who may act through ``token`` now; None for any link that does not work, whatever the reason."""
    carried = signer.read(token)
    if carried is None:
        return None
    link_id, nonce = carried
    row = link_with_duty(session, link_id)
    if row is None:
        return None
    link, task_run, agency = row
    if not secrets.compare_digest(link.nonce, nonce) or not link.works_at(now):
        return None
    # A guest's link lives on the forwarder's: it stops when theirs would (contact retired, task moved).
    holder = link.contact
    if holder is None:
        origin = session.get(ReplyLink, link.forwarded_from_id) if link.forwarded_from_id else None
        if origin is None or not origin.works_at(now):
            return None
        holder = origin.contact
    if holder is None or not holder.active or holder.agency_id != task_run.agency_id:
        return None
    if task_run.state not in REPORTABLE:
        return None
    if _ended(agency, local_date(now)):
        return None  # its duties passed to its successors, even before the directory change was followed
    return LinkAccess(
        link.id, task_run.id, link.contact_id, link.holder_name, link.holder_email, agency.id, agency.name
    )


@dataclass(frozen=True)
class PassedOn:
    """Where the duty of a link went when its agency ended: who holds it now, and from which day."""

    successors: tuple[str, ...]  # their names
    since: date


def passed_on(session: Session, signer: LinkSigner, token: str, *, now: datetime) -> PassedOn | None:
    """Who took over the duty of ``token``'s link, when the link is genuine and its duty has moved.

    Genuine: signed by us and with the right nonce, so only someone who was sent the link learns who
    took over; a guessed token learns nothing. Moved: its task run was handed over, or its agency
    ended before today. None otherwise, and when no successor is known: such a link gets the plain
    dead-link page. Reads only.
    """
    carried = signer.read(token)
    if carried is None:
        return None
    row = link_with_duty(session, carried[0])
    if row is None:
        return None
    link, task_run, agency = row
    if not secrets.compare_digest(link.nonce, carried[1]):
        return None
    today = local_date(now)
    if agency.valid_to is None or not (_ended(agency, today) or task_run.state is TaskRunState.HANDED_OVER):
        return None
    since = agency.valid_to + timedelta(days=1)
    registry = load_registry(session, agency.province_code)
    holder = registry.agency(agency.code, agency.province_code)
    # A duty handed over ahead of the agency's last day is already its successors'.
    successors = registry.successors_on(holder, max(today, since)) if holder is not None else []
    if not successors:
        return None
    return PassedOn(tuple(s.agency.name for s in successors), since)


def _ended(agency: AgencyRecord, today: date) -> bool:
    return agency.valid_to is not None and agency.valid_to < today


def revoke_links(
    session: Session,
    *,
    now: datetime,
    actor: str,
    reason: str,
    task_run_id: int | None = None,
    contact_id: int | None = None,
) -> int:
    """Revoke the working links of a task run, of a contact, or of both; returns how many."""
    if task_run_id is None and contact_id is None:
        raise ValueError("revoke_links needs a task run or a contact")
    statement = update(ReplyLink).where(ReplyLink.revoked_at.is_(None))
    if task_run_id is not None:
        statement = statement.where(ReplyLink.task_run_id == task_run_id)
    if contact_id is not None:
        statement = statement.where(ReplyLink.contact_id == contact_id)
    result = session.execute(statement.values(revoked_at=now, revoked_reason=reason))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def new_nonces(count: int) -> Iterator[str]:
    """``count`` times ``new_nonce()``, the random bytes of all read from the system at once."""
    pool = secrets.token_bytes(16 * count)
    for start in range(0, 16 * count, 16):
        yield base64.urlsafe_b64encode(pool[start : start + 16]).rstrip(b"=").decode("ascii")

"""The reply portal over real HTTP: uvicorn on a loopback socket in a thread, httpx as the browser.

The data: the Hải Dương sample directory and the 2016–2020 plan, started on 21/11/2016, the day the
2016 cycle opens, so the request emails carry reply links. The portal's clock says Monday
28/11/2016, 09:30: Tứ Kỳ's focal point opens the link of its 2016 district report, due Wednesday
21/12/2016. Every response the test's client receives is checked afterwards: none may be a 5xx.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select

from sxsh_flow.agencies.directory import ContactRole
from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.engine.clock import FixedClock, parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import (
    Attachment,
    ContactRecord,
    ExtensionRequest,
    HistoryEntry,
    OutboxMessage,
    PlanRun,
    ReplyLink,
    Submission,
    TaskRun,
)
from sxsh_flow.engine.services.agencies import import_directory, load_registry
from sxsh_flow.engine.services.links import LinkSigner
from sxsh_flow.engine.services.notices import Mailing, announce_start
from sxsh_flow.engine.services.start import start_plan
from sxsh_flow.engine.settings import Settings
from sxsh_flow.engine.states import TaskRunState
from sxsh_flow.notifications import EMAIL_WRITER
from sxsh_flow.workflows import load_builtin_plan

SECRET = "web-tests-" + "signing-key-7Qm3v9x2LkP0aZt7YwR4sN8e"
OPENED_ON = "2016-11-21"
PORTAL_NOW = "2016-11-28T09:30"
DISTRICT = "UBND-TUKY"
OTHER_DISTRICT = "UBND-THANHHA"
TASK = "district-implementation"

# A complete report of the district task: two ratios (numerator ≤ denominator), a count, the
# three text sections (results is required), a funding source.
REPORT = {
    "indicator.informed.numerator": "1.234",
    "indicator.informed.denominator": "1.500",
    "indicator.applying.numerator": "320",
    "indicator.applying.denominator": "1.500",
    "indicator.training_events.value": "8,5",
    "section.results": "Đã tổ chức 4 lớp tập huấn về sản xuất sạch hơn cho 120 doanh nghiệp.",
    "section.difficulties": "Kinh phí còn hạn chế.",
    "section.recommendations": "Đề nghị bổ sung kinh phí khuyến công.",
    "funding.local_budget": "150.000.000",
}
NO_FILE = ("attachments", ("", b"", "application/octet-stream"))  # what a browser sends with no file chosen


class _Forms(HTMLParser):
    """Each <form> of a page: its action and the values a browser would send from it as it is."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append({"id": named.get("id", ""), "action": named.get("action", ""), "fields": {}})
        elif not self.forms:
            return
        fields: dict[str, str] = self.forms[-1]["fields"] if self.forms else {}
        if tag == "input" and named.get("type") not in {"file", "submit"} and "name" in named:
            fields[named["name"]] = named.get("value", "")
        elif tag == "textarea":
            self._textarea = named["name"]
            fields[self._textarea] = ""
        elif tag == "select":
            self._select = named["name"]
            fields.setdefault(self._select, "")
        elif tag == "option" and self._select is not None and "selected" in named:
            fields[self._select] = named.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


def forms_of(html: str) -> list[dict[str, Any]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form_fields(html: str, action_ends_with: str) -> dict[str, str]:
    """The fields of the page's form whose action ends with ``action_ends_with``, as prefilled."""
    found = [f for f in forms_of(html) if str(f["action"]).endswith(action_ends_with)]
    assert found, f"no form posting to …{action_ends_with}"
    return dict(found[0]["fields"])


@dataclass
class Portal:
    base_url: str
    store: Store
    settings: Settings
    clock: FixedClock
    signer: LinkSigner
    http: httpx.Client
    token: str  # Tứ Kỳ's focal point, on its 2016 district report
    link_id: int
    task_run_id: int
    contact_id: int
    statuses: list[tuple[str, str, int]] = field(default_factory=list)

    def url(self, token: str | None = None, suffix: str = "") -> str:
        return f"{self.base_url}/r/{token or self.token}{suffix}"

    def open(self, token: str | None = None, **params: str) -> httpx.Response:
        return self.http.get(self.url(token), params=params)

    def report_form(self, token: str | None = None) -> dict[str, str]:
        page = self.open(token)
        assert page.status_code == 200, page.text
        return form_fields(page.text, f"/r/{token or self.token}")

    def post_report(
        self,
        fields: dict[str, str],
        *,
        action: str = "submit",
        files: list[tuple[str, tuple[str, bytes, str]]] | None = None,
        token: str | None = None,
    ) -> httpx.Response:
        """POST as the browser does: multipart, with the button pressed and the file input (maybe empty)."""
        return self.http.post(self.url(token), data={**fields, "action": action}, files=files or [NO_FILE])

    def submit(self, values: dict[str, str], *, token: str | None = None, **options: Any) -> httpx.Response:
        """Open the form, type ``values`` over what it shows, press "submit" (or ``action``)."""
        return self.post_report({**self.report_form(token), **values}, token=token, **options)

    def counts(self) -> dict[str, int]:
        """Rows of everything a request could write."""
        with self.store.session() as session:
            return {
                model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
                for model in (
                    Submission,
                    HistoryEntry,
                    OutboxMessage,
                    ReplyLink,
                    ExtensionRequest,
                    Attachment,
                    ContactRecord,
                )
            }

    def outbox(self, kind: str) -> list[OutboxMessage]:
        with self.store.session() as session:
            return list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))

    def submissions(self) -> list[Submission]:
        with self.store.session() as session:
            return list(session.scalars(select(Submission).order_by(Submission.version)))

    def task_state(self) -> TaskRunState:
        with self.store.session() as session:
            return session.get_one(TaskRun, self.task_run_id).state

    def link_of(self, agency_code: str) -> str:
        """The token of an agency's focal point on its 2016 district report (issued with the request)."""
        with self.store.session() as session:
            link = session.scalars(
                select(ReplyLink)
                .join(TaskRun, ReplyLink.task_run_id == TaskRun.id)
                .join(ContactRecord, ReplyLink.contact_id == ContactRecord.id)
                .where(
                    TaskRun.agency_code == agency_code,
                    TaskRun.task_key == TASK,
                    ContactRecord.role == ContactRole.FOCAL_POINT.value,
                )
            ).one()
            return self.signer.token(link)


def _prepare(store: Store, signer: LinkSigner) -> tuple[int, int, int]:
    at = parse_instant(OPENED_ON)
    with store.session() as session:
        import_directory(session, builtin_directory("HD"), now=at)
        started = start_plan(
            session, load_builtin_plan("plan-2016-2020"), load_registry(session, "HD"), "HD", now=at, actor="test"
        )
        announce_start(
            session,
            session.get_one(PlanRun, started.run_id),
            now=at,
            mailing=Mailing(writer=EMAIL_WRITER, signer=signer),
            actor="t",
        )
        link = session.scalars(
            select(ReplyLink)
            .join(TaskRun, ReplyLink.task_run_id == TaskRun.id)
            .join(ContactRecord, ReplyLink.contact_id == ContactRecord.id)
            .where(
                TaskRun.agency_code == DISTRICT,
                TaskRun.task_key == TASK,
                ContactRecord.role == ContactRole.FOCAL_POINT.value,
            )
        ).one()
        return link.id, link.task_run_id, link.contact_id


def _serve(app: Any, listener: socket.socket) -> tuple[uvicorn.Server, threading.Thread]:
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the portal did not start")
        time.sleep(0.02)
    return server, thread


@pytest.fixture
def portal(database_url: str, tmp_path: Path) -> Iterator[Portal]:
    from sxsh_flow.web.app import create_app

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    base_url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    settings = Settings.from_env(
        {
            "SXSH_HOME": str(tmp_path),
            "SXSH_DATABASE_URL": database_url,
            "SXSH_SECRET_KEY": SECRET,
            "SXSH_BASE_URL": base_url,
        }
    )
    signer = LinkSigner(settings.secret_key(), settings.base_url)
    clock = FixedClock(parse_instant(PORTAL_NOW))
    statuses: list[tuple[str, str, int]] = []

    def record(response: httpx.Response) -> None:
        statuses.append((response.request.method, response.request.url.path, response.status_code))

    with Store(database_url) as store:
        link_id, task_run_id, contact_id = _prepare(store, signer)
        server, thread = _serve(create_app(store, settings, clock), listener)
        with httpx.Client(timeout=30, event_hooks={"response": [record]}) as http:
            try:
                yield Portal(base_url, store, settings, clock, signer, http, signer.token(_link(store, link_id)),
                             link_id, task_run_id, contact_id, statuses)  # fmt: skip
            finally:
                server.should_exit = True
                thread.join(timeout=10)
                listener.close()
    failures = [entry for entry in statuses if entry[2] >= 500]
    assert not failures, f"server errors: {failures}"


def _link(store: Store, link_id: int) -> ReplyLink:
    with store.session() as session:
        return session.get_one(ReplyLink, link_id)


def error_next_to(html: str, key: str) -> str:
    """The message shown for field ``key``, checked to be tied to its input (aria-describedby, aria-invalid)."""
    element_id = "f-" + key.replace(".", "-")
    message = re.search(rf'<p class="error" id="{re.escape(element_id)}-error">(.*?)</p>', html, re.S)
    assert message, f"no error shown for {key}"
    control = re.search(rf'<(?:input|textarea|select)\b[^>]*\bid="{re.escape(element_id)}"[^>]*>', html)
    assert control, f"no input for {key}"
    described = re.search(r'aria-describedby="([^"]*)"', control.group(0))
    assert described, f"the input of {key} points at nothing"
    assert f"{element_id}-error" in described.group(1).split(), "the input does not point at its error"
    assert 'aria-invalid="true"' in control.group(0)
    return re.sub(r"<[^>]+>", "", message.group(1)).strip()

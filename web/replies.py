"""The pages behind a reply link: the task and its form (GET), and the three things a POST can do.

Order of checks on every POST: the link (any failure: the one neutral 404 page, before the body is
even read), then the CSRF token (403, nothing stored), then the engine, in one transaction. The
database work runs in a worker thread; the event loop only moves bytes and renders pages. A genuine
link whose duty passed to a successor (its agency ended) gets the same page, saying who took over.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from sxsh_flow.engine.attachments import MAX_BYTES
from sxsh_flow.engine.clock import Clock
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.labels import state_label
from sxsh_flow.engine.report_form import form_definition
from sxsh_flow.engine.services.extensions import request_extension
from sxsh_flow.engine.services.forwards import MAX_FORWARDS_PER_TASK_RUN, forward_task
from sxsh_flow.engine.services.links import LinkAccess, LinkSigner, PassedOn, passed_on, resolve
from sxsh_flow.engine.services.notices import Mailing
from sxsh_flow.engine.services.submissions import FormState, form_state, save_report, task_context
from sxsh_flow.engine.settings import Settings
from sxsh_flow.errors import InvalidRequest, ReportNotExpected
from sxsh_flow.notifications import EMAIL_WRITER
from sxsh_flow.web.forms import (
    Errors,
    PostedForm,
    SideForm,
    guard_numbers,
    read_day,
    read_posted_form,
    report_form_view,
    side_errors,
    side_view,
    stored_enterprises,
    stored_texts,
    typed_enterprises,
)
from sxsh_flow.web.link_work import LinkLocks, link_work
from sxsh_flow.web.pages import LANGUAGES, Pages, text
from sxsh_flow.web.security import CsrfTokens
from sxsh_flow.words import words


@dataclass(frozen=True)
class Receipt:
    version: int
    submitted_at: datetime
    on_time: bool


@dataclass(frozen=True)
class Saved:
    state: FormState
    errors: Errors
    receipt: Receipt | None


@dataclass(frozen=True)
class Extended:
    state: FormState
    refused: SideForm | None
    until: date | None


@dataclass(frozen=True)
class Forwarded:
    state: FormState
    refused: SideForm | None
    email: str | None
    waits_for_coordinator: bool = False


class ReplyPortal:
    """The routes under /r/{token}: what a reply link shows and what its forms do."""

    def __init__(self, store: Store, settings: Settings, clock: Clock, pages: Pages, *, bad_link_html: str) -> None:
        self.store = store
        self.clock = clock
        self.pages = pages
        self.attachments_folder = settings.attachments_folder
        secret = settings.secret_key()
        self.signer = LinkSigner(secret, settings.base_url)
        self.csrf = CsrfTokens(secret, clock)
        self.mailing = Mailing(
            writer=EMAIL_WRITER,
            language=settings.language,
            sender_email=settings.mail_from,
            signer=self.signer,
            installation=settings.installation_id(),
        )
        self.locks = LinkLocks()
        self.bad_link_html = bad_link_html

    # --- responses ---------------------------------------------------------------------------

    def bad_link(self) -> HTMLResponse:
        # One page, rendered once: nothing in it can depend on why the link failed.
        return HTMLResponse(self.bad_link_html, status_code=404)

    def dead_link(self, moved: PassedOn | None) -> HTMLResponse:
        """The dead-link page; for a duty that passed to a successor, saying who took it over."""
        if moved is None:
            return self.bad_link()
        since = {language: words(language).date(moved.since) for language in LANGUAGES}
        context = {"successors": ", ".join(moved.successors), "since": since}
        return HTMLResponse(self.pages.html("bad_link.html", context, language="vi"), status_code=404)

    def expired_form(self, request: Request, token: str) -> HTMLResponse:
        return self.pages.render(
            request,
            "notice.html",
            {
                "title": "expired_title",
                "lines": ["expired", "expired_next"],
                "values": {},
                "back": token,
                "back_label": "open_again",
            },
            status=403,
            switch_path=f"/r/{token}",
        )

    def task_page(
        self,
        request: Request,
        token: str,
        state: FormState,
        *,
        texts: Mapping[str, str] | None = None,
        enterprises: list[dict[str, str]] | None = None,
        errors: Errors | None = None,
        notice: str | None = None,
        extension: SideForm | None = None,
        forward: SideForm | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        """The task with its form; ``texts``/``enterprises`` as typed, or else the stored values."""
        language = self.pages.language(request)
        form = report_form_view(
            state.definition,
            texts=texts if texts is not None else stored_texts(state.definition, state.values),
            enterprises=enterprises if enterprises is not None else stored_enterprises(state.values),
            errors=errors or {},
            language=language,
        )
        link_id = state.access.link_id
        extension_view = side_view(extension or SideForm(), language)
        forward_view = side_view(forward or SideForm(), language)
        return self.pages.render(
            request,
            "task.html",
            {
                "state": state,
                "state_label": state_label(state.task_state, language),
                "form": form,
                "notice": notice,
                "token": token,
                "tickets": {name: self.csrf.issue(link_id) for name in ("report", "extension", "forward")},
                "extension": extension_view,
                "forward": forward_view,
                "summary": form.errors + side_errors(extension_view, forward_view, language),
                "limit_mb": MAX_BYTES // (1024 * 1024),
                "forward_limit": MAX_FORWARDS_PER_TASK_RUN,
            },
            status=status,
            switch_path=f"/r/{token}",
        )

    # --- routes ------------------------------------------------------------------------------

    async def show(self, request: Request, token: str) -> Response:
        state = await run_in_threadpool(self._read, token)
        if not isinstance(state, FormState):
            return self.dead_link(state)
        return self.task_page(request, token, state)

    async def report(self, request: Request, token: str) -> Response:
        posted = await self._checked_post(request, token)
        if isinstance(posted, Response):
            return posted
        submit = posted.get("action") == "submit"
        saved = await run_in_threadpool(self._save, token, posted, submit)
        if saved is None:
            return self.bad_link()
        if saved.receipt is not None:
            return self._receipt_page(request, token, saved.state, saved.receipt)
        if saved.errors:
            return self.task_page(
                request,
                token,
                saved.state,
                texts=posted.data,
                enterprises=typed_enterprises(posted.data),
                errors=saved.errors,
                notice="errors_not_sent" if submit else "errors_draft",
                status=422,
            )
        return self.task_page(request, token, saved.state, notice="draft_saved")

    async def extension(self, request: Request, token: str) -> Response:
        posted = await self._checked_post(request, token)
        if isinstance(posted, Response):
            return posted
        outcome = await run_in_threadpool(self._extend, token, posted)
        if outcome is None:
            return self.bad_link()
        if outcome.refused is not None or outcome.until is None:
            return self.task_page(request, token, outcome.state, extension=outcome.refused, status=422)
        return self.pages.render(
            request,
            "notice.html",
            {
                "title": "extension_sent_title",
                "lines": ["extension_sent"],
                "values": {"day": outcome.until.strftime("%d/%m/%Y")},
                "back": token,
                "back_label": "back",
            },
            switch_path=f"/r/{token}",
        )

    async def forward(self, request: Request, token: str) -> Response:
        posted = await self._checked_post(request, token)
        if isinstance(posted, Response):
            return posted
        outcome = await run_in_threadpool(self._forward, token, posted)
        if outcome is None:
            return self.bad_link()
        if outcome.refused is not None or outcome.email is None:
            return self.task_page(request, token, outcome.state, forward=outcome.refused, status=422)
        return self.pages.render(
            request,
            "notice.html",
            {
                "title": "forwarded_title",
                "lines": ["forward_waits"] if outcome.waits_for_coordinator else ["forwarded"],
                "values": {"email": outcome.email},
                "back": token,
                "back_label": "back",
            },
            switch_path=f"/r/{token}",
        )

    # --- the work, one transaction each (run in a worker thread) -------------------------------

    def _access(self, session: Session, token: str) -> LinkAccess | None:
        return resolve(session, self.signer, token, now=self.clock.now())

    def _read(self, token: str) -> FormState | PassedOn | None:
        """The task of a working link; else who took its duty over, if it moved."""
        # A GET only reads (mail scanners open every link they see): not queued behind the writers.
        with self.store.reading() as session:
            now = self.clock.now()
            access = resolve(session, self.signer, token, now=now)
            return form_state(session, access) if access else passed_on(session, self.signer, token, now=now)

    def _link_id(self, token: str) -> int | PassedOn | None:
        with self.store.reading() as session:
            access = self._access(session, token)
            return access.link_id if access else passed_on(session, self.signer, token, now=self.clock.now())

    async def _checked_post(self, request: Request, token: str) -> PostedForm | Response:
        """The posted form, if the link works and the form carries a valid token for it."""
        link_id = await run_in_threadpool(self._link_id, token)
        if not isinstance(link_id, int):
            return self.dead_link(link_id)  # before reading the body: a dead link costs us nothing
        posted = await read_posted_form(request)
        if not self.csrf.accepts(posted.get("csrf_token"), link_id=link_id, form_nonce=posted.get("form_nonce")):
            return self.expired_form(request, token)
        return posted

    def _work(self, token: str) -> AbstractContextManager[Session]:
        """The POST's unit of work, under its link's lock (see ``link_work``)."""
        carried = self.signer.read(token)
        return link_work(self.store, self.locks.of(carried[0] if carried else 0))

    def _save(self, token: str, posted: PostedForm, submit: bool) -> Saved | None:
        try:
            return self._save_once(token, posted, submit)
        except IntegrityError:
            # Another process saved the same link's report at the same instant (the lock above is per
            # process): the retry sees its work, and a second press of one form then finds its receipt.
            return self._save_once(token, posted, submit)

    def _save_once(self, token: str, posted: PostedForm, submit: bool) -> Saved | None:
        with self._work(token) as session:
            access = self._access(session, token)
            if access is None:
                return None
            # The form's definition only, not the whole page's state: the page is read after the save.
            task_run, spec = task_context(session, access)
            definition = form_definition(spec, spec.task(task_run.task_key))
            result = save_report(
                session,
                access,
                guard_numbers(definition, posted.data),
                # The engine would store files even where the plan asks for none; only send what the form offers.
                posted.files if definition.attachments else (),
                submit=submit,
                form_nonce=posted.get("form_nonce"),
                now=self.clock.now(),
                attachments_folder=self.attachments_folder,
                mailing=self.mailing,
            )
            receipt = None
            if result.submitted and result.submission is not None:
                submission = result.submission
                receipt = Receipt(
                    submission.version, submission.submitted_at or self.clock.now(), bool(submission.on_time)
                )
            return Saved(form_state(session, access), dict(result.parsed.errors), receipt)

    def _extend(self, token: str, posted: PostedForm) -> Extended | None:
        reason, asked = posted.get("reason"), posted.get("proposed_until")
        values = {"reason": reason, "proposed_until": asked}
        with self._work(token) as session:
            access = self._access(session, token)
            if access is None:
                return None
            state = form_state(session, access)
            if not state.can_submit:
                # The engine would record a request for a report already sent; there is nothing to extend.
                raise ReportNotExpected(state.access.task_run_id, state.task_state.value)
            errors: dict[str, tuple[str, str]] = {}
            if not reason.strip():
                errors["reason"] = (text("reason_missing", "vi"), text("reason_missing", "en"))
            until = read_day(asked)
            if until is None:
                errors["proposed_until"] = (text("date_invalid", "vi"), text("date_invalid", "en"))
            if errors or until is None:
                return Extended(state, SideForm(values, errors), None)
            try:
                request_extension(
                    session, access, reason=reason, proposed_until=until, now=self.clock.now(), mailing=self.mailing
                )
            except InvalidRequest as problem:
                session.rollback()
                return Extended(state, SideForm(values, {}, (problem.message("vi"), problem.message("en"))), None)
            return Extended(form_state(session, access), None, until)

    def _forward(self, token: str, posted: PostedForm) -> Forwarded | None:
        values = {"name": posted.get("name"), "email": posted.get("email")}
        with self._work(token) as session:
            access = self._access(session, token)
            if access is None:
                return None
            state = form_state(session, access)
            try:
                outcome = forward_task(
                    session,
                    access,
                    name=values["name"],
                    email=values["email"],
                    ticket=posted.get("form_nonce"),
                    now=self.clock.now(),
                    mailing=self.mailing,
                    signer=self.signer,
                )
            except InvalidRequest as problem:
                session.rollback()
                refusal = (problem.message("vi"), problem.message("en"))
                return Forwarded(state, SideForm(values, {"email": refusal}), None)
            return Forwarded(state, None, outcome.email, outcome.waits_for_coordinator)

    def _receipt_page(self, request: Request, token: str, state: FormState, receipt: Receipt) -> HTMLResponse:
        return self.pages.render(
            request,
            "receipt.html",
            {"state": state, "receipt": receipt, "token": token},
            switch_path=f"/r/{token}",
        )

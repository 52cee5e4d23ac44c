"""Signing in to the desk: ask for a one-time link, open it, press the button; and signing out.

Opening the emailed link (GET) only shows a button: mail scanners fetch every link they see, and
must not spend it. The POST spends it and opens the session. Asking for a link answers the same
page whether or not the address is a coordinator's, so the form tells nobody who is one.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from sxsh_flow.engine.desk_paths import desk_url
from sxsh_flow.engine.services.desk_access import (
    SIGN_IN_LINK_AGE,
    Opened,
    end_session,
    request_sign_in,
    usable_link,
    use_link,
)
from sxsh_flow.web.desk.context import SIGN_IN_PATH, Desk, safe_next
from sxsh_flow.web.forms import read_posted_form

MAX_EMAIL = 320


class SignIn:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    async def form(self, request: Request) -> Response:
        email = request.query_params.get("email", "")[:MAX_EMAIL]
        return self.desk.sign_in_page(request, next_path=safe_next(request.query_params.get("next")), email=email)

    async def ask(self, request: Request) -> Response:
        posted = await read_posted_form(request)
        email = posted.get("email").strip()[:MAX_EMAIL]
        next_path = safe_next(posted.get("next"))
        await run_in_threadpool(self._ask, email, next_path)
        minutes = int(SIGN_IN_LINK_AGE.total_seconds() // 60)
        return self.desk.message(
            request, "link_sent_title", ["link_sent", "link_sent_next"], 200, email=email, minutes=minutes
        )

    def _ask(self, email: str, next_path: str) -> None:
        def url_of(token: str) -> str:
            return desk_url(self.desk.settings.base_url, f"{SIGN_IN_PATH}/{token}")

        with self.desk.store.session() as session:
            request_sign_in(
                session, email, next_path=next_path, now=self.desk.clock.now(), mailing=self.desk.mailing, url_of=url_of
            )

    async def confirm_page(self, request: Request, token: str) -> Response:
        email = await run_in_threadpool(self._peek, token)
        if email is None:
            return self.bad_link(request)
        return self.desk.render(
            request, "desk/confirm.html", {"email": email, "action": f"{SIGN_IN_PATH}/{token}"}, switch=False
        )

    def _peek(self, token: str) -> str | None:
        with self.desk.store.session() as session:
            link = usable_link(session, token, now=self.desk.clock.now())
            email = link.email if link is not None else None
            session.rollback()  # a GET only reads
        return email

    async def use(self, request: Request, token: str) -> Response:
        opened = await run_in_threadpool(self._use, token)
        if opened is None:
            return self.bad_link(request)
        response = RedirectResponse(safe_next(opened.next_path), status_code=303)
        self.desk.set_session_cookie(response, opened.session_id)
        return response

    def _use(self, token: str) -> Opened | None:
        with self.desk.store.session() as session:
            return use_link(session, token, now=self.desk.clock.now())

    def bad_link(self, request: Request) -> Response:
        return self.desk.message(request, "bad_sign_in_title", ["bad_sign_in"], 404, ask_again=True)

    async def sign_out(self, request: Request) -> Response:
        person = await run_in_threadpool(self.desk.coordinator, request)
        if isinstance(person, Response):
            return person
        posted = await self.desk.posted(request, person)
        if isinstance(posted, Response):
            return posted
        await run_in_threadpool(self._end, request.cookies.get(self.desk.cookie))
        response = self.desk.message(request, "signed_out_title", ["signed_out"], 200, ask_again=True)
        self.desk.clear_session_cookie(response)
        return response

    def _end(self, secret: str | None) -> None:
        with self.desk.store.session() as session:
            end_session(session, secret, now=self.desk.clock.now())

"""What every desk page shares: the store, the clock, the mail, the session cookie and its forms' tokens.

A desk page first asks ``Desk.coordinator``: with no open session it answers with the sign-in page
(which comes back to the page asked for); for a run the person does not coordinate, the same
neutral page as any unknown address. Every POST then checks its CSRF token, bound to the session.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from sxsh_flow.engine.clock import Clock
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.desk_paths import DESK
from sxsh_flow.engine.services.desk_access import IDLE_TIMEOUT, SESSION_AGE, coordinates, current_session
from sxsh_flow.engine.services.links import LinkSigner
from sxsh_flow.engine.services.notices import Mailing
from sxsh_flow.engine.settings import Settings
from sxsh_flow.notifications import EMAIL_WRITER
from sxsh_flow.web.desk.words import desk_text
from sxsh_flow.web.forms import read_posted_form
from sxsh_flow.web.pages import Pages
from sxsh_flow.web.security import CsrfTokens, FormTicket

DESK_CSRF_SALT = "sxsh-flow/desk-csrf"
SIGN_IN_PATH = f"{DESK}/sign-in"
SIGN_OUT_PATH = f"{DESK}/sign-out"


@dataclass(frozen=True)
class Coordinator:
    """The person at the desk: their address (the actor of every move they make) and their session."""

    email: str
    session_id: int


def safe_next(path: str | None) -> str:
    """Where to come back to after signing in: a desk path of this site, never another site's."""
    if not path or not path.startswith(DESK) or path.startswith("//") or "\\" in path:
        return DESK
    return path[:500]


class Desk:
    def __init__(self, store: Store, settings: Settings, clock: Clock, pages: Pages) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock
        self.pages = pages
        secret = settings.secret_key()
        self.secret = secret
        self.signer = LinkSigner(secret, settings.base_url)
        self.csrf = CsrfTokens(secret, clock, max_age=SESSION_AGE, salt=DESK_CSRF_SALT)
        self.mailing = Mailing(
            writer=EMAIL_WRITER,
            language=settings.language,
            sender_email=settings.mail_from,
            signer=self.signer,
            installation=settings.installation_id(),
        )
        self.secure = settings.base_url.startswith("https://")
        # __Host-: a cookie only this host set, over HTTPS, for the whole site (browsers enforce it).
        self.cookie = "__Host-sxsh_desk" if self.secure else "sxsh_desk"

    # --- pages ------------------------------------------------------------------------------------

    def render(
        self,
        request: Request,
        template: str,
        context: Mapping[str, Any],
        *,
        status: int = 200,
        switch: bool = True,
    ) -> HTMLResponse:
        language = self.pages.language(request)

        def d(key: str, **values: object) -> str:
            return desk_text(key, language, **values)

        return self.pages.render(
            request,
            template,
            {"d": d, "desk": DESK, "sign_out_path": SIGN_OUT_PATH, **context},
            status=status,
            switch_path=request.url.path if switch else None,
        )

    def message(self, request: Request, title: str, lines: list[str], status: int, **values: object) -> HTMLResponse:
        """A calm page of the desk's words, with a way back to signing in when ``values`` ask for it."""
        return self.render(
            request, "desk/message.html", {"title": title, "lines": lines, "values": values}, status=status
        )

    def not_found(self, request: Request) -> HTMLResponse:
        # A run one does not coordinate looks like an address that does not exist.
        return self.message(request, "bad_sign_in_title", [], 404)

    # --- who is here ------------------------------------------------------------------------------

    def coordinator(self, request: Request, run_id: int | None = None) -> Coordinator | Response:
        """The signed-in coordinator (of run ``run_id``, when given), or the page to show instead."""
        now = self.clock.now()
        with self.store.session() as session:
            found = current_session(session, request.cookies.get(self.cookie), now=now)
            if found is None:
                person = None
            elif run_id is not None and not coordinates(session, found.email, run_id, now=now):
                return self.not_found(request)
            else:
                person = Coordinator(found.email, found.id)
        if person is None:
            back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            target = f"{SIGN_IN_PATH}?next={quote(safe_next(back), safe='/')}"
            if request.method != "GET":
                return RedirectResponse(target, status_code=303)
            return self.sign_in_page(request, next_path=safe_next(back), status=401)
        return person

    def sign_in_page(self, request: Request, *, next_path: str, status: int = 200, email: str = "") -> HTMLResponse:
        return self.render(
            request,
            "desk/sign_in.html",
            {"next_path": next_path, "email": email, "action": SIGN_IN_PATH},
            status=status,
        )

    def set_session_cookie(self, response: Response, secret: str) -> None:
        # Lax, not Strict: the digest's link is a top-level GET from a mail client or webmail, and
        # Strict would leave the cookie behind there and ask a signed-in coordinator to sign in again.
        # Cross-site POSTs never carry it under Lax, and every POST must carry the session's CSRF token.
        response.set_cookie(
            self.cookie,
            secret,
            max_age=int(SESSION_AGE.total_seconds()),
            path="/",
            secure=self.secure,
            httponly=True,
            samesite="lax",
        )

    def clear_session_cookie(self, response: Response) -> None:
        response.delete_cookie(self.cookie, path="/", secure=self.secure, httponly=True, samesite="lax")

    # --- forms ------------------------------------------------------------------------------------

    def ticket(self, person: Coordinator) -> FormTicket:
        return self.csrf.issue(person.session_id)

    async def posted(self, request: Request, person: Coordinator) -> dict[str, str] | Response:
        """The posted fields, if the form carries a token of this session; else the expired-form page."""
        posted = await read_posted_form(request)
        if not self.csrf.accepts(
            posted.get("csrf_token"), link_id=person.session_id, form_nonce=posted.get("form_nonce")
        ):
            return self.message(request, "expired_form_title", ["expired_form"], 403)
        return dict(posted.data)


IDLE_MINUTES = int(IDLE_TIMEOUT.total_seconds() // 60)

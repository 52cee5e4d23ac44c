"""The reply portal: the web app department and district officials open from their emails.

``create_app`` wires the store, the settings and the clock the caller built (``sxsh-flow serve``,
or a test) into a FastAPI app; nothing here is created at import time. Errors are mapped to pages
once, here: a domain error becomes a calm page with its own message and status, any unknown URL the
same page as a dead link, and a real bug a 500 page, logged.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy import text as sql
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from sxsh_flow.engine.attachments import remove_leftovers
from sxsh_flow.engine.clock import Clock
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import Attachment
from sxsh_flow.engine.services.status import failing_jobs
from sxsh_flow.engine.settings import Settings
from sxsh_flow.errors import ReportNotExpected, SxshError
from sxsh_flow.web.consolidated import register_report_pages
from sxsh_flow.web.desk import register_desk
from sxsh_flow.web.pages import TEMPLATE_FOLDER, Pages
from sxsh_flow.web.replies import ReplyPortal
from sxsh_flow.web.security import BodyLimitMiddleware, SecurityHeadersMiddleware, redact_access_log, security_headers

MAX_BODY_BYTES = 25 * 1024 * 1024  # two attachments at the engine's 10 MB each, and the form
logger = logging.getLogger("sxsh_flow.web")


def create_app(
    store: Store,
    settings: Settings,
    clock: Clock,
    *,
    max_body_bytes: int = MAX_BODY_BYTES,
    health_details: Callable[[], dict[str, Any]] | None = None,
) -> FastAPI:
    """The portal. ``health_details`` adds to /health what the process runs beside it (the scheduler)."""
    pages = Pages(settings.language)
    bad_link_html = pages.html("bad_link.html", {}, language="vi")
    portal = ReplyPortal(store, settings, clock, pages, bad_link_html=bad_link_html)
    stylesheet = (TEMPLATE_FOLDER / "portal.css").read_bytes()
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    _remove_attachment_leftovers(store, settings)

    def notice(request: Request, title: str, lines: list[str], status: int, **values: object) -> Response:
        token = request.path_params.get("token")
        return pages.render(
            request,
            "notice.html",
            {"title": title, "lines": lines, "values": values, "back": token, "back_label": "back"},
            status=status,
            switch_path=f"/r/{token}" if token else None,
        )

    async def domain_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SxshError)
        title = "not_expected_title" if isinstance(exc, ReportNotExpected) else "problem_title"
        return notice(request, title, [], exc.http_status, message=exc.message(pages.language(request)))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            return portal.bad_link()  # an unknown address says no more than a dead link
        if exc.status_code == 405:
            return notice(request, "problem_title", ["not_allowed"], 405)
        return notice(request, "problem_title", ["bad_request"], exc.status_code)

    async def server_error(request: Request, exc: Exception) -> Response:
        route = request.scope.get("route")
        # The route's pattern, not the URL: the URL holds the link's token, which is a key.
        logger.error("unhandled error in %s %s", request.method, getattr(route, "path", "?"), exc_info=exc)
        response = notice(request, "server_error_title", ["server_error"], 500)
        response.headers.update(security_headers(request.url.path))  # this page is sent from outside the middleware
        return response

    async def too_large(scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        response = notice(request, "too_large_title", ["too_large"], 413, limit=max_body_bytes // (1024 * 1024))
        response.headers["Connection"] = "close"  # the rest of the body is not read
        await response(scope, receive, send)

    app.add_exception_handler(SxshError, domain_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, server_error)
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes, too_large=too_large)
    app.add_middleware(SecurityHeadersMiddleware)  # added last: outermost, so every page gets the headers
    redact_access_log()

    app.add_api_route("/r/{token}", portal.show, methods=["GET", "HEAD"], include_in_schema=False)
    app.add_api_route("/r/{token}", portal.report, methods=["POST"], include_in_schema=False)
    app.add_api_route("/r/{token}/extension", portal.extension, methods=["POST"], include_in_schema=False)
    app.add_api_route("/r/{token}/forward", portal.forward, methods=["POST"], include_in_schema=False)
    register_report_pages(app, store, settings, clock, pages, bad_link=portal.bad_link)
    register_desk(app, store, settings, clock, pages)

    @app.get("/health", include_in_schema=False)
    def health() -> Response:
        try:
            with store.session() as session:
                session.execute(sql("SELECT 1"))
                failing = failing_jobs(session)
        except SQLAlchemyError:
            logger.exception("health check: the database does not answer")
            return JSONResponse({"status": "unavailable"}, status_code=503)
        details = health_details() if health_details is not None else {}
        if not failing:
            return JSONResponse({"status": "ok", **details})
        # A job that fails on every tick must not look healthy to a monitor. The job, the day it
        # began and the count only: its error may hold an address or a figure someone typed.
        jobs = [{"job": job.job, "since": job.since.isoformat(), "attempts": job.attempts} for job in failing]
        return JSONResponse({"status": "failing", "failing_jobs": jobs, **details}, status_code=503)

    @app.get("/static/portal.css", include_in_schema=False)
    def portal_css() -> Response:
        return Response(stylesheet, media_type="text/css", headers={"Cache-Control": "public, max-age=86400"})

    return app


def _remove_attachment_leftovers(store: Store, settings: Settings) -> None:
    """What a crashed save left in the attachments folder goes when the portal starts again."""
    try:
        with store.session() as session:
            referenced = set(session.scalars(select(Attachment.sha256).distinct()))
    except SQLAlchemyError:
        logger.exception("attachments: the database does not answer; leftovers are kept for now")
        return
    # The file system's clock, not the domain's: file ages are measured against their own mtimes.
    removed = remove_leftovers(settings.attachments_folder, referenced=referenced, now=time.time())
    if removed:
        logger.info("attachments: removed %d files left by interrupted saves", len(removed))

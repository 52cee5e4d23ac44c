"""The coordinator's page of a consolidated report: /bao-cao/{token}, its charts and its files.

The report is built when asked for, from the database as it is now, so the page always shows the
latest reports. A token that does not work, whatever the reason (altered, expired, of a run that is
gone), gets the very page a dead reply link gets. Rendering the charts and the files loads
matplotlib, python-docx and openpyxl: only here, when a report is asked for.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from sxsh_flow.engine.clock import Clock, local_date
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.settings import Settings
from sxsh_flow.errors import UnknownCycle, UnknownRun
from sxsh_flow.reports.collect import DOCX_TYPE, XLSX_TYPE, build_report
from sxsh_flow.reports.model import ConsolidatedReport
from sxsh_flow.web.pages import Pages
from sxsh_flow.web.report_links import REPORT_PATH, ReportLinks

STYLESHEET_PATH = "/static/report.css"
DOWNLOADS: dict[str, tuple[str, str]] = {  # kind -> (MIME type, label)
    "docx": (DOCX_TYPE, "Word (.docx)"),
    "xlsx": (XLSX_TYPE, "Excel (.xlsx)"),
}


class ConsolidatedReportPages:
    def __init__(
        self, store: Store, settings: Settings, clock: Clock, pages: Pages, *, bad_link: Callable[[], Response]
    ) -> None:
        self.store = store
        self.clock = clock
        self.pages = pages
        self.links = ReportLinks(settings.secret_key())
        self.bad_link = bad_link

    def _build(self, token: str, language: str) -> ConsolidatedReport | None:
        now = self.clock.now()
        asked = self.links.read(token, now=now)
        if asked is None:
            return None
        try:
            with self.store.session() as session:
                return build_report(
                    session,
                    asked.run_id,
                    cycle_label=asked.cycle_label,
                    cumulative=asked.cumulative,
                    today=local_date(now),
                    language=language,
                )
        except (UnknownRun, UnknownCycle):  # signed by us, but the run or its cycle is gone
            return None

    async def show(self, request: Request, token: str) -> Response:
        report = await run_in_threadpool(self._build, token, self.pages.language(request))
        if report is None:
            return self.bad_link()
        html = await run_in_threadpool(self._page, report, request.scope.get("root_path", ""), token)
        return HTMLResponse(html)

    def _page(self, report: ConsolidatedReport, root: str, token: str) -> str:
        from sxsh_flow.reports.html import render_portal_html

        base = f"{root}{REPORT_PATH}/{token}"
        return render_portal_html(
            report,
            stylesheet_url=f"{root}{STYLESHEET_PATH}",
            chart_url=lambda name: f"{base}/bieu-do/{name}.png",
            downloads=[(label, f"{base}/tai-ve/{kind}") for kind, (_, label) in DOWNLOADS.items()],
        )

    async def chart(self, request: Request, token: str, name: str) -> Response:
        report = await run_in_threadpool(self._build, token, self.pages.language(request))
        if report is None:
            return self.bad_link()
        image = await run_in_threadpool(_chart, report, name)
        if image is None:
            return self.bad_link()
        return Response(image, media_type="image/png")

    async def download(self, request: Request, token: str, kind: str) -> Response:
        if kind not in DOWNLOADS:
            return self.bad_link()
        report = await run_in_threadpool(self._build, token, self.pages.language(request))
        if report is None:
            return self.bad_link()
        content = await run_in_threadpool(_document, report, kind)
        filename = f"{report.file_stem}.{kind}"
        return Response(
            content,
            media_type=DOWNLOADS[kind][0],
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )


def _chart(report: ConsolidatedReport, name: str) -> bytes | None:
    from sxsh_flow.reports.html import chart_image

    return chart_image(report, name)


def _document(report: ConsolidatedReport, kind: str) -> bytes:
    if kind == "docx":
        from sxsh_flow.reports.docx import render_docx

        return render_docx(report)
    from sxsh_flow.reports.xlsx import render_xlsx

    return render_xlsx(report)


_REPORT_IN_PATH = re.compile(r"(/bao-cao/)[^/?\s\"]+")


class RedactReportLinks(logging.Filter):
    """Masks report tokens in access logs: a log line must not be a way into the province's figures."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_REPORT_IN_PATH.sub(r"\1…", a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = _REPORT_IN_PATH.sub(r"\1…", record.msg)
        return True


def register_report_pages(
    app: FastAPI, store: Store, settings: Settings, clock: Clock, pages: Pages, *, bad_link: Callable[[], Response]
) -> None:
    """Add the report's routes and stylesheet to the portal ``app``."""
    from sxsh_flow.reports.html import STYLESHEET

    routes = ConsolidatedReportPages(store, settings, clock, pages, bad_link=bad_link)
    stylesheet = STYLESHEET.read_bytes()
    app.add_api_route(f"{REPORT_PATH}/{{token}}", routes.show, methods=["GET", "HEAD"], include_in_schema=False)
    app.add_api_route(
        f"{REPORT_PATH}/{{token}}/bieu-do/{{name}}.png", routes.chart, methods=["GET"], include_in_schema=False
    )
    app.add_api_route(
        f"{REPORT_PATH}/{{token}}/tai-ve/{{kind}}", routes.download, methods=["GET"], include_in_schema=False
    )

    def report_css() -> Response:
        return Response(stylesheet, media_type="text/css", headers={"Cache-Control": "public, max-age=86400"})

    app.add_api_route(STYLESHEET_PATH, report_css, methods=["GET"], include_in_schema=False)
    access_log = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactReportLinks) for f in access_log.filters):
        access_log.addFilter(RedactReportLinks())

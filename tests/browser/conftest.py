"""A real browser on a phone-sized screen, and the reply portal served on loopback for it to open.

The browser is Debian's chromium driven by Playwright through ``executable_path``: Playwright's own
browser downloads are out of reach (CI reaches package registries only). ``.ci/install-browser``
installs it. Without it these tests are skipped on a developer's machine, and fail under CI, where
a browser that silently went missing would otherwise hide every browser test.

The portal runs in a thread with uvicorn, on a socket bound before the settings are built, so the
links it signs point at the port it really listens on. Its data: the Hải Dương directory, the
2016–2020 plan started on 21/11/2016, the day the 2016 cycle opens, so every agency has a reply link.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import uvicorn
from sqlalchemy import select

from sxsh_flow.agencies.directory import ContactRole
from sxsh_flow.agencies.loader import builtin_directory
from sxsh_flow.engine.clock import FixedClock, parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import PlanRun, TaskRun
from sxsh_flow.engine.services.agencies import import_directory, load_registry
from sxsh_flow.engine.services.links import LinkSigner, issue_link
from sxsh_flow.engine.services.notices import Mailing, announce_start
from sxsh_flow.engine.services.start import start_plan
from sxsh_flow.engine.settings import Settings
from sxsh_flow.engine.states import TaskRunState
from sxsh_flow.notifications import EMAIL_WRITER
from sxsh_flow.workflows import load_builtin_plan

if TYPE_CHECKING:
    # Imported where used: without playwright installed, collection must still reach the skip.
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
# Root needs --no-sandbox; the rest keep Chromium from calling home (updates, sync, field trials),
# which on a machine that reaches only package registries stalls or fails the launch.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # gitignored

STARTED_ON = "2016-11-21"  # the 2016 cycle opens: requests with reply links go out
PORTAL_NOW = "2016-11-28T09:30"  # a week later, a Monday morning, the agency opens its link
DISTRICT = "UBND-TUKY"
DISTRICT_TASK = "district-implementation"  # its 2016 run is the one open; 2017–2020 are scheduled


def _missing(reason: str) -> None:
    """Skip on a developer's machine; fail in CI, where the browser is part of the setup."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: run .ci/install-browser before the tests)", pytrace=False)
    pytest.skip(f"{reason}; install it with .ci/install-browser")


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} is missing")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("the Python package playwright is not installed (pip install -e '.[dev]')")
    return CHROMIUM


# Module scope, not session: while Playwright's sync API runs, the main thread's event loop counts
# as running, and every asyncio.run() in the tests after these ones (the CLI, SMTP) would fail.
# (Package scope would do, but tests/ folders are not packages, and there it means session.)
@pytest.fixture(scope="module")
def browser(chromium_path: Path) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    """A page as a small Android phone shows it, in Vietnamese."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where tests keep screenshots for people to look at: test-artifacts/ at the repository root."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@dataclass(frozen=True)
class LivePortal:
    base_url: str
    reply_url: str  # the focal point of Tứ Kỳ's link for its 2016 report
    task_title: str
    due_on: date
    agency_name: str
    contact_name: str
    clock: FixedClock


@pytest.fixture
def live_portal(tmp_path: Path) -> Iterator[LivePortal]:
    """The reply portal on a free loopback port, over a SQLite store in ``tmp_path``."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    settings = Settings.from_env(
        {
            "SXSH_HOME": str(tmp_path),
            "SXSH_SECRET_KEY": "browser-tests-signing-key-7Qm3v9x2LkP0aZt7",
            "SXSH_BASE_URL": f"http://127.0.0.1:{port}",
        }
    )
    with Store(settings.database_url) as store:
        portal = _started_plan(store, settings)
        # Imported here, so that a portal that fails to import fails these tests and no others.
        from sxsh_flow.web.app import create_app

        app = create_app(store, settings, portal.clock)
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                pytest.fail("the portal did not start", pytrace=False)
            time.sleep(0.05)
        try:
            yield portal
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            listener.close()


def _started_plan(store: Store, settings: Settings) -> LivePortal:
    """The plan started on the cycle's opening day; Tứ Kỳ's focal point and the link its request carried."""
    at = parse_instant(STARTED_ON)
    signer = LinkSigner(settings.secret_key(), settings.base_url)
    with store.session() as session:
        import_directory(session, builtin_directory("HD"), now=at)
        started = start_plan(
            session, load_builtin_plan("plan-2016-2020"), load_registry(session, "HD"), "HD", now=at, actor="test"
        )
        run = session.get_one(PlanRun, started.run_id)
        announce_start(session, run, now=at, mailing=Mailing(writer=EMAIL_WRITER, signer=signer), actor="test")
        task_run = session.scalars(
            select(TaskRun).where(
                TaskRun.agency_code == DISTRICT, TaskRun.task_key == DISTRICT_TASK, TaskRun.state == TaskRunState.OPEN
            )
        ).one()
        focal_point = next(c for c in task_run.agency.contacts if c.active and c.role == ContactRole.FOCAL_POINT.value)
        link = issue_link(session, task_run, focal_point, now=at, actor="test")  # finds the existing one
        return LivePortal(
            base_url=settings.base_url,
            reply_url=signer.url(link),
            task_title=task_run.task_title,
            due_on=task_run.effective_due_on,
            agency_name=task_run.agency_name,
            contact_name=focal_point.name,
            clock=FixedClock(parse_instant(PORTAL_NOW)),
        )

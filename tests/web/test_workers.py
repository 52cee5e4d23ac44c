"""The portal in several processes (`sxsh-flow serve --workers 2`): the same pages, the same protections.

Two worker processes share the port and the database the ``portal`` fixture prepared; the test's
client opens the link and presses "submit" twice at once, on connections of their own (the kernel
hands each to either worker). One version is stored, both presses get the receipt, and a
tampered link is still the dead-link page.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from .conftest import NO_FILE, PORTAL_NOW, REPORT, SECRET, Portal, form_fields

WORKERS = 2


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def workers(portal: Portal, tmp_path: Path) -> Iterator[str]:
    """The base URL of `serve --workers 2 --no-scheduler` over the portal fixture's database."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    environ = {
        **os.environ,
        "SXSH_HOME": str(portal.settings.home),
        "SXSH_DATABASE_URL": portal.settings.database_url,
        "SXSH_SECRET_KEY": SECRET,
        "SXSH_BASE_URL": base_url,
    }
    command = [sys.executable, "-m", "sxsh_flow.cli.main", "--now", PORTAL_NOW, "serve", "--no-scheduler"]
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [*command, "--port", str(port), "--workers", str(WORKERS)], env=environ, stdout=output, stderr=output
        )
    try:
        deadline = time.monotonic() + 60
        while log.read_text(errors="replace").count("Application startup complete") < WORKERS:
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"serve --workers {WORKERS} did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.1)
        yield base_url
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            assert server.wait(timeout=30) == 0, log.read_text(errors="replace")
        finally:
            if server.poll() is None:
                server.kill()


def test_both_worker_processes_start_and_say_so(workers: str) -> None:
    answer = httpx.get(f"{workers}/health", timeout=10)

    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}


def test_a_report_pressed_twice_at_once_across_workers_is_stored_once(portal: Portal, workers: str) -> None:
    link = f"{workers}/r/{portal.token}"
    page = httpx.get(link, timeout=10)
    assert page.status_code == 200
    assert "chờ báo cáo" in page.text
    fields = {**form_fields(page.text, f"/r/{portal.token}"), **REPORT, "action": "submit"}

    def press() -> httpx.Response:
        with httpx.Client(timeout=30) as browser:  # a connection of its own: either worker may take it
            return browser.post(link, data=fields, files=[NO_FILE])

    with ThreadPoolExecutor(max_workers=2) as presses:
        answers = list(presses.map(lambda _: press(), range(2)))

    assert [answer.status_code for answer in answers] == [200, 200]
    assert all("Đã nhận báo cáo" in answer.text for answer in answers)
    assert [submission.version for submission in portal.submissions()] == [1]


def test_a_tampered_link_is_the_dead_link_page_in_every_worker(portal: Portal, workers: str) -> None:
    tampered = portal.token[:-2] + ("AA" if not portal.token.endswith("AA") else "BB")

    answers = [httpx.get(f"{workers}/r/{tampered}", timeout=10) for _ in range(4)]

    assert {answer.status_code for answer in answers} == {404}

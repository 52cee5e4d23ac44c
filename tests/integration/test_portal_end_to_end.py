"""A department's whole round trip over real HTTP and a real SMTP server.

Start the plan inside the 2016 cycle; the kickoff email arrives with a link; the link opens the
form; version 1 is submitted and its receipt arrives; the coordinator returns it; a fresh link
arrives; version 2 is submitted and accepted; no reminder about that task is sent afterwards.
"""

from __future__ import annotations

import email.message
import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from sxsh_flow.cli.main import execute
from sxsh_flow.engine.clock import FixedClock, parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.settings import Settings

from .conftest import SmtpServer

AGENCY = "UBND-TUKY"
FOCAL_POINT = "sxsh@tuky.haiduong.example"
SECRET = "end-to-end-signing-key-7Qm3v9x2LkP0aZt7YwR4sN8e"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Portal:
    """`sxsh-flow serve`'s app on loopback, in a thread, sharing the test's clock."""

    def __init__(self, database_url: str, home: Path, port: int, clock: FixedClock) -> None:
        from sxsh_flow.web.app import create_app

        settings = Settings.from_env(
            {"SXSH_HOME": str(home), "SXSH_DATABASE_URL": database_url, "SXSH_SECRET_KEY": SECRET,
             "SXSH_BASE_URL": f"http://127.0.0.1:{port}"}
        )  # fmt: skip
        self.store = Store(database_url)
        config = uvicorn.Config(
            create_app(self.store, settings, clock), host="127.0.0.1", port=port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Portal:
        self.thread.start()
        for _ in range(200):
            if self.server.started:
                return self
            time.sleep(0.05)
        raise RuntimeError("the portal did not start")

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.store.close()


@pytest.fixture
def world(
    tmp_path: Path, database_url: str, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, Any]]:
    port = free_port()
    for name, value in {
        "SXSH_HOME": str(tmp_path), "SXSH_DATABASE_URL": database_url, "SXSH_SMTP_URL": smtp_server.url,
        "SXSH_SECRET_KEY": SECRET, "SXSH_BASE_URL": f"http://127.0.0.1:{port}",
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    for name in ("SXSH_NOW", "SXSH_LANG", "SXSH_MAIL_FROM"):
        monkeypatch.delenv(name, raising=False)
    clock = FixedClock(parse_instant("2016-11-21T09:00"))
    assert execute(["--now", "2016-11-21T09:00", "start", "plan-2016-2020"]) == 0
    with Portal(database_url, tmp_path, port, clock) as portal:
        yield {"clock": clock, "portal": portal, "smtp": smtp_server}


def mail_to(smtp: SmtpServer, address: str) -> list[email.message.EmailMessage]:
    return [m for m in smtp.inbox.messages() if address in str(m["To"])]


def link_in(message: email.message.EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    found = re.findall(r"https?://127\.0\.0\.1:\d+/r/[A-Za-z0-9_.\-]+", body.get_content())
    assert found, "the email carries no reply link"
    return str(found[0])


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]+)"', html) or re.search(
        rf'value="([^"]+)"[^>]*name="{name}"', html
    )
    assert match, f"no hidden field {name}"
    return match.group(1)


def submit(link: str, values: dict[str, str]) -> httpx.Response:
    page = httpx.get(link)
    assert page.status_code == 200
    fields = {
        "csrf_token": hidden(page.text, "csrf_token"),
        "form_nonce": hidden(page.text, "form_nonce"),
        "action": "submit",
    }
    return httpx.post(link, data={**fields, **values})


REPORT = {
    "indicator.informed.numerator": "1.234",
    "indicator.informed.denominator": "1.500",
    "indicator.applying.numerator": "320",
    "indicator.applying.denominator": "1.500",
    "indicator.training_events.value": "4",
    "section.results": "Đã tổ chức 4 lớp tập huấn về sản xuất sạch hơn cho 120 doanh nghiệp.",
    "section.difficulties": "Kinh phí còn hạn chế.",
    "section.recommendations": "Đề nghị bổ sung kinh phí khuyến công.",
    "funding.local_budget": "150.000.000",
}


def run_json(*args: str, capsys: pytest.CaptureFixture[str]) -> Any:
    import json

    capsys.readouterr()
    assert execute(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def test_a_district_reports_is_returned_corrects_and_is_accepted(
    world: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    smtp: SmtpServer = world["smtp"]
    (kickoff,) = mail_to(smtp, FOCAL_POINT)
    first_link = link_in(kickoff)

    receipt_page = submit(first_link, REPORT)
    assert receipt_page.status_code == 200
    assert "Đã nhận phiên bản 1 của báo cáo" in receipt_page.text
    assert execute(["--now", "2016-11-21T10:00", "outbox", "send"]) == 0
    after_receipt = mail_to(smtp, FOCAL_POINT)
    assert len(after_receipt) == 2, "the receipt email arrives"
    assert after_receipt[1]["Message-ID"] != kickoff["Message-ID"]

    status = run_json(
        "--now", "2016-11-21T10:00", "status", "--agency", AGENCY, "--cycle", "2016", "--json", capsys=capsys
    )
    (task,) = status["runs"][0]["task_runs"]
    assert task["state"] == "submitted"

    (version_1,) = run_json("submissions", "list", "--json", capsys=capsys)["submissions"]
    assert (version_1["version"], version_1["state"], version_1["agency_code"]) == (1, "submitted", AGENCY)
    assert version_1["values"]["indicator.informed.numerator"] == 1234
    assert version_1["values"]["funding.local_budget"] == 150_000_000

    comment = "Đề nghị bổ sung số liệu doanh nghiệp áp dụng SXSH."
    assert execute(["--now", "2016-11-22T09:00", "review", "return", str(version_1["id"]), "--comment", comment]) == 0
    returned = mail_to(smtp, FOCAL_POINT)[-1]
    assert comment in returned.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    fresh_link = link_in(returned)

    world["clock"].advance(timedelta(days=1))
    second = submit(fresh_link, {**REPORT, "indicator.applying.numerator": "350"})
    assert second.status_code == 200
    assert "Đã nhận phiên bản 2 của báo cáo" in second.text
    assert httpx.get(first_link).status_code == 404, "the link of the returned version no longer works"
    versions = run_json("submissions", "list", "--json", capsys=capsys)["submissions"]
    assert [(v["version"], v["state"]) for v in versions] == [(2, "submitted"), (1, "returned")]
    assert execute(["--now", "2016-11-23T09:00", "review", "accept", str(versions[0]["id"])]) == 0

    status = run_json("--now", "2016-12-28", "status", "--agency", AGENCY, "--cycle", "2016", "--json", capsys=capsys)
    assert status["runs"][0]["task_runs"][0]["state"] == "accepted"
    before = len(mail_to(smtp, FOCAL_POINT))
    day = date(2016, 11, 24)
    while day <= date(2016, 12, 30):
        assert execute(["--now", day.isoformat(), "remind"]) == 0
        day += timedelta(days=1)
    assert len(mail_to(smtp, FOCAL_POINT)) == before, "no reminder about an accepted report"
    assert mail_to(smtp, "sxsh@thanhha.haiduong.example"), "other districts are still reminded"

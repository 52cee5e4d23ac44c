"""The coordinator's page of the consolidated report: /bao-cao/{token}, its charts, files and stylesheet.

The run is ``tests/report_scenario``'s; the portal's clock says 05/01/2018, 09:00. A token that does
not work, for any reason, gets the very bytes a dead reply link gets.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from sxsh_flow.engine.clock import FixedClock, parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import ReplyLink
from sxsh_flow.engine.services.links import LinkSigner
from sxsh_flow.engine.settings import Settings
from sxsh_flow.web.consolidated import RedactReportLinks
from sxsh_flow.web.report_links import ReportLinks, report_url

from ..report_scenario import TOTAL_IN_WORDS, build_scenario
from .conftest import _serve

SECRET = "report-page-" + "signing-key-7Qm3v9x2LkP0aZt7YwR4sN8e"
NOW = parse_instant("2018-01-05T09:00")


@pytest.fixture(scope="module")
def scenario(module_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, int]:
    with Store(module_database_url) as store:
        run_id = build_scenario(store, tmp_path_factory.mktemp("attachments"))
    return module_database_url, run_id


class Portal:
    """The portal on a loopback port, with an HTTP client whose relative URLs go to it."""

    def __init__(self, client: httpx.Client, base: str, run_id: int) -> None:
        self.client = client
        self.base = base
        self.run_id = run_id

    def url(self, cycle: str = "2017", *, cumulative: bool = False, signed_at: timedelta = timedelta(0)) -> str:
        return report_url(SECRET, self.base, self.run_id, cycle, cumulative, now=NOW - signed_at)

    def dead_link_page(self) -> bytes:
        answer = self.client.get("/r/not-a-link")
        assert answer.status_code == 404
        return answer.content


@pytest.fixture
def portal(scenario: tuple[str, int], tmp_path: Path) -> Iterator[Portal]:
    from sxsh_flow.web.app import create_app

    database_url, run_id = scenario
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{listener.getsockname()[1]}"
    settings = Settings.from_env(
        {
            "SXSH_HOME": str(tmp_path),
            "SXSH_DATABASE_URL": database_url,
            "SXSH_SECRET_KEY": SECRET,
            "SXSH_BASE_URL": base,
        }
    )
    with Store(database_url) as store:
        server, thread = _serve(create_app(store, settings, FixedClock(NOW)), listener)
        try:
            with httpx.Client(base_url=base, timeout=60) as client:
                yield Portal(client, base, run_id)
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            listener.close()


def test_the_page_shows_the_report_with_its_figures(portal: Portal) -> None:
    answer = portal.client.get(portal.url())

    assert answer.status_code == 200
    page = answer.text
    assert '<html lang="vi">' in page
    assert "Hải Dương, ngày 05 tháng 01 năm 2018" in page
    assert '<td class="num">72,1%</td>' in page
    assert "2.164/3.000" in page
    assert '<td class="num" data-source="total">1.023.600.000</td>' in page
    assert TOTAL_IN_WORDS in page
    assert "Ủy ban nhân dân huyện Ninh Giang" in page  # the missing unit
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["Referrer-Policy"] == "no-referrer"


def test_the_page_takes_nothing_from_outside_the_portal(portal: Portal) -> None:
    answer = portal.client.get(portal.url())
    page = answer.text
    policy = answer.headers["Content-Security-Policy"]

    assert "img-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "<style>" not in page  # an inline style would be refused by that policy
    assert "data:image" not in page
    assert 'href="/static/report.css"' in page
    assert portal.client.get("/static/report.css").headers["Content-Type"].startswith("text/css")


def test_the_charts_are_images_of_the_portal_with_their_figures_in_words(portal: Portal) -> None:
    url = portal.url()
    path = url.removeprefix(portal.base)
    page = portal.client.get(url).text

    for name in ("attainment", "timeliness"):
        assert f'src="{path}/bieu-do/{name}.png"' in page
        chart = portal.client.get(f"{url}/bieu-do/{name}.png")
        assert chart.status_code == 200
        assert chart.headers["Content-Type"] == "image/png"
        assert chart.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert 'alt="Biểu đồ mức độ đạt các chỉ tiêu. Cơ sở sản xuất công nghiệp' in page
    assert "năm 2017: 23/25 đúng hạn, 1 chậm, 1 chưa nộp" in page


@pytest.mark.parametrize(
    ("kind", "content_type"),
    [
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_the_word_and_excel_files_can_be_downloaded(portal: Portal, kind: str, content_type: str) -> None:
    url = portal.url()
    assert f'href="{url.removeprefix(portal.base)}/tai-ve/{kind}"' in portal.client.get(url).text

    answer = portal.client.get(f"{url}/tai-ve/{kind}")

    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == content_type
    assert answer.headers["Content-Disposition"] == f'attachment; filename="bao-cao-plan-2016-2020-2017.{kind}"'
    assert answer.content.startswith(b"PK")


def test_the_cumulative_report_has_a_link_of_its_own(portal: Portal) -> None:
    page = portal.client.get(portal.url(cumulative=True)).text

    assert "giai đoạn 2016 - 2020 từ năm 2016 đến năm 2017</span>" in page


def tampered(portal: Portal) -> str:
    url = portal.url()
    middle = len(url) - 10
    return url[:middle] + ("A" if url[middle] != "A" else "B") + url[middle + 1 :]


BAD_URLS = {
    "tampered": tampered,
    "expired": lambda portal: portal.url(signed_at=timedelta(days=60, seconds=1)),
    "of a run that does not exist": lambda portal: report_url(SECRET, portal.base, 999, "2017", now=NOW),
    "of a cycle the run does not have": lambda portal: portal.url("2031"),
    "signed with another key": lambda portal: report_url("x" * 48, portal.base, portal.run_id, "2017", now=NOW),
    "a reply link's token": lambda portal: (
        "/bao-cao/" + LinkSigner(SECRET, portal.base).token(ReplyLink(id=1, nonce="n"))
    ),
    "an unknown chart": lambda portal: portal.url() + "/bieu-do/pie.png",
    "an unknown file kind": lambda portal: portal.url() + "/tai-ve/pdf",
    "a tampered chart": lambda portal: tampered(portal) + "/bieu-do/attainment.png",
}


@pytest.mark.parametrize("breakage", list(BAD_URLS), ids=list(BAD_URLS))
def test_a_link_that_does_not_work_gets_the_dead_link_page(portal: Portal, breakage: str) -> None:
    answer = portal.client.get(BAD_URLS[breakage](portal))

    assert answer.status_code == 404
    assert answer.content == portal.dead_link_page()


def test_a_link_works_until_sixty_days_after_it_was_signed(portal: Portal) -> None:
    assert portal.client.get(portal.url(signed_at=timedelta(days=59, hours=23))).status_code == 200


def test_a_report_token_opens_no_reply_form(portal: Portal) -> None:
    token = portal.url().rsplit("/", 1)[-1]

    answer = portal.client.get(f"/r/{token}")

    assert answer.status_code == 404


def test_tokens_read_back_what_they_carry_and_nothing_else() -> None:
    links = ReportLinks(SECRET)
    token = links.token(3, "2017-H1", True, now=NOW)

    asked = links.read(token, now=NOW + timedelta(days=1))

    assert asked is not None
    assert (asked.run_id, asked.cycle_label, asked.cumulative) == (3, "2017-H1", True)
    assert links.read(token, now=NOW - timedelta(seconds=5)) is None  # signed in the future: not ours to trust
    assert links.read("W10.abc", now=NOW) is None


def test_access_logs_do_not_keep_report_tokens(portal: Portal) -> None:
    token = portal.url().rsplit("/", 1)[-1]
    record = logging.LogRecord("uvicorn.access", logging.INFO, "", 0, '%s - "%s %s"', ("1.2.3.4", "GET", ""), None)
    record.args = ("1.2.3.4", "GET", f"/bao-cao/{token}/bieu-do/attainment.png")

    RedactReportLinks().filter(record)

    assert token not in record.getMessage()
    assert "/bao-cao/…/bieu-do/attainment.png" in record.getMessage()

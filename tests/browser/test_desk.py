"""The coordinator's morning at the desk, in a real browser, on a phone (390×844) and on a desktop.

Sở Công Thương's focal point (the coordinator of the Hải Dương plan) opens the link of the weekly
digest, asks for a sign-in link, reads it from the outbox as the mail server would carry it, signs
in, opens the board and Tứ Kỳ's report, returns it with a comment, approves a request for more time
past the cycle's close (ticking the confirmation the warning asks for), and finds the email the
mail server refused. Screenshots of each step are kept under test-artifacts/desk/.
"""

from __future__ import annotations

import email
import email.policy
import re
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

from sxsh_flow.engine import desk_paths
from sxsh_flow.engine.clock import FixedClock, parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import OutboxMessage, TaskRun
from sxsh_flow.engine.services.digest import queue_digest
from sxsh_flow.engine.services.extensions import request_extension
from sxsh_flow.engine.services.links import LinkSigner, resolve
from sxsh_flow.engine.services.notices import Mailing
from sxsh_flow.engine.services.outbox import claim
from sxsh_flow.engine.services.outbox_outcomes import Outcome, record
from sxsh_flow.engine.services.submissions import save_report
from sxsh_flow.engine.settings import Settings
from sxsh_flow.notifications import EMAIL_WRITER

from .conftest import PORTAL_NOW, _started_plan

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.slow

COORDINATOR = "sxsh@sct.haiduong.example"
VIEWPORTS = {"phone": (390, 844), "desktop": (1366, 900)}
REFUSAL = "5.1.1 Recipient address rejected: mailbox unavailable"
COMMENT = "Đề nghị bổ sung số liệu kinh phí ngân sách địa phương và danh sách doanh nghiệp."


@dataclass(frozen=True)
class Desk:
    base_url: str
    store: Store
    run_id: int
    digest_link: str
    link_source: str  # where the test found the digest's link: in the digest email, or desk_paths


def _message_text(row: OutboxMessage) -> str:
    message = email.message_from_bytes(row.raw, policy=email.policy.default)
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def _prepare(store: Store, settings: Settings, clock: FixedClock) -> tuple[int, str, str]:
    """A submitted report, a request for more time past the cycle's close, a refused email, a digest."""
    signer = LinkSigner(settings.secret_key(), settings.base_url)
    mailing = Mailing(writer=EMAIL_WRITER, signer=signer)
    now = clock.now()
    portal = _started_plan(store, settings)
    token = portal.reply_url.rsplit("/", 1)[1]
    with store.session() as session:
        access = resolve(session, signer, token, now=now)
        assert access is not None
        save_report(
            session, access,
            {"indicator.informed.numerator": "45", "indicator.informed.denominator": "120",
             "indicator.applying.numerator": "12", "indicator.applying.denominator": "120",
             "indicator.training_events.value": "3", "section.results": "Tổ chức 3 lớp tập huấn về SXSH.",
             "funding.local_budget": "150.000.000"},
            (), submit=True, form_nonce="browser-desk-1", now=now,
            attachments_folder=settings.attachments_folder, mailing=mailing,
        )  # fmt: skip
        task_run = session.get_one(TaskRun, access.task_run_id)
        run_id = task_run.plan_run_id
        other = session.scalars(
            select(TaskRun).where(
                TaskRun.plan_run_id == run_id,
                TaskRun.agency_code == "UBND-THANHHA",
                TaskRun.cycle_id == task_run.cycle_id,
            )
        ).first()
        assert other is not None
    # Thanh Hà asks for more time through its own link: until after the 2016 cycle closes.
    with store.session() as session:
        from sxsh_flow.engine.services.links import issue_link

        other = session.get_one(TaskRun, other.id)
        contact = next(c for c in other.agency.contacts if c.active and c.role == "focal_point")
        link = issue_link(session, other, contact, now=now, actor="test")
        other_access = resolve(session, signer, signer.token(link), now=now)
        assert other_access is not None
        request_extension(
            session, other_access, reason="Chờ số liệu tổng hợp của các xã.", proposed_until=date(2017, 2, 15), now=now
        )
    with store.session() as session:
        (claimed,) = claim(session, now=now, dispatcher="browser-test", limit=1)
        refusal = Outcome(claimed.id, ok=False, permanent=True, code=550, response=REFUSAL,
                          recipients=claimed.envelope.recipients)  # fmt: skip
        record(session, [refusal], now=now, dispatcher="browser-test")
        queue_digest(session, now=now, mailing=mailing, actor="test", run_id=run_id)
        digest = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "digest")).one()
        found = re.search(r"https?://\S+/desk/\S*", _message_text(digest))
    if found:
        return run_id, found.group(0).rstrip(".,)>"), "the digest email"
    return run_id, desk_paths.desk_url(settings.base_url, desk_paths.board(run_id)), "engine.desk_paths"


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    settings = Settings.from_env(
        {
            "SXSH_HOME": str(tmp_path),
            "SXSH_SECRET_KEY": "browser-desk-signing-key-Qm3v9x2LkP0aZt7YwR4",
            "SXSH_BASE_URL": f"http://127.0.0.1:{listener.getsockname()[1]}",
        }
    )
    clock = FixedClock(parse_instant(PORTAL_NOW))
    with Store(settings.database_url) as store:
        run_id, link, source = _prepare(store, settings, clock)
        from sxsh_flow.web.app import create_app

        server = uvicorn.Server(uvicorn.Config(create_app(store, settings, clock), log_level="warning", lifespan="on"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                pytest.fail("the portal did not start", pytrace=False)
            time.sleep(0.05)
        try:
            yield Desk(settings.base_url, store, run_id, link, source)
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            listener.close()


def _latest_sign_in_link(store: Store) -> str:
    with store.session() as session:
        row = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "sign_in").order_by(OutboxMessage.id.desc())
        ).first()
        assert row is not None, "no sign-in email was queued"
        assert row.to == [{"name": "Lê Văn Cường", "email": COORDINATOR}]
        found = re.search(r"https?://\S+/desk/sign-in/[\w-]+", _message_text(row))
    assert found
    return found.group(0)


def _no_sideways_scroll(page: Page, width: int) -> None:
    """The page itself never scrolls sideways: wide tables scroll inside their own region."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_a_coordinators_morning_at_the_desk(desk: Desk, browser: Browser, artifacts: Path, screen: str) -> None:
    from playwright.sync_api import expect

    width, height = VIEWPORTS[screen]
    context = browser.new_context(
        viewport={"width": width, "height": height},
        device_scale_factor=2 if screen == "phone" else 1,
        is_mobile=screen == "phone",
        has_touch=screen == "phone",
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    folder = artifacts / "desk" / screen
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\ndesk screenshots ({screen}): {folder}; the digest's link came from {desk.link_source}")

    def shot(name: str) -> None:
        _no_sideways_scroll(page, width)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    try:
        # 1. The digest's link, with no session: the sign-in page, by keyboard.
        page.goto(desk.digest_link)
        expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập bàn làm việc điều phối")
        shot("01-sign-in")
        page.get_by_label("Địa chỉ thư điện tử của bạn").fill(COORDINATOR)
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Vui lòng kiểm tra hộp thư")
        shot("02-link-sent")

        # 2. The one-time link from the outbox: the page shows a button; pressing it signs in.
        page.goto(_latest_sign_in_link(desk.store))
        button = page.get_by_role("button", name="Đăng nhập")
        shot("03-confirm")
        button.focus()
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(re.escape(desk_paths.board(desk.run_id)) + r"$"))
        expect(page.get_by_text(f"Đã đăng nhập: {COORDINATOR}")).to_be_visible()
        expect(page.get_by_role("row", name=re.compile("Ủy ban nhân dân huyện Tứ Kỳ"))).to_be_visible()
        shot("04-board")

        # 3. The board filtered to reports waiting for review; Tứ Kỳ's opens as its form reads.
        page.get_by_label("Tình trạng").select_option("submitted")
        page.get_by_role("button", name="Áp dụng").click()
        expect(page).to_have_url(re.compile(r"state=submitted"))
        page.get_by_role("link", name=re.compile("phiên bản 1 – Ủy ban nhân dân huyện Tứ Kỳ")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Báo cáo của Ủy ban nhân dân huyện Tứ Kỳ")
        expect(page.get_by_text("150.000.000 đồng")).to_be_visible()
        expect(page.get_by_text("Số cơ sở sản xuất công nghiệp áp dụng SXSH", exact=True)).to_be_visible()
        shot("05-submission")

        # 4. Returned with a comment.
        page.get_by_label("Cơ quan, đơn vị cần chỉnh sửa, bổ sung nội dung gì?").fill(COMMENT)
        page.get_by_role("button", name="Trả lại kèm ý kiến này").click()
        expect(page.get_by_role("status")).to_contain_text("Báo cáo đã được trả lại")
        expect(page.get_by_text(COMMENT)).to_be_visible()
        shot("06-returned")

        # 5. The extension past the cycle's close: warned, confirmed, approved.
        page.get_by_role("link", name=re.compile("^Đề nghị gia hạn")).click()
        expect(page.get_by_text(re.compile("^Lưu ý: .*15/02/2017"))).to_be_visible()
        shot("07-extension-warning")
        page.get_by_label("Tôi đã rõ: đồng ý gia hạn đến sau ngày khóa sổ kỳ báo cáo").check()
        page.get_by_role("button", name=re.compile("^Đồng ý")).click()
        expect(page.get_by_role("status")).to_contain_text("Đã đồng ý gia hạn")
        shot("08-extension-approved")

        # 6. The refused email, with the mail server's reason.
        page.get_by_role("link", name=re.compile("^Thư điện tử")).click()
        expect(page.get_by_text(re.compile("mailbox unavailable")).first).to_be_visible()
        shot("09-failed-email")

        # 7. The English switch keeps the page, and the session.
        page.get_by_role("link", name="English").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Emails of this plan")
        expect(page.get_by_role("heading", name="Failed emails")).to_be_visible()
        shot("10-english")
    finally:
        context.close()

"""An agency's focal point reports from a phone: opens the emailed link, fills the form, sends it.

Tứ Kỳ district's 2016 report on the plan's district task: two ratio indicators (asked as numerator
and denominator), one count, the results, a source of funding and one enterprise. Fields are found
by their <label>, which is what a screen reader announces; the screenshots are kept under
test-artifacts/ for people to look at.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sxsh_flow.words import words

from .conftest import LivePortal

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = pytest.mark.slow

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SUBMIT = re.compile(r"Gửi báo cáo|Nộp báo cáo")

# (form key, the label people read, what they type). Both ratio denominators read the same label,
# so each field is found by its name and its accessible name is checked against the label.
REPORT = [
    ("indicator.informed.numerator", "Số cơ sở sản xuất công nghiệp được tuyên truyền, phổ biến về SXSH", "45"),
    ("indicator.informed.denominator", "Số cơ sở sản xuất công nghiệp có tiềm năng áp dụng SXSH", "120"),
    ("indicator.applying.numerator", "Số cơ sở sản xuất công nghiệp áp dụng SXSH", "12"),
    ("indicator.applying.denominator", "Số cơ sở sản xuất công nghiệp có tiềm năng áp dụng SXSH", "120"),
    ("indicator.training_events.value", "Lớp tập huấn, hội thảo, tọa đàm về SXSH", "3"),
    (
        "section.results",
        "Kết quả thực hiện",
        "Tổ chức 3 lớp tập huấn về SXSH cho 85 lượt cán bộ và doanh nghiệp; hướng dẫn 12 cơ sở áp dụng SXSH.",
    ),
    ("funding.local_budget", "Ngân sách địa phương", "150.000.000"),
]
ENTERPRISE = {
    "enterprise.0.name": "Công ty TNHH Gốm sứ Minh Đức",
    "enterprise.0.sector": "Sản xuất gốm sứ",
}


def field(page: Page, key: str) -> Locator:
    from playwright.sync_api import expect

    found = page.locator(f'[name="{key}"]')
    expect(found).to_have_count(1)
    return found


def fill_report(page: Page) -> None:
    from playwright.sync_api import expect

    for key, label, value in REPORT:
        found = field(page, key)
        expect(found).to_have_accessible_name(re.compile(re.escape(label)))
        found.fill(value)
    for key, value in ENTERPRISE.items():
        field(page, key).fill(value)
    participation = field(page, "enterprise.0.participation")
    if participation.evaluate("element => element.tagName") == "SELECT":
        participation.select_option("applying")
    else:
        participation.fill("applying")


def keep_screenshot(page: Page, path: Path) -> None:
    page.screenshot(path=str(path), full_page=True)
    assert path.read_bytes().startswith(PNG_SIGNATURE)


def test_a_focal_point_reports_from_a_phone(live_portal: LivePortal, phone_page: Page, artifacts: Path) -> None:
    from playwright.sync_api import expect

    page = phone_page
    page.goto(live_portal.reply_url)

    expect(page.get_by_text(live_portal.task_title).first).to_be_visible()
    expect(page.get_by_text(words("vi").date(live_portal.due_on)).first).to_be_visible()
    fill_report(page)
    # Nothing wider than the phone: no sideways scrolling to reach a field.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    form_shot = artifacts / "report-form-filled.png"
    keep_screenshot(page, form_shot)

    page.get_by_role("button", name=SUBMIT).click()

    expect(page.get_by_role("heading", name="Đã nhận báo cáo")).to_be_visible()
    # The page's status region says which version came in ("Đã nhận phiên bản 1 của báo cáo lúc ...").
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"phiên bản 1\b", re.IGNORECASE))
    expect(page.get_by_role("status")).to_contain_text("đúng hạn")
    expect(page.get_by_text(live_portal.task_title)).to_be_visible()
    receipt_shot = artifacts / "report-receipt.png"
    keep_screenshot(page, receipt_shot)
    assert form_shot.is_file()
    assert receipt_shot.is_file()


def test_the_form_can_be_reached_with_the_keyboard_alone(live_portal: LivePortal, phone_page: Page) -> None:
    page = phone_page
    page.goto(live_portal.reply_url)
    first_input = REPORT[0][0]

    focused = tab_until(page, lambda active: active["name"] == first_input, limit=30)
    assert focused["name"] == first_input, "Tab never reached the first field of the form"
    focused = tab_until(
        page, lambda active: active["tag"] in {"BUTTON", "INPUT"} and SUBMIT.search(active["text"]), limit=200
    )
    assert SUBMIT.search(focused["text"]), "Tab never reached the submit button"


def tab_until(page: Page, reached: Callable[[dict[str, str]], object], *, limit: int) -> dict[str, str]:
    """Press Tab until ``reached(active element)`` holds, at most ``limit`` times; the element last focused."""
    active: dict[str, str] = {}
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = page.evaluate(
            """() => {
                const element = document.activeElement;
                return {
                    tag: element ? element.tagName : "",
                    name: (element && element.getAttribute("name")) || "",
                    text: element ? (element.innerText || element.value || "").trim() : "",
                };
            }"""
        )
        if reached(active):
            return active
    return active

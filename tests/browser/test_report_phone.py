"""The consolidated report on a 390 px phone: the page never scrolls sideways, wide tables scroll in their box.

The page is the standalone HTML report (``render_html``: the same template and stylesheet the portal
serves) of the hand-made 2017 report of tests/reports, with a long unbroken line typed by an agency
(a web address), opened in Debian's chromium at 390×844. A screenshot is kept under test-artifacts/.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sxsh_flow.reports.html import render_html
from sxsh_flow.reports.model import AgencyText, ConsolidatedReport

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.slow

PHONE = {"width": 390, "height": 844}
LONG_LINE = "https://sct.haiduong.gov.vn/tin-tuc/san-xuat-sach-hon-trong-cong-nghiep-giai-doan-2016-2020-ket-qua"


def _sample_report() -> ConsolidatedReport:
    """The report tests/reports renders (its conftest is not a module this folder can import by name)."""
    path = Path(__file__).resolve().parents[1] / "reports" / "conftest.py"
    spec = importlib.util.spec_from_file_location("report_samples", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    report: ConsolidatedReport = module.make_report()
    typed = AgencyText("SCT", "Sở Công Thương", "Tuyên truyền, phổ biến về SXSH", f"Xem chi tiết tại {LONG_LINE}")
    return dataclasses.replace(report, texts={**report.texts, "results": (*report.texts["results"], typed)})


def test_the_report_reads_on_a_phone_without_sideways_page_scroll(browser: Browser, artifacts: Path) -> None:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.set_content(render_html(_sample_report()), wait_until="load")

        width = page.evaluate("document.documentElement.scrollWidth")
        boxes = page.evaluate(
            "[...document.querySelectorAll('.table-scroll')].map(box => "
            "({wide: box.scrollWidth > box.clientWidth, right: box.getBoundingClientRect().right}))"
        )
        page.screenshot(path=str(artifacts / "report-phone-390.png"), full_page=True)
    finally:
        context.close()

    assert width <= PHONE["width"]
    assert boxes, "the tables are in their scroll boxes"
    assert all(box["right"] <= PHONE["width"] for box in boxes)  # each box fits the screen
    assert any(box["wide"] for box in boxes)  # and a table wider than it scrolls inside it, not the page

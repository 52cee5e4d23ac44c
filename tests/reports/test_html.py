"""The report as HTML: a standalone page, an email body and the portal's page, from the hand-made report."""

from __future__ import annotations

import base64
import dataclasses
import re
from html.parser import HTMLParser

from sxsh_flow.reports.html import (
    charts_shown,
    render_email_html,
    render_html,
    render_portal_html,
)
from sxsh_flow.reports.model import AgencyText, ConsolidatedReport

PNG = b"\x89PNG\r\n\x1a\n"


class Structure(HTMLParser):
    """What accessibility and self-containment depend on: tables, their headers, images, outside URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict[str, object]] = []
        self.images: list[dict[str, str]] = []
        self.urls: list[str] = []
        self.header_cells: list[dict[str, str]] = []
        self._in_caption = False
        self._section = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {key: value or "" for key, value in attrs}
        self.urls += [named[key] for key in ("src", "href") if key in named]
        if tag == "table" and "data" in named.get("class", "").split():
            self.tables.append({"caption": ""})
        elif tag == "caption":
            self._in_caption = True
        elif tag in ("thead", "tbody", "tfoot"):
            self._section = tag
        elif tag == "th" and self.tables:
            self.header_cells.append({"scope": named.get("scope", ""), "section": self._section})
        elif tag == "img":
            self.images.append(named)

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self._in_caption = False

    def handle_data(self, data: str) -> None:
        if self._in_caption and self.tables:
            self.tables[-1]["caption"] = str(self.tables[-1]["caption"]) + data


def structure(html: str) -> Structure:
    parser = Structure()
    parser.feed(html)
    return parser


def test_the_standalone_page_carries_its_styles_and_charts_inside(report: ConsolidatedReport) -> None:
    page = render_html(report)
    found = structure(page)

    assert "<style>" in page
    assert [image["src"].split(",")[0] for image in found.images] == ["data:image/png;base64"] * 2
    assert all(base64.b64decode(image["src"].split(",", 1)[1]).startswith(PNG) for image in found.images)
    assert not [url for url in found.urls if re.match(r"(https?:)?//", url)]


def test_without_charts_there_is_no_image(report: ConsolidatedReport) -> None:
    assert "<img" not in render_html(report, charts=False)


def test_the_email_body_needs_nothing_from_outside(report: ConsolidatedReport) -> None:
    plain = render_email_html(report)
    with_charts = render_email_html(report, chart_cids={"attainment": "chart-1@sxsh"})

    assert "<img" not in plain
    assert "<link" not in plain
    assert [image["src"] for image in structure(with_charts).images] == ["cid:chart-1@sxsh"]
    assert 'border="1"' in plain  # borders for clients that drop the stylesheet


def test_the_portal_page_takes_styles_and_charts_from_the_portal(report: ConsolidatedReport) -> None:
    page = render_portal_html(
        report,
        stylesheet_url="/static/report.css",
        chart_url=lambda name: f"/bao-cao/t/bieu-do/{name}.png",
        downloads=[("Word (.docx)", "/bao-cao/t/tai-ve/docx")],
    )

    assert "<style>" not in page
    assert '<link rel="stylesheet" href="/static/report.css">' in page
    assert [image["src"] for image in structure(page).images] == [
        "/bao-cao/t/bieu-do/attainment.png",
        "/bao-cao/t/bieu-do/timeliness.png",
    ]
    assert '<a href="/bao-cao/t/tai-ve/docx" download>Word (.docx)</a>' in page
    assert charts_shown(report) == ("attainment", "timeliness")


def test_every_table_has_a_caption_and_headers_with_their_scope(report: ConsolidatedReport) -> None:
    found = structure(render_html(report, charts=False))

    assert len(found.tables) == 7  # indicators, by agency, work volume, funding, timeliness, late units, enterprises
    assert all(table["caption"] for table in found.tables)
    assert all(cell["scope"] == "col" for cell in found.header_cells if cell["section"] == "thead")
    assert all(cell["scope"] in ("row", "rowgroup") for cell in found.header_cells if cell["section"] != "thead")


def test_the_charts_say_their_figures_in_words(report: ConsolidatedReport) -> None:
    images = structure(render_html(report)).images

    attainment, timeliness = (image["alt"] for image in images)
    assert "Mức tiết kiệm tiêu thụ năng lượng" in attainment
    assert "9,4% (mục tiêu 8–13%), đạt" in attainment
    assert "năm 2017: 15/18 đúng hạn, 2 chậm, 1 chưa nộp" in timeliness


def test_figures_dates_and_words_are_written_the_vietnamese_way(report: ConsolidatedReport) -> None:
    page = render_html(report, charts=False)

    assert "Hải Dương, ngày 05 tháng 01 năm 2018" in page
    assert '<td class="num" data-source="total">1.023.600.000</td>' in page
    assert "Bằng chữ: Một tỷ, không trăm hai mươi ba triệu, sáu trăm nghìn đồng." in page
    assert "vốn Trung ương 123.000.000 đồng, vốn địa phương 900.600.000 đồng" in page
    assert '<td class="num">78,2%</td>' in page  # 1.134/1.450
    assert '<td class="num">1.134/1.450</td>' in page
    assert '<td class="num">8–13%</td>' in page
    assert "<td>Năm 2016, 2017</td>" in page
    assert '<td class="num">27/12/2017</td>' in page
    assert '<td class="num">Chậm 4 ngày làm việc</td>' in page  # the late list in the run's unit, as its emails


def test_what_agencies_typed_is_escaped(report: ConsolidatedReport) -> None:
    typed = AgencyText("SCT", "Sở <b>Công</b> Thương", "Nhiệm vụ", "<script>alert(1)</script> & 5 > 3")
    page = render_html(dataclasses.replace(report, texts={"results": (typed,)}), charts=False)

    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 5 &gt; 3" in page
    assert "Sở &lt;b&gt;Công&lt;/b&gt; Thương" in page


def test_an_english_report_has_english_words_and_english_figures(report: ConsolidatedReport) -> None:
    page = render_html(dataclasses.replace(report, language="en"), charts=False)

    assert '<html lang="en">' in page
    assert "I. RESULTS" in page
    assert "2. Work volume" in page
    assert '<td class="num" data-source="total">1,023,600,000</td>' in page
    assert "Total funding: 1,023,600,000 VND." in page
    assert '<td class="num">78.2%</td>' in page
    assert '<td class="num">27 December 2017</td>' in page
    assert "1.023.600.000" not in page
    assert "Below target" in page


def test_an_empty_report_still_renders(report: ConsolidatedReport) -> None:
    empty = dataclasses.replace(
        report, indicators=(), work_volume=(), funding_by_agency=(), texts={}, late_units=(), enterprises=()
    )

    page = render_html(empty)

    assert "Chưa có chỉ tiêu nào có số liệu." in page
    assert "Tất cả cơ quan, đơn vị đã nộp báo cáo đúng hạn." in page
    assert len(structure(page).images) == 1  # the timeliness chart only

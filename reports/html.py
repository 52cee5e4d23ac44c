"""The consolidated report as HTML: a standalone page, an email body, and the portal's page.

One template (``templates/report.html``) for all three; they differ only in where the styles and
the charts come from:

- ``render_html``: one self-contained file, styles inline and charts as ``data:`` PNG images, to
  save, open offline or attach;
- ``render_email_html``: no external resource at all; charts, if wanted, as ``cid:`` parts the
  caller attaches (``chart_images``), since mail clients block ``data:`` images;
- ``render_portal_html``: for the portal, whose Content-Security-Policy allows its own URLs only,
  so the stylesheet and the charts are fetched from it.

Pure: the same report gives the same text. Figures are written the Vietnamese way (1.023.600.000
and 8,5%) whatever the language of the words, as the agencies typed them.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from sxsh_flow.engine.report_form import FUNDING_SOURCES
from sxsh_flow.notifications.formatting import cycle_name, vn_date, vn_number
from sxsh_flow.reports.model import Attainment, ConsolidatedReport, IndicatorResult
from sxsh_flow.reports.money_words import amount_in_words

TEMPLATE_FOLDER = Path(__file__).with_name("templates")
STYLESHEET = TEMPLATE_FOLDER / "report.css"
CHART_NAMES = ("attainment", "timeliness")

WORDS: dict[str, tuple[str, str]] = {
    "motto_1": ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    "motto_2": ("Độc lập - Tự do - Hạnh phúc", "Độc lập - Tự do - Hạnh phúc"),
    "basis": ("Căn cứ", "Pursuant to"),
    "intro": (
        "{lead} tổng hợp báo cáo của các cơ quan, đơn vị và báo cáo kết quả thực hiện {period} như sau:",
        "{lead} has consolidated the reports of the agencies and reports the results for {period} as follows:",
    ),
    "scope": (
        "Số liệu từ ngày {start} đến ngày {end}; đã tổng hợp {received}/{expected} báo cáo phải nộp.",
        "Data from {start} to {end}; {received} of the {expected} reports due are consolidated.",
    ),
    "indicators": ("KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", "RESULTS AGAINST THE TARGETS"),
    "indicators_caption": ("Kết quả thực hiện các chỉ tiêu của Kế hoạch", "Results against the plan's targets"),
    "number": ("STT", "No."),
    "indicator": ("Chỉ tiêu", "Indicator"),
    "target": ("Mục tiêu", "Target"),
    "result": ("Kết quả", "Result"),
    "counts": ("Tử số / mẫu số", "Numerator / denominator"),
    "assessment": ("Đánh giá", "Assessment"),
    "by_agency_caption": ("Kết quả theo cơ quan, đơn vị", "Results by agency"),
    "agency": ("Cơ quan, đơn vị", "Agency"),
    "no_indicators": ("Chưa có chỉ tiêu nào có số liệu.", "No indicator has figures yet."),
    "work_volume": ("KHỐI LƯỢNG CÔNG VIỆC", "WORK VOLUME"),
    "work_volume_caption": ("Khối lượng công việc đã thực hiện", "Work done"),
    "activity": ("Công việc thực hiện", "Activity"),
    "unit": ("Đơn vị tính", "Unit"),
    "quantity": ("Số lượng", "Quantity"),
    "years": ("Thời gian thực hiện", "Years"),
    "year_prefix": ("Năm", "Year"),
    "nothing": ("Không có.", "None."),
    "funding": ("KINH PHÍ", "FUNDING"),
    "funding_caption": ("Kinh phí thực hiện theo nguồn (đồng)", "Funding by source (đồng)"),
    "total": ("Tổng", "Total"),
    "funding_total": ("Tổng kinh phí thực hiện: {amount} đồng.", "Total funding: {amount} đồng."),
    "in_words": ("Bằng chữ: {words}.", "In words: {words}."),
    "state_budget": (
        "Vốn ngân sách nhà nước: {amount} đồng (trong đó: vốn Trung ương {central} đồng, vốn địa phương {local} đồng).",
        "State budget: {amount} đồng (central {central} đồng, local {local} đồng).",
    ),
    "other_source": ("{source}: {amount} đồng.", "{source}: {amount} đồng."),
    "texts": ("ĐÁNH GIÁ, KHÓ KHĂN VÀ KIẾN NGHỊ", "ASSESSMENT, DIFFICULTIES AND RECOMMENDATIONS"),
    "timeliness": ("TÌNH HÌNH GỬI BÁO CÁO", "REPORTING"),
    "timeliness_caption": ("Báo cáo phải nộp và đã nhận theo kỳ", "Reports due and received per cycle"),
    "cycle": ("Kỳ báo cáo", "Cycle"),
    "expected": ("Phải nộp", "Due"),
    "on_time": ("Đúng hạn", "On time"),
    "late": ("Chậm", "Late"),
    "missing": ("Chưa nộp", "Not received"),
    "pending": ("Chưa đến hạn", "Not yet due"),
    "on_time_rate": ("Tỷ lệ đúng hạn", "On-time rate"),
    "late_caption": ("Cơ quan, đơn vị nộp chậm hoặc chưa nộp báo cáo", "Agencies that reported late or not at all"),
    "task": ("Nhiệm vụ", "Task"),
    "due_on": ("Hạn nộp", "Deadline"),
    "submitted_on": ("Ngày nộp", "Sent on"),
    "days_late": ("Số ngày chậm", "Days late"),
    "not_received": ("Chưa nộp", "Not received"),
    "all_on_time": ("Tất cả cơ quan, đơn vị đã nộp báo cáo đúng hạn.", "Every agency reported on time."),
    "notes": ("Ghi chú", "Notes"),
    "recipients": ("Nơi nhận:", "Recipients:"),
    "appendix": ("PHỤ LỤC", "APPENDIX"),
    "enterprises_caption": (
        "Doanh nghiệp tham gia Chương trình sản xuất sạch hơn",
        "Enterprises taking part in cleaner production",
    ),
    "enterprise": ("Tên doanh nghiệp", "Enterprise"),
    "sector": ("Ngành sản xuất", "Sector"),
    "participation": ("Nội dung tham gia", "Participation"),
    "year": ("Năm", "Year"),
    "reported_by": ("Đơn vị báo cáo", "Reported by"),
    "downloads": ("Tải về", "Download"),
    "attainment_alt": ("Biểu đồ mức độ đạt các chỉ tiêu", "Chart of the attainment of the targets"),
    "timeliness_alt": ("Biểu đồ tình hình nộp báo cáo theo kỳ", "Chart of the reports received per cycle"),
    "chart_note": ("Số liệu của biểu đồ có trong bảng ở trên.", "The chart's figures are in the table above."),
}


@dataclass(frozen=True)
class Chart:
    name: str
    src: str  # a data:, cid: or portal URL
    alt: str  # the chart's figures in words, for those who cannot see it


def charts_shown(report: ConsolidatedReport) -> tuple[str, ...]:
    """The charts ``notifications.reports.charts`` draws for ``report`` (it returns None for the others),
    known without drawing them: an indicator with a target and a figure; a cycle that expected reports."""
    shown = []
    if any(indicator.attainment_percent is not None for indicator in report.indicators):
        shown.append("attainment")
    if any(cycle.expected for cycle in report.timeliness):
        shown.append("timeliness")
    return tuple(shown)


def chart_image(report: ConsolidatedReport, name: str) -> bytes | None:
    """One chart as PNG, or None when it has nothing to show or there is no such chart."""
    from sxsh_flow.reports.charts import attainment_chart, timeliness_chart

    draw = {"attainment": attainment_chart, "timeliness": timeliness_chart}.get(name)
    return None if draw is None else draw(report)


def chart_images(report: ConsolidatedReport) -> dict[str, bytes]:
    """The charts that have something to show, as PNG, by name (``CHART_NAMES``)."""
    drawn = {name: chart_image(report, name) for name in CHART_NAMES}
    return {name: image for name, image in drawn.items() if image is not None}


def render_html(report: ConsolidatedReport, *, charts: bool = True) -> str:
    """A standalone page: the stylesheet inline and the charts as data: PNG (none with ``charts=False``)."""
    images = chart_images(report) if charts else {}
    sources = {name: "data:image/png;base64," + base64.b64encode(png).decode("ascii") for name, png in images.items()}
    return _render(report, style=_stylesheet(), stylesheet_url=None, charts=sources, downloads=(), email=False)


def render_email_html(report: ConsolidatedReport, *, chart_cids: Mapping[str, str] | None = None) -> str:
    """An email body that needs nothing from outside: the charts named in ``chart_cids`` (name → Content-ID,
    without brackets) as ``cid:`` images the caller attaches with ``chart_images``; the others left out."""
    sources = {name: f"cid:{cid}" for name, cid in (chart_cids or {}).items()}
    return _render(report, style=_stylesheet(), stylesheet_url=None, charts=sources, downloads=(), email=True)


def render_portal_html(
    report: ConsolidatedReport,
    *,
    stylesheet_url: str,
    chart_url: Callable[[str], str] | None,
    downloads: Sequence[tuple[str, str]] = (),
) -> str:
    """The page the portal serves: stylesheet and charts from the portal's own URLs (``chart_url(name)``
    for each of ``charts_shown``), and download links ((label, URL) pairs)."""
    sources = {name: chart_url(name) for name in charts_shown(report)} if chart_url is not None else {}
    return _render(report, style=None, stylesheet_url=stylesheet_url, charts=sources, downloads=downloads, email=False)


def _render(
    report: ConsolidatedReport,
    *,
    style: str | None,
    stylesheet_url: str | None,
    charts: Mapping[str, str],
    downloads: Sequence[tuple[str, str]],
    email: bool,
) -> str:
    language = report.language
    alts = {"attainment": _attainment_alt(report), "timeliness": _timeliness_alt(report)}
    views = {name: Chart(name, src, alts[name]) for name, src in charts.items() if name in alts}
    total = report.funding_total
    return (
        _environment()
        .get_template("report.html")
        .render(
            report=report,
            header=report.header,
            lang=language,
            w=lambda key, **values: _word(key, language, **values),
            style=style,
            stylesheet_url=stylesheet_url,
            charts=views,
            downloads=downloads,
            email=email,
            judged=[i for i in report.indicators if i.attainment is not Attainment.NO_TARGET],
            detailed=[i for i in report.indicators if i.by_agency],
            sources=[
                (key, english if language == "en" else vietnamese) for key, vietnamese, english in FUNDING_SOURCES
            ],
            total_in_words=amount_in_words(total.total),
            other_sources=[
                (english if language == "en" else vietnamese, total.by_source[key])
                for key, vietnamese, english in FUNDING_SOURCES
                if key not in ("central_budget", "local_budget")
            ],
            result_text=lambda indicator, figure: _figure_text(indicator, figure),
            cycle_name=lambda label: cycle_name(label, language),
            years_text=lambda years: ", ".join(str(y) for y in years),
        )
    )


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATE_FOLDER),
        autoescape=select_autoescape(enabled_extensions=("html",), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    environment.filters.update(number=_number, money=_money, percent=_percent, vn_date=vn_date)
    return environment


@cache
def _stylesheet() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def _word(key: str, language: str, **values: Any) -> str:
    vietnamese, english = WORDS[key]
    phrase = english if language == "en" else vietnamese
    return phrase.format(**values) if values else phrase


def _number(value: int | Decimal | None) -> str:
    return "—" if value is None else vn_number(value)


def _money(amount: int) -> str:
    return vn_number(amount)


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{vn_number(value, 1)}%"


def _figure_text(indicator: IndicatorResult, figure: Any) -> str:
    """ "72,1%" for a ratio, "6 doanh nghiệp" for a count, "—" with no figure."""
    if figure.value is None:
        return "—"
    if indicator.aggregation == "ratio" or indicator.unit == "%":
        return _percent(figure.value)
    return f"{_number(figure.value)} {indicator.unit}".rstrip()


def _attainment_alt(report: ConsolidatedReport) -> str:
    language = report.language
    parts = [
        f"{i.name}: {_figure_text(i, i.province)} ({_word('target', language).lower()} "
        f"{i.target_text(language)}), {i.attainment.label(language).lower()}"
        for i in report.indicators
        if i.attainment_percent is not None
    ]
    return f"{_word('attainment_alt', language)}. " + "; ".join(parts) + "."


def _timeliness_alt(report: ConsolidatedReport) -> str:
    language = report.language
    parts = [
        f"{cycle_name(c.cycle_label, language)}: {c.on_time}/{c.expected} {_word('on_time', language).lower()}, "
        f"{c.late} {_word('late', language).lower()}, {c.missing} {_word('missing', language).lower()}"
        for c in report.timeliness
        if c.expected
    ]
    return f"{_word('timeliness_alt', language)}. " + "; ".join(parts) + "."

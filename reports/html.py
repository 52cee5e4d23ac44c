"""The consolidated report as HTML: a standalone page, an email body, and the portal's page.

One template (``templates/report.html``) for all three; they differ only in where the styles and
the charts come from:

- ``render_html``: one self-contained file, styles inline and charts as ``data:`` PNG images, to
  save, open offline or attach;
- ``render_email_html``: no external resource at all; charts, if wanted, as ``cid:`` parts the
  caller attaches (``chart_images``), since mail clients block ``data:`` images;
- ``render_portal_html``: for the portal, whose Content-Security-Policy allows its own URLs only,
  so the stylesheet and the charts are fetched from it.

Pure: the same report gives the same text. Words come from the ``reports`` catalogue (the template
uses ``jinja2.ext.i18n``), figures and dates from the formatter of the report's language, as in the
Word file and the workbook: 1.023.600.000 and 8,5% in Vietnamese, 1,023,600,000 and 8.5% in English.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from sxsh_flow.reports.decree30 import MOTTO, NATIONAL_NAME
from sxsh_flow.reports.model import Attainment, ConsolidatedReport
from sxsh_flow.reports.outline import outline
from sxsh_flow.reports.writing import (
    NO_FIGURE,
    STATE_BUDGET,
    counts_text,
    figure_text,
    late_by,
    percent,
    period_text,
    ratio_parts,
    source_label,
    sources,
    target_text,
    texts_by_agency,
    total_in_words,
    words_of,
    years_text,
)
from sxsh_flow.words import translations, words

TEMPLATE_FOLDER = Path(__file__).with_name("templates")
STYLESHEET = TEMPLATE_FOLDER / "report.css"
CHART_NAMES = ("attainment", "timeliness")


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
    w = words_of(report)
    alts = {"attainment": _attainment_alt(report), "timeliness": _timeliness_alt(report)}
    views = {name: Chart(name, src, alts[name]) for name, src in charts.items() if name in alts}
    total = report.funding_total
    return (
        _environment(report.language)
        .get_template("report.html")
        .render(
            report=report,
            header=report.header,
            lang=report.language,
            national_name=NATIONAL_NAME,
            motto=MOTTO,
            style=style,
            stylesheet_url=stylesheet_url,
            charts=views,
            downloads=downloads,
            email=email,
            judged=[i for i in report.indicators if i.attainment is not Attainment.NO_TARGET],
            detailed=[i for i in report.indicators if i.by_agency],
            sources=[(key, source_label(key, report.language)) for key in sources(total)],
            total_in_words=total_in_words(total.total),
            other_sources=[
                (source_label(key, report.language), total.by_source[key])
                for key in sources(total)
                if key not in STATE_BUDGET
            ],
            period=period_text(report),
            result_text=lambda indicator, figure: figure_text(w, indicator, figure),
            ratio_parts=lambda figure: ratio_parts(w, figure) or NO_FIGURE,
            target_text=lambda item: target_text(w, item.target_min, item.target_max, item.unit),
            cycle_name=w.cycle_name,
            years_text=lambda years: years_text(w, years) or NO_FIGURE,
            headings={heading.key: heading for heading in outline(report)},
            counts=counts_text(report),
            texts_by_agency=lambda items: texts_by_agency(w, items, cycles=len(report.cycle_labels) > 1),
            late_by=lambda unit: late_by(w, unit),
        )
    )


@cache
def _environment(language: str) -> Environment:
    """The template's environment in ``language``: its words from the catalogue, its figures from the formatter."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATE_FOLDER),
        autoescape=select_autoescape(enabled_extensions=("html",), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
    )
    environment.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    w = words(language)
    environment.filters.update(
        number=lambda value: NO_FIGURE if value is None else w.number(value),
        money=w.number,  # in a table whose heading names the currency
        amount=w.money,  # in a sentence: "1.023.600.000 đồng"
        percent=lambda value: percent(w, value),
        date=w.date,
    )
    return environment


@cache
def _stylesheet() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def _attainment_alt(report: ConsolidatedReport) -> str:
    w = words_of(report)
    parts = [
        w.gettext(
            "{name}: {figure} (target {target}), {verdict}",
            name=i.name,
            figure=figure_text(w, i, i.province),
            target=target_text(w, i.target_min, i.target_max, i.unit),
            verdict=i.attainment.label(report.language).lower(),
        )
        for i in report.indicators
        if i.attainment_percent is not None
    ]
    return w.gettext("Chart of the attainment of the targets") + ". " + "; ".join(parts) + "."


def _timeliness_alt(report: ConsolidatedReport) -> str:
    w = words_of(report)
    parts = [
        w.gettext(
            "{cycle}: {on_time}/{expected} on time, {late} late, {missing} not received",
            cycle=w.cycle_name(c.cycle_label),
            on_time=w.number(c.on_time),
            expected=w.number(c.expected),
            late=w.number(c.late),
            missing=w.number(c.missing),
        )
        for c in report.timeliness
        if c.expected
    ]
    return w.gettext("Chart of the reports received per cycle") + ". " + "; ".join(parts) + "."

"""The report's charts: PNG images of the page's width, the same bytes for the same report, none when empty."""

from __future__ import annotations

import struct
import warnings
import zlib
from dataclasses import replace
from decimal import Decimal

import pytest

from sxsh_flow.reports.charts import DPI, WIDTH_INCHES, attainment_chart, timeliness_chart
from sxsh_flow.reports.model import Attainment, ConsolidatedReport, CycleTimeliness, Figure

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHARTS = [attainment_chart, timeliness_chart]


def _size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk comes first
    return width, height


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    chunks, position = [], len(PNG_SIGNATURE)
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        chunks.append((kind, png[position + 8 : position + 8 + length]))
        position += 12 + length
    return chunks


@pytest.mark.parametrize("chart", CHARTS, ids=lambda chart: chart.__name__)
def test_a_chart_is_a_png_as_wide_as_the_text_of_an_a4_page(report: ConsolidatedReport, chart: object) -> None:
    png = chart(report)  # type: ignore[operator]
    assert png.startswith(PNG_SIGNATURE)
    width, height = _size(png)
    assert width == round(WIDTH_INCHES * DPI)  # 16 cm at 200 dpi: sharp in print, light in an email
    assert 500 < height < 2000


@pytest.mark.parametrize("chart", CHARTS, ids=lambda chart: chart.__name__)
def test_the_same_report_gives_the_same_bytes(report: ConsolidatedReport, chart: object) -> None:
    first = chart(report)  # type: ignore[operator]
    assert first == chart(report)  # type: ignore[operator]
    kinds = {kind for kind, _ in _chunks(first)}
    assert b"tIME" not in kinds  # no time of rendering
    texts = b"".join(data for kind, data in _chunks(first) if kind in (b"tEXt", b"iTXt", b"zTXt"))
    assert b"Software" not in texts  # nor the version of matplotlib that drew it


@pytest.mark.parametrize("chart", CHARTS, ids=lambda chart: chart.__name__)
def test_every_vietnamese_letter_has_a_glyph(report: ConsolidatedReport, chart: object) -> None:
    # matplotlib warns "Glyph ... missing from font(s)" and draws a box when the font lacks a letter.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chart(report)  # type: ignore[operator]


def test_the_pixels_are_not_blank(report: ConsolidatedReport) -> None:
    png = attainment_chart(report)
    assert png is not None
    pixels = zlib.decompress(b"".join(data for kind, data in _chunks(png) if kind == b"IDAT"))
    assert len(set(pixels)) > 50  # colours of bars, band, text: not one flat colour


def test_the_attainment_chart_shows_only_indicators_with_a_target_and_a_figure(report: ConsolidatedReport) -> None:
    # The fixture has 8 indicators: 6 with a target and a figure, 2 work-volume counts without a target.
    png = attainment_chart(report)
    fewer = attainment_chart(replace(report, indicators=report.indicators[:2]))
    no_figure = replace(report.indicators[2], province=Figure(None), attainment=Attainment.NO_DATA)
    with_a_gap = attainment_chart(replace(report, indicators=(*report.indicators[:2], no_figure)))
    assert png is not None
    assert fewer is not None
    assert _size(fewer)[1] < _size(png)[1]
    assert with_a_gap == fewer  # the indicator without a figure takes no row


def test_no_attainment_chart_without_an_indicator_to_judge(report: ConsolidatedReport) -> None:
    without_targets = tuple(indicator for indicator in report.indicators if indicator.target_min is None)
    assert without_targets
    assert attainment_chart(replace(report, indicators=without_targets)) is None
    assert attainment_chart(replace(report, indicators=())) is None


def test_a_figure_far_above_its_target_keeps_the_chart_readable(report: ConsolidatedReport) -> None:
    saving = report.indicators[2]
    far_above = replace(saving, province=Figure(Decimal("95.0"), 950, 1000), attainment=Attainment.ABOVE)
    png = attainment_chart(replace(report, indicators=(far_above,)))
    assert png is not None
    assert _size(png)[0] == round(WIDTH_INCHES * DPI)


def test_the_timeliness_chart_changes_with_the_figures(report: ConsolidatedReport) -> None:
    three_years = (*report.timeliness, CycleTimeliness("2018", expected=18, on_time=10, late=2, missing=0))
    later = timeliness_chart(replace(report, timeliness=three_years))
    assert later is not None
    assert later != timeliness_chart(report)


def test_no_timeliness_chart_when_no_report_was_due(report: ConsolidatedReport) -> None:
    assert timeliness_chart(replace(report, timeliness=())) is None
    nothing_due = (CycleTimeliness("2016", expected=0, on_time=0, late=0, missing=0),)
    assert timeliness_chart(replace(report, timeliness=nothing_due)) is None


def test_charts_speak_english_for_an_english_report(report: ConsolidatedReport) -> None:
    assert timeliness_chart(replace(report, language="en")) != timeliness_chart(report)

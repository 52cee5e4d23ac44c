"""The charts of the consolidated report, as PNG images for the Word file and the HTML page.

Drawn on a bare ``matplotlib.figure.Figure``, never through pyplot: pyplot keeps a global list of
figures and picks a GUI backend, and the report is rendered inside a web server and a scheduler.
A ``Figure`` saves through the Agg renderer with no backend to choose. Every text names its font
(DejaVu Sans, which ships with matplotlib and has the Vietnamese letters), so a matplotlibrc on the
machine cannot turn the labels into boxes. The same report gives the same bytes: fixed size and
resolution, and no "Software" entry in the PNG (matplotlib writes no timestamp into a PNG).
"""

from __future__ import annotations

import textwrap
from decimal import Decimal
from io import BytesIO
from typing import Literal

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Text

from sxsh_flow.reports.model import Attainment, ConsolidatedReport, IndicatorResult
from sxsh_flow.reports.writing import figure_text, percent, target_text, words_of
from sxsh_flow.words import N_

FONT = "DejaVu Sans"
WIDTH_INCHES = 6.3  # 16 cm: the text width of an A4 page with Decree 30 margins (3 cm left, 2 cm right)
DPI = 200

# Colours a reader can tell apart in print and by most colour-blind readers (no red next to green
# without a difference in lightness).
COLOURS: dict[Attainment, str] = {
    Attainment.MET: "#2e7d32",
    Attainment.BELOW: "#c62828",
    Attainment.ABOVE: "#1565c0",
    Attainment.IN_PROGRESS: "#f9a825",
}
OTHER_COLOUR = "#757575"
BAND_COLOUR = "#c8e6c9"
ON_TIME, LATE, MISSING, PENDING = "#2e7d32", "#f9a825", "#c62828", "#bdbdbd"
SCALE_LIMIT = 200.0  # % of the target: longer bars are cut there and say their value in words


def attainment_chart(report: ConsolidatedReport) -> bytes | None:
    """Each indicator with a target and a figure, as a bar: the province's figure in % of the target's
    minimum, the target at 100% and, for a range (8–13%), the band up to its maximum. None when no
    indicator has both a target and a figure."""
    shown = [indicator for indicator in report.indicators if indicator.attainment_percent is not None]
    if not shown:
        return None
    w = words_of(report)
    figure = _figure(1.4 + 0.52 * len(shown))
    axes = figure.add_subplot()
    shares = [float(indicator.attainment_percent or 0) for indicator in shown]
    bands = [_band_end(indicator) for indicator in shown]
    texts: list[Text] = []
    right = min(SCALE_LIMIT, max([120.0, *(p * 1.12 for p in shares), *(b * 1.05 for b in bands if b)]))
    for row, (indicator, share, band_end) in enumerate(zip(shown, shares, bands, strict=True)):
        if band_end:
            axes.barh(row, band_end - 100, left=100, height=0.84, color=BAND_COLOUR, zorder=1)
        axes.barh(row, min(share, right), height=0.56, color=COLOURS.get(indicator.attainment, OTHER_COLOUR), zorder=2)
        # The unit is said once, after the figure: "9 doanh nghiệp (mục tiêu ≥ 15)".
        target = target_text(w, indicator.target_min, indicator.target_max, "%" if indicator.unit == "%" else "")
        label = w.gettext(
            "{figure} (target {target})", figure=figure_text(w, indicator, indicator.province), target=target
        )
        if share > right:  # the bar is cut at the scale's end: say how long it would be
            label += f" → {w.number(Decimal(str(share)), 0)}%"
        inside = share > right * 0.55
        texts.append(
            axes.text(
                min(share, right) + (-1.5 if inside else 1.5) * right / 100,
                row,
                label,
                va="center",
                ha="right" if inside else "left",
                color="white" if inside else "#212121",
                family=FONT,
                fontsize=8,
                zorder=5,
                # Outside the bar the label may cross the 100% line: a white ground keeps it legible.
                bbox=None if inside else {"facecolor": "white", "edgecolor": "none", "pad": 1.0, "alpha": 0.85},
            )
        )
    # Behind the bars: where a bar passes 100% its length says so, and the line would cross its label.
    axes.axvline(100, color="#212121", linestyle="--", linewidth=1, zorder=1.5)
    axes.set_xlim(0, right)
    axes.set_yticks(range(len(shown)), [textwrap.fill(indicator.name, 34) for indicator in shown])
    axes.invert_yaxis()
    axes.xaxis.set_major_formatter(lambda value, _position: f"{value:.0f}%")
    axes.set_xlabel(w.gettext("Percent of the target's minimum (dashed line at 100)"), family=FONT, fontsize=8)
    _style(axes, grid="x")
    present = [state for state in COLOURS if any(indicator.attainment is state for indicator in shown)]
    handles = [Patch(color=COLOURS[state], label=state.label(report.language)) for state in present]
    if any(bands):
        handles.append(Patch(color=BAND_COLOUR, label=w.gettext("Target range (minimum to maximum)")))
    figure.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False, prop={"family": FONT, "size": 8})
    figure.suptitle(w.gettext("Attainment of the plan's targets"), family=FONT, fontsize=11, fontweight="bold")
    _make_room(figure, axes, texts)
    return _png(figure)


def timeliness_chart(report: ConsolidatedReport) -> bytes | None:
    """Per cycle, the reports due as a 100% bar split into on time, late and not received, with the
    on-time rate above it. None when no cycle expected a report."""
    cycles = [cycle for cycle in report.timeliness if cycle.expected]
    if not cycles:
        return None
    w = words_of(report)
    figure = _figure(3.0)
    axes = figure.add_subplot()
    positions = range(len(cycles))
    bottoms = [0.0] * len(cycles)
    for colour, counts in (
        (ON_TIME, [cycle.on_time for cycle in cycles]),
        (LATE, [cycle.late for cycle in cycles]),
        (MISSING, [cycle.missing for cycle in cycles]),
        (PENDING, [cycle.pending for cycle in cycles]),
    ):
        shares = [count / cycle.expected * 100 for count, cycle in zip(counts, cycles, strict=True)]
        axes.bar(positions, shares, bottom=bottoms, width=0.55, color=colour, zorder=2)
        for position, share, bottom, count in zip(positions, shares, bottoms, counts, strict=True):
            if count and share >= 7:  # too thin a slice for its number to fit
                axes.text(
                    position,
                    bottom + share / 2,
                    str(count),
                    ha="center",
                    va="center",
                    color="white",
                    family=FONT,
                    fontsize=8,
                    fontweight="bold",
                    zorder=3,
                )
        bottoms = [bottom + share for bottom, share in zip(bottoms, shares, strict=True)]
    for position, cycle in zip(positions, cycles, strict=True):
        label = w.gettext(
            "{rate} on time\n({on_time}/{expected} reports)",
            rate=percent(w, cycle.on_time_rate or Decimal(0)),
            on_time=w.number(cycle.on_time),
            expected=w.number(cycle.expected),
        )
        axes.text(position, 102, label, ha="center", va="bottom", family=FONT, fontsize=8)
    axes.set_ylim(0, 125)
    axes.set_yticks([0, 25, 50, 75, 100])
    axes.yaxis.set_major_formatter(lambda value, _position: f"{value:.0f}%")
    axes.set_xticks(list(positions), [w.cycle_name(cycle.cycle_label) for cycle in cycles])
    axes.set_ylabel(w.gettext("Percent of the reports due"), family=FONT, fontsize=8)
    _style(axes, grid="y")
    segments = [(ON_TIME, N_("On time")), (LATE, N_("Late")), (MISSING, N_("Not received"))]
    if any(cycle.pending for cycle in cycles):
        segments.append((PENDING, N_("Not yet due")))
    handles = [Patch(color=colour, label=w.gettext(message)) for colour, message in segments]
    figure.legend(
        handles=handles, loc="outside lower center", ncols=len(handles), frameon=False, prop={"family": FONT, "size": 8}
    )
    figure.suptitle(w.gettext("Reports received per cycle"), family=FONT, fontsize=11, fontweight="bold")
    return _png(figure)


def _figure(height_inches: float) -> Figure:
    """A figure drawn by one Agg canvas from layout to PNG.

    A bare ``Figure`` lends itself a new canvas, so a new renderer, for each draw (the layout's,
    ``savefig``'s two): the sizes of its texts, which matplotlib keeps per renderer, were measured
    anew each time, and measuring a text is most of the cost of a chart. Its own canvas keeps one
    renderer, and every draw after the first finds its texts measured; the pixels are the same.
    """
    figure = Figure(figsize=(WIDTH_INCHES, height_inches), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _make_room(figure: Figure, axes: Axes, texts: list[Text]) -> None:
    """Widen the scale when a label after its bar would run off the picture (layout ignores such text)."""
    figure.draw_without_rendering()
    frame = axes.get_window_extent()
    overflow = max(text.get_window_extent().x1 for text in texts) - frame.x1
    if overflow > 0:
        left, right = axes.get_xlim()
        # The labels start at their bar's end, which moves left as the scale grows: this overshoots a little.
        axes.set_xlim(left, right * (1 + overflow / frame.width) * 1.02)


def _band_end(indicator: IndicatorResult) -> float:
    """Where a range target's band ends, in % of its minimum (13 of 8–13 is 162,5%); 0 without a range."""
    if not indicator.target_min or indicator.target_max is None or indicator.target_max <= indicator.target_min:
        return 0.0
    return indicator.target_max / indicator.target_min * 100


def _style(axes: Axes, *, grid: Literal["x", "y"]) -> None:
    axes.tick_params(labelfontfamily=FONT, labelsize=8)
    axes.grid(axis=grid, color="#e0e0e0", zorder=0)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _png(figure: Figure) -> bytes:
    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()

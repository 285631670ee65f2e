"""Charts drawn on the server by matplotlib as SVG documents, served at their own URL.

Why this way: the site's Content-Security-Policy allows no inline style or script in pages, so
a chart cannot be inline SVG with style attributes nor a JavaScript widget. Each chart is an
`<img>` of its own SVG response, whose own CSP (`default-src 'none'; style-src
'unsafe-inline'`) lets matplotlib's style attributes work while nothing can run (an SVG shown
as an image never runs scripts anyway). matplotlib is the most widely maintained plotting
library for Python; it is drawn through its object API (no pyplot global state, so it is safe
in threads) with deterministic output (fixed hash salt, no date), and the SVG is cached by the
report's parameters and the data's version. Every chart is described by a Chart (title,
description, numbers) from which the page also prints the table beside it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from chamber.reports.cache import cache
from chamber.reports.scope import month_labels
from chamber.reports.tables import Money, Table

__all__ = [
    "Chart",
    "ChartText",
    "Series",
    "cache",
    "month_chart",
    "month_table",
    "plotted",
    "render_svg",
    "table_chart",
]

SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"
PALETTE = ["#1f6f5c", "#c2702a", "#5b7fb0", "#8a5a00", "#7a4e9b"]
_RC = {
    "svg.fonttype": "none",  # text stays text: small files that print sharply
    "svg.hashsalt": "chamber-reports",  # the same chart always gives the same bytes
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#6b7787",
    "axes.titlesize": 10,
}


@dataclass
class Series:
    label: str
    values: list[float]


@dataclass
class Chart:
    """What one chart shows; `table` is the same numbers for the page and screen readers."""

    name: str
    title: str
    description: str
    kind: str = "bar"  # "bar", "line" or "scatter"
    categories: list[str] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    points: list[tuple[float, float]] = field(default_factory=list)
    x_label: str = ""
    y_label: str = ""
    table: Table | None = None
    percent: bool = False
    colors: list[str] | None = None  # one per category, for a single series

    @property
    def is_empty(self) -> bool:
        if self.kind == "scatter":
            return not self.points
        return not self.categories or not any(any(s.values) for s in self.series)


def plotted(cell) -> float:
    """A table cell as the number a chart draws: a count as it is, money in dollars, a share,
    a mean or hours by its value (a missing one as 0)."""
    if isinstance(cell, Money):
        return cell.cents / 100
    return float(getattr(cell, "value", cell) or 0)


def table_chart(
    table: Table,
    columns: dict[str, int],
    *,
    categories: list[str] | None = None,
    rows: list[list] | None = None,
    **chart,
) -> Chart:
    """A chart of some columns of a table (series label -> column index), one category per
    row (by default the row's first cell): the chart and its table cannot disagree."""
    rows = table.rows if rows is None else rows
    return Chart(
        categories=[row[0] for row in rows] if categories is None else categories,
        series=[Series(label, [plotted(row[i]) for row in rows]) for label, i in columns.items()],
        table=table,
        **chart,
    )


@dataclass(frozen=True)
class ChartText:
    """What a chart says: its name (in its URL), title, description and y-axis label."""

    name: str
    title: str
    description: str
    y_label: str


def month_table(key: str, caption: str, columns: list[str], months: list[date], figures) -> Table:
    """A month-by-month table: each month ("Nov 2026"), then `figures(month)` (a list)."""
    table = Table(key, caption, ["Month", *columns])
    table.rows = [[f"{month:%b %Y}", *figures(month)] for month in months]
    return table


def month_chart(
    table: Table, columns: dict[str, int], months: list[date], text: ChartText, **options
) -> Chart:
    """A chart of a month-by-month table (month_table), one category per month ("Nov 26")."""
    return table_chart(
        table,
        columns,
        categories=month_labels(months),
        name=text.name,
        title=text.title,
        description=text.description,
        y_label=text.y_label,
        **options,
    )


def render_svg(chart: Chart) -> bytes:
    """The chart as an SVG document (an empty chart says so in its plot area)."""
    # matplotlib is imported by the first chart, not by every web worker at start (~40 MB).
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    with matplotlib.rc_context(_RC):
        figure = Figure(figsize=(7.2, 3.4), layout="constrained")
        axes = figure.subplots()
        axes.set_title(chart.title, loc="left")
        if chart.is_empty:
            axes.text(
                0.5,
                0.5,
                "No data in this range",
                ha="center",
                va="center",
                transform=axes.transAxes,
                color="#6b7787",
            )
            axes.set_xticks([])
            axes.set_yticks([])
        elif chart.kind == "scatter":
            xs, ys = zip(*chart.points, strict=True)
            axes.scatter(xs, ys, s=14, alpha=0.55, color=PALETTE[0], edgecolors="none")
        elif chart.kind == "line":
            for index, series in enumerate(chart.series):
                axes.plot(
                    chart.categories,
                    series.values,
                    marker="o",
                    markersize=3,
                    color=PALETTE[index % len(PALETTE)],
                    label=series.label,
                )
        else:
            count = len(chart.series)
            width = 0.8 / count
            positions = range(len(chart.categories))
            for index, series in enumerate(chart.series):
                axes.bar(
                    [p + (index - (count - 1) / 2) * width for p in positions],
                    series.values,
                    width=width,
                    label=series.label,
                    color=chart.colors or PALETTE[index % len(PALETTE)],
                )
            axes.set_xticks(list(positions), chart.categories)
        if not chart.is_empty:
            axes.set_xlabel(chart.x_label)
            axes.set_ylabel(chart.y_label)
            if chart.percent:
                axes.yaxis.set_major_formatter(PercentFormatter(1.0))
            else:
                axes.yaxis.set_major_locator(MaxNLocator(integer=True))
            if chart.kind != "scatter" and len(chart.series) > 1:
                axes.legend(frameon=False)
            if len(chart.categories) > 8:
                axes.tick_params(axis="x", labelrotation=45)
            axes.grid(axis="y", color="#dde3ea", linewidth=0.6)
            axes.set_axisbelow(True)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()

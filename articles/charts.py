"""Small bar charts drawn as inline SVG on the server (no JavaScript, no images)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    count: int

    @property
    def cx(self) -> float:
        return round(self.x + self.width / 2, 2)

    @property
    def count_y(self) -> float:
        return round(self.y - 3, 2)


def bar_chart(series: list[tuple[str, int]], width: int = 480, height: int = 140) -> dict:
    """Layout for templates/includes/bar_chart.svg: [(label, count)] -> bars in SVG units."""
    if not series:
        return {"bars": [], "width": width, "height": height, "max": 0, "total": 0}
    peak = max(count for _, count in series) or 1
    plot_height = height - 24
    pad = 26  # half a tick label, so the first and last labels are not clipped
    slot = (width - 2 * pad) / len(series)
    bars = []
    top = 14  # room for the count printed above the tallest bar
    plot_height -= top
    for i, (label, count) in enumerate(series):
        bar_height = plot_height * count / peak
        bars.append(Bar(x=round(pad + i * slot + slot * 0.1, 2), y=round(top + plot_height - bar_height, 2),
                        width=round(min(max(slot * 0.8, 1), 48), 2), height=round(bar_height, 2), label=label, count=count))
    step = -(-len(series) // 6)  # at most 6 tick labels: they must stay legible on a phone
    return {"bars": bars, "width": width, "height": height, "max": peak, "total": sum(c for _, c in series),
            "ticks": [b for i, b in enumerate(bars) if i % step == 0], "label_y": height - 6,
            "baseline_y": height - 24, "show_counts": slot >= 14}


def monthly_series(rows: list[tuple], max_bars: int = 36) -> list[tuple[str, int]]:
    return time_series(rows, max_bars)[0]


def time_series(rows: list[tuple], max_bars: int = 36) -> tuple[list[tuple[str, int]], str]:
    """[(first day of month, count)] -> (labelled series, "month" | "year").

    Empty months are zero bars: two bars side by side would otherwise hide years without a story.
    Spans longer than max_bars months are grouped by year, and the unit says so (for the title).
    """
    if not rows:
        return [], "month"
    counts = {(month.year, month.month): count for month, count in rows}
    (first_year, first_month), (last_year, last_month) = min(counts), max(counts)
    span = (last_year - first_year) * 12 + last_month - first_month + 1
    if span <= max_bars:
        months = [divmod(first_month - 1 + i, 12) for i in range(span)]
        return [(f"{first_year + dy}-{m + 1:02d}", counts.get((first_year + dy, m + 1), 0)) for dy, m in months], "month"
    years: dict[int, int] = {year: 0 for year in range(first_year, last_year + 1)}
    for (year, _month), count in counts.items():
        years[year] += count
    return [(str(year), count) for year, count in years.items()], "year"

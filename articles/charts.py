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


def bar_chart(series: list[tuple[str, int]], width: int = 600, height: int = 140) -> dict:
    """Layout for templates/includes/bar_chart.svg: [(label, count)] -> bars in SVG units."""
    if not series:
        return {"bars": [], "width": width, "height": height, "max": 0, "total": 0}
    peak = max(count for _, count in series) or 1
    plot_height = height - 24
    slot = width / len(series)
    bars = []
    for i, (label, count) in enumerate(series):
        bar_height = plot_height * count / peak
        bars.append(Bar(x=round(i * slot + slot * 0.1, 2), y=round(plot_height - bar_height, 2),
                        width=round(min(max(slot * 0.8, 1), 48), 2), height=round(bar_height, 2), label=label, count=count))
    step = max(1, len(series) // 8)  # label at most ~8 ticks
    return {"bars": bars, "width": width, "height": height, "max": peak, "total": sum(c for _, c in series),
            "ticks": [b for i, b in enumerate(bars) if i % step == 0], "label_y": height - 6}


def monthly_series(rows: list[tuple], max_bars: int = 36) -> list[tuple[str, int]]:
    """[(date of month, count)] sorted -> labelled series; long spans are grouped by year."""
    if not rows:
        return []
    if len(rows) <= max_bars:
        return [(f"{month:%Y-%m}", count) for month, count in rows]
    years: dict[int, int] = {}
    for month, count in rows:
        years[month.year] = years.get(month.year, 0) + count
    return [(str(year), count) for year, count in sorted(years.items())]

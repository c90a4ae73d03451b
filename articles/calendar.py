"""Month calendar grids for the archive, built with one query per month."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from articles.models import Issue

WEEKDAY_LABELS = ["一", "二", "三", "四", "五", "六", "日"]


@dataclass
class Day:
    date: dt.date
    in_month: bool
    issue_number: int | None = None
    has_issue: bool = False
    inferred: bool = False


def _issue_rows(**lookup) -> dict[dt.date, dict]:
    return {row["date"]: row for row in Issue.objects.filter(**lookup).values("date", "number", "date_inferred")}


def year_grids(year: int) -> list[dict]:
    """The twelve month grids of a year from ONE query; [] when the year has no issue."""
    issues = _issue_rows(date__year=year)
    if not issues:
        return []
    return [month_grid(year, month, {d: row for d, row in issues.items() if d.month == month}) for month in range(1, 13)]


def month_grid(year: int, month: int, issues: dict[dt.date, dict] | None = None) -> dict:
    """A Monday-first grid of the month; ONE query unless the issues are passed in."""
    if issues is None:
        issues = _issue_rows(date__year=year, date__month=month)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        row = []
        for day in week:
            issue = issues.get(day) if day.month == month else None
            row.append(Day(date=day, in_month=day.month == month, has_issue=issue is not None,
                           issue_number=issue["number"] if issue else None, inferred=bool(issue and issue["date_inferred"])))
        weeks.append(row)
    first = dt.date(year, month, 1)
    previous_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = (first + dt.timedelta(days=32)).replace(day=1)
    return {
        "year": year, "month": month, "weeks": weeks, "weekday_labels": WEEKDAY_LABELS,
        "issue_count": len(issues), "previous": previous_month, "next": next_month,
        "any_inferred": any(i["date_inferred"] for i in issues.values()),
    }

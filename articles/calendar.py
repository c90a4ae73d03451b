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


def month_grid(year: int, month: int) -> dict:
    issues = {
        row["date"]: row
        for row in Issue.objects.filter(date__year=year, date__month=month).values("date", "number", "date_inferred")
    }
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

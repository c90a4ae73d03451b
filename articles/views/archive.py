"""往期回顾: years, then months, then a month calendar grid."""

import datetime as dt

from django import forms
from django.db.models import Count
from django.db.models.functions import ExtractMonth, ExtractYear
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from articles.cache import cached_view
from articles.calendar import month_grid, year_grids
from articles.models import Issue, IssueDateRedirect


@cached_view
def archive_index(request):
    """Years by months with issue counts: one GROUP BY whatever the size of the archive."""
    counts = (
        Issue.objects.annotate(year=ExtractYear("date"), month=ExtractMonth("date"))
        .values("year", "month").annotate(issues=Count("id")).order_by()
    )
    years: dict[int, list[int]] = {}
    for row in counts:
        years.setdefault(row["year"], [0] * 12)[row["month"] - 1] = row["issues"]
    rows = [
        {"year": year, "total": sum(months), "months": [(m + 1, n) for m, n in enumerate(months)]}
        for year, months in sorted(years.items(), reverse=True)
    ]
    return render(request, "articles/archive_index.html", {"years": rows, "month_numbers": range(1, 13)})


def archive_go(request):
    """按日期查找: ?date=2023-02-09 -> that issue, or the month's calendar when there was none."""
    form = DateJumpForm(request.GET)
    if not form.is_valid():
        return render(request, "articles/archive_go.html", {"form": form}, status=400)
    day = form.cleaned_data["date"]
    issue = Issue.objects.filter(date=day).only("date").first()
    if issue:
        return redirect(issue)
    moved = IssueDateRedirect.objects.filter(old_date=day).select_related("issue").first()
    if moved:
        return redirect(moved.issue)
    return redirect(f"{reverse('archive_month', args=[day.year, day.month])}?missing={day.isoformat()}")


class DateJumpForm(forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"required": "请填写日期。", "invalid": "日期格式应为 2023-02-09。"})

    def clean_date(self):
        day = self.cleaned_data["date"]
        if not 1800 <= day.year <= 2200:
            raise forms.ValidationError("这个年份不在档案范围内。")
        return day


@cached_view
def archive_year(request, year):
    grids = year_grids(year)
    if not grids:
        raise Http404("这一年没有报纸")
    years = Issue.objects.dates("date", "year")
    return render(request, "articles/archive_year.html", {
        "year": year,
        "months": grids,
        "issue_count": sum(grid["issue_count"] for grid in grids),
        "any_inferred": any(grid["any_inferred"] for grid in grids),
        "previous_year": next((d.year for d in reversed(years) if d.year < year), None),
        "next_year": next((d.year for d in years if d.year > year), None),
    })


@cached_view
def archive_month(request, year, month):
    if not 1 <= month <= 12 or not 1800 <= year <= 2200:
        raise Http404("没有这个月份")
    grid = month_grid(year, month)
    missing = _missing_day(request, year, month)
    return render(request, "articles/archive_month.html", {"calendar": grid, "missing": missing})


def _missing_day(request, year, month):
    """The date a reader looked for with 按日期查找 when no issue has it (ignored unless it is in this month)."""
    try:
        day = dt.date.fromisoformat(request.GET.get("missing", ""))
    except ValueError:
        return None
    return day if (day.year, day.month) == (year, month) else None

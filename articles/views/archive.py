"""往期回顾: years, then months, then a month calendar grid."""

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.shortcuts import render

from articles.cache import cached_view
from articles.calendar import month_grid, year_grids
from articles.models import Issue


@cached_view
def archive_index(request):
    years = (
        Issue.objects.annotate(year=ExtractYear("date")).values("year")
        .annotate(issues=Count("id")).order_by("-year")
    )
    return render(request, "articles/archive_index.html", {"years": years})


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
    return render(request, "articles/archive_month.html", {"calendar": grid})

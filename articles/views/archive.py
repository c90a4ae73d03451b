"""往期回顾: years, then months, then a month calendar grid."""

from django.db.models import Count
from django.db.models.functions import ExtractMonth, ExtractYear
from django.http import Http404
from django.shortcuts import render

from articles.cache import cached_view
from articles.calendar import month_grid
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
    months = {
        row["month"]: row["issues"]
        for row in Issue.objects.filter(date__year=year).annotate(month=ExtractMonth("date"))
        .values("month").annotate(issues=Count("id"))
    }
    if not months:
        raise Http404("这一年没有报纸")
    rows = [{"month": m, "issues": months.get(m, 0)} for m in range(1, 13)]
    return render(request, "articles/archive_year.html", {"year": year, "months": rows})


@cached_view
def archive_month(request, year, month):
    if not 1 <= month <= 12 or not 1800 <= year <= 2200:
        raise Http404("没有这个月份")
    grid = month_grid(year, month)
    return render(request, "articles/archive_month.html", {"calendar": grid})

"""区县: districts with article counts; each district's articles, filters and monthly chart."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404, render

from articles.cache import cached_view, data_version
from articles.charts import bar_chart, time_series
from articles.filters import ArticleListFilter
from articles.models import Article, ArticleDistrict, District
from articles.views.common import paginate, query_without


@cached_view
def district_list(request):
    districts = District.objects.annotate(article_count=Count("article_links")).order_by("position")
    return render(request, "articles/district_list.html", {"districts": districts})


@cached_view
def district_detail(request, slug):
    district = get_object_or_404(District, slug=slug)
    # EXISTS lets the database walk the newest-first index and stop after one page.
    base = Article.objects.filter(Exists(ArticleDistrict.objects.filter(article=OuterRef("pk"), district=district)))
    filterset = ArticleListFilter(request.GET or None, queryset=base.for_listing().newest_first())
    chart = district_chart(district, filterset, base)
    count = chart["total"]  # the chart counted the same filtered articles: no second COUNT
    return render(request, "articles/district_detail.html", {
        "district": district,
        "places": district.places.order_by("name"),
        "filter": filterset,
        "page_obj": paginate(request, filterset.qs, count=count),
        "query": query_without(request, "page"),
        "chart": chart,
    })


def _active(filterset) -> list[tuple[str, str]]:
    if not filterset.is_bound:
        return []
    filterset.is_valid()  # invalid fields are left out of cleaned_data, and ignored by .qs too
    return sorted((k, str(v)) for k, v in filterset.form.cleaned_data.items() if v not in (None, ""))


def district_chart(district, filterset, articles) -> dict:
    """Articles per month (per year for long spans) under the applied filters.

    One GROUP BY over the filtered articles, cached per data version and filter values.
    """
    active = _active(filterset)
    key = f"district-chart:{district.pk}:{data_version()}:" + hashlib.sha256(repr(active).encode()).hexdigest()[:16]
    chart = cache.get(key)
    if chart is None:
        # The list's own filters on the plain district queryset (no listing joins): validated once.
        qs = (filterset.filter_queryset(articles.all()) if filterset.is_bound else articles).order_by()
        # distinct: the role filter joins contributions, one article may match twice.
        months = qs.annotate(month=TruncMonth("published_on")).values("month").annotate(n=Count("id", distinct=True)).order_by("month")
        series, unit = time_series([(row["month"], row["n"]) for row in months])
        chart = bar_chart(series)
        chart["unit"] = "月" if unit == "month" else "年"
        chart["title"] = ("每月报道数量" if unit == "month" else "每年报道数量") + ("（符合筛选条件）" if active else "")
        cache.set(key, chart, settings.PAGE_CACHE_SECONDS)
    return chart

"""区县: districts with article counts; each district's articles, filters and monthly chart."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404, render

from articles.cache import cached_view, data_version
from articles.charts import bar_chart, monthly_series
from articles.filters import ArticleListFilter
from articles.models import Article, ArticleDistrict, District
from articles.views.common import paginate, query_without


@cached_view
def district_list(request):
    districts = District.objects.annotate(article_count=Count("article_links")).order_by("position")
    return render(request, "articles/district_list.html", {"districts": districts})


def district_detail(request, slug):
    district = get_object_or_404(District, slug=slug)
    # EXISTS lets the database walk the newest-first index and stop after one page.
    base = Article.objects.filter(Exists(ArticleDistrict.objects.filter(article=OuterRef("pk"), district=district)))
    filterset = ArticleListFilter(request.GET or None, queryset=base.for_listing().newest_first())
    chart = district_chart(district, base)
    count = chart["total"] if _unfiltered(filterset) else None  # the chart already counted every article
    return render(request, "articles/district_detail.html", {
        "district": district,
        "places": district.places.order_by("name"),
        "filter": filterset,
        "page_obj": paginate(request, filterset.qs, count=count),
        "query": query_without(request, "page"),
        "chart": chart,
    })


def _unfiltered(filterset) -> bool:
    if not filterset.is_bound:
        return True
    return filterset.is_valid() and all(value in (None, "") for value in filterset.form.cleaned_data.values())


def district_chart(district, articles) -> dict:
    """Articles per month for the chart: one GROUP BY over the district, cached per data version."""
    key = f"district-chart:{district.pk}:{data_version()}"
    chart = cache.get(key)
    if chart is None:
        months = articles.annotate(month=TruncMonth("published_on")).values("month").annotate(n=Count("id")).order_by("month")
        chart = bar_chart(monthly_series([(row["month"], row["n"]) for row in months]))
        cache.set(key, chart, settings.PAGE_CACHE_SECONDS)
    return chart

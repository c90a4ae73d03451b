"""Browse by section, district and author: lists with counts, and paginated article lists."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404, render

from articles.cache import cached_view, data_version
from articles.charts import bar_chart, monthly_series
from articles.choices import Role, StaffRole
from articles.filters import ArticleListFilter
from articles.models import Article, ArticleDistrict, Author, District, Section
from articles.views.common import paginate, query_without


@cached_view
def section_list(request):
    sections = Section.objects.annotate(articles=Count("pages__articles")).order_by("-articles", "name")
    return render(request, "articles/section_list.html", {"sections": sections})


def section_detail(request, slug):
    section = get_object_or_404(Section, slug=slug)
    articles = Article.objects.filter(page__section=section).for_listing().newest_first()
    return render(request, "articles/section_detail.html", {
        "section": section, "page_obj": paginate(request, articles), "query": query_without(request, "page"),
    })


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


def author_list(request):
    role_counts = {
        role: Count("contributions", filter=Q(contributions__role=role)) for role in Role.values
    }
    authors = (
        Author.objects.annotate(total=Count("contributions"), **role_counts, staffed=Count("page_roles"))
        .filter(Q(total__gt=0) | Q(staffed__gt=0))
        .order_by("-total", "name")
    )
    page_obj = paginate(request, authors, per_page=50)
    rows = [
        {"author": a, "total": a.total, "staffed": a.staffed,
         "roles": [(label, getattr(a, value)) for value, label in Role.choices if getattr(a, value)]}
        for a in page_obj
    ]
    return render(request, "articles/author_list.html", {"page_obj": page_obj, "rows": rows, "query": query_without(request, "page")})


def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    base = Article.objects.filter(contributions__author=author).distinct()
    filterset = ArticleListFilter(request.GET or None, queryset=base.for_listing().newest_first(), author=author)
    roles = author.contributions.values("role").annotate(n=Count("id")).order_by("-n")
    staff_roles = author.page_roles.values("role").annotate(n=Count("id")).order_by("-n")
    return render(request, "articles/author_detail.html", {
        "author": author,
        "roles": [(Role(r["role"]).label, r["n"]) for r in roles if r["role"] in Role.values],
        "staff_roles": [(StaffRole(r["role"]).label, r["n"]) for r in staff_roles if r["role"] in StaffRole.values],
        "filter": filterset,
        "page_obj": paginate(request, filterset.qs),
        "query": query_without(request, "page"),
    })

"""/search/ (HTML) and /api/search (JSON). Thin: parsing, engines and facets live in the package."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render

from articles.cache import cached_view
from articles.charts import bar_chart
from articles.models import Article
from articles.search import MAX_PAGE_SIZE, ORDERS, search_articles
from articles.search.forms import SearchFilter
from articles.search.ratelimit import rate_limited
from articles.views.api import json_get


def _too_many_html(request, wait):
    return render(request, "search/too_many.html", {"wait": wait}, status=429)


def _too_many_json(request, wait):
    return JsonResponse({"error": f"请求过于频繁，请 {wait} 秒后再试（rate limited）"}, status=429, json_dumps_params={"ensure_ascii": False})


def _page_number(raw: str | None) -> int | None:
    if raw in (None, ""):
        return 1
    try:
        number = int(raw)
    except ValueError:
        return None
    return number if 1 <= number <= 10**6 else None


def _run(request, filterset):
    cleaned = filterset.form.cleaned_data if filterset.is_valid() else {}
    order = request.GET.get("sort") if request.GET.get("sort") in ORDERS else "relevance"
    return order, {k: cleaned.get(k) for k in ("date_from", "date_to", "year") if cleaned.get(k)}


@rate_limited("search", _too_many_html)
@cached_view  # results change only when the data does; the rate limit still counts every request
def search_page(request):
    filterset = SearchFilter(request.GET or None, queryset=Article.objects.all())
    query = request.GET.get("q", "")
    # Active filters open the collapsed filter box, so a reader sees what narrows the results.
    context = {"filter": filterset, "query": query, "orders": ORDERS, "result": None, "active_filters": filterset.active_filters()}
    if query.strip():
        order, dates = _run(request, filterset)
        page = _page_number(request.GET.get("page")) or 1
        result = search_articles(query, queryset=filterset.qs, filters=dates, order=order, page=page)
        params = request.GET.copy()
        params.pop("page", None)
        context.update(
            result=result,
            order=order,
            chart=bar_chart(result.histogram, height=110),
            base_query=params.urlencode(),
            facet_links=_facet_links(request, result),
        )
    return render(request, "search/search.html", context)


def _facet_links(request, result):
    links = {}
    for name, param in (("district", "district"), ("section", "section"), ("year", "year")):
        rows = []
        for facet in result.facets.get(name, []):
            params = request.GET.copy()
            params.pop("page", None)
            params[param] = facet["slug"]
            rows.append({**facet, "query": params.urlencode(), "active": request.GET.get(param) == facet["slug"]})
        links[name] = rows
    return links


@json_get
@rate_limited("search", _too_many_json)  # one budget per client for page and API
def search_api(request):
    filterset = SearchFilter(request.GET or None, queryset=Article.objects.all())
    errors = {}
    if request.GET and not filterset.is_valid():
        errors.update({field: [str(e) for e in errs] for field, errs in filterset.form.errors.items()})
    page = _page_number(request.GET.get("page"))
    if page is None:
        errors["page"] = ["page 应为 1 以上的整数"]
    try:
        page_size = int(request.GET.get("page_size", 20))
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError
    except ValueError:
        errors["page_size"] = [f"page_size 应为 1 到 {MAX_PAGE_SIZE} 的整数"]
        page_size = 20
    if request.GET.get("sort") and request.GET["sort"] not in ORDERS:
        errors["sort"] = [f"sort 只能是 {', '.join(ORDERS)}"]
    if not request.GET.get("q", "").strip():
        errors["q"] = ["缺少搜索词 q"]
    if errors:
        first = next(iter(errors))
        return JsonResponse({"error": "参数无效（invalid parameters）", "field": first, "fields": errors}, status=400, json_dumps_params={"ensure_ascii": False})
    order, dates = _run(request, filterset)
    result = search_articles(request.GET["q"], queryset=filterset.qs, filters=dates, order=order, page=page, page_size=page_size, strict_page=True)
    if result.requested_page > result.num_pages:
        pages = f"page 应在 1 到 {result.num_pages} 之间"
        return JsonResponse({"error": f"页码超出范围（page out of range）：共 {result.num_pages} 页", "field": "page", "fields": {"page": [pages]},
                             "num_pages": result.num_pages, "count": result.count}, status=400, json_dumps_params={"ensure_ascii": False})
    return JsonResponse({
        "count": result.count,
        "count_estimated": result.estimated,
        "max_results": result.max_results,  # pages reach this many matches; filters narrow the rest
        "order_note": "headline_first" if result.headline_first else "",
        "page": result.page,
        "page_size": result.page_size,
        "num_pages": result.num_pages,
        "message": result.message,
        "results": [
            {
                "id": hit.article.pk,
                "url": request.build_absolute_uri(hit.article.get_absolute_url()),
                "issue_date": hit.article.published_on.isoformat(),
                "kicker": hit.article.kicker,
                "headline": hit.article.headline,
                "subheadline": hit.article.subheadline,
                "section": hit.article.page.section.name if hit.article.page.section else None,
                "districts": hit.districts,
                "snippet": str(hit.snippet),
            }
            for hit in result.hits
        ],
        "facets": result.facets,
        "facets_estimated": result.facets_estimated,
    }, json_dumps_params={"ensure_ascii": False})

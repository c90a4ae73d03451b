"""The search service: one function, search_articles(), and what it returns.

Usage:

    result = search_articles("芦淞 养老", filters={"year": 2023}, order="newest", page=1)
    result.count, result.hits, result.facets, result.histogram, result.message
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Prefetch
from django.db.models.functions import ExtractYear, TruncMonth

from articles.models import Article, ArticleDistrict
from articles.search.engines import get_engine
from articles.search.query import QueryPlan, parse_query
from articles.search.snippets import highlight, snippet

ORDERS = {"relevance": "相关度", "newest": "最新", "oldest": "最早"}
MAX_PAGE_SIZE = 100
# Above this many matches (株洲 matches nearly every article), facets and the chart are estimated
# from an even sample of about this size: their cost stays bounded as the archive grows.
FACET_SAMPLE = 5_000
# Ranking scores every match however few are shown, so the first pages' order (50 pages of 20)
# is computed once per query and data version and paged from the cache.
RANKED_DEPTH = 1_000


@dataclass
class Hit:
    article: Article
    snippet: str
    headline_html: str


@dataclass
class SearchResult:
    query: str
    plan: QueryPlan
    count: int = 0
    page: int = 1
    page_size: int = 20
    num_pages: int = 1
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[dict]] = field(default_factory=dict)
    histogram: list[tuple[str, int]] = field(default_factory=list)
    facets_estimated: bool = False  # facets and histogram scaled up from a sample
    message: str = ""
    requested_page: int = 1  # differs from page when the reader asked beyond the last page


def search_articles(query: str, *, filters: dict | None = None, order: str = "relevance", page: int = 1,
                    page_size: int = 20, queryset=None, with_facets: bool = True, strict_page: bool = False) -> SearchResult:
    """strict_page: a page beyond the last returns no hits (the API answers 400) instead of the last page."""
    plan = parse_query(query)
    page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
    result = SearchResult(query=query, plan=plan, page_size=page_size, message=plan.message, requested_page=max(int(page), 1))
    if plan.empty:
        result.message = result.message or ("请输入搜索词。" if not (query or "").strip() else "搜索词里没有可以查找的文字。")
        return result
    engine = get_engine()
    base = queryset if queryset is not None else Article.objects.all()
    filtered = apply_filters(base, filters or {})
    # Without filters the engine answers alone; with them it searches only the filtered ids.
    restrict = filtered if filtered.query.has_filters() else None
    summary = _cached_summary(engine, plan, filtered, restrict, filters or {}, with_facets)
    result.count = summary["count"]
    result.num_pages = max(1, -(-result.count // page_size))
    result.page = min(result.requested_page, result.num_pages)
    offset = (result.page - 1) * page_size
    if not result.count or (strict_page and result.requested_page != result.page):
        return result
    if offset + page_size <= RANKED_DEPTH:
        key = "search:ranked:" + _query_key(engine, plan, restrict, filters or {}, order)
        ranked = cache.get(key)
        if ranked is None:
            ranked = _ordered_ids(engine, plan, filtered, restrict, order, RANKED_DEPTH, 0)
            cache.set(key, ranked, settings.PAGE_CACHE_SECONDS)
        ids = ranked[offset : offset + page_size]
    else:
        ids = _ordered_ids(engine, plan, filtered, restrict, order, page_size, offset)
    result.hits = _hits(ids, plan)
    result.facets = summary.get("facets", {})
    result.histogram = summary.get("histogram", [])
    result.facets_estimated = summary.get("estimated", False)
    return result


def _ordered_ids(engine, plan, filtered, restrict, order: str, limit: int, offset: int) -> list[int]:
    if order in ("newest", "oldest"):
        direction = "-" if order == "newest" else ""
        matched = filtered.filter(pk__in=engine.matching_ids(plan))
        # (published_on, id) is one index: the newest page reads it in order and stops.
        return list(matched.order_by(f"{direction}published_on", f"{direction}pk").values_list("pk", flat=True)[offset : offset + limit])
    return engine.ranked_ids(plan, restrict, limit, offset)


def _query_key(engine, plan, restrict, filters: dict, *extra) -> str:
    """The same query, filters, engine and data: the same key (a correction changes the data version)."""
    from articles.cache import data_version

    source = repr((plan.groups and [[(t.words, t.phrase) for t in g] for g in plan.groups], [t.words for t in plan.excluded],
                   str(restrict.query) if restrict is not None else "", sorted((k, str(v)) for k, v in filters.items()),
                   extra, engine.__class__.__name__, data_version()))
    return hashlib.sha256(source.encode()).hexdigest()


def _cached_summary(engine, plan, filtered, restrict, filters, with_facets) -> dict:
    """Count, facets and histogram for a query: computed once per data version, then cached."""
    key = "search:summary:" + _query_key(engine, plan, restrict, filters, with_facets)
    summary = cache.get(key)
    if summary is None:
        summary = {"count": engine.count(plan, restrict)}
        if with_facets and summary["count"]:
            step = -(-summary["count"] // FACET_SAMPLE)
            if step > 1:
                matched = Article.objects.filter(pk__in=engine.sample_ids(plan, step, restrict))
            else:
                matched = filtered.filter(pk__in=engine.matching_ids(plan))
            summary["facets"] = facets(matched, scale=step)
            summary["histogram"] = histogram(matched, filters, scale=step)
            summary["estimated"] = step > 1
        cache.set(key, summary, settings.PAGE_CACHE_SECONDS)
    return summary


def apply_filters(queryset, filters: dict):
    if filters.get("date_from"):
        queryset = queryset.filter(published_on__gte=filters["date_from"])
    if filters.get("date_to"):
        queryset = queryset.filter(published_on__lte=filters["date_to"])
    if filters.get("year"):
        queryset = queryset.filter(published_on__year=filters["year"])
    if filters.get("district"):
        queryset = queryset.filter(district_links__district__slug=filters["district"])
    if filters.get("section"):
        queryset = queryset.filter(page__section__slug=filters["section"])
    if filters.get("author"):
        queryset = queryset.filter(contributions__author__name=filters["author"])
    if filters.get("front"):
        queryset = queryset.filter(page__number=1)
    return queryset.distinct() if filters.get("author") or filters.get("district") else queryset


def _hits(ids: list[int], plan: QueryPlan) -> list[Hit]:
    if not ids:
        return []
    words = plan.highlight_words()
    articles = (
        Article.objects.filter(pk__in=ids)
        .select_related("page__issue", "page__section")
        .prefetch_related(Prefetch("district_links", queryset=ArticleDistrict.objects.select_related("district")))
    )
    by_id = {a.pk: a for a in articles}
    return [
        Hit(article=by_id[i], snippet=snippet(by_id[i].body, words), headline_html=highlight(by_id[i].display_title, words))
        for i in ids
        if i in by_id
    ]


def facets(matched, scale: int = 1) -> dict[str, list[dict]]:
    """District, section and year counts of the matches (× scale when `matched` is a sample)."""
    ids = matched.values("pk")
    districts = (
        ArticleDistrict.objects.filter(article__in=ids).values("district__name", "district__slug")
        .annotate(n=Count("article", distinct=True)).order_by("-n", "district__name")[:20]
    )
    sections = (
        Article.objects.filter(pk__in=ids, page__section__isnull=False).values("page__section__name", "page__section__slug")
        .annotate(n=Count("pk")).order_by("-n", "page__section__name")[:20]
    )
    years = Article.objects.filter(pk__in=ids).annotate(year=ExtractYear("published_on")).values("year").annotate(n=Count("pk")).order_by("-year")
    return {
        "district": [{"name": d["district__name"], "slug": d["district__slug"], "count": d["n"] * scale} for d in districts],
        "section": [{"name": s["page__section__name"], "slug": s["page__section__slug"], "count": s["n"] * scale} for s in sections],
        "year": [{"name": str(y["year"]), "slug": str(y["year"]), "count": y["n"] * scale} for y in years],
    }


def histogram(matched, filters: dict, scale: int = 1) -> list[tuple[str, int]]:
    """Matches per year, or per month when the range is two years or less."""
    ids = matched.values("pk")
    start, end = filters.get("date_from"), filters.get("date_to")
    short = filters.get("year") or (start and end and (end - start) <= dt.timedelta(days=731))
    if short:
        rows = Article.objects.filter(pk__in=ids).annotate(m=TruncMonth("published_on")).values("m").annotate(n=Count("pk")).order_by("m")
        return [(f"{r['m']:%Y-%m}", r["n"] * scale) for r in rows]
    rows = Article.objects.filter(pk__in=ids).annotate(y=ExtractYear("published_on")).values("y").annotate(n=Count("pk")).order_by("y")
    return [(str(r["y"]), r["n"] * scale) for r in rows]

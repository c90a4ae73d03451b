"""Search, behind one small function:

    result = search_articles("芦淞 养老", filters={"year": 2023}, order="newest", page=1)
    result.count, result.hits, result.facets, result.histogram, result.message
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.db.models.functions import ExtractYear, TruncMonth

from articles.models import Article, ArticleDistrict
from articles.search.engines import get_engine
from articles.search.query import QueryPlan, parse_query
from articles.search.snippets import highlight, snippet

ORDERS = {"relevance": "相关度", "newest": "最新", "oldest": "最早"}
MAX_PAGE_SIZE = 100


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
    message: str = ""


def search_articles(query: str, *, filters: dict | None = None, order: str = "relevance", page: int = 1,
                    page_size: int = 20, queryset=None, with_facets: bool = True) -> SearchResult:
    plan = parse_query(query)
    page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
    result = SearchResult(query=query, plan=plan, page_size=page_size, message=plan.message)
    if plan.empty:
        result.message = result.message or ("请输入搜索词。" if not (query or "").strip() else "搜索词里没有可以查找的文字。")
        return result
    engine = get_engine()
    matched = apply_filters(queryset if queryset is not None else Article.objects.all(), filters or {})
    matched = matched.filter(pk__in=engine.matching_ids(plan))
    if order == "newest":
        ordered = matched.order_by("-published_on", "page__number", "position", "pk")
    elif order == "oldest":
        ordered = matched.order_by("published_on", "page__number", "position", "pk")
    else:
        ordered = matched.annotate(rank=engine.rank(plan)).order_by("-rank", "-published_on", "pk")
    paginator = Paginator(ordered.values_list("pk", flat=True), page_size)
    result.count = paginator.count
    result.num_pages = paginator.num_pages
    result.page = min(max(int(page), 1), paginator.num_pages)
    ids = list(paginator.page(result.page).object_list) if result.count else []
    result.hits = _hits(ids, plan)
    if with_facets and result.count:
        result.facets = facets(matched)
        result.histogram = histogram(matched, filters or {})
    return result


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


def facets(matched) -> dict[str, list[dict]]:
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
        "district": [{"name": d["district__name"], "slug": d["district__slug"], "count": d["n"]} for d in districts],
        "section": [{"name": s["page__section__name"], "slug": s["page__section__slug"], "count": s["n"]} for s in sections],
        "year": [{"name": str(y["year"]), "slug": str(y["year"]), "count": y["n"]} for y in years],
    }


def histogram(matched, filters: dict) -> list[tuple[str, int]]:
    """Matches per year, or per month when the range is two years or less."""
    ids = matched.values("pk")
    start, end = filters.get("date_from"), filters.get("date_to")
    short = filters.get("year") or (start and end and (end - start) <= dt.timedelta(days=731))
    if short:
        rows = Article.objects.filter(pk__in=ids).annotate(m=TruncMonth("published_on")).values("m").annotate(n=Count("pk")).order_by("m")
        return [(f"{r['m']:%Y-%m}", r["n"]) for r in rows]
    rows = Article.objects.filter(pk__in=ids).annotate(y=ExtractYear("published_on")).values("y").annotate(n=Count("pk")).order_by("y")
    return [(str(r["y"]), r["n"]) for r in rows]

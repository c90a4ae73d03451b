"""The search service: one function, search_articles(), and what it returns.

Usage:

    result = search_articles("芦淞 养老", filters={"year": 2023}, order="newest", page=1)
    result.count, result.hits, result.facets, result.histogram, result.message
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property, partial

from django.conf import settings
from django.core.cache import cache

from articles.cache import data_version
from articles.models import Article
from articles.search.engines import get_engine
from articles.search.facets import summarize
from articles.search.hits import Hit, load_hits
from articles.search.ordering import ordered_ids
from articles.search.query import QueryPlan, parse_query
from articles.search.sampling import (ROUGH_TARGET, ArchiveBounds, FilterMemo, Sample, archive_bounds, date_bounds, id_range,
                                      sample_matches, within)

ORDERS = {"relevance": "相关度", "newest": "最新", "oldest": "最早"}
MAX_PAGE_SIZE = 100
# Readers page through the first 1,000 matches (50 pages of 20); filters narrow a longer list.
MAX_RESULTS = 1_000
# Most readers stay on the first pages: those are ordered first, the rest only when asked for.
# Every order is a prefix of the longer one (newest first, headline tiers, bm25 then id).
FIRST_RESULTS = 100
# Facets and the chart count at most this many of the sampled matches (an even subsample beyond).
FACET_IDS = 1_000
# A filtered search in at most a year's dates checks its matches against the filter through a
# FilterMemo (where the engine gains by it); finding a wider span's ids costs more than it saves.
MEMO_DAYS = 366


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
    estimated: bool = False  # the count is scaled up from a sample (约)
    facets_estimated: bool = False  # facets and histogram scaled up from a sample (always when estimated)
    headline_first: bool = False  # too many matches to score: headline matches first, then newest first
    message: str = ""
    requested_page: int = 1  # differs from page when the reader asked beyond the last page

    @property
    def count_display(self) -> str:
        return f"{self.count:,}"

    @property
    def max_results(self) -> int:
        return MAX_RESULTS

    @property
    def capped(self) -> bool:
        """More matches than readers can page through."""
        return self.count > MAX_RESULTS


def search_articles(query: str, *, filters: dict | None = None, order: str = "relevance", page: int = 1,
                    page_size: int = 20, queryset=None, with_facets: bool = True, strict_page: bool = False) -> SearchResult:
    """strict_page: a page beyond the last returns no hits (the API answers 400) instead of the last page."""
    plan = parse_query(query)
    filters = filters or {}
    page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
    result = SearchResult(query=query, plan=plan, page_size=page_size, message=plan.message, requested_page=max(int(page), 1))
    if plan.empty:
        result.message = result.message or ("请输入搜索词。" if not (query or "").strip() else "搜索词里没有可以查找的文字。")
        return result
    search = _Search(plan, queryset if queryset is not None else Article.objects.all(), filters, order)
    with search.engine.reading():
        summary = search.summary(with_facets)
        result.count, result.estimated, result.facets_estimated = summary["count"], summary["estimated"], summary.get("facets_estimated", False)
        result.facets, result.histogram = summary.get("facets", {}), summary.get("histogram", [])
        result.num_pages = max(1, -(-min(result.count, MAX_RESULTS) // page_size))
        result.page = min(result.requested_page, result.num_pages)
        if not result.count or (strict_page and result.requested_page != result.page):
            return result
        offset = (result.page - 1) * page_size
        ranked, result.headline_first = search.ranked(upto=offset + page_size)
    result.hits = load_hits(ranked[offset : offset + page_size], plan)
    return result


class _Search:
    """One query against one filtered set: its sample, summary and order, each cached per data version."""

    def __init__(self, plan: QueryPlan, base, filters: dict, order: str):
        self.plan, self.filters, self.order = plan, filters, order
        self.engine = get_engine()
        self.filtered = apply_filters(base, filters)
        self.restricted = self.filtered.query.has_filters()
        # Parts of every cache key, read once (the summary and the ranking each need keys).
        self.filter_sql = str(self.filtered.query) if self.restricted else ""
        self.data_version = data_version()
        self._sample = None

    @cached_property
    def archive(self) -> ArchiveBounds:
        """Read once for the search's samples and ranking, and only when they aren't cached."""
        return archive_bounds()

    @cached_property
    def span(self) -> tuple[int, int]:
        """The id range of the dates searched."""
        return id_range(self.filters, self.archive)

    @cached_property
    def keep(self):
        """The matches that pass the filters: checked batch by batch, or, in dates holding few
        articles, against the span's passing ids read once (FilterMemo, where the engine gains by it)."""
        dates = date_bounds(self.filters, self.archive) if self.engine.memo_filters and self.restricted else None
        if dates and (dates[1] - dates[0]).days <= MEMO_DAYS:
            return FilterMemo(self.filtered, lambda: self.span)
        return partial(within, self.filtered)

    def sample(self) -> Sample:
        if self._sample is None:
            self._sample = sample_matches(self.engine, self.plan, self.filtered, self.restricted, self.filters, archive=self.archive,
                                          keep=self.keep, id_span=lambda: self.span)
        return self._sample

    def archive_matches(self) -> int:
        """The word's matches in the whole archive (estimated): the sample's, when nothing narrowed it.
        Otherwise a rough count: it only decides whether bm25 can score them all (RANK_ALL_LIMIT)."""
        if not self.restricted:
            return self.sample().word_matches()
        return sample_matches(self.engine, self.plan, Article.objects.all(), False, {}, target=ROUGH_TARGET, archive=self.archive).word_matches()

    def summary(self, with_facets: bool) -> dict:
        """Count, facets and histogram: computed once per query and data version, then cached."""
        key = "search:summary:" + self._key(with_facets)
        summary = cache.get(key)
        if summary is None:
            sample = self.sample()
            summary = {"count": sample.count, "estimated": not sample.exact}
            if with_facets and sample.ids:
                step = -(-len(sample.ids) // FACET_IDS)
                summary["facets"], summary["histogram"] = summarize(sample.ids[::step], self.filters, scale=sample.scale * step)
                summary["facets_estimated"] = not sample.exact or step > 1
            cache.set(key, summary, settings.PAGE_CACHE_SECONDS)
        return summary

    def ranked(self, upto: int = MAX_RESULTS) -> tuple[list[int], bool]:
        """The first FIRST_RESULTS ids in the reader's order (MAX_RESULTS when `upto` goes further),
        and whether headline-first stood in for scores."""
        limit = min(FIRST_RESULTS, MAX_RESULTS) if upto <= FIRST_RESULTS else MAX_RESULTS
        keys = ["search:ranked:" + self._key(self.order, size) for size in (limit, MAX_RESULTS)]
        found = cache.get_many(list(dict.fromkeys(keys)))  # a longer order already made serves too
        cached = next((found[key] for key in keys if key in found), None)
        if cached is None:
            sample = self.sample()
            span = (sample.ids[0], sample.ids[-1]) if sample.exact and sample.ids else self.span
            cached = ordered_ids(self.engine, self.plan, self.filtered, self.restricted, sample, self.order, limit, span,
                                 self.archive_matches, self.keep)
            cache.set(keys[0], cached, settings.PAGE_CACHE_SECONDS)
        return cached

    def _key(self, *extra) -> str:
        """The same query, filters, engine and data: the same key (a correction changes the data version)."""
        plan = self.plan
        source = repr(([[(t.words, t.phrase) for t in g] for g in plan.groups], [t.words for t in plan.excluded],
                       self.filter_sql, sorted((k, str(v)) for k, v in self.filters.items()),
                       extra, self.engine.__class__.__name__, self.data_version))
        return hashlib.sha256(source.encode()).hexdigest()


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

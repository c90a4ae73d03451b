"""The first MAX_RESULTS matches in the reader's order, with work bounded by what is shown.

- Date order walks the (published_on, id) index in growing chunks and keeps the chunk's
  matches (one FTS seek per chunk), so the newest page of 株洲 reads a few thousand rows.
- Relevance is bm25 (PostgreSQL: ts_rank_cd), headline weighted highest, when the word
  matches at most RANK_ALL_LIMIT articles (the engine's rank_all_limit, if lower), in the
  searched dates and in the whole archive (bm25's word weights count the archive). Above
  that, scoring every match would take seconds, and for a word in most articles the score
  says little: headline matches come first, then the others, each newest first.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.db.models import Q

from articles.models import Article
from articles.search.sampling import Sample, pk_among, within

RANK_ALL_LIMIT = 20_000
FIRST_CHUNK = 500  # rows of the date index read first; each next chunk is 4 times larger
# Headline-first reads at most this many of the newest matches per tier: a filter that keeps
# very few of them (a rare district) shows what it found there rather than scanning everything.
MAX_SCAN = 100_000


def ordered_ids(engine, plan, filtered, restricted: bool, sample: Sample, order: str, limit: int,
                span: tuple[int, int], archive_matches, keep: Callable[[list[int]], list[int]] | None = None) -> tuple[list[int], bool]:
    """(ids, headline_first): headline_first when relevance fell back to headline matches first.

    archive_matches(): the word's matches in the whole archive. bm25 weighs each word by how
    rare it is archive-wide, and counting that costs as much as the whole match list.
    keep: the ids that pass the filters (within(filtered, ids), or a FilterMemo of it).
    """
    keep = keep or partial(within, filtered)
    if order in ("newest", "oldest"):
        if sample.exact:
            return by_date(sample.ids, descending=order == "newest")[:limit], False
        return walk_by_date(engine, plan, filtered, limit, descending=order == "newest"), False
    rank_limit = min(RANK_ALL_LIMIT, engine.rank_all_limit)
    if sample.word_matches() <= rank_limit and archive_matches() <= rank_limit:
        ranked = engine.ranked_window(plan, *span, limit=None if restricted else limit)
        if restricted:
            allowed = set(sample.ids) if sample.exact else set(keep(ranked))
            ranked = [i for i in ranked if i in allowed]
        return ranked[:limit], False
    if sample.exact:  # every match is known: split it by a headline match in the span
        headline = set(engine.window_ids(plan, [span], title_only=True)) & set(sample.ids)
        ranked = by_date(sorted(headline), descending=True) + by_date([i for i in sample.ids if i not in headline], descending=True)
        return ranked[:limit], True
    filter_first = restricted and _filters_keep_fewer(sample, span)
    return headline_first(engine, plan, filtered, restricted, limit, span, keep, filter_first), True


def _filters_keep_fewer(sample: Sample, span: tuple[int, int]) -> bool:
    """Whether the reader's filters keep a smaller share of the word's matches than the word
    holds of the articles: then walking the filtered articles reads fewer rows than walking
    the word's matches (each read on PostgreSQL fetches a ~10 KB document)."""
    keep_rate = len(sample.ids) / max(sample.candidates, 1)
    word_rate = sample.word_matches() / max(span[1] - span[0] + 1, 1)
    return keep_rate < word_rate


def by_date(ids: list[int], descending: bool) -> list[int]:
    if not ids:
        return []
    dated = list(Article.objects.filter(pk_among(ids)).order_by().values_list("published_on", "pk"))
    dated.sort(reverse=descending)
    return [pk for _, pk in dated]


def walk_by_date(engine, plan, filtered, limit: int, descending: bool) -> list[int]:
    sign = "-" if descending else ""
    articles = filtered.order_by(f"{sign}published_on", f"{sign}pk")
    found: list[int] = []
    size, last = max(FIRST_CHUNK, 2 * limit), None
    while len(found) < limit:
        chunk = articles
        if last is not None:
            day, pk = last
            if descending:
                chunk = chunk.filter(Q(published_on__lt=day) | Q(published_on=day, pk__lt=pk))
            else:
                chunk = chunk.filter(Q(published_on__gt=day) | Q(published_on=day, pk__gt=pk))
        rows = list(chunk.values_list("pk", "published_on")[:size])
        if not rows:
            break
        ids = [pk for pk, _ in rows]
        matched = set(engine.window_ids(plan, [(min(ids), max(ids))]))
        found += [pk for pk in ids if pk in matched]
        last = (rows[-1][1], rows[-1][0])
        size *= 4
    return found[:limit]


def headline_first(engine, plan, filtered, restricted: bool, limit: int, span: tuple[int, int],
                   keep: Callable[[list[int]], list[int]], filter_first: bool = False) -> list[int]:
    """Matches with every word in the headline, then the rest; each newest first (ids within span).

    filter_first: find the rest among the filtered articles instead (see _filters_keep_fewer);
    headline matches are few and their column small, so they are always read word first.
    keep: the ids that pass the filters."""
    headline = _newest(engine, plan, keep, restricted, limit, span, title_only=True)
    rest: list[int] = []
    if len(headline) < limit:
        seen = set(headline)
        if filter_first:
            rest = _newest_filtered(engine, plan, filtered, limit, span, exclude=seen)
        else:
            rest = [i for i in _newest(engine, plan, keep, restricted, limit, span, exclude=seen) if i not in seen]
    return by_date(headline, descending=True) + by_date(rest, descending=True)[: limit - len(headline)]


def _newest_filtered(engine, plan, filtered, limit: int, span: tuple[int, int], exclude: set) -> list[int]:
    """The filtered articles from the top of span down, checked for the words a chunk at a time."""
    articles = filtered.filter(pk__range=span).order_by("-pk").values_list("pk", flat=True)
    found: list[int] = []
    below, size, scanned = None, 2 * limit, 0
    while len(found) < limit and scanned < MAX_SCAN:
        ids = list((articles if below is None else articles.filter(pk__lt=below))[:size])
        scanned += len(ids)
        matched = set(engine.matching_ids(plan, ids)) if ids else set()
        found += [i for i in ids if i in matched and i not in exclude]
        if len(ids) < size:
            break  # the span is exhausted
        below, size = ids[-1], size * 2
    return found[:limit]


def _newest(engine, plan, keep, restricted: bool, limit: int, span: tuple[int, int], title_only: bool = False,
            exclude: set | None = None) -> list[int]:
    """Matches from the top of span down (the newest imported), past the reader's filters, until `limit`."""
    found: list[int] = []
    below, size, scanned = span[1] + 1, limit + len(exclude or ()), 0
    while len(found) < limit and scanned < MAX_SCAN:
        ids = [i for i in engine.newest_ids(plan, size, below=below, title_only=title_only) if i >= span[0]]
        scanned += len(ids)
        if not ids:
            break
        kept = keep(ids) if restricted else ids
        kept_set = set(kept) - (exclude or set())
        found += [i for i in ids if i in kept_set]
        if len(ids) < size:
            break  # the span is exhausted
        # Read about what the filter's keep rate says is still needed (at least twice the last read).
        rate = max(len(kept_set), 1) / len(ids)
        below, size = ids[-1], max(2 * size, int((limit - len(found)) / rate * 1.2))
    return found[:limit]

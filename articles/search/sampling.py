"""Which articles match, found with work bounded by the sample, not by the archive.

A word in most articles (株洲) matches a million rows: counting, faceting and ranking all of
them costs seconds. Instead the match runs inside a few id windows, one per year (or per
month when the dates asked for span two years or less), each covering a share f of its
stratum. Article ids grow with the date in an archive imported in order, so the windows are
an even sample over time. f starts at 1/1024 and grows until the sample holds SAMPLE_TARGET
matches, straight to the share the density found so far says is enough; the count, facets
and chart are then the sample scaled by 1/f, labelled 约. When even a quarter of the archive
would hold too few, and the word is not too common, all its matches are read: exact.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.db import connection
from django.db.models import BooleanField, F, Max, Min
from django.db.models.expressions import RawSQL

from articles.models import Article, ArticleDistrict, Contribution

LINK_TABLES = {ArticleDistrict._meta.db_table, Contribution._meta.db_table}
LEVELS = tuple(1 / 2**n for n in range(10, 1, -1))  # 1/1024, 1/512 … 1/4
# Enough for a count within a few per cent; PostgreSQL reads each sampled document (~10 µs).
SAMPLE_TARGET = 800
# Enough to tell whether a word is in more articles than the ranking limits (±10 %).
ROUGH_TARGET = 100
# Read every match when the matches of the word itself (before filters) are about this many or fewer.
EXACT_LIMIT = 40_000


@dataclass
class Sample:
    ids: list[int]  # the matches found, ascending; all of them when fraction == 1
    fraction: float  # share of the searched span the windows covered
    candidates: int  # matches of the plan in the windows before the reader's filters

    @property
    def exact(self) -> bool:
        return self.fraction >= 1

    @property
    def count(self) -> int:
        if self.exact:
            return len(self.ids)
        return significant(round(len(self.ids) / self.fraction))

    @property
    def scale(self) -> float:
        return 1 / self.fraction

    def word_matches(self) -> int:
        """Estimated matches of the query in the searched dates, before the other filters."""
        return round(self.candidates / self.fraction)


def significant(estimate: int) -> int:
    """An estimate to three significant digits: a sample can't say more."""
    return round(estimate, 3 - len(str(estimate))) if estimate >= 1000 else estimate


def sample_matches(engine, plan, filtered, restricted: bool, filters: dict, target: int | None = None,
                   archive: ArchiveBounds | None = None, keep: Callable[[list[int]], list[int]] | None = None,
                   id_span: Callable[[], tuple[int, int]] | None = None) -> Sample:
    """target: the matches wanted in the sample (SAMPLE_TARGET); fewer for a rough count (see service.archive_matches).
    archive: the archive's bounds, when the caller has read them already.
    keep: the ids that pass the filters (within(filtered, ids), or a FilterMemo of it).
    id_span: the id range of the dates searched (id_range), when the caller keeps it."""
    target = target or SAMPLE_TARGET
    keep = keep or partial(within, filtered)
    archive = archive or archive_bounds()
    spans = stratum_spans(filters, archive)
    if not spans:
        return Sample(ids=[], fraction=1.0, candidates=0)
    total, unit = sum(hi - lo + 1 for lo, hi in spans), engine.read_unit

    def windows_at(level: int) -> list[tuple[int, int]]:
        return [_centre(lo, hi, LEVELS[level], unit) for lo, hi in spans]

    def coverage(level: int) -> float:
        return sum(b - a + 1 for a, b in windows_at(level)) / total

    level, read, candidates, ids = 0, [], [], []
    while True:
        windows = windows_at(level)
        # A level's windows hold the last level's (centred in the same spans): only the rest is read.
        fresh = [piece for index, window in enumerate(windows) for piece in _outside(window, read[index] if read else None)]
        found = engine.window_ids(plan, fresh) if fresh else []
        candidates = sorted(candidates + found)
        ids = sorted(ids + keep(found)) if restricted else candidates
        read = windows
        covered = sum(b - a + 1 for a, b in windows) / total
        sample = Sample(ids=ids, fraction=covered, candidates=len(candidates))
        if covered >= 1:
            break  # the spans read whole: the read of every match below also finds ids imported out of order
        if len(ids) >= target:
            return sample
        wanted = next_level(level, len(ids), target, coverage)
        if wanted == len(LEVELS):  # even the widest share would hold too few
            if sample.word_matches() <= EXACT_LIMIT:
                break
            if level == len(LEVELS) - 1:
                return sample  # reading every match would cost more than the estimate is worth
            wanted -= 1
        level = wanted
    # Every match: the whole id range of the dates searched (spans can miss ids imported out of order).
    candidates = engine.window_ids(plan, [id_span() if id_span else id_range(filters, archive)])
    return Sample(ids=keep(candidates) if restricted else candidates, fraction=1.0, candidates=len(candidates))


def next_level(level: int, found: int, target: int | None = None, coverage=None) -> int:
    """The smallest level expected to hold `target` matches, judged by the `found` at
    `level` (16 times wider when nothing was found); len(LEVELS) when not even the widest would.
    coverage(level): the share its windows really cover (rounded out to the engine's read unit)."""
    share = coverage or LEVELS.__getitem__
    wanted = share(level) * (16 if not found else (target or SAMPLE_TARGET) * 1.25 / found)
    return next((index for index in range(level + 1, len(LEVELS)) if share(index) >= wanted), len(LEVELS))


@dataclass(frozen=True)
class ArchiveBounds:
    """The archive's first and last publication day and article id (None when it is empty)."""
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    first_id: int | None = None
    last_id: int | None = None


def archive_bounds() -> ArchiveBounds:
    """One statement of four single-row index reads: a scalar subquery each, because SQLite
    answers min() or max() from an index only when it is alone in its query."""
    table = Article._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT (SELECT min(published_on) FROM {table}), (SELECT max(published_on) FROM {table}), "
                       f"(SELECT min(id) FROM {table}), (SELECT max(id) FROM {table})")
        first, last, lo, hi = cursor.fetchone()
    return ArchiveBounds(as_date(first), as_date(last), lo, hi)


def as_date(value) -> dt.date | None:
    """A date column read by raw SQL (SQLite gives ISO text)."""
    return value if value is None or isinstance(value, dt.date) else dt.date.fromisoformat(value)


def id_range(filters: dict, archive: ArchiveBounds | None = None) -> tuple[int, int]:
    archive = archive or archive_bounds()
    if filters.get("year") or filters.get("date_from") or filters.get("date_to"):
        first, last = date_bounds(filters, archive) or (dt.date.max, dt.date.min)
        # "+ 0": read the date index's range, not the whole primary key from one end (PostgreSQL
        # would walk a million ids back from the newest to find the highest id of 1990).
        bounds = Article.objects.filter(published_on__range=(first, last)).aggregate(lo=Min(F("pk") + 0), hi=Max(F("pk") + 0))
        lo, hi = bounds["lo"], bounds["hi"]
    else:
        lo, hi = archive.first_id, archive.last_id
    return (lo, hi) if lo is not None else (1, 0)


def _centre(lo: int, hi: int, fraction: float, unit: int = 1) -> tuple[int, int]:
    """A window of `fraction` of [lo, hi] in its middle, rounded out to whole blocks of `unit`
    ids (the engine's read unit: reading part of a block costs as much as all of it), within [lo, hi]."""
    length = hi - lo + 1
    width = max(1, math.ceil(length * fraction))
    start = lo + (length - width) // 2
    end = start + width - 1
    return max(lo, start - start % unit), min(hi, end - end % unit + unit - 1)


def _outside(window: tuple[int, int], inner: tuple[int, int] | None) -> list[tuple[int, int]]:
    """The parts of `window` outside `inner` (a window it holds), or all of it."""
    if inner is None:
        return [window]
    return [piece for piece in ((window[0], inner[0] - 1), (inner[1] + 1, window[1])) if piece[0] <= piece[1]]


def within(filtered, ids: list[int]) -> list[int]:
    """The ids that pass the reader's filters (district, section, author…), ascending."""
    if not ids:
        return []
    lo, hi = min(ids), max(ids)
    if hi - lo < 4 * len(ids):
        # Dense ids (every match of a year): reading the filtered ids of the range is cheaper than a lookup per id.
        wanted = set(ids)
        ranged = _links_among(filtered.filter(pk__range=(lo, hi)), f"BETWEEN {int(lo)} AND {int(hi)}", [])
        return sorted(pk for pk in ranged.order_by().values_list("pk", flat=True).distinct() if pk in wanted)
    listed = _links_among(filtered.filter(pk_among(ids)), *among("", ids))
    return sorted(listed.order_by().values_list("pk", flat=True).distinct())


class FilterMemo:
    """within() for one search whose dates hold few article ids: once the ids checked add up to
    a sixth of the span, the ids of the whole span that pass the filters are read in one
    statement, and every later check is a set lookup. Checking ids costs about five times more
    per id than reading the span (at 1M, PostgreSQL, a district in one year: 2,698 ids checked in
    6.1 ms, the year's 14,600 read in 6.5 ms), and a search checks its matches up to four times
    (two sample levels, the headline and the other matches)."""

    # At most about a year of articles (14,600 at 1M): a wider span costs more to read than the
    # checks it saves.
    max_span = 20_000

    def __init__(self, filtered, span: Callable[[], tuple[int, int]]):
        self.filtered, self._span, self._checked, self._passing = filtered, span, 0, None

    def __call__(self, ids: list[int]) -> list[int]:
        if not ids:
            return []
        lo, hi = self._span()
        if hi - lo + 1 > self.max_span or not lo <= min(ids) <= max(ids) <= hi:  # wide, or imported out of date order
            return within(self.filtered, ids)
        if self._passing is None:
            self._checked += len(ids)
            if 6 * self._checked < hi - lo + 1:
                return within(self.filtered, ids)
            self._passing = set(within(self.filtered, list(range(lo, hi + 1))))
        return sorted(self._passing.intersection(ids))


def _links_among(queryset, condition: str, params: list):
    """The queryset with the articles' condition also put on each joined link table (district,
    author). PostgreSQL doesn't carry a range or an id list across a join: without it, its only
    way in is every link of the district. With it, it can seek the (district, article) index for
    just these ids, and does once the district holds many more links than there are ids."""
    for alias, join in list(queryset.query.alias_map.items()):
        if join.table_name in LINK_TABLES:
            queryset = queryset.filter(RawSQL(f'"{alias}"."article_id" {condition.strip()}', params, output_field=BooleanField()))
    return queryset


def among(column: str, ids: list[int]) -> tuple[str, list]:
    """SQL saying `column` is one of the ids, and its one parameter: the ORM spends longer
    building a thousands-item IN () than the database spends answering it. PostgreSQL gets
    = ANY(array), whose length it knows; it guesses an unnest() subquery at 200 rows and joins it
    by a hash and nested loops (districts of 1,000 ids: 3.0 ms against 1.1 ms)."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])", [id_array(ids)]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(list(ids))]


def id_array(ids) -> str:
    """PostgreSQL's text form of a bigint[]: psycopg adapts a list element by element, each
    checked against a quoting pattern (~4 ms of a district search's 3,000 ids a time)."""
    return "{" + ",".join(map(str, map(int, ids))) + "}"


def pk_among(ids: list[int]) -> RawSQL:
    """among() for an article queryset's .filter()."""
    sql, params = among(f'"{Article._meta.db_table}"."id"', ids)
    return RawSQL(sql, params, output_field=BooleanField())


def date_bounds(filters: dict, archive: ArchiveBounds | None = None) -> tuple[dt.date, dt.date] | None:
    """The dates searched: the archive's first and last day, narrowed by the date filters."""
    archive = archive or archive_bounds()
    first, last = archive.first_day, archive.last_day
    if first is None:
        return None
    if filters.get("year"):
        year = int(filters["year"])
        if not dt.MINYEAR <= year <= dt.MAXYEAR:
            return None
        first, last = max(first, dt.date(year, 1, 1)), min(last, dt.date(year, 12, 31))
    if filters.get("date_from"):
        first = max(first, filters["date_from"])
    if filters.get("date_to"):
        last = min(last, filters["date_to"])
    return (first, last) if first <= last else None


def strata(first: dt.date, last: dt.date) -> list[dt.date]:
    """Start days of the years (or months, for two years or less) from first to last."""
    if (last - first).days <= 731:
        starts, day = [first], dt.date(first.year, first.month, 1)
        while True:
            day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
            if day > last:
                return starts
            starts.append(day)
    return [first] + [dt.date(year, 1, 1) for year in range(first.year + 1, last.year + 1)]


def stratum_spans(filters: dict, archive: ArchiveBounds | None = None) -> list[tuple[int, int]]:
    """Article id spans of the strata: [first id on or after its start day, next stratum's first id - 1].

    One query of index seeks on (published_on, id): one correlated subquery over the start
    days, which PostgreSQL plans once (a subquery per stratum took it 4.6 ms to plan at 1M, 69
    years, more than running them). If ids don't grow with the date (an archive imported out of
    order) the spans overlap; even slices of the id range are used then.
    """
    bounds = date_bounds(filters, archive)
    if bounds is None:
        return []
    starts = strata(*bounds)
    table = Article._meta.db_table
    seek = f"SELECT id FROM {table} WHERE published_on >= starts.day AND published_on <= %s ORDER BY published_on, id LIMIT 1"
    last_id = f"(SELECT id FROM {table} WHERE published_on >= %s AND published_on <= %s ORDER BY published_on DESC, id DESC LIMIT 1)"
    days = ", ".join(["(%s, %s)"] * len(starts))
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH starts(n, day) AS (VALUES {days}) SELECT n, ({seek}) FROM starts UNION ALL SELECT %s, {last_id} ORDER BY 1",
            [value for n, start in enumerate(starts) for value in (n, start)] + [bounds[1], len(starts), bounds[0], bounds[1]],
        )
        firsts = [row[1] for row in cursor.fetchall()]
    end = firsts.pop()
    # A stratum with no article (a year the archive lacks) begins where the next one does: one span.
    firsts = list(dict.fromkeys(value for value in firsts if value is not None))
    if not firsts or end is None:
        return []
    edges = firsts + [end + 1]
    if all(a < b for a, b in zip(edges, edges[1:])):
        return [(a, b - 1) for a, b in zip(edges, edges[1:])]
    lo, hi = min(firsts + [end]), max(firsts + [end])
    step = (hi - lo + 1) / len(firsts)
    return [(lo + math.floor(i * step), lo + math.floor((i + 1) * step) - 1) for i in range(len(firsts))]

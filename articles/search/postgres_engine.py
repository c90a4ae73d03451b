"""PostgreSQL's search engine: a tsvector per article with GIN indexes, read in id windows
through id-bucket lexemes (migration 0015). See engines.py."""

from __future__ import annotations

import bisect
import math

import psycopg
from django.db import connection

from articles.search.documents import Document
from articles.search.planner import planner_settings
from articles.search.query import QueryPlan, Term
from articles.search.sampling import id_array
from articles.search.tokens import is_single_char

PG_TABLE = "articles_search_document"
# The GIN indexes of a table (the parameter): the document's and the headline's.
GIN_INDEXES = ("SELECT c.oid, c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam "
               "WHERE am.amname = 'gin' AND i.indrelid = %s::regclass")


def inside(ids: list[int], windows: list[tuple[int, int]]) -> list[int]:
    """The ids (ascending) that fall in one of the windows: a slice of them per window."""
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(windows):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    kept: list[int] = []
    for lo, hi in merged:
        kept += ids[bisect.bisect_left(ids, lo) : bisect.bisect_right(ids, hi)]
    return kept


def next_width(width: int, wanted: int, read: int, matched: int) -> int:
    """The next id window down for `wanted` more matches, `matched` found in `read` ids so far:
    what that density calls for (with a quarter to spare), from a quarter of the last width to
    16 times it; four times wider while too few were found to judge. Headline matches of 株洲 at 1M:
    4,000 ids held 580 of 1,000 wanted, and the next window is 3,600 ids, not 16,000."""
    if matched < 4:
        return width * 4
    return min(width * 16, max(width // 4, math.ceil(wanted * read / matched * 1.25)))


def pg_document(title: str, byline: str, body: str, unigrams: str, article_id: str) -> str:
    """The SQL expression of an article's tsvector, from five SQL operands: the weighted parts, and the
    id bucket's lexeme. That one is given a position with weight A, so that the headline column
    (ts_filter(document, '{a}'), which drops unpositioned lexemes) has it too. check_integrity rebuilds it."""
    return (f"setweight(to_tsvector('simple', {title}), 'A') || setweight(to_tsvector('simple', {byline}), 'B') "
            f"|| setweight(to_tsvector('simple', {body}), 'C') || setweight(to_tsvector('simple', {unigrams}), 'D') "
            f"|| ('''#' || (({article_id})::bigint / {PostgresEngine.bucket}) || ''':1A')::tsvector")


def pg_unigrams(uni: str) -> str:
    """Single characters as 'x'-prefixed lexemes, apart from the bigrams that start with them."""
    return " ".join("x" + c for c in uni.split())


class PostgresEngine:
    # ts_rank_cd reads each match's document (~14 µs with its TOAST chunks): 5,000 take ~70 ms.
    rank_all_limit = 5_000
    # A phrase in id windows holding at most this many articles is checked row by row: documents
    # ~10 µs each, the headline column ~0.7 µs; in wider ones GIN finds the candidates first (see
    # _phrase_checked), which costs about as much as visiting every candidate in the archive.
    read_documents_limit = 20_000
    read_headlines_limit = 100_000
    # Each document also holds one lexeme naming its id bucket, '#<article_id / bucket>' (migration
    # 0015), so "the word in these id windows" is one tsquery, `q && ('#112' | '#113' …)`, that GIN
    # answers by seeking the word's posting list only where the buckets' short lists point: no
    # document read, and not the word's whole list (株洲: 1,427 matches in 23 buckets at 100k,
    # 11 ms → 1 ms). GIN checks each candidate against the whole OR, so one tsquery's cost grows
    # with the square of its buckets (about 400: 50-90 ms): they go 32 to a UNION ALL arm. Past
    # bucket_limit (32,768 ids) the older reads, whose GIN scan decodes the word's whole posting
    # list (~0.1 µs an entry: 芦淞's 201,000, 14 ms at 1M) and whose phrase check reads documents.
    # At 1M a 32-bucket arm takes about 0.8 ms (once JIT and parallel workers were off: see
    # settings.py); 128 → 512 took the phrase class from 75 to 48 ms and 芦淞 from 40 to 28.
    bucket = 64
    bucket_arm = 32
    bucket_limit = 512
    # A bucket is read whole whatever part of it is wanted: sample windows are rounded out to
    # buckets (sampling._centre), which samples about five times more ids at the first level
    # for the same reads.
    read_unit = bucket
    # Checking matches against the filters' links costs ~2 µs an id, about five times more than
    # reading the passing ids of a small span: a search in few dates reads them once (FilterMemo).
    memo_filters = True
    # A large import's connections (importing/lanes.py). Each document's ~4,000 lexemes go to the
    # GIN indexes' pending lists, which the writer merges into the trees once a list passes
    # gin_pending_list_limit, work_mem at a time, visiting every lexeme's posting list in the
    # batch. At the 4 MB defaults a batch is ~50 documents, and the merges were the largest
    # part of the server's work (perf: 38 % of its CPU at 150k articles), growing with the
    # trees: the import went from 453 to 385 articles/s between 131k and 204k articles. In
    # batches of 64 MB (~800 documents) each posting list is visited 16 times less: 452-482/s
    # there. A search meanwhile reads the longer list whole; the import flushes it at its end.
    bulk_write_settings = {"gin_pending_list_limit": "64MB", "work_mem": "64MB"}

    def tsquery(self, plan: QueryPlan, rank: bool = False, title_only: bool = False, loose: bool = False) -> str:
        """loose: a word's bigrams anywhere in the document, not in sequence (see _phrase_checked)."""
        joiner = " & " if loose else " <-> "

        def word(tokens: list[str], headline: bool) -> str:
            if headline:  # matched against the headline column alone (see _matches)
                return f"'{tokens[0]}':*" if is_single_char(tokens) else "(" + joiner.join(f"'{t}'" for t in tokens) + ")"
            if is_single_char(tokens):
                # For ranking, c:* also scores the weighted bigrams (headline A … body C) holding c.
                return f"('x{tokens[0]}' | '{tokens[0]}':*)" if rank else f"'x{tokens[0]}'"
            return "(" + joiner.join(f"'{t}'" for t in tokens) + ")"

        def term(t: Term, headline: bool = False) -> str:
            return "(" + " & ".join(word(w, headline) for w in t.words) + ")"

        expression = "(" + " & ".join("(" + " | ".join(term(t, title_only) for t in group) + ")" for group in plan.groups) + ")"
        if plan.excluded:
            expression += " & !(" + " | ".join(term(t) for t in plan.excluded) + ")"
        return expression

    def _matches(self, plan: QueryPlan, title_only: bool, loose: bool = False, buckets: list[int] | None = None) -> tuple[str, list]:
        """SQL condition and params: the plan anywhere, or every word in the headline (the
        `headline` column, migration 0012) and no excluded word anywhere.

        loose: the plan's words with their bigrams in any order and no exclusions, a superset
        that the GIN index answers without re-reading documents.

        buckets: only the articles in these id buckets (their lexemes are ANDed into the query;
        a literal tsquery, since to_tsquery would strip the '#')."""
        positive = QueryPlan(groups=plan.groups)
        query = "to_tsquery('simple', %s)" + (" && %s::tsquery" if buckets else "")
        within = [" | ".join(f"'#{b}'" for b in buckets)] if buckets else []
        if not title_only:
            return f"document @@ ({query})", [self.tsquery(positive if loose else plan, loose=loose), *within]
        sql, params = f"headline @@ ({query})", [self.tsquery(positive, title_only=True, loose=loose), *within]
        if plan.excluded and not loose:
            sql += " AND NOT document @@ to_tsquery('simple', %s)"
            params.append(self.tsquery(QueryPlan(groups=[[t] for t in plan.excluded])))
        return sql, params

    def _range_matches(self, cursor, plan: QueryPlan, title_only: bool, range_sql: str, bounds: list, rows: int,
                       tail: str = "", tail_params=()) -> list[int]:
        """Matches inside an id range of about `rows` articles. GIN decides a plain match; a phrase
        (or a headline match with an excluded word) is checked row by row in a small range, and
        through GIN candidates in a wide one."""
        condition, params = self._matches(plan, title_only)
        if not self._needs_check(plan, title_only):
            cursor.execute(f"SELECT article_id FROM {PG_TABLE} WHERE {condition} AND ({range_sql}){tail}", [*params, *bounds, *tail_params])
            return [row[0] for row in cursor.fetchall()]
        if self._reads_rows(plan, title_only, rows):
            return self._documents_checked(cursor, condition, params, range_sql, bounds, tail, tail_params)
        return self._phrase_checked(cursor, plan, title_only, range_sql, bounds, tail, tail_params)

    def _documents_checked(self, cursor, condition: str, params: list, range_sql: str, bounds: list, tail: str = "", tail_params=()) -> list[int]:
        """Matches inside a small id range, by reading each of its documents (~10 µs each)."""
        cursor.execute(f"WITH w AS MATERIALIZED (SELECT article_id, document, headline FROM {PG_TABLE} WHERE {range_sql}) "
                       f"SELECT article_id FROM w WHERE {condition}{tail}", [*bounds, *params, *tail_params])
        return [row[0] for row in cursor.fetchall()]

    def _phrase_checked(self, cursor, plan: QueryPlan, title_only: bool, range_sql: str, bounds: list, tail: str = "", tail_params=()) -> list[int]:
        """Matches inside an id range: GIN finds the documents holding every bigram (exact, no
        document read), then only those are checked for the bigrams in sequence and the
        exclusions. In one statement PostgreSQL guesses a phrase matches almost nothing, skips
        the id range's bitmap and re-reads every phrase candidate in the archive."""
        condition, params = self._matches(plan, title_only, loose=True)
        cursor.execute(f"SELECT article_id FROM {PG_TABLE} WHERE {condition} AND ({range_sql})", [*params, *bounds])
        candidates = [row[0] for row in cursor.fetchall()]
        return self._check_ids(cursor, plan, candidates, title_only, tail, tail_params)

    def _check_ids(self, cursor, plan: QueryPlan, ids: list[int], title_only: bool = False, tail: str = "", tail_params=()) -> list[int]:
        """The ids whose documents match, read by id. MATERIALIZED keeps it that way: offered the
        condition, PostgreSQL may walk a phrase's GIN candidates across the whole archive instead."""
        if not ids:
            return []
        condition, params = self._matches(plan, title_only)
        cursor.execute(f"WITH w AS MATERIALIZED (SELECT article_id, document, headline FROM {PG_TABLE} WHERE article_id = ANY(%s::bigint[])) "
                       f"SELECT article_id FROM w WHERE {condition}{tail}", [id_array(ids), *params, *tail_params])
        return [row[0] for row in cursor.fetchall()]

    def matching_ids(self, plan: QueryPlan, ids: list[int]) -> list[int]:
        """The ids (any order) that match: through their buckets, or each document read once."""
        with connection.cursor() as cursor:
            buckets = self._buckets([(i, i) for i in ids])
            if len(buckets) <= self.bucket_limit:
                wanted = set(ids)
                return [i for i in self._bucket_matches(cursor, plan, buckets) if i in wanted]
            return self._check_ids(cursor, plan, ids)

    def _buckets(self, windows: list[tuple[int, int]]) -> list[int]:
        """The buckets the windows touch; more than bucket_limit when too many to list."""
        found: set[int] = set()
        for lo, hi in windows:
            found.update(range(lo // self.bucket, hi // self.bucket + 1))
            if len(found) > self.bucket_limit:
                break
        return sorted(found)

    def _bucket_matches(self, cursor, plan: QueryPlan, buckets: list[int], title_only: bool = False) -> list[int]:
        """Every match inside the buckets, ascending. A phrase is rechecked on its candidates only."""
        if not buckets:
            return []
        arms, params = [], []
        for start in range(0, len(buckets), self.bucket_arm):
            condition, arm_params = self._matches(plan, title_only, buckets=buckets[start : start + self.bucket_arm])
            arms.append(f"SELECT article_id FROM {PG_TABLE} WHERE {condition}")
            params += arm_params
        cursor.execute(" UNION ALL ".join(arms), params)
        return sorted(row[0] for row in cursor.fetchall())

    def _reads_rows(self, plan: QueryPlan, title_only: bool, rows: int) -> bool:
        """Whether checking each of `rows` articles beats finding GIN candidates first."""
        headline_only = title_only and not plan.excluded
        return rows <= (self.read_headlines_limit if headline_only else self.read_documents_limit)

    def _needs_check(self, plan: QueryPlan, title_only: bool) -> bool:
        """Whether the GIN index alone can't decide a match: a phrase, or (headline matches)
        an excluded word, which is looked for in the whole document."""
        return "<->" in self._matches(plan, title_only)[1][0] or (title_only and bool(plan.excluded))

    def headline_tsquery(self, plan: QueryPlan) -> str | None:
        """One-character words in a headline bigram, or None when the plan has none."""
        chars = {w[0] for group in plan.groups for t in group for w in t.words if is_single_char(w)}
        return " | ".join(f"'{c}':*" for c in sorted(chars)) or None

    def reading(self):
        """The block in which one search reads (service.search_articles): its statements never
        scan the documents' table in sequence. The planner prices a tsvector check as nearly free,
        without the documents' TOAST reads, and guesses that an unknown lexeme such as a bucket's
        '#12' is in 0.5 % of the rows: 32 buckets ORed, a third of the table. At 100k a bucket
        read of 项目 was planned as a sequential scan that checked every document: 1,042 ms,
        against about 1 ms through GIN. Set once for the search, not per read (~0.5 ms each)."""
        return planner_settings(enable_seqscan="off")

    def _bitmap_cursor(self):
        """A cursor whose plans AND an id range with the GIN index. PostgreSQL prices a tsvector
        check as nearly free, so for an id range it walks the primary key and checks every
        document (~10 µs each, 100 ms for 10,000 ids); the bitmap AND takes a few milliseconds.
        Nor a sequential scan (see reading): 720 ms at 100k."""
        return planner_settings(enable_indexscan="off", enable_seqscan="off")

    def window_ids(self, plan: QueryPlan, windows: list[tuple[int, int]], title_only: bool = False) -> list[int]:
        found: list[int] = []
        buckets = self._buckets(windows)
        if len(buckets) <= self.bucket_limit:
            with connection.cursor() as cursor:
                return inside(self._bucket_matches(cursor, plan, buckets, title_only), windows)
        with self._bitmap_cursor() as cursor:
            for start in range(0, len(windows), 200):
                arms = windows[start : start + 200]
                ranges = " OR ".join("article_id BETWEEN %s AND %s" for _ in arms)
                bounds = [v for lo, hi in arms for v in (lo, hi)]
                found += self._range_matches(cursor, plan, title_only, ranges, bounds, rows=sum(hi - lo + 1 for lo, hi in arms))
        return sorted(found)

    def newest_ids(self, plan: QueryPlan, limit: int, below: int | None = None, title_only: bool = False) -> list[int]:
        """GIN can't read matches in id order, and a plain ORDER BY … LIMIT fetches every match
        first: read id windows down from `below` until `limit` are found, each as wide as the
        density found so far says the rest needs (see next_width)."""
        with connection.cursor() as cursor:
            if below is None:
                cursor.execute(f"SELECT max(article_id) + 1 FROM {PG_TABLE}")
                below = cursor.fetchone()[0] or 0
            found: list[int] = []
            width, read, matched = 4 * limit, 0, 0
            while len(found) < limit and below > 0:
                low = max(0, below - width)
                buckets = self._buckets([(low, below - 1)])
                if len(buckets) <= self.bucket_limit:
                    window = [i for i in reversed(self._bucket_matches(cursor, plan, buckets, title_only)) if low <= i < below]
                else:
                    with self._bitmap_cursor() as bitmap:
                        window = self._range_matches(bitmap, plan, title_only, "article_id >= %s AND article_id < %s", [low, below], rows=below - low,
                                                     tail=" ORDER BY article_id DESC LIMIT %s", tail_params=[limit - len(found)])
                found += window[: limit - len(found)]
                read, matched = read + below - low, matched + len(window)
                below, width = low, next_width(width, limit - len(found), read, matched)
            return found

    def ranked_window(self, plan: QueryPlan, lo: int, hi: int, limit: int | None = None) -> list[int]:
        headline = self.headline_tsquery(plan)
        tier, tier_params = ("(headline @@ to_tsquery('simple', %s)) DESC, ", [headline]) if headline else ("", [])
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT article_id FROM {PG_TABLE} WHERE document @@ to_tsquery('simple', %s) AND article_id BETWEEN %s AND %s "
                f"ORDER BY {tier}ts_rank_cd(document, to_tsquery('simple', %s), 1) DESC, article_id DESC LIMIT %s",
                [self.tsquery(plan), lo, hi, *tier_params, self.tsquery(plan, rank=True), limit],
            )
            return [row[0] for row in cursor.fetchall()]

    def write(self, documents: list[Document], removed: list[int]) -> None:
        with connection.cursor() as cursor:
            if removed:
                cursor.execute(f"DELETE FROM {PG_TABLE} WHERE article_id = ANY(%s::bigint[])", [id_array(removed)])
        if not documents:
            return
        # Bound on the server, unlike Django's cursors: the ~15 KB of text per article is sent as
        # it is instead of quoted into the SQL, and the statement is parsed once for the batch.
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.executemany(
                f"INSERT INTO {PG_TABLE} (article_id, document) VALUES (%s, {pg_document('%s', '%s', '%s', '%s', '%s')}) "
                "ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document",
                [(d.article_id, d.title, d.byline, d.body, pg_unigrams(d.uni), d.article_id) for d in documents],
            )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {PG_TABLE}")  # transactional, unlike TRUNCATE's table lock

    def flush(self) -> int:
        """Move the GIN indexes' pending lists into their trees. Writes go to a pending list (up
        to gin_pending_list_limit: 4 MB, 64 MB in a bulk import) that every search scans in full, checking each entry
        against the whole query: after a fresh 100k import a headline lookup in 100 id buckets
        took 89 ms, and 2.7 ms once flushed. Autovacuum does it too, but only minutes later.
        Returns the pages moved."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT sum(gin_clean_pending_list(oid)) FROM ({GIN_INDEXES}) gin", [PG_TABLE])
            return cursor.fetchone()[0] or 0

    def compact(self) -> None:
        """GIN keeps one tree: only the pending lists to merge (flush)."""
        self.flush()

    def repack(self) -> None:
        """Build the GIN indexes afresh after every document was rewritten (a full rebuild). The
        rewrite leaves each posting list with the old documents' entries; once vacuumed, at 1M a
        bucket read of 株洲 decoded 224 pages in 71 ms, and searches took 0.26-1.4 s. Rebuilt
        (9 min at 1M): 3.3 GB -> 1.3 GB, 0.3 ms, searches 22-46 ms. CONCURRENTLY keeps searches
        running meanwhile; it cannot run inside a transaction, where a plain REINDEX does."""
        concurrently = "" if connection.in_atomic_block else " CONCURRENTLY"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT relname FROM ({GIN_INDEXES}) gin ORDER BY relname", [PG_TABLE])
            for (name,) in cursor.fetchall():
                cursor.execute(f"REINDEX INDEX{concurrently} {connection.ops.quote_name(name)}")

    def indexed_ids(self, among: list[int] | None = None, between: tuple[int, int | None] | None = None) -> set[int]:
        """The ids the index holds: all, those `among` these, or those `between` two ids (inclusive; None: no upper end)."""
        with connection.cursor() as cursor:
            if among is not None:
                cursor.execute(f"SELECT article_id FROM {PG_TABLE} WHERE article_id = ANY(%s::bigint[])", [id_array(among)])
            elif between is not None:
                lo, hi = between
                cursor.execute(f"SELECT article_id FROM {PG_TABLE} WHERE article_id >= %s AND article_id <= %s", [lo, hi if hi is not None else 2**63 - 1])
            else:
                cursor.execute(f"SELECT article_id FROM {PG_TABLE}")
            return {row[0] for row in cursor.fetchall()}

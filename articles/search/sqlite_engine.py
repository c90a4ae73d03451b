"""SQLite's search engine: an FTS5 table, read by rowid (the article id). See engines.py."""

from __future__ import annotations

import json
from contextlib import nullcontext

from django.db import connection

from articles.search.documents import Document
from articles.search.query import QueryPlan, Term
from articles.search.tokens import is_single_char

SQLITE_TABLE = "articles_search_fts"


class SQLiteEngine:
    # bm25 scores from the doclists FTS5 reads anyway, without fetching documents.
    rank_all_limit = 20_000
    # FTS5 reads a doclist's id range at any granularity: sample windows are used as they are.
    read_unit = 1
    # SQLite checks ids against the links in-process for less than reading a span's passing ids
    # (district + year at 100k: 19.5 ms checking, 25.7 ms with FilterMemo).
    memo_filters = False
    # Nothing to change for a large import: FTS5 writes each transaction's documents as a segment.
    bulk_write_settings: dict[str, str] = {}

    def reading(self):
        """The block in which one search reads: nothing to set (FTS5 is always read by its index)."""
        return nullcontext()

    def match_expression(self, plan: QueryPlan, rank: bool = False, title_only: bool = False) -> str:
        def word(tokens: list[str], headline: bool) -> str:
            if headline:  # the word in the headline: its bigram phrase, or a bigram starting with the character
                return f'title : "{tokens[0]}"*' if is_single_char(tokens) else 'title : "' + " ".join(tokens) + '"'
            if is_single_char(tokens):
                if rank:
                    # Same matches (every bigram c… is also in uni), but bm25 now sees c in the
                    # bigrams by column; the title-only phrase is rarer, so its higher idf lifts
                    # headline matches above a body that repeats a common character (株).
                    c = tokens[0]
                    return f'(uni : "{c}" OR {{title body byline}} : "{c}"* OR title : "{c}"*)'
                return f'uni : "{tokens[0]}"'
            return '{title body byline} : "' + " ".join(tokens) + '"'

        def term(t: Term, headline: bool = False) -> str:
            return "(" + " AND ".join(word(w, headline) for w in t.words) + ")"

        groups = ["(" + " OR ".join(term(t, title_only) for t in group) + ")" for group in plan.groups]
        expression = "(" + " AND ".join(groups) + ")"
        if plan.excluded:  # excluded anywhere in the article, even for a headline-only match
            expression += " NOT (" + " OR ".join(term(t) for t in plan.excluded) + ")"
        return expression

    def window_ids(self, plan: QueryPlan, windows: list[tuple[int, int]], title_only: bool = False) -> list[int]:
        """Matches with ids inside the windows, ascending. FTS5 seeks to each window: the cost is
        the matches inside them, however long the whole match list is."""
        found: list[int] = []
        expression = self.match_expression(plan, title_only=title_only)
        with connection.cursor() as cursor:
            for start in range(0, len(windows), 200):  # SQLite allows 500 terms in a compound SELECT
                arms = windows[start : start + 200]
                sql = " UNION ALL ".join(f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s AND rowid BETWEEN %s AND %s" for _ in arms)
                cursor.execute(sql, [value for lo, hi in arms for value in (expression, lo, hi)])
                found += [row[0] for row in cursor.fetchall()]
        return sorted(found)

    def matching_ids(self, plan: QueryPlan, ids: list[int]) -> list[int]:
        """The ids (any order) that match. Dense ids: FTS5 reads the matches of their id range
        (~0.5 µs each); sparse ones (a district across decades): one lookup per id (~40 µs)."""
        if not ids:
            return []
        lo, hi = min(ids), max(ids)
        if hi - lo <= 64 * len(ids):
            wanted = set(ids)
            return [i for i in self.window_ids(plan, [(lo, hi)]) if i in wanted]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s AND rowid IN (SELECT value FROM json_each(%s))",
                           [self.match_expression(plan), json.dumps(list(ids))])
            return [row[0] for row in cursor.fetchall()]

    def newest_ids(self, plan: QueryPlan, limit: int, below: int | None = None, title_only: bool = False) -> list[int]:
        """The highest-id matches (below `below`): FTS5 reads the match list backwards and stops."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s AND rowid < %s ORDER BY rowid DESC LIMIT %s",
                [self.match_expression(plan, title_only=title_only), below if below is not None else 2**62, limit],
            )
            return [row[0] for row in cursor.fetchall()]

    def ranked_window(self, plan: QueryPlan, lo: int, hi: int, limit: int | None = None) -> list[int]:
        """The matches with an id in [lo, hi] (the best `limit`), best first (bm25, the headline weighted highest)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s AND rowid BETWEEN %s AND %s "
                f"ORDER BY bm25({SQLITE_TABLE}, 10.0, 3.0, 1.0, 0.2), rowid DESC LIMIT %s",
                [self.match_expression(plan, rank=True), lo, hi, -1 if limit is None else limit],
            )
            return [row[0] for row in cursor.fetchall()]

    def write(self, documents: list[Document], removed: list[int]) -> None:
        ids = [d.article_id for d in documents] + list(removed)
        with connection.cursor() as cursor:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                cursor.execute(f"DELETE FROM {SQLITE_TABLE} WHERE rowid IN ({','.join(['%s'] * len(chunk))})", chunk)
            cursor.executemany(
                f"INSERT INTO {SQLITE_TABLE} (rowid, title, byline, body, uni) VALUES (%s, %s, %s, %s, %s)",
                [(d.article_id, d.title, d.byline, d.body, d.uni) for d in documents],
            )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {SQLITE_TABLE}")

    def flush(self) -> int:
        """Nothing pending: every FTS5 write is a segment of its own (merged by compact())."""
        return 0

    def compact(self) -> None:
        """Merge the index's segments into one. FTS5 adds a segment per batch of writes and merges
        them only in part; every lookup seeks each segment. A 1M import left 13, and sampling a
        phrase in 69 year windows took 10.4 ms; merged, 1.4 ms. It rewrites the whole index
        (~9 s per 100k articles), so it runs after a large import or a rebuild only."""
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}) VALUES('optimize')")

    def repack(self) -> None:
        """After a full rebuild: one merged segment (compact)."""
        self.compact()

    def segments(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(DISTINCT segid) FROM {SQLITE_TABLE}_idx")
            return cursor.fetchone()[0]

    def indexed_ids(self, among: list[int] | None = None, between: tuple[int, int | None] | None = None) -> set[int]:
        """The ids the index holds: all, those `among` these, or those `between` two ids (inclusive; None: no upper end)."""
        with connection.cursor() as cursor:
            if among is not None:
                cursor.execute(f"SELECT rowid FROM {SQLITE_TABLE} WHERE rowid IN (SELECT value FROM json_each(%s))", [json.dumps(among)])
            elif between is not None:
                lo, hi = between
                cursor.execute(f"SELECT rowid FROM {SQLITE_TABLE} WHERE rowid >= %s AND rowid <= %s", [lo, hi if hi is not None else 2**63 - 1])
            else:
                cursor.execute(f"SELECT rowid FROM {SQLITE_TABLE}")
            return {row[0] for row in cursor.fetchall()}

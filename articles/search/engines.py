"""The two search engines: SQLite FTS5 (sqlite_engine.py) and PostgreSQL tsvector
(postgres_engine.py). Same plan in, same matches out; get_engine() picks the one in use.

Each engine stores, per article, pre-tokenised text (see tokens.py):
  title  = kicker + headline + subheadline bigrams (weighted highest)
  byline = author names and raw byline
  body   = paragraphs + captions + pull quotes
  uni    = single characters, for one-character queries

Every read is bounded by an id range (window_ids, ranked_window) or by a limit read from the
top of the id order (newest_ids): sampling.py and ordering.py decide which, so no query has
to walk a common word's whole match list.
"""

from __future__ import annotations

from django.db import connection

from articles.search.postgres_engine import PG_TABLE, PostgresEngine, pg_document, pg_unigrams
from articles.search.sqlite_engine import SQLITE_TABLE, SQLiteEngine

__all__ = ["PG_TABLE", "SQLITE_TABLE", "PostgresEngine", "SQLiteEngine", "get_engine", "pg_document", "pg_unigrams"]


def get_engine():
    return PostgresEngine() if connection.vendor == "postgresql" else SQLiteEngine()

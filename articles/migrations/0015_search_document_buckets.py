"""PostgreSQL: every search document also holds its id bucket's lexeme, '#<article_id / 64>'.

Sampling asks "which articles in these id windows hold the word?". GIN can't narrow by an id
range, so PostgreSQL either read every document in the windows (7-15 µs each: a ~10 KB
TOASTed tsvector) or the word's whole posting list (96,000 entries for 株洲 at 100k). With the
bucket as a lexeme, `q && ('#112' | '#113' …)` is one tsquery that GIN answers from the short
bucket lists, seeking the word's list only where they point: 1,565 matches of 株洲 in seven
windows at 100k, 11 ms → 1 ms. (btree_gin on (document, article_id / 64) works too, but the
planner keeps dropping the bucket array from the index condition when it misjudges a phrase.)

Position 1, weight A, so the generated headline column (ts_filter(document, '{a}')) holds it too. Rewrites every document once:
a few minutes per 100,000 articles; a new archive fills it on import. SQLite's FTS5 seeks by
rowid itself: nothing to do there.
"""

from django.db import migrations

BUCKET = 64  # articles.search.engines.PostgresEngine.bucket


def add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "UPDATE articles_search_document SET document = document || "
            f"('''#' || (article_id / {BUCKET}) || ''':1A')::tsvector"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"UPDATE articles_search_document SET document = ts_delete(document, '#' || (article_id / {BUCKET}))")


class Migration(migrations.Migration):
    dependencies = [("articles", "0014_article_facet_columns")]
    operations = [migrations.RunPython(add, remove)]

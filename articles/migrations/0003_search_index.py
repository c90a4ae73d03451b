"""The full-text index: an FTS5 table on SQLite, a tsvector table with a GIN index on PostgreSQL."""

from django.db import migrations

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS articles_search_fts "
    "USING fts5(title, byline, body, uni, tokenize = 'unicode61 remove_diacritics 0')"
)
PG_CREATE = [
    "CREATE TABLE IF NOT EXISTS articles_search_document ("
    # No foreign key: Django's test flush truncates only its own tables, and PostgreSQL refuses
    # to truncate a table another one references. Deletions are mirrored by the indexer's
    # post_delete receiver; check_search_index reports any orphan.
    " article_id bigint PRIMARY KEY,"
    " document tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS articles_search_document_gin ON articles_search_document USING gin (document)",
]


def create(apps, schema_editor):
    statements = [SQLITE_CREATE] if schema_editor.connection.vendor == "sqlite" else PG_CREATE
    for sql in statements:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    table = "articles_search_fts" if schema_editor.connection.vendor == "sqlite" else "articles_search_document"
    schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_load_gazetteer")]
    operations = [migrations.RunPython(create, drop)]

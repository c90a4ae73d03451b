"""PostgreSQL: a GIN index on the headline part (weight A) of each search document.

A headline-only query then reads the headline postings alone; without it PostgreSQL must
re-read every matching document to check the weight (seconds for a common word). SQLite's
FTS5 filters by column itself: nothing to do there.
"""

from django.db import migrations

INDEX = "articles_search_document_headline_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON articles_search_document USING gin (ts_filter(document, '{{a}}'))")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0010_editors_merge_instead_of_delete")]
    operations = [migrations.RunPython(create, drop)]

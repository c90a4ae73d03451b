"""Migrations apply cleanly (pytest-django builds each test database from them) and are complete."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.mark.django_db
def test_all_migrations_are_applied_to_the_test_database():
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    assert plan == [], f"unapplied migrations on {connection.vendor}: {plan}"


@pytest.mark.django_db
def test_models_and_migrations_agree():
    # Raises SystemExit(1) when a model change lacks a migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_health_endpoint_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": connection.vendor}


@pytest.mark.django_db
def test_postgresql_stores_search_documents_without_compressing_and_text_with_lz4():
    if connection.vendor != "postgresql":
        pytest.skip("column storage and compression are PostgreSQL's (migration 0016)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        has_lz4 = cursor.fetchone()[0]
        cursor.execute(
            "SELECT c.relname, a.attname, a.attstorage, a.attcompression FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "WHERE (c.relname, a.attname) IN (('articles_search_document', 'document'), ('articles_article', 'body'), "
            "('articles_article', 'raw_text'), ('articles_historicalarticle', 'body'), ('articles_sourcefile', 'text'))"
        )
        columns = {(table, column): (storage, compression) for table, column, storage, compression in cursor.fetchall()}
    assert columns.pop(("articles_search_document", "document")) == ("e", "")  # out of line, never compressed
    assert len(columns) == 4
    assert all(value == ("x", "l" if has_lz4 else "") for value in columns.values()), columns

"""check_integrity: the search index holds every article, and holds it as it is now."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from articles.models import Article

pytestmark = pytest.mark.django_db


def integrity() -> str:
    out = StringIO()
    call_command("check_integrity", stdout=out)
    return out.getvalue()


def test_consistent_after_import(imported_seeds):
    report = integrity()
    assert f"articles: {Article.objects.count()}" in report and "stale: 0" in report


def test_an_edit_that_was_never_reindexed_is_stale(imported_seeds):
    article = Article.objects.order_by("pk")[3]
    Article.objects.filter(pk=article.pk).update(headline="没有重新索引的新标题")  # .update() sends no signal
    with pytest.raises(CommandError, match=rf"stale \[{article.pk}\]"):
        integrity()
    call_command("rebuild_search_index", stdout=StringIO())
    assert "stale: 0" in integrity()


def test_missing_and_orphaned_rows_are_reported(imported_seeds):
    from articles.search.engines import get_engine

    first, second = Article.objects.order_by("pk").values_list("pk", flat=True)[:2]
    get_engine().write([], [first])
    Article.objects.filter(pk=second).delete()  # re-indexed on commit: in a test transaction that never comes
    with pytest.raises(CommandError, match=rf"missing \[{first}\], orphaned \[{second}\]"):
        integrity()


@pytest.mark.parametrize("workers", [0, 1])
def test_the_parsing_workers_documents_are_what_the_tables_give(db, seed_dir, django_capture_on_commit_callbacks, monkeypatch, workers):
    """New articles are indexed from documents built beside the parser, never re-read: they must match the tables."""
    from articles.importing.service import import_paths
    from articles.search import indexing

    reread = []
    real = indexing._articles
    monkeypatch.setattr(indexing, "_articles", lambda ids: reread.extend(ids) or real(ids))
    with django_capture_on_commit_callbacks(execute=True):
        import_paths([str(seed_dir)], workers=workers)
    assert Article.objects.count() >= 40 and reread == []  # every new article came with its document
    report = integrity()  # rebuilds every document from the tables and compares
    assert f"articles: {Article.objects.count()}" in report and "missing from index: 0" in report and "stale: 0" in report


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="several lanes need PostgreSQL (SQLite has one writer)")
@pytest.mark.django_db(transaction=True)
def test_a_rebuild_in_two_processes_rewrites_every_document_and_drops_the_orphans(seed_dir):
    from articles.importing.service import import_paths
    from articles.search.documents import build_document
    from articles.search.engines import get_engine

    import_paths([str(seed_dir)])
    engine = get_engine()
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    Article.objects.filter(pk=ids[5]).update(headline="没有重新索引的新标题")  # .update() sends no signal: stale
    Article.objects.filter(pk=ids[20]).delete()  # its document goes on commit; written again, it is an orphan
    engine.write([build_document(ids[20], "孤儿文档", "", "淦田"), build_document(ids[-1] + 100, "孤儿文档", "", "淦田")], [])
    with pytest.raises(CommandError, match=r"orphaned \[.+\], stale \[.+\]"):
        integrity()
    out = StringIO()
    call_command("rebuild_search_index", "--lanes", "2", "--batch", "7", stdout=out)
    assert f"indexed {len(ids) - 1} articles" in out.getvalue()
    assert f"articles: {len(ids) - 1}  missing from index: 0  orphaned: 0  stale: 0" in integrity()


def test_several_rebuild_lanes_need_postgresql(db):
    if connection.vendor == "postgresql":
        pytest.skip("SQLite's refusal")
    with pytest.raises(CommandError, match="several lanes need PostgreSQL"):
        call_command("rebuild_search_index", "--lanes", "2", stdout=StringIO())

"""Import lanes: several connections writing one run on PostgreSQL must write what one does."""

import sys
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection

from articles.choices import ImportStatus
from articles.importing import service
from articles.importing.lanes import auto_lanes, check_lanes
from articles.importing.service import KnownFiles, import_paths
from articles.models import Article, Author, Issue, Page, SourceFile
from articles.search import indexing
from articles.search.engines import PostgresEngine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from generate import generate  # noqa: E402

postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="several lanes need PostgreSQL (SQLite has one writer)")


def snapshot() -> dict:
    """What a run wrote, by natural keys (ids depend on which lane wrote first)."""
    articles = {
        (a.page.issue.date, a.page.number, a.position): (
            a.headline, a.body[:80], a.needs_review,
            tuple(sorted((c.author.name, c.role) for c in a.contributions.all())),
            tuple(sorted(d.slug for d in a.districts.all())),
        )
        for a in Article.objects.select_related("page__issue").prefetch_related("contributions__author", "districts")
    }
    return {
        "issues": sorted(Issue.objects.values_list("date", "number", "page_count")),
        "pages": sorted(Page.objects.values_list("issue__date", "number", "section__name", "source_file__path")),
        "articles": articles,
        "authors": sorted(Author.objects.values_list("name", flat=True)),
        "sources": sorted(SourceFile.objects.values_list("path", "status")),
    }


def wipe() -> None:
    Article.objects.all().delete()
    for model in (Page, Issue, SourceFile, Author):
        model.objects.all().delete()
    indexing.rebuild()


@postgres_only
def test_two_lanes_write_what_one_lane_writes(transactional_db, tmp_path):
    generate(480, tmp_path / "corpus", seed=3)  # 12 issues, 48 files, names new to the database
    serial = import_paths([str(tmp_path / "corpus")], lanes=1)
    assert not serial.failed and serial.count("imported") == 48
    expected = snapshot()
    wipe()
    parallel = import_paths([str(tmp_path / "corpus")], lanes=2)
    assert not parallel.failed, [f.message for f in parallel.failed]
    assert [f.path for f in parallel.files] == [f.path for f in serial.files]  # reported in file order
    assert parallel.authors_created == serial.authors_created == len(expected["authors"])
    assert snapshot() == expected
    assert indexing.mismatches() == {"missing": [], "orphaned": []}
    again = import_paths([str(tmp_path / "corpus")], lanes=2)
    assert again.count("unchanged") == 48 and snapshot() == expected  # idempotent


@postgres_only
def test_a_file_that_collides_with_the_other_lane_is_retried(transactional_db, seed_dir, monkeypatch):
    real = service.write_file
    calls = []

    def collide_once(source, *args, **kwargs):
        calls.append(source.path)
        if len(calls) == 1:
            raise IntegrityError('duplicate key value violates unique constraint "articles_author_name_key"')
        return real(source, *args, **kwargs)

    monkeypatch.setattr(service, "write_file", collide_once)
    report = import_paths([str(seed_dir)], lanes=2)
    assert not report.failed and report.count("imported") == 5
    attempts = Counter(calls)
    # The file that collided is written twice; another may collide for real (two new homophone authors, one slug).
    assert len(attempts) == 5 and attempts[calls[0]] == 2 and max(attempts.values()) == 2
    assert Article.objects.count() == report.total("articles")


@postgres_only
def test_a_conflict_that_persists_fails_the_file_and_nothing_of_it_is_written(transactional_db, seed_dir, monkeypatch):
    victim = sorted(seed_dir.glob("*.txt"))[1].name
    real = service.write_file

    def always_collide(source, *args, **kwargs):
        if source.path.endswith(victim):
            real(source, *args, **kwargs)  # rows written, then the transaction fails
            raise IntegrityError("duplicate key value violates unique constraint")
        return real(source, *args, **kwargs)

    monkeypatch.setattr(service, "write_file", always_collide)
    report = import_paths([str(seed_dir)], lanes=2)
    assert [f.path.endswith(victim) for f in report.failed] == [True]
    assert "写入数据库失败" in report.failed[0].message
    failed = SourceFile.objects.get(status=ImportStatus.FAILED)
    assert failed.path.endswith(victim) and not Page.objects.filter(source_file=failed).exists()
    assert Article.objects.count() == report.total("articles")


def test_lanes_are_refused_where_they_cannot_work(db):
    check_lanes(1)
    with pytest.raises(ValueError):
        check_lanes(0)
    with pytest.raises(ValueError, match="SQLite|事务"):
        check_lanes(2)  # SQLite has one writer; PostgreSQL here runs inside the test's transaction
    assert auto_lanes(10_000) == 1  # inside a transaction (or on SQLite): one connection
    with pytest.raises(CommandError, match="SQLite|事务") as raised:
        call_command("import_seeds", "--lanes", "2")
    assert raised.value.returncode == 2 and not SourceFile.objects.exists()


def test_a_big_run_gets_two_lanes_on_postgresql_only(transactional_db):
    assert not connection.in_atomic_block
    assert auto_lanes(10_000) == (2 if connection.vendor == "postgresql" else 1) and auto_lanes(10) == 1


def test_a_failed_write_undoes_what_the_run_noted_about_its_path(db):
    known = KnownFiles()
    known.record("a.txt", "old", "old-text", ImportStatus.IMPORTED)
    before = (dict(known.by_path), dict(known.imported_sha))
    undo = known.record("a.txt", "new", "new-text", ImportStatus.IMPORTED)
    assert known.imported_sha == {"new": "a.txt", "new-text": "a.txt"}
    undo()
    assert (known.by_path, known.imported_sha) == before
    undo_new = known.record("b.txt", "b", "b-text", ImportStatus.IMPORTED)
    undo_new()
    assert "b.txt" not in known.by_path and "b" not in known.imported_sha


def test_a_new_file_creates_its_new_authors_first_in_name_order(db):
    """Two lanes meeting the same new names take their locks in one order: no deadlock."""
    from articles.importing.context import RunContext

    Author.objects.create(name="王五", slug="wang-wu")
    context = RunContext.load()
    names = {"赵六", "钱七", "孙八", "李九", "周十", "吴一", "王五"}
    context.prepare_authors(names)
    created = list(Author.objects.exclude(name="王五").order_by("pk").values_list("name", flat=True))
    assert created == sorted(names - {"王五"}) and context.authors_created == 6


@postgres_only
@pytest.mark.parametrize("lanes", [1, 2])
def test_a_large_run_writes_with_the_engines_bulk_settings_then_puts_them_back(transactional_db, seed_dir, monkeypatch, lanes):
    def settings() -> tuple[str, str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('gin_pending_list_limit'), current_setting('work_mem')")
            return cursor.fetchone()

    before, seen = settings(), []
    real = service.write_file

    def spy(source, *args, **kwargs):
        seen.append(settings())  # on the writing lane's connection
        return real(source, *args, **kwargs)

    monkeypatch.setattr(service, "write_file", spy)
    bulk = PostgresEngine.bulk_write_settings
    monkeypatch.setattr(service, "BULK_FROM", 5)  # the seeds' five files make a large run
    assert import_paths([str(seed_dir)], lanes=lanes).count("imported") == 5
    assert set(seen) == {(bulk["gin_pending_list_limit"], bulk["work_mem"])} != {before}
    assert settings() == before  # the calling thread's connection goes on as it was
    wipe()
    seen.clear()
    monkeypatch.setattr(service, "BULK_FROM", 6)  # a small run: the server's settings
    assert import_paths([str(seed_dir)], lanes=lanes).count("imported") == 5
    assert set(seen) == {before}

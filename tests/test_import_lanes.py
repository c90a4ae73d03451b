"""Import lanes: several connections writing one run on PostgreSQL must write what one does."""

import sys
from functools import partial
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection

from articles.choices import ImportStatus
from articles.importing import service
from articles.importing.lanes import Lane, ProcessLane, auto_lanes, check_lanes
from articles.importing.prepare import Job
from articles.importing.service import ChangeBatch, KnownFiles, import_paths
from articles.models import Article, Author, Issue, Page, SourceFile
from articles.search import indexing
from articles.search.engines import PostgresEngine, get_engine

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


def written_lane(concurrent: bool = True, settings: dict | None = None) -> Lane:
    """A lane on this thread's connection, as a lane process runs it."""
    lane = Lane(partial(ChangeBatch, every=service.INDEX_BATCH_FILES), concurrent=concurrent, settings=settings)
    lane.open()
    return lane


def read_seed(path: Path):
    return service.read(Job(path=path, label=str(path), max_bytes=10_000_000))


def test_a_lane_beside_others_retries_a_file_that_collided(db, seed_dir, monkeypatch):
    real = service.write_file
    calls = []

    def collide_once(source, *args, **kwargs):
        calls.append(source.path)
        if len(calls) == 1:
            raise IntegrityError('duplicate key value violates unique constraint "articles_author_name_key"')
        return real(source, *args, **kwargs)

    monkeypatch.setattr(service, "write_file", collide_once)
    path = sorted(seed_dir.glob("*.txt"))[0]
    report = service.parse_and_write(written_lane(), read_seed(path), False)
    assert report.status == "imported" and calls == [str(path)] * 2
    assert Article.objects.count() == report.articles > 0


def test_a_conflict_that_persists_fails_the_file_and_nothing_of_it_is_written(db, seed_dir, monkeypatch):
    real = service.write_file

    def always_collide(source, *args, **kwargs):
        real(source, *args, **kwargs)  # rows written, then the transaction fails
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(service, "write_file", always_collide)
    path = sorted(seed_dir.glob("*.txt"))[1]
    report = service.parse_and_write(written_lane(), read_seed(path), False)
    assert report.status == "failed" and "写入数据库失败" in report.message
    failed = SourceFile.objects.get(status=ImportStatus.FAILED)
    assert failed.path == str(path) and not Page.objects.filter(source_file=failed).exists() and not Article.objects.exists()


def test_a_lane_alone_does_not_retry(db, seed_dir, monkeypatch):
    calls = []

    def collide(source, *args, **kwargs):
        calls.append(source.path)
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(service, "write_file", collide)
    report = service.parse_and_write(written_lane(concurrent=False), read_seed(sorted(seed_dir.glob("*.txt"))[0]), False)
    assert report.status == "failed" and len(calls) == 1


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


@postgres_only
def test_lanes_parse_their_own_files_so_parsing_workers_are_refused_beside_them(transactional_db, seed_dir):
    with pytest.raises(CommandError, match="several lanes parse their own files") as raised:
        call_command("import_seeds", str(seed_dir), "--lanes", "2", "--workers", "1")
    assert raised.value.returncode == 2
    with pytest.raises(ValueError, match="several lanes parse their own files"):
        import_paths([str(seed_dir)], lanes=2, workers=1)
    assert not SourceFile.objects.exists()


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


def pg_settings(lane=None) -> tuple[str, str]:
    """This connection's GIN merge settings (module level: a lane process runs it too)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('gin_pending_list_limit'), current_setting('work_mem')")
        return cursor.fetchone()


BULK = (PostgresEngine.bulk_write_settings["gin_pending_list_limit"], PostgresEngine.bulk_write_settings["work_mem"])


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="GIN merge settings are PostgreSQL's")
def test_a_lane_writes_with_its_settings_and_puts_them_back(db):
    before = pg_settings()
    lane = written_lane(settings=PostgresEngine.bulk_write_settings)
    assert pg_settings() == BULK != before
    lane.finish()
    assert pg_settings() == before


@postgres_only
def test_a_lane_process_writes_with_its_settings(transactional_db):
    lane = ProcessLane(partial(ChangeBatch, every=service.INDEX_BATCH_FILES), PostgresEngine.bulk_write_settings)
    try:
        assert lane.submit(pg_settings).result() == BULK
    finally:
        assert lane.close() == 0  # no authors created
    assert pg_settings() != BULK  # this connection was never changed


@pytest.mark.parametrize("files, bulk", [(5, True), (6, False)])
def test_a_large_run_gives_its_lanes_the_engines_bulk_settings(db, seed_dir, monkeypatch, files, bulk):
    given = []

    class SpiedLanes(service.Lanes):
        def __init__(self, *args, settings=None, **kwargs):
            given.append(settings)
            super().__init__(*args, settings=settings, **kwargs)

    monkeypatch.setattr(service, "Lanes", SpiedLanes)
    monkeypatch.setattr(service, "BULK_FROM", files)  # the seeds' five files: a large run, or not
    assert import_paths([str(seed_dir)]).count("imported") == 5
    assert given == [get_engine().bulk_write_settings if bulk else {}]

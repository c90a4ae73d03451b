"""The import service: files in, database rows out, one transaction per file.

    report = import_paths(["seeds/"], dry_run=False, workers=0, lanes=1)

Idempotent: an unchanged file (same sha256) is skipped without a write; a changed file
replaces what came from it (editor corrections kept); a failed file writes nothing.
Which file is new, unchanged or a duplicate is decided here, in file order; the writing
happens in lanes (articles/importing/lanes.py): several processes at once on PostgreSQL.
"""

from __future__ import annotations

import logging
import os
import zlib
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from articles.cache import bumps_deferred
from articles.choices import ImportStatus
from articles.importing.files import collect_files, display_path
from articles.importing.issues import ImportProblem
from articles.importing.lanes import MAX_LANES, PARALLEL_FROM, Lane, Lanes, auto_lanes, check_lanes, completed
from articles.importing.prepare import Job, Prepared, parse, path_date, prepare_all, read
from articles.importing.reports import FileReport, RunReport
from articles.importing.writer import write_file
from articles.models import Article, SourceFile
from articles.search import indexing
from articles.search.engines import get_engine
from articles.signals import notify_articles_changed

logger = logging.getLogger(__name__)
# A run this large refreshes PostgreSQL's planner statistics when it ends.
ANALYZE_AFTER_ARTICLES = 1_000
# A run that adds this share of the archive (and at least ANALYZE_AFTER_ARTICLES) then merges
# the full-text index: that rewrites the whole index, so it waits for an import of comparable size.
COMPACT_AFTER_SHARE = 0.1


class ChangeBatch:
    """Committed files' article changes, announced together every `every` files.

    One announcement re-indexes many files in one transaction: SQLite FTS5 then flushes one
    larger segment instead of one per file, and merges far less during a long import. The
    run flushes what is left when it ends, however it ends.
    """

    def __init__(self, every: int):
        self.every = every
        self.files = 0
        self.changed: set[int] = set()
        self.removed: set[int] = set()
        self.documents: list = []

    def add(self, changed: set[int], removed: set[int], documents: list) -> None:
        self.changed = (self.changed - removed) | changed
        self.removed = (self.removed - changed) | removed
        self.documents = [d for d in self.documents if d.article_id not in changed | removed] + list(documents)
        self.files += 1
        if self.files >= self.every:
            self.flush()

    def flush(self) -> None:
        if not self.files:
            return
        changed, removed, documents = self.changed, self.removed, self.documents
        self.files, self.changed, self.removed, self.documents = 0, set(), set(), []

        def announce() -> None:
            with transaction.atomic():
                notify_articles_changed(changed, removed, documents)

        transaction.on_commit(announce)  # at once, unless a caller's transaction is still open


INDEX_BATCH_FILES = 20
# A run of this many files writes with the search engine's bulk_write_settings (batched index merges).
BULK_FROM = PARALLEL_FROM
PENDING_PER_LANE = 8  # files handed to a lane and not yet written: bounds the memory they hold
# Written files whose reports wait for an earlier file (reported in file order): a lane may run
# this far ahead of a slower one before the run waits for the slower one.
UNREPORTED_PER_LANE = 64


def auto_workers(file_count: int) -> int:
    """One parsing process beside the writer when there are cores and files enough."""
    return 1 if file_count >= PARALLEL_FROM and (os.cpu_count() or 1) >= 2 else 0


class KnownFiles:
    """What the database already holds, loaded once per run (a few columns, no text).

    `imported_sha` maps both byte and text hashes to the path whose articles hold that content
    (for a plain UTF-8 file the two are the same hash). A file whose last import failed still
    holds what its earlier good import wrote.
    """

    def __init__(self):
        self.by_path: dict[str, tuple[str, str, str]] = {}  # path -> (sha256, text_sha256, status)
        self.imported_sha: dict[str, str] = {}
        rows = SourceFile.objects.values_list("path", "sha256", "text_sha256", "status", "imported_at")
        for path, sha, text_sha, status, imported_at in rows.iterator(chunk_size=5000):
            self.by_path[path] = (sha, text_sha, status)
            if status == ImportStatus.IMPORTED or (status == ImportStatus.FAILED and imported_at):
                for digest in (sha, text_sha):
                    if digest:
                        self.imported_sha.setdefault(digest, path)

    def imported_sha_of(self, path: str) -> str:
        sha, _, status = self.by_path.get(path, ("", "", ""))
        return sha if status == ImportStatus.IMPORTED else ""

    def text_sha_of(self, path: str) -> str:
        return self.by_path.get(path, ("", "", ""))[1]

    def record(self, path: str, sha: str, text_sha: str, status: str) -> Callable[[], None]:
        """Note the path's new content; returns what undoes it (the write failed after all)."""
        entry = self.by_path.get(path)
        old_sha, old_text_sha, _ = entry or ("", "", "")
        touched = {d: self.imported_sha.get(d) for d in (old_sha, old_text_sha, sha, text_sha) if d}
        for digest in (old_sha, old_text_sha):
            if self.imported_sha.get(digest) == path:
                del self.imported_sha[digest]  # this path no longer holds that content
        self.by_path[path] = (sha, text_sha, status)
        if status == ImportStatus.IMPORTED:
            for digest in (sha, text_sha):
                if digest:
                    self.imported_sha.setdefault(digest, path)

        def undo() -> None:
            if entry is None:
                self.by_path.pop(path, None)
            else:
                self.by_path[path] = entry
            for digest, holder in touched.items():
                if holder is None:
                    self.imported_sha.pop(digest, None)
                else:
                    self.imported_sha[digest] = holder

        return undo


def import_paths(
    paths: list[str],
    dry_run: bool = False,
    progress: Callable[[FileReport], None] | None = None,
    workers: int | None = 0,
    lanes: int | None = 1,
) -> RunReport:
    """Import files and directories.

    `lanes`: database connections writing at once, each a process that parses the files it
    writes (several only on PostgreSQL). `workers`: parsing processes beside a single lane.
    None chooses either by the run's size and the database; asking for workers means one lane.
    """
    report = RunReport(dry_run=dry_run)
    files, problems = collect_files(paths)
    for path, message in problems:
        report.files.append(FileReport(path=path, status="failed", message=message))
    known = KnownFiles()
    seen_in_run: dict[str, str] = {}
    jobs = (_job(path, known) for path in files)
    if dry_run or lanes is None:  # a dry run writes nothing: one lane, in this process
        lanes = 1 if dry_run or workers else auto_lanes(len(files))
    check_lanes(lanes)
    if lanes > 1 and workers:
        raise ValueError("多个写入连接各自解析文件,不能再指定解析进程 (several lanes parse their own files: no parsing workers)")
    workers = auto_workers(len(files)) if workers is None and lanes == 1 else workers or 0
    if not dry_run:
        report.reindexed = indexing.index_unannounced(recent_files=INDEX_BATCH_FILES * MAX_LANES)
    bulk = get_engine().bulk_write_settings if len(files) >= BULK_FROM else {}
    writers = Lanes(lanes, make_batch=partial(ChangeBatch, every=INDEX_BATCH_FILES), load_context=not dry_run, settings=bulk,
                    room=PENDING_PER_LANE)
    pending: deque[tuple[Future, Callable[[], None] | None]] = deque()

    def collect(keep: int) -> None:
        """Report finished files in file order; wait while more than `keep` are in flight."""
        while pending and (len(pending) > keep or pending[0][0].done()):
            future, undo = pending.popleft()
            file_report = future.result()
            if undo and file_report.status != "imported":
                undo()  # the write failed: the path still holds what it held
            report.files.append(file_report)
            if progress:
                progress(file_report)

    # Several lanes each parse what they write, so the parsing is spread over every core.
    stream, write = (map(read, jobs), parse_and_write) if lanes > 1 else (prepare_all(jobs, workers), write_prepared)
    try:
        for prepared in stream:
            decided = decide(prepared, known, seen_in_run, dry_run)
            if decided is not None:
                pending.append((completed(decided), None))
            else:
                may_exist = prepared.path in known.by_path
                undo = known.record(prepared.path, prepared.sha256, prepared.text_sha256, ImportStatus.IMPORTED)
                pending.append((writers.submit(_lane_key(prepared.path), write, prepared, may_exist), undo))
            collect(keep=UNREPORTED_PER_LANE * lanes)
        collect(keep=0)
    finally:
        writers.close()  # announces what is left to the index, however the run ends
    if not dry_run:
        report.authors_created = writers.authors_created
        if report.total("articles"):
            indexing.flush()  # at most a pending list per index (64 MB after a bulk run): every search would scan it
        if report.total("articles") >= ANALYZE_AFTER_ARTICLES:
            refresh_planner_statistics()
            if report.total("articles") >= COMPACT_AFTER_SHARE * Article.objects.count():
                indexing.compact()
    return report


def _lane_key(path: str) -> int:
    """One issue date, one lane, so a day's files are written in order by one connection: the
    date the path names (the issue's, unless a masthead says otherwise), known before parsing.
    Files without one are spread by path; two of one issue in two lanes are kept apart by the
    unique constraints, and the one that collides is retried (write_prepared)."""
    named = path_date(path)
    return named[0].toordinal() if named else zlib.crc32(path.encode())


def refresh_planner_statistics() -> None:
    """PostgreSQL plans search and browsing from table statistics; right after a big import
    they still describe the old tables (or none), and autovacuum may take minutes to catch
    up: after a fresh 100k import, a rare-word search took 0.8 s (p50) until ANALYZE. It
    samples ~30,000 rows per table: seconds at a million articles. SQLite's planner needs none.

    Outside a transaction it is VACUUM (ANALYZE): that also marks the new rows all-visible, so
    the reads that only need indexed columns (a year's id range, the facets' dates) stop visiting
    the table (a year's id range at 100k: 7 → 3 ms). VACUUM skips pages already all-visible."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")


def _job(path: Path, known: KnownFiles) -> Job:
    label = display_path(path, settings.BASE_DIR)
    return Job(path=path, label=label, max_bytes=settings.IMPORT_MAX_FILE_BYTES, known_sha256=known.imported_sha_of(label))


def decide(prepared: Prepared, known: KnownFiles, seen_in_run: dict[str, str], dry_run: bool) -> FileReport | None:
    """What becomes of one file, decided in file order: a report, or None when it must be written.

    `seen_in_run` maps byte and text hashes to the path that holds them in this run.
    """
    path, sha = prepared.path, prepared.sha256
    if sha and seen_in_run.get(sha, path) != path:
        return _duplicate(prepared, seen_in_run[sha], dry_run)
    if prepared.known:
        seen_in_run[sha] = path
        if known.text_sha_of(path):
            seen_in_run.setdefault(known.text_sha_of(path), path)
        return FileReport(path=path, status="unchanged", message="内容未变 (unchanged)")
    twin = known.imported_sha.get(sha) if sha else None
    if twin and twin != path:
        return _duplicate(prepared, twin, dry_run)
    if prepared.error:
        return _failed(prepared, prepared.error, dry_run)
    # The same text in another encoding or with other line ends: as much a duplicate as a byte copy.
    text_sha = prepared.text_sha256
    twin = seen_in_run.get(text_sha) or known.imported_sha.get(text_sha)
    if twin and twin != path:
        return _duplicate(prepared, twin, dry_run, same_text=True)
    seen_in_run[sha] = path
    seen_in_run[text_sha] = path
    if not dry_run:
        return None
    parsed = prepared.parsed
    date_label = parsed.issue_date.date.isoformat() if parsed.issue_date.date else "未知日期"
    articles = [a for p in parsed.pages for a in p.articles]
    flagged = sum(bool(a.review_reasons) or parsed.issue_date.inferred for a in articles)
    return FileReport(path=path, status="parsed", issue_date=date_label, pages=len(parsed.pages), articles=len(articles), flagged=flagged)


class _LaneConflict(Exception):
    """Another lane created the same row first, or the two deadlocked: retry the file."""


CONFLICT_RETRIES = 3  # each conflict means another lane committed: progress, not a loop


def parse_and_write(lane: Lane, prepared: Prepared, may_exist: bool) -> FileReport:
    """A lane process's part of a file it was handed read (see import_paths)."""
    prepared = parse(prepared)
    if prepared.error:
        return _failed(prepared, prepared.error, dry_run=False)
    return write_prepared(lane, prepared, may_exist)


def write_prepared(lane: Lane, prepared: Prepared, may_exist: bool) -> FileReport:
    """The database half for one file, in its own transaction. A lane beside others retries conflicts."""
    for _ in range(CONFLICT_RETRIES if lane.concurrent else 0):
        try:
            return _write(lane, prepared, may_exist, conflicts_raise=True)
        except _LaneConflict as exc:
            logger.info("retrying %s after a conflict with another lane: %s", prepared.path, exc.__cause__)
            lane.context.refresh()
    return _write(lane, prepared, may_exist, conflicts_raise=False)


def _write(lane: Lane, prepared: Prepared, may_exist: bool, conflicts_raise: bool) -> FileReport:
    path, parsed, context = prepared.path, prepared.parsed, lane.context
    existing = SourceFile.objects.filter(path=path).first() if may_exist else None
    context.begin_file()
    try:
        # The lane's batch bumps the page cache's version when it announces the file's changes.
        with bumps_deferred(), transaction.atomic():
            source = existing or SourceFile(path=path)
            source.sha256, source.size, source.encoding, source.text = prepared.sha256, prepared.size, parsed.encoding, parsed.text
            source.text_sha256 = prepared.text_sha256
            source.status, source.error_message, source.imported_at = ImportStatus.IMPORTED, "", timezone.now()
            source.save()
            result = write_file(source, parsed, context, fresh=existing is None, documents=prepared.documents)
    except ImportProblem as exc:
        context.discard_file()
        return _failed(prepared, str(exc), dry_run=False)
    except (DatabaseError, ValueError) as exc:
        context.discard_file()
        if conflicts_raise and isinstance(exc, (IntegrityError, OperationalError)):
            raise _LaneConflict from exc
        # Unexpected, but one odd file must not stop a run of a million: report it, go on.
        logger.exception("import of %s failed", path)
        return _failed(prepared, f"写入数据库失败 (database error): {exc}", dry_run=False)
    lane.batch.add(set(result.article_ids), set(result.removed_ids), result.documents)  # committed (or in the caller's transaction)
    return FileReport(
        path=path,
        status="imported",
        issue_date=f"{result.issue.date:%Y-%m-%d}",
        pages=result.pages,
        articles=len(result.article_ids),
        flagged=result.flagged,
        kept=result.kept,
    )


def _duplicate(prepared: Prepared, original: str, dry_run: bool, same_text: bool = False) -> FileReport:
    how = "文字相同,仅编码或换行不同" if same_text else "内容相同"
    message = f"与 {original} {how},未重复导入 (duplicate content)"
    if not dry_run:
        SourceFile.objects.update_or_create(
            path=prepared.path,
            defaults={
                "sha256": prepared.sha256, "text_sha256": prepared.text_sha256, "size": prepared.size,
                "status": ImportStatus.DUPLICATE, "error_message": message,
            },
        )
    return FileReport(path=prepared.path, status="duplicate", message=message)


def _failed(prepared: Prepared, message: str, dry_run: bool) -> FileReport:
    """Report a failed file and, unless dry run, record it as FAILED.

    Runs after the file's content transaction rolled back, in a small transaction of its own,
    so the row says why without anything half-written of the content.
    """
    message = " ".join(message.replace("\x00", "").split())[:500]  # one line; PostgreSQL refuses NUL
    if not dry_run:
        try:
            with transaction.atomic():
                source = SourceFile.objects.select_for_update().filter(path=prepared.path).first()
                if source is None:
                    source = SourceFile(path=prepared.path)
                if source.imported_at is None:
                    # Never imported: describe the bytes that failed. Otherwise keep the last good
                    # import's hash and text, which its articles' line numbers refer to.
                    source.sha256, source.text_sha256, source.size = prepared.sha256, prepared.text_sha256, prepared.size
                source.status, source.error_message = ImportStatus.FAILED, message
                source.save()
        except DatabaseError:
            logger.exception("could not record the failure of %s", prepared.path)
    return FileReport(path=prepared.path, status="failed", message=message)


def default_seed_dir() -> Path:
    return Path(settings.BASE_DIR) / "seeds"

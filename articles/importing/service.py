"""The import service: files in, database rows out, one transaction per file.

    report = import_paths(["seeds/"], dry_run=False)

Idempotent: an unchanged file (same sha256) is skipped without a write; a changed file
replaces what came from it (editor corrections kept); a failed file writes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from articles.choices import ImportStatus
from articles.importing.context import RunContext
from articles.importing.files import SourceBlob, collect_files, display_path, read_blob
from articles.importing.issues import ImportProblem
from articles.importing.writer import write_file
from articles.models import SourceFile
from articles.parsing import ParseError, parse_bytes
from articles.parsing.types import DateEvidence, IssueDate
from articles.signals import notify_articles_changed

logger = logging.getLogger(__name__)


@dataclass
class FileReport:
    path: str
    status: str  # imported, unchanged, duplicate, failed, parsed (dry run)
    message: str = ""
    issue_date: str = ""
    pages: int = 0
    articles: int = 0
    flagged: int = 0
    kept: list[str] = field(default_factory=list)


@dataclass
class RunReport:
    files: list[FileReport] = field(default_factory=list)
    authors_created: int = 0
    dry_run: bool = False

    def count(self, status: str) -> int:
        return sum(f.status == status for f in self.files)

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def issues(self) -> int:
        return len({f.issue_date for f in self.files if f.issue_date and f.status in ("imported", "parsed")})

    def total(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files if f.status in ("imported", "parsed"))

    @property
    def kept(self) -> list[str]:
        return [line for f in self.files for line in f.kept]


def import_paths(paths: list[str], dry_run: bool = False, progress: Callable[[FileReport], None] | None = None) -> RunReport:
    report = RunReport(dry_run=dry_run)
    files, problems = collect_files(paths)
    for path, message in problems:
        report.files.append(FileReport(path=path, status="failed", message=message))
    context = None if dry_run else RunContext.load()
    seen_in_run: dict[str, str] = {}
    for path in files:
        blob = read_blob(path, display_path(path, settings.BASE_DIR), settings.IMPORT_MAX_FILE_BYTES)
        file_report = import_blob(blob, context, dry_run, seen_in_run)
        report.files.append(file_report)
        if progress:
            progress(file_report)
    if context:
        report.authors_created = context.authors_created
    return report


def import_blob(blob: SourceBlob, context: RunContext | None, dry_run: bool, seen_in_run: dict[str, str]) -> FileReport:
    if blob.error:
        return FileReport(path=blob.path, status="failed", message=blob.error)
    if blob.sha256 in seen_in_run and seen_in_run[blob.sha256] != blob.path:
        return _duplicate(blob, seen_in_run[blob.sha256], dry_run)
    existing = SourceFile.objects.filter(path=blob.path).first()
    if existing and existing.sha256 == blob.sha256 and existing.status == ImportStatus.IMPORTED:
        seen_in_run[blob.sha256] = blob.path
        return FileReport(path=blob.path, status="unchanged", message="内容未变 (unchanged)")
    twin = SourceFile.objects.filter(sha256=blob.sha256, status=ImportStatus.IMPORTED).exclude(path=blob.path).first()
    if twin:
        return _duplicate(blob, twin.path, dry_run)
    try:
        parsed = parse_bytes(blob.data)
    except ParseError as exc:
        return FileReport(path=blob.path, status="failed", message=str(exc))
    seen_in_run[blob.sha256] = blob.path
    apply_filename_date(parsed, blob.path)
    articles = sum(len(p.articles) for p in parsed.pages)
    date_label = parsed.issue_date.date.isoformat() if parsed.issue_date.date else "未知日期"
    if dry_run:
        flagged = sum(bool(a.review_reasons) or parsed.issue_date.inferred for p in parsed.pages for a in p.articles)
        return FileReport(path=blob.path, status="parsed", issue_date=date_label, pages=len(parsed.pages), articles=articles, flagged=flagged)
    context.begin_file()
    try:
        with transaction.atomic():
            source = existing or SourceFile(path=blob.path)
            source.sha256, source.size, source.encoding, source.text = blob.sha256, len(blob.data), parsed.encoding, parsed.text
            source.status, source.error_message, source.imported_at = ImportStatus.IMPORTED, "", timezone.now()
            source.save()
            result = write_file(source, parsed, context, fresh=existing is None)
            ids, removed = set(result.article_ids), set(result.removed_ids)
            transaction.on_commit(lambda: notify_articles_changed(ids, removed))
    except ImportProblem as exc:
        context.discard_file()
        return FileReport(path=blob.path, status="failed", message=str(exc))
    except (DatabaseError, ValueError) as exc:
        # Unexpected, but one odd file must not stop a run of a million: report it, go on.
        context.discard_file()
        logger.exception("import of %s failed", blob.path)
        return FileReport(path=blob.path, status="failed", message=f"写入数据库失败 (database error): {exc}")
    return FileReport(
        path=blob.path,
        status="imported",
        issue_date=f"{result.issue.date:%Y-%m-%d}",
        pages=result.pages,
        articles=len(result.article_ids),
        flagged=result.flagged,
        kept=result.kept,
    )


_PATH_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_/]?(0[1-9]|1[0-2])[-_/]?(0[1-9]|[12]\d|3[01])(?!\d)")


def apply_filename_date(parsed, path: str) -> None:
    """Archives usually name files by date (19900101_2.txt): better evidence than the text's."""
    if not parsed.issue_date.inferred:
        return  # a printed masthead wins
    match = _PATH_DATE.search(path)
    if not match:
        return
    try:
        day = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return
    parsed.issue_date = IssueDate(
        date=day, inferred=True, confidence=0.9,
        evidence=[DateEvidence(text=f"文件名 {match.group(0)}", line=0, resolved=day)],
        notes=[f"日期取自文件名 {path}", *parsed.issue_date.notes],
    )


def _duplicate(blob: SourceBlob, original: str, dry_run: bool) -> FileReport:
    message = f"与 {original} 内容相同,未重复导入 (duplicate content)"
    if not dry_run:
        SourceFile.objects.update_or_create(
            path=blob.path,
            defaults={"sha256": blob.sha256, "size": len(blob.data or b""), "status": ImportStatus.DUPLICATE, "error_message": message},
        )
    return FileReport(path=blob.path, status="duplicate", message=message)


def default_seed_dir() -> Path:
    return Path(settings.BASE_DIR) / "seeds"

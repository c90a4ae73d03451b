"""The pure half of an import: read, hash, decode, parse a file and tokenise it for search. No Django here.

read() is what the run needs to decide what becomes of a file (new, unchanged, a duplicate,
unreadable); parse() is the rest. A large one-lane run parses in a worker process while the
main process writes the previous files, so the two halves use both cores; with several
lanes, each lane process parses the files it writes. The window of files in flight is
bounded, so a fast parser never piles up a corpus worth of parsed text in memory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import multiprocessing
import re
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from articles.importing.files import read_blob
from articles.parsing import ParseError, parse_text
from articles.parsing.decode import decode_bytes
from articles.parsing.types import ARTICLE_ROLES, DateEvidence, IssueDate, ParsedArticle, ParsedFile
from articles.search.documents import Document, build_document, document_text

logger = logging.getLogger(__name__)


@dataclass
class Job:
    path: Path
    label: str  # as recorded in SourceFile.path
    max_bytes: int
    known_sha256: str = ""  # already imported with this content: don't parse it again


@dataclass
class Prepared:
    path: str
    sha256: str = ""
    text_sha256: str = ""  # of the decoded text: the same page in another encoding has the same one
    size: int = 0
    error: str = ""  # unreadable or unparseable: the file fails with this message
    known: bool = False  # imported before with these bytes: nothing to parse or write
    text: str = ""  # decoded, until parsed (then parsed.text holds it)
    encoding: str = ""
    parsed: ParsedFile | None = None  # None when error, known, or only read so far
    # Search documents for the file's articles in order, built here so the writer doesn't tokenise them.
    documents: list[Document] = field(default_factory=list)


def prepare(job: Job) -> Prepared:
    return parse(read(job))


def read(job: Job) -> Prepared:
    """Read, hash and decode a file: all that deciding what becomes of it needs (service.decide)."""
    blob = read_blob(job.path, job.label, job.max_bytes)
    if blob.error:
        return Prepared(path=job.label, error=blob.error)
    prepared = Prepared(path=job.label, sha256=blob.sha256, size=len(blob.data))
    if blob.sha256 == job.known_sha256:
        prepared.known = True
        return prepared
    try:
        prepared.text, prepared.encoding = decode_bytes(blob.data)
    except ParseError as exc:
        prepared.error = str(exc)
        return prepared
    prepared.text_sha256 = text_digest(prepared.text)
    return prepared


def parse(prepared: Prepared) -> Prepared:
    """Parse a read file and build its articles' search documents (in place)."""
    if prepared.error or prepared.known or prepared.parsed is not None:
        return prepared
    try:
        parsed = parse_text(prepared.text)
    except Exception as exc:  # noqa: BLE001 — a parser bug on one odd file must not stop a long run
        prepared.error = f"解析程序出错 (parser error): {type(exc).__name__}: {exc}"
        return prepared
    parsed.encoding = prepared.encoding
    apply_filename_date(parsed, prepared.path)
    prepared.parsed, prepared.text = parsed, ""
    prepared.documents = [parsed_document(a) for page in parsed.pages for a in page.articles]
    return prepared


def byline_names(article: ParsedArticle) -> list[str]:
    """The people the writer credits on the article, in order (what its contributions will hold)."""
    credited = dict.fromkeys((p.name, p.role) for p in article.contributors if p.role in ARTICLE_ROLES)
    return [name for name, _ in credited]


def parsed_document(article: ParsedArticle) -> Document:
    """The search document of a new article as the writer will store it (article_id filled in later)."""
    text = document_text(article.kicker[:300], article.headline[:300], article.subheadline[:300], article.body,
                         article.captions, article.pull_quotes, byline_names(article), article.byline_raw)
    return build_document(0, *text)


def text_digest(text: str) -> str:
    """The parser's text is already BOM-free with LF line ends: hash exactly that."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def prepare_all(jobs: Iterable[Job], workers: int = 0) -> Iterator[Prepared]:
    """Prepared files in job order; `workers` > 0 parses in that many worker processes."""
    jobs = iter(jobs)
    if workers <= 0:
        yield from map(prepare, jobs)
        return
    window: deque[tuple[Job, Future]] = deque()
    try:
        # spawn, not fork: the worker must not inherit the parent's open database connection.
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            limit = 4 * workers + 4
            for job in jobs:
                window.append((job, pool.submit(prepare, job)))
                if len(window) >= limit:
                    yield window[0][1].result()
                    window.popleft()
            while window:
                yield window[0][1].result()
                window.popleft()
    except BrokenProcessPool:
        # E.g. a script without a __main__ guard cannot spawn workers: parse here instead.
        logger.warning("parsing worker failed; parsing in the main process")
        yield from map(prepare, (job for job, _ in window))
        yield from map(prepare, jobs)


_PATH_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_/]?(0[1-9]|1[0-2])[-_/]?(0[1-9]|[12]\d|3[01])(?!\d)")


def path_date(path: str) -> tuple[dt.date, str] | None:
    """The date a file's path names (19900101_2.txt, 2023-02-09/…), and how it is written there."""
    match = _PATH_DATE.search(path)
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3))), match.group(0)
    except ValueError:
        return None


def apply_filename_date(parsed: ParsedFile, path: str) -> None:
    """Archives usually name files by date (19900101_2.txt): better evidence than the text's."""
    if not parsed.issue_date.inferred:
        return  # a printed masthead wins
    named = path_date(path)
    if named is None:
        return
    day, written = named
    parsed.issue_date = IssueDate(
        date=day, inferred=True, confidence=0.9,
        evidence=[DateEvidence(text=f"文件名 {written}", line=0, resolved=day)],
        notes=[f"日期取自文件名 {path}", *parsed.issue_date.notes],
    )

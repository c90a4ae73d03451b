"""Which Issue a parsed file belongs to, and which page numbers it may use.

Several files can share an issue: pages of one day's paper, or files whose inferred dates
agree. What each file says about the date is kept apart: its evidence and notes are tagged
with its path in Issue.date_evidence, and its pages carry its own date_inferred flag, so a
masthead read later confirms the issue's date without pretending to confirm the other files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Value

from articles.models import Issue, IssueDateRedirect, Page
from articles.parsing.types import IssueDate, ParsedFile

UNDATED = dt.date(1900, 1, 1)  # files with no date clue at all wait here for an editor
PARK = 10_000  # page numbers far above any real one, free for a moment's parking
EVIDENCE_PER_FILE = 12
EVIDENCE_LIMIT = 200  # an issue that gathers many undated files keeps a bounded list
# Wording of the parser's notes that describe the conflict (articles/parsing/dates.py), shown first.
PROBLEM_WORDS = ("不一致", "不足以")


class ImportProblem(Exception):
    """The file is readable but cannot be imported consistently (message for users)."""


@dataclass
class Placement:
    issue: Issue
    date_inferred: bool  # this file's date is a guess (no masthead, or one that disagrees with itself)
    masthead: bool  # a masthead was read: its front page is page 1 of the paper
    created: bool = False  # the issue is new: it has no pages yet


def date_problems(info: IssueDate) -> list[str]:
    """Notes saying a printed masthead disagrees with itself: such a date needs an editor's look."""
    if info.inferred:
        return []  # already flagged as inferred; its notes only explain the guess
    if "masthead_conflict" not in info.review_reasons:
        return []
    problems = [note for note in info.notes if any(word in note for word in PROBLEM_WORDS)]
    return problems or ["报头日期各项不完全一致 (masthead parts disagree)"]


def file_evidence(info: IssueDate, source_path: str, problems: list[str]) -> list[dict]:
    kind = "inferred" if info.inferred else "masthead"
    rows = [
        {"text": e.text, "line": e.line, "resolved": e.resolved.isoformat() if e.resolved else None, "source": source_path, "kind": kind}
        for e in info.evidence
    ][:EVIDENCE_PER_FILE]
    for note in dict.fromkeys([*problems, *info.notes]):
        rows.append({"text": note, "line": 0, "resolved": None, "source": source_path, "kind": "problem" if note in problems else "note"})
    return rows[: EVIDENCE_PER_FILE + len(problems)]


# Problems first (what an editor must look at), then printed evidence, corrections, guesses, notes.
KIND_ORDER = {"problem": 0, "masthead": 1, "editor": 2, "inferred": 3, "note": 4}


def merge_evidence(current: list[dict], source_path: str, rows: list[dict]) -> list[dict]:
    """Replace what this file said before (re-imports don't pile up), in an order that doesn't depend on import order."""
    kept = [e for e in current if e.get("source") != source_path]

    def order(entry: dict) -> tuple[int, str]:
        kind = "editor" if entry.get("editor") else entry.get("kind", "inferred")
        return KIND_ORDER.get(kind, 3), entry.get("source", "")

    return sorted([*kept, *rows], key=order)[:EVIDENCE_LIMIT]


def resolve_issue(parsed: ParsedFile, source_path: str = "") -> Placement:
    info = parsed.issue_date
    day = info.date or UNDATED
    masthead = not info.inferred
    problems = date_problems(info)
    guessed = info.inferred or bool(problems)
    number = info.issue_number if masthead else None
    redirected, issue, clash = issues_of(day, number)
    if redirected:
        # An editor corrected this date before: follow the correction, it outranks the file.
        return Placement(redirected, date_inferred=redirected.date_inferred, masthead=masthead)
    evidence = file_evidence(info, source_path, problems)
    if clash:
        raise ImportProblem(f"报头期号 第{number}期 已属于 {clash.date:%Y-%m-%d} 的报纸 (issue number clash)")
    if issue is None:
        issue = Issue.objects.create(
            date=day, number=number, page_count=info.page_count if masthead else None,
            date_inferred=guessed, date_confidence=info.confidence, date_evidence=merge_evidence([], source_path, evidence),
        )
        return Placement(issue, date_inferred=guessed, masthead=masthead, created=True)
    before = (issue.number, issue.page_count, issue.date_inferred, issue.date_confidence, issue.date_evidence)
    issue.date_evidence = merge_evidence(issue.date_evidence, source_path, evidence)
    if masthead:
        # Printed facts fill what is missing; a consistent masthead confirms the day itself.
        issue.number = issue.number or info.issue_number
        issue.page_count = issue.page_count or info.page_count
        if issue.date_inferred and not guessed:
            issue.date_inferred, issue.date_confidence = False, info.confidence
    if (issue.number, issue.page_count, issue.date_inferred, issue.date_confidence, issue.date_evidence) != before:
        issue.save()
    return Placement(issue, date_inferred=guessed, masthead=masthead)


DATED, REDIRECTED, NUMBERED = 0, 1, 2  # which arm of issues_of() found an issue


def issues_of(day: dt.date, number: int | None) -> tuple[Issue | None, Issue | None, Issue | None]:
    """In one query (it runs for every file): the issue an editor's date correction sends `day` to,
    the issue dated `day`, and another issue that already has the masthead's `number`."""
    # A UNION of three index seeks (0.1 ms). As one WHERE … OR …, PostgreSQL read every issue for
    # every file: 16 ms a file at 25,000 issues (1M articles), growing with the archive.
    arms = [Issue.objects.filter(date=day).annotate(via=Value(DATED)),
            Issue.objects.filter(date_redirects__old_date=day).annotate(via=Value(REDIRECTED))]
    if number:
        arms.append(Issue.objects.filter(number=number).annotate(via=Value(NUMBERED)))
    arms = [arm.order_by() for arm in arms]  # SQLite refuses an ORDER BY inside a UNION's arm
    rows = list(arms[0].union(*arms[1:], all=True))
    redirected = next((i for i in rows if i.via == REDIRECTED), None)
    dated = next((i for i in rows if i.via == DATED), None)
    clash = next((i for i in rows if i.via == NUMBERED and i.date != day), None)
    return redirected, dated, clash


class PageNumbers:
    """Hands out free page numbers in an issue: the front page gets 1, others the next free.

    Pages from files without a masthead only hold provisional numbers: when a masthead's front
    page arrives and finds 1 taken by one of them, they all move after the masthead file's pages
    (in their old order), so the paper reads front page first.
    """

    def __init__(self, issue: Issue, source_id: int | None, masthead: bool, new_issue: bool = False):
        self.issue = issue
        self.masthead = masthead
        self.source_id = source_id
        self.taken = set() if new_issue else set(issue.pages.values_list("number", flat=True))
        self.parked: list[int] = []

    def next(self, front: bool) -> int:
        if front and self.masthead and 1 in self.taken and not self.parked:
            self._park_provisional_pages()
        if front and 1 not in self.taken:
            number = 1
        else:
            # Leave 1 for a front page still to come, unless this issue will never have one.
            number = 2 if (1 not in self.taken and self.issue.number is not None) else 1
            number = self._free_from(number)
        self.taken.add(number)
        return number

    def _free_from(self, number: int) -> int:
        while number in self.taken:
            number += 1
        return number

    def _park_provisional_pages(self) -> None:
        holder = self.issue.pages.filter(number=1).values_list("date_inferred", "source_file_id").first()
        if not holder or not holder[0] or (self.source_id and holder[1] == self.source_id):
            return  # page 1 is a real front page (or this file's own): don't move it
        pages = self.issue.pages.filter(date_inferred=True).exclude(number__gte=PARK)
        if self.source_id:
            pages = pages.exclude(source_file_id=self.source_id)
        rows = list(pages.order_by("number").values_list("pk", "number"))
        # One statement into a free range: no transient clash with the unique (issue, number).
        Page.objects.filter(pk__in=[pk for pk, _ in rows]).update(number=F("number") + PARK)
        self.taken -= {number for _, number in rows}
        self.parked = [pk for pk, _ in rows]

    def settle(self) -> list[int]:
        """Number the parked pages after this file's; returns their ids (their permalinks changed)."""
        if not self.parked:
            return []  # the usual case: no query
        for page in Page.objects.filter(pk__in=self.parked).order_by("number"):
            page.number = self._free_from(2)
            self.taken.add(page.number)
            page.save(update_fields=["number"])
        return self.parked

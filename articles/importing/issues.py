"""Which Issue a parsed file belongs to, and which page numbers it may use."""

from __future__ import annotations

import datetime as dt

from articles.models import Issue, IssueDateRedirect
from articles.parsing.types import ParsedFile

UNDATED = dt.date(1900, 1, 1)  # files with no date clue at all wait here for an editor


class ImportProblem(Exception):
    """The file is readable but cannot be imported consistently (message for users)."""


def resolve_issue(parsed: ParsedFile) -> Issue:
    info = parsed.issue_date
    day = info.date or UNDATED
    redirect = IssueDateRedirect.objects.filter(old_date=day).select_related("issue").first()
    if redirect:
        return redirect.issue  # an editor corrected this date before: follow the correction
    evidence = [{"text": e.text, "line": e.line, "resolved": e.resolved.isoformat() if e.resolved else None} for e in info.evidence]
    issue = Issue.objects.filter(date=day).first()
    if info.inferred:
        if issue is None:
            issue = Issue.objects.create(date=day, date_inferred=True, date_confidence=info.confidence, date_evidence=evidence)
        return issue
    if info.issue_number:
        clash = Issue.objects.filter(number=info.issue_number).exclude(date=day).first()
        if clash:
            raise ImportProblem(f"报头期号 第{info.issue_number}期 已属于 {clash.date:%Y-%m-%d} 的报纸 (issue number clash)")
    if issue is None:
        return Issue.objects.create(
            date=day, number=info.issue_number, page_count=info.page_count,
            date_inferred=False, date_confidence=info.confidence, date_evidence=evidence,
        )
    if issue.date_inferred or issue.number is None:
        # A printed masthead outranks an earlier inference for the same day.
        issue.number = issue.number or info.issue_number
        issue.page_count = issue.page_count or info.page_count
        issue.date_inferred = False
        issue.date_confidence = info.confidence
        issue.date_evidence = evidence
        issue.save()
    return issue


class PageNumbers:
    """Hands out free page numbers in an issue: the front page gets 1, others the next free."""

    def __init__(self, issue: Issue):
        self.issue = issue
        self.taken = set(issue.pages.values_list("number", flat=True))

    def next(self, front: bool) -> int:
        if front and 1 not in self.taken:
            number = 1
        else:
            # Leave 1 for a front page still to come, unless this issue will never have one.
            number = 2 if (1 not in self.taken and self.issue.number is not None) else 1
            while number in self.taken:
                number += 1
        self.taken.add(number)
        return number

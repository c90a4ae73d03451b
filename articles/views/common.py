"""Helpers shared by the reader views: permalinks, redirects, pagination."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Page, Paginator
from django.http import Http404

from articles.models import Issue, IssueDateRedirect

PER_PAGE = 20


def parse_day(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise Http404("没有这一天") from None


def issue_for(year: int, month: int, day: int) -> tuple[Issue | None, Issue | None]:
    """(issue, moved_to): the issue printed that day, or the issue an editor moved it to."""
    date = parse_day(year, month, day)
    issue = Issue.objects.filter(date=date).first()
    if issue:
        return issue, None
    redirect = IssueDateRedirect.objects.filter(old_date=date).select_related("issue").first()
    if redirect:
        return None, redirect.issue
    raise Http404("这一天没有报纸")


class CountedPaginator(Paginator):
    """A paginator told its count (from a cache) instead of running COUNT(*) every time."""

    def __init__(self, items, per_page, known_count):
        super().__init__(items, per_page)
        self.known_count = known_count

    @property
    def count(self):
        return self.known_count


def paginate(request, items, per_page: int = PER_PAGE, count: int | None = None) -> Page:
    """A page of items; a bad or out-of-range ?page= gives the nearest real page, never an error."""
    paginator = Paginator(items, per_page) if count is None else CountedPaginator(items, per_page, count)
    raw = request.GET.get("page", "1")
    try:
        number = int(raw) if len(raw) < 12 else paginator.num_pages
    except ValueError:
        number = 1
    number = min(max(number, 1), paginator.num_pages)
    return paginator.page(number)


def query_without(request, *names: str) -> str:
    """The current query string minus some parameters (for pagination links)."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()

"""The paper as printed: an issue, one of its pages, one article."""

from __future__ import annotations

from typing import NamedTuple

from django.http import Http404
from django.shortcuts import redirect, render

from articles.choices import ReviewReason, Role
from articles.models import Article, ArticleDistrict, Author, Contribution, District, Issue, Page, PageStaff
from articles.models.issues import date_kwargs
from articles.views.common import issue_for, parse_day

LISTING_FIELDS = ("id", "page_id", "position", "kicker", "headline", "subheadline", "needs_review", "review_reasons")


class Title(NamedTuple):
    """One article in an issue's directory: plain values, not a model (an issue lists ~60)."""

    id: int
    position: int
    headline: str
    kicker: str
    review: str  # why an editor should look, for the 待审核 badge; "" when only the date was inferred

    @property
    def display(self) -> str:
        return self.headline or self.kicker or "（无标题）"


def pages_with_titles(issue) -> list[Page]:
    """The issue's pages, each with .titles in print order: two queries whatever the size."""
    pages = list(issue.pages.select_related("section").order_by("number"))
    by_page = {page.pk: page for page in pages}
    for page in pages:
        page.titles = []
    rows = (Article.objects.filter(page__issue=issue).order_by("page_id", "position")
            .values_list("page_id", "id", "position", "headline", "kicker", "needs_review", "review_reasons"))
    for page_id, pk, position, headline, kicker, needs_review, reasons in rows:
        by_page[page_id].titles.append(Title(pk, position, headline, kicker, text_review(needs_review, reasons)))
    return pages


def text_review(needs_review: bool, reasons) -> str:
    """The review reasons in Chinese when there is more to check than an inferred date, else ""."""
    reasons = reasons or []
    if not needs_review or all(code == ReviewReason.INFERRED_DATE for code in reasons):
        return ""
    return "、".join(ReviewReason(code).label for code in reasons if code in ReviewReason.values)


def issue_detail(request, year, month, day):
    issue, moved_to = issue_for(year, month, day)
    if moved_to:
        return redirect(moved_to, permanent=True)
    pages = pages_with_titles(issue)
    return render(request, "articles/issue.html", {
        "issue": issue,
        "pages": pages,
        "missing_pages": missing_pages(issue, pages),
        "previous_issue": Issue.objects.filter(date__lt=issue.date).order_by("-date").only("date").first(),
        "next_issue": Issue.objects.filter(date__gt=issue.date).order_by("date").only("date").first(),
    })


def missing_pages(issue, pages) -> list[int]:
    """Pages the masthead announced (今日N版) that the archive does not hold."""
    held = {page.number for page in pages}
    return [number for number in range(1, (issue.page_count or 0) + 1) if number not in held]


def page_detail(request, year, month, day, page):
    # The usual case in one query; the issue lookup only runs to tell a moved issue from a missing page.
    page_obj = Page.objects.select_related("issue", "section").filter(issue__date=parse_day(year, month, day), number=page).first()
    if page_obj is None:
        issue, moved_to = issue_for(year, month, day)
        if moved_to:
            return redirect("page", **date_kwargs(moved_to.date), page=page, permanent=True)
        raise Http404("没有这一版")
    issue = page_obj.issue
    numbers = sorted(issue.pages.values_list("number", flat=True))
    index = numbers.index(page_obj.number)
    staff = PageStaff.objects.filter(page=page_obj).select_related("person").order_by("position")
    articles = page_obj.articles.order_by("position").defer("raw_text", "byline_raw", "edited_fields")
    people: dict[int, list[tuple[str, str]]] = {}
    rows = Contribution.objects.filter(article__page=page_obj).order_by("position", "id").values_list("article_id", "role", "author__name")
    for article_id, role, name in rows:  # plain rows: cheaper than prefetch_related (see article_detail)
        people.setdefault(article_id, []).append((role_label(role), name))
    return render(request, "articles/page.html", {
        "issue": issue,
        "page": page_obj,
        "staff": staff,
        "entries": [(article, people.get(article.pk, [])) for article in articles],
        "previous_page": numbers[index - 1] if index > 0 else None,
        "next_page": numbers[index + 1] if index + 1 < len(numbers) else None,
    })


def article_detail(request, year, month, day, page, position):
    article = (
        Article.objects.select_related("page__issue", "page__section")
        .defer("raw_text", "byline_raw", "edited_fields")  # the editor's material, not the reader's
        .filter(page__issue__date=parse_day(year, month, day), page__number=page, position=position)
        .first()
    )
    if article is None:  # a moved issue redirects; anything else is a 404
        issue, moved_to = issue_for(year, month, day)
        if moved_to:
            return redirect("article", **date_kwargs(moved_to.date), page=page, position=position, permanent=True)
        raise Http404("没有这篇文章")
    issue = article.page.issue
    sequence = list(
        Article.objects.filter(page__issue=issue).order_by("page__number", "position")
        .values_list("page__number", "position", "headline", "kicker")
    )
    here = next(i for i, entry in enumerate(sequence) if entry[:2] == (page, position))
    # Plain rows, not prefetch_related: its machinery was a fifth of this view's time under load.
    people = Contribution.objects.filter(article=article).order_by("position", "id").values_list("role", "author__name", "author__slug")
    places = ArticleDistrict.objects.filter(article=article).order_by("-score").values_list("district__name", "district__slug")
    return render(request, "articles/article.html", {
        "issue": issue,
        "page": article.page,
        "article": article,
        "byline": byline_groups((role, Author(name=name, slug=slug)) for role, name, slug in people),
        "districts": [District(name=name, slug=slug) for name, slug in places],
        "reasons": review_labels(article, issue),
        "previous": _neighbour(issue, sequence, here - 1),
        "next": _neighbour(issue, sequence, here + 1),
        "absolute_url": request.build_absolute_uri(article.get_absolute_url()),
    })


def review_labels(article, issue) -> list[str]:
    """Why an editor should look at the article, in Chinese; the inferred date has its own notice."""
    shown_elsewhere = {ReviewReason.INFERRED_DATE} if article.date_inferred else set()
    return [ReviewReason(code).label for code in article.review_reasons if code in ReviewReason.values and code not in shown_elsewhere]


def byline_groups(people) -> list[tuple[str, list]]:
    """(role, author) pairs in byline order -> [("记者", [author, …]), ("通讯员", […])]."""
    groups: dict[str, list] = {}
    for role, author in people:
        groups.setdefault(role_label(role), []).append(author)
    return list(groups.items())


def role_label(role: str) -> str:
    """记者, 通讯员 … for a known role; an unknown one as the byline printed it."""
    return Role(role).label if role in Role.values else role


def _neighbour(issue, sequence, index):
    if not 0 <= index < len(sequence):
        return None
    page, position, headline, kicker = sequence[index]
    return {"page": page, "position": position, "title": headline or kicker or "（无标题）", "kwargs": {**date_kwargs(issue.date), "page": page, "position": position}}

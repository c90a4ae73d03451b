"""The paper as printed: an issue, one of its pages, one article."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render

from articles import reading
from articles.choices import ReviewReason
from articles.models.issues import date_kwargs
from articles.views.common import issue_for, parse_day

def issue_detail(request, year, month, day):
    # The usual case in one query; the lookup of a moved issue only runs when no issue has the date.
    found = reading.issue_at(parse_day(year, month, day))
    if found is None:
        _, moved_to = issue_for(year, month, day)  # a moved issue, or a 404
        if moved_to is None:  # imported between the two reads: there on the next request
            raise Http404("这一天没有报纸")
        return redirect(moved_to, permanent=True)
    issue, previous_issue, next_issue = found
    pages = reading.pages_with_titles(issue)
    return render(request, "articles/issue.html", {
        "issue": issue,
        "pages": pages,
        "missing_pages": missing_pages(issue, pages),
        "previous_issue": previous_issue,
        "next_issue": next_issue,
    })


def missing_pages(issue, pages) -> list[int]:
    """Pages the masthead announced (今日N版) that the archive does not hold."""
    held = {page.number for page in pages}
    return [number for number in range(1, (issue.page_count or 0) + 1) if number not in held]


def page_detail(request, year, month, day, page):
    # The usual case in one query; the issue lookup only runs to tell a moved issue from a missing page.
    page_obj = reading.page_at(parse_day(year, month, day), page)
    if page_obj is None:
        issue, moved_to = issue_for(year, month, day)
        if moved_to:
            return redirect("page", **date_kwargs(moved_to.date), page=page, permanent=True)
        raise Http404("没有这一版")
    issue = page_obj.issue
    numbers = reading.page_numbers(issue)
    index = numbers.index(page_obj.number)
    people = reading.page_bylines(page_obj)
    articles = reading.page_articles(page_obj)
    return render(request, "articles/page.html", {
        "issue": issue,
        "page": page_obj,
        "staff": reading.page_staff(page_obj),
        "entries": [(article, people.get(article.pk, [])) for article in articles],
        "previous_page": numbers[index - 1] if index > 0 else None,
        "next_page": numbers[index + 1] if index + 1 < len(numbers) else None,
    })


def article_detail(request, year, month, day, page, position):
    article = reading.article_at(parse_day(year, month, day), page, position)
    if article is None:  # a moved issue redirects; anything else is a 404
        issue, moved_to = issue_for(year, month, day)
        if moved_to:
            return redirect("article", **date_kwargs(moved_to.date), page=page, position=position, permanent=True)
        raise Http404("没有这篇文章")
    issue = article.page.issue
    sequence = reading.issue_sequence(issue)
    here = next(i for i, entry in enumerate(sequence) if entry[:2] == (page, position))
    return render(request, "articles/article.html", {
        "issue": issue,
        "page": article.page,
        "article": article,
        "byline": reading.article_byline(article.pk),
        "districts": reading.article_districts(article.pk),
        "reasons": review_labels(article, issue),
        "previous": _neighbour(issue, sequence, here - 1),
        "next": _neighbour(issue, sequence, here + 1),
        "absolute_url": request.build_absolute_uri(article.get_absolute_url()),
    })


def review_labels(article, issue) -> list[str]:
    """Why an editor should look at the article, in Chinese; the inferred date has its own notice."""
    shown_elsewhere = {ReviewReason.INFERRED_DATE} if article.date_inferred else set()
    return [ReviewReason(code).label for code in article.review_reasons if code in ReviewReason.values and code not in shown_elsewhere]


def _neighbour(issue, sequence, index):
    if not 0 <= index < len(sequence):
        return None
    page, position, headline, kicker = sequence[index]
    return {"page": page, "position": position, "title": headline or kicker or "（无标题）", "kwargs": {**date_kwargs(issue.date), "page": page, "position": position}}

"""Move an issue to its correct date: pages and articles follow, the old URL redirects."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from articles.editing import CorrectionError, stamp
from articles.models import Article, Issue, IssueDateRedirect
from articles.signals import notify_articles_changed

__all__ = ["CorrectionError", "move_issue_date"]


# An editor's date settles both doubts about it.
DATE_REASONS = {"inferred_date", "masthead_conflict"}


@transaction.atomic
def move_issue_date(issue: Issue, new_date: dt.date, user=None, reason: str = "") -> Issue:
    old_date = issue.date
    if new_date == old_date:
        raise CorrectionError("新日期与原日期相同。")
    if Issue.objects.filter(date=new_date).exclude(pk=issue.pk).exists():
        raise CorrectionError(f"{new_date:%Y-%m-%d} 已经有一期报纸;请先更正那一期的日期。")
    who = user.get_username() if user is not None and user.is_authenticated else "编辑"
    note = f"{who}更正日期:{old_date:%Y-%m-%d} → {new_date:%Y-%m-%d}" + (f"({reason})" if reason else "")
    issue.date = new_date
    issue.date_inferred = False  # confirmed by an editor
    issue.date_confidence = 1.0
    issue.date_evidence = [*issue.date_evidence, {"text": note, "line": 0, "resolved": new_date.isoformat(), "editor": who}]
    stamp(issue, user, reason or f"更正日期 {old_date} → {new_date}").save()
    IssueDateRedirect.objects.filter(old_date=new_date).delete()  # the new date is real now
    IssueDateRedirect.objects.update_or_create(old_date=old_date, defaults={"issue": issue})
    issue.pages.update(date_inferred=False)  # every file on the issue now has the editor's date
    articles = list(Article.objects.filter(page__issue=issue))
    for article in articles:
        article.published_on = new_date
        article.review_reasons = [r for r in article.review_reasons if r not in DATE_REASONS]
        article.needs_review = bool(article.review_reasons) and article.reviewed_at is None
        article.version += 1  # an editor's open form from before the move must not save the old state back
        stamp(article, user, f"所属一期更正日期 {old_date} → {new_date}")
        article.save(update_fields=["published_on", "review_reasons", "needs_review", "version", "updated_at"])
    ids = [a.pk for a in articles]
    transaction.on_commit(lambda: notify_articles_changed(ids))
    return issue

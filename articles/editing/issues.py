"""Move an issue to its correct date: pages and articles follow, the old URL redirects."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from articles.models import Article, Issue, IssueDateRedirect
from articles.signals import notify_articles_changed


class CorrectionError(ValueError):
    """A correction that can't be made; the message is for the editor."""


@transaction.atomic
def move_issue_date(issue: Issue, new_date: dt.date, editor_name: str = "") -> Issue:
    old_date = issue.date
    if new_date == old_date:
        raise CorrectionError("新日期与原日期相同。")
    if Issue.objects.filter(date=new_date).exclude(pk=issue.pk).exists():
        raise CorrectionError(f"{new_date:%Y-%m-%d} 已经有一期报纸;请先合并或更正那一期。")
    issue.date = new_date
    issue.date_inferred = False
    issue.date_confidence = 1.0
    issue.date_evidence = [*issue.date_evidence, {"text": f"编辑{editor_name}更正日期:{old_date:%Y-%m-%d} → {new_date:%Y-%m-%d}", "line": 0, "resolved": new_date.isoformat()}]
    issue._change_reason = f"更正日期 {old_date} → {new_date}"
    issue.save()
    IssueDateRedirect.objects.filter(old_date=new_date).delete()  # the new date is real now
    IssueDateRedirect.objects.update_or_create(old_date=old_date, defaults={"issue": issue})
    ids = list(Article.objects.filter(page__issue=issue).values_list("pk", flat=True))
    for article in Article.objects.filter(pk__in=ids):
        article.published_on = new_date
        reasons = [r for r in article.review_reasons if r != "inferred_date"]
        article.review_reasons = reasons
        article.needs_review = bool(reasons) and article.reviewed_at is None
        article.save(update_fields=["published_on", "review_reasons", "needs_review", "updated_at"])
    transaction.on_commit(lambda: notify_articles_changed(ids))
    return issue

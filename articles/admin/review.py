"""The review queue: what the importer flagged, counted by reason, with inferred-date issues beside it."""

from __future__ import annotations

from collections import Counter

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse

from articles.choices import ReviewReason
from articles.models import Article, Issue


def reason_counts(queryset) -> Counter:
    """Counted in Python over one column: portable across SQLite and PostgreSQL JSON, and the queue is small."""
    counts: Counter = Counter()
    for reasons in queryset.values_list("review_reasons", flat=True):
        counts.update(set(reasons or []))
    return counts


def review_queue_view(modeladmin, request):
    if not modeladmin.has_view_or_change_permission(request):
        raise PermissionDenied
    changelist = reverse("admin:articles_article_changelist")
    pending = Article.objects.filter(needs_review=True)
    counts = reason_counts(pending)
    rows = [
        {"label": label, "count": counts.get(code, 0), "url": f"{changelist}?needs_review__exact=1&reason={code}"}
        for code, label in ReviewReason.choices
    ]
    inferred = Issue.objects.filter(date_inferred=True).order_by("date")
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "title": "待审核队列",
        "pending_count": pending.count(),
        "pending_url": f"{changelist}?needs_review__exact=1",
        "rows": rows,
        "inferred_issues": inferred[:50],
        "inferred_count": inferred.count(),
        "inferred_url": reverse("admin:articles_issue_changelist") + "?date_inferred__exact=1",
    }
    return TemplateResponse(request, "admin/articles/review_queue.html", context)

"""One article as plain data: shared by the JSON API and the JSON Lines export."""

from __future__ import annotations

from django.db.models import Prefetch

from articles.models import Article, ArticleDistrict, Contribution


def with_relations(queryset):
    """Everything article_data() reads, in a fixed number of queries."""
    return queryset.select_related("page__issue", "page__section", "source_file").prefetch_related(
        Prefetch("contributions", queryset=Contribution.objects.select_related("author").order_by("position", "id")),
        Prefetch("district_links", queryset=ArticleDistrict.objects.select_related("district").order_by("-score", "district__position")),
    )


def article_data(article: Article) -> dict:
    issue = article.page.issue
    return {
        "id": article.pk,
        "url": article.get_absolute_url(),
        "issue_date": issue.date.isoformat(),
        "issue_date_inferred": article.date_inferred,
        "issue_number": issue.number,
        "page_number": article.page.number,
        "section": article.page.section.name if article.page.section else None,
        "kicker": article.kicker,
        "headline": article.headline,
        "subheadline": article.subheadline,
        "authors": [{"name": c.author.name, "role": c.role} for c in article.contributions.all()],
        "districts": [link.district.name for link in article.district_links.all()],
        "captions": article.captions,
        "needs_review": article.needs_review,
        "review_reasons": article.review_reasons,
    }

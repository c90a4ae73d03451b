"""python manage.py export_articles > articles.jsonl — one JSON object per article."""

from __future__ import annotations

import datetime as dt
import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Prefetch

from articles.models import Article, ArticleDistrict, Contribution
from articles.models.issues import date_kwargs


def article_url(article: Article) -> str:
    kwargs = date_kwargs(article.page.issue.date)
    return f"/{kwargs['year']}/{kwargs['month']}/{kwargs['day']}/{article.page.number}/{article.position}/"


def article_record(article: Article) -> dict:
    issue = article.page.issue
    return {
        "id": article.pk,
        "url": article_url(article),
        "source_file": article.source_file.path if article.source_file else None,
        "source_lines": [article.source_line_start, article.source_line_end],
        "issue_date": issue.date.isoformat(),
        "issue_date_inferred": issue.date_inferred,
        "issue_number": issue.number,
        "page_number": article.page.number,
        "section": article.page.section.name if article.page.section else None,
        "kicker": article.kicker,
        "headline": article.headline,
        "subheadline": article.subheadline,
        "authors": [{"name": c.author.name, "role": c.role} for c in article.contributions.all()],
        "districts": [link.district.name for link in article.district_links.all()],
        "body": article.body,
        "captions": article.captions,
        "needs_review": article.needs_review,
        "review_reasons": article.review_reasons,
    }


class Command(BaseCommand):
    help = "把文章导出为 JSON Lines(每行一篇),写到标准输出。"

    def add_arguments(self, parser):
        parser.add_argument("--since", type=dt.date.fromisoformat, help="first issue date (YYYY-MM-DD)")
        parser.add_argument("--until", type=dt.date.fromisoformat, help="last issue date (YYYY-MM-DD)")
        parser.add_argument("--dry-run", action="store_true", help="count what would be exported, write no records")

    def handle(self, *args, since=None, until=None, dry_run=False, **options):
        if since and until and since > until:
            raise CommandError("--since 晚于 --until (empty range)")
        articles = Article.objects.select_related("page__issue", "page__section", "source_file").order_by("published_on", "page__number", "position", "id")
        if since:
            articles = articles.filter(published_on__gte=since)
        if until:
            articles = articles.filter(published_on__lte=until)
        if dry_run:
            self.stderr.write(f"would export {articles.count()} articles")
            return
        articles = articles.prefetch_related(
            Prefetch("contributions", queryset=Contribution.objects.select_related("author").order_by("position", "id")),
            Prefetch("district_links", queryset=ArticleDistrict.objects.select_related("district").order_by("-score", "district__position")),
        )
        count = 0
        try:
            # iterator(chunk_size) streams with prefetching per chunk: memory stays flat at any size.
            for article in articles.iterator(chunk_size=1000):
                self.stdout.write(json.dumps(article_record(article), ensure_ascii=False))
                count += 1
            self.stdout.flush()
        except BrokenPipeError:
            sys.stderr.close()  # the reader (e.g. `head`) has had enough: stop quietly
            return
        self.stderr.write(f"exported {count} articles")

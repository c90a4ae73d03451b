"""python manage.py export_articles > articles.jsonl — one JSON object per article."""

from __future__ import annotations

import datetime as dt
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from articles.serializers import article_data, with_relations


def article_record(article: Article) -> dict:
    record = article_data(article)
    record.update(
        source_file=article.source_file.path if article.source_file else None,
        source_lines=[article.source_line_start, article.source_line_end],
        body=article.body,
    )
    return record


class Command(BaseCommand):
    help = "把文章导出为 JSON Lines(每行一篇),写到标准输出。"

    def add_arguments(self, parser):
        parser.add_argument("--since", type=dt.date.fromisoformat, help="first issue date (YYYY-MM-DD)")
        parser.add_argument("--until", type=dt.date.fromisoformat, help="last issue date (YYYY-MM-DD)")
        parser.add_argument("--dry-run", action="store_true", help="count what would be exported, write no records")

    def handle(self, *args, since=None, until=None, dry_run=False, **options):
        if since and until and since > until:
            raise CommandError("--since 晚于 --until (empty range)")
        articles = Article.objects.order_by("published_on", "page__number", "position", "id")
        if since:
            articles = articles.filter(published_on__gte=since)
        if until:
            articles = articles.filter(published_on__lte=until)
        if dry_run:
            self.stderr.write(f"would export {articles.count()} articles")
            return
        # The source file's full text and the raw lines are not exported: don't fetch them per row.
        articles = with_relations(articles).defer("raw_text", "source_file__text")
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

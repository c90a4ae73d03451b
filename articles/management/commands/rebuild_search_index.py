"""python manage.py rebuild_search_index [--dry-run] — rebuild the full-text index from the tables."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from tqdm import tqdm

from articles.models import Article
from articles.search import indexing


class Command(BaseCommand):
    help = "从文章表重建全文检索索引(分批进行,显示进度)。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count the articles, change nothing")
        parser.add_argument("--batch", type=int, default=indexing.BATCH, help="articles per batch")

    def handle(self, *args, dry_run=False, batch=indexing.BATCH, **options):
        total = Article.objects.count()
        if dry_run:
            self.stdout.write(f"would index {total} articles")
            return
        started = time.monotonic()
        with tqdm(total=total, desc="索引", unit="篇", file=sys.stderr, disable=not sys.stderr.isatty()) as bar:
            try:
                indexed = indexing.rebuild(progress=bar.update, batch=max(1, batch))
            except DatabaseError as exc:
                raise CommandError(f"重建索引失败 (index rebuild failed): {exc}") from exc
        self.stdout.write(f"indexed {indexed} articles in {time.monotonic() - started:.1f}s")

"""python manage.py rebuild_search_index [--dry-run] [--lanes N] — rebuild the full-text index from the tables."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from tqdm import tqdm

from articles.importing.lanes import MAX_LANES, check_lanes
from articles.models import Article
from articles.search import indexing


class Command(BaseCommand):
    help = "从文章表重建全文检索索引(分批进行,显示进度)。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count the articles, change nothing")
        parser.add_argument("--batch", type=int, default=indexing.BATCH, help="articles per batch")
        parser.add_argument(
            "--lanes", type=int, default=None, choices=range(1, MAX_LANES + 1), metavar="N",
            help="processes writing at once, PostgreSQL only (default: 2 there for 50+ batches on 2+ cores, else 1)",
        )

    def handle(self, *args, dry_run=False, batch=indexing.BATCH, lanes=None, **options):
        if lanes is not None:
            try:
                check_lanes(lanes)
            except ValueError as exc:  # several lanes on SQLite
                raise CommandError(str(exc), returncode=2) from exc
        total = Article.objects.count()
        if dry_run:
            self.stdout.write(f"would index {total} articles")
            return
        started = time.monotonic()
        with tqdm(total=total, desc="索引", unit="篇", file=sys.stderr, disable=not sys.stderr.isatty()) as bar:
            try:
                indexed = indexing.rebuild(progress=bar.update, batch=max(1, batch), lanes=lanes)
            except DatabaseError as exc:
                raise CommandError(f"重建索引失败 (index rebuild failed): {exc}") from exc
        self.stdout.write(f"indexed {indexed} articles in {time.monotonic() - started:.1f}s")

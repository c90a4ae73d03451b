"""python manage.py check_search_index [--fix] — report articles missing from / orphaned in the index."""

from django.core.management.base import BaseCommand, CommandError

from articles.search import indexing


class Command(BaseCommand):
    help = "检查全文索引与文章表是否一致;有差异时以非零状态退出。"

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="index the missing articles and drop orphaned rows")
        parser.add_argument("--dry-run", action="store_true", help="report only (the default without --fix)")

    def handle(self, *args, fix=False, dry_run=False, **options):
        found = indexing.mismatches()
        self.stdout.write(f"missing from index: {len(found['missing'])}  orphaned in index: {len(found['orphaned'])}")
        if not (found["missing"] or found["orphaned"]):
            self.stdout.write("search index is consistent with the articles table")
            return
        if fix and not dry_run:
            indexing.index_articles(found["missing"], found["orphaned"])
            self.stdout.write("fixed")
            return
        raise CommandError(f"search index mismatch: missing ids {found['missing'][:20]}, orphaned ids {found['orphaned'][:20]}")

"""python manage.py check_integrity — is the search index *current*, not just complete?

check_search_index compares ids (missing / orphaned rows). This also rebuilds every article's
document the way the indexer would and compares it with what is stored, so an edit or
re-import whose re-index was lost shows up as "stale". Exits non-zero on any finding.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from articles.models import Article
from articles.search import indexing
from articles.search.engines import PG_TABLE, SQLITE_TABLE, pg_document, pg_unigrams

BATCH = 500


def stale_ids(documents) -> list[int]:
    """Ids whose stored index row differs from the document built from the tables now."""
    if not documents:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"""SELECT v.id FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[]) AS v(id, t, b, bo, u)
                    JOIN {PG_TABLE} d ON d.article_id = v.id
                    WHERE d.document IS DISTINCT FROM ({pg_document('v.t', 'v.b', 'v.bo', 'v.u', 'v.id')})""",
                [[d.article_id for d in documents], [d.title for d in documents], [d.byline for d in documents],
                 [d.body for d in documents], [pg_unigrams(d.uni) for d in documents]],
            )
            return sorted(row[0] for row in cursor.fetchall())
        wanted = {d.article_id: (d.title, d.byline, d.body, d.uni) for d in documents}
        cursor.execute(
            f"SELECT rowid, title, byline, body, uni FROM {SQLITE_TABLE} WHERE rowid IN ({','.join(['%s'] * len(wanted))})", list(wanted)
        )
        return sorted(row[0] for row in cursor.fetchall() if tuple(row[1:]) != wanted[row[0]])


class Command(BaseCommand):
    help = "检查全文索引是否与文章表一致(缺失、多余、内容过期);有问题时以非零状态退出。"

    def handle(self, *args, **options):
        found = indexing.mismatches()
        stale: list[int] = []
        ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            documents = [indexing.document_for(a) for a in indexing._articles(ids[start : start + BATCH])]
            stale += stale_ids(documents)
        self.stdout.write(
            f"articles: {len(ids)}  missing from index: {len(found['missing'])}  orphaned: {len(found['orphaned'])}  stale: {len(stale)}"
        )
        if found["missing"] or found["orphaned"] or stale:
            raise CommandError(
                f"search index out of step: missing {found['missing'][:20]}, orphaned {found['orphaned'][:20]}, stale {stale[:20]} "
                "(fix with: manage.py rebuild_search_index)"
            )
        self.stdout.write("search index matches the articles table, row for row and word for word")

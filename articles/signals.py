"""Signals that decouple writers (importer, admin) from derived data (search index, page cache).

Send them from transaction.on_commit so receivers only ever see committed rows.
"""

from django.dispatch import Signal

# kwargs: article_ids (set[int]) changed or created; removed_ids (set[int]) deleted;
# documents: search documents the sender already built for some of article_ids (the importer's).
articles_changed = Signal()


def notify_articles_changed(article_ids=(), removed_ids=(), documents=()) -> None:
    articles_changed.send(sender=None, article_ids=set(article_ids), removed_ids=set(removed_ids), documents=list(documents))

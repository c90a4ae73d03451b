"""Keep the search index in step with the tables: after every commit, in batches."""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future

from django.db import transaction
from django.db.models import Prefetch
from django.db.models.signals import post_delete, post_save, pre_save

from articles.models import Article, Author, Contribution
from articles.search.documents import Document, build_document, document_text
from articles.search.engines import get_engine

BATCH = 500


def document_for(article: Article) -> Document:
    names = [c.author.name for c in article.contributions.all()]
    text = document_text(article.kicker, article.headline, article.subheadline, article.body, article.captions,
                         article.pull_quotes, names, article.byline_raw)
    return build_document(article.pk, *text)


def _articles(ids: list[int]):
    return (
        Article.objects.filter(pk__in=ids)
        .only("id", "kicker", "headline", "subheadline", "body", "captions", "pull_quotes", "byline_raw")
        .prefetch_related(Prefetch("contributions", queryset=Contribution.objects.select_related("author").only("article_id", "author__name")))
    )


def index_articles(article_ids: Iterable[int], removed_ids: Iterable[int] = (), documents: Iterable[Document] = ()) -> int:
    """Re-index articles from the tables; `documents` already built from the same values are written as they are.

    One transaction: an article's old document is deleted and its new one written with no commit
    between, or another writer (index_unannounced, in an import) can insert the same id there and
    this write fails on the duplicate after the editor's save has committed."""
    with transaction.atomic():
        return _index_articles(article_ids, removed_ids, documents)


def _index_articles(article_ids: Iterable[int], removed_ids: Iterable[int], documents: Iterable[Document]) -> int:
    ready = [d for d in documents if d.article_id in set(article_ids)]
    ids = sorted(set(article_ids) - {d.article_id for d in ready})
    engine = get_engine()
    removed = sorted(set(removed_ids))
    if removed:
        engine.write([], removed)
    for start in range(0, len(ready), BATCH):
        engine.write(ready[start : start + BATCH], [])
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        documents = [document_for(a) for a in _articles(chunk)]
        missing = set(chunk) - {d.article_id for d in documents}
        engine.write(documents, sorted(missing))
    return len(ids) + len(ready)


def rebuild(progress: Callable[[int], None] | None = None, batch: int = BATCH, lanes: int | None = None) -> int:
    """Rewrite every document from the tables, in id order, a batch per transaction. Each batch
    replaces its articles' documents in place and drops the documents of deleted articles in its
    id range, so searches find every article all along (clearing first left them a partial index
    for the whole run: 36 minutes at 1M). Written with the engine's bulk settings, as a large
    import is (at 100k on PostgreSQL, 254 s with the defaults, 205 s with them).

    `lanes`: processes writing at once (importing/lanes.py; several only on PostgreSQL). None
    chooses two there for a large archive: the server's share of the work, building and
    merging the documents' lexemes, then runs on both cores (the writing, at 100k: 161 -> 92 s)."""
    from articles.importing.lanes import Lanes, auto_lanes, check_lanes  # the import's lanes, which import this module's callers

    engine = get_engine()
    if lanes is None:
        lanes = auto_lanes(Article.objects.count() // max(1, batch))
    check_lanes(lanes)
    writers = Lanes(lanes, make_batch=None, load_context=False, settings=engine.bulk_write_settings, room=2)
    pending: deque[Future] = deque()
    total = 0
    last_id = 0
    try:
        for number in itertools.count():
            chunk = list(Article.objects.filter(pk__gt=last_id).order_by("pk").values_list("pk", flat=True)[:batch])
            upper = chunk[-1] if chunk else None
            pending.append(writers.submit(number, rewrite_range, last_id + 1, upper, chunk))
            while pending and (len(pending) > 2 * lanes or pending[0].done() or not chunk):
                written = pending.popleft().result()
                total += written
                if progress and written:
                    progress(written)
            if not chunk:
                break
            last_id = upper
    finally:
        writers.close()
    engine.repack()  # every document rewritten: the index's structures afresh
    return total


def rewrite_range(lane, first: int, last: int | None, ids: list[int]) -> int:
    """A rebuild's batch (in a lane): the documents of `ids`, the articles from `first` to `last`
    (None: to the end) when the batch was read, and none of articles gone from that range.

    Gone means gone now: an import's article that committed after the batch was read (a late
    commit of a lower id, or anything past the last batch) has its own document, which stays.
    The articles are read after the documents: a document is written once its article committed."""
    engine = get_engine()
    with transaction.atomic():
        indexed = engine.indexed_ids(between=(first, last))
        in_range = Article.objects.filter(pk__gte=first) if last is None else Article.objects.filter(pk__gte=first, pk__lte=last)
        gone = indexed - set(in_range.values_list("pk", flat=True))
        engine.write([document_for(a) for a in _articles(ids)], sorted(gone))
    return len(ids)


def flush() -> int:
    """Fold what writes left pending into the full-text index (see the engines' flush())."""
    return get_engine().flush()


def compact() -> None:
    """Merge the full-text index into its fastest shape (see the engines' compact())."""
    get_engine().compact()


def index_unannounced(recent_files: int) -> int:
    """Index the articles of the last imported files that the index lacks; returns how many.

    The importer announces committed files to the index in batches: a run killed between a
    file's commit and its batch's announcement leaves that file's articles out of the index,
    and the next run skips the file as unchanged. Its files are the most recently imported.
    """
    from articles.models import SourceFile

    files = SourceFile.objects.filter(imported_at__isnull=False).order_by("-imported_at").values("pk")[:recent_files]
    ids = list(Article.objects.filter(source_file__in=files).values_list("pk", flat=True))
    missing = sorted(set(ids) - get_engine().indexed_ids(among=ids))
    if missing:
        with transaction.atomic():
            index_articles(missing)
    return len(missing)


def mismatches() -> dict[str, list[int]]:
    """Articles missing from the index, and index rows whose article is gone."""
    indexed = get_engine().indexed_ids()
    actual = set(Article.objects.values_list("pk", flat=True))
    return {"missing": sorted(actual - indexed), "orphaned": sorted(indexed - actual)}


def _on_articles_changed(sender, article_ids=(), removed_ids=(), documents=(), **kwargs) -> None:
    index_articles(article_ids, removed_ids, documents)


def _after_commit(ids: Callable[[], tuple[set[int], set[int]]]):
    def handler(sender, instance, **kwargs):
        changed, removed = ids(instance, kwargs)
        transaction.on_commit(lambda: index_articles(changed, removed))

    return handler


def _remember_author_name(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if instance.pk and not raw and (update_fields is None or "name" in update_fields):
        instance._name_before_save = Author.objects.filter(pk=instance.pk).values_list("name", flat=True).first()


def _reindex_renamed_author(sender, instance, created=False, raw=False, **kwargs) -> None:
    """A corrected author name is in every document of their articles: re-index those after commit."""
    before = instance.__dict__.pop("_name_before_save", None)
    if created or raw or before is None or before == instance.name:
        return
    author_id = instance.pk

    def reindex() -> None:
        # Read at commit time: a merge in the same transaction may have moved contributions.
        index_articles(Contribution.objects.filter(author_id=author_id).values_list("article_id", flat=True).distinct())

    transaction.on_commit(reindex)


def connect() -> None:
    from articles.signals import articles_changed

    articles_changed.connect(_on_articles_changed, dispatch_uid="search-articles-changed")
    # Editors' saves in the admin: re-index the article after the transaction commits.
    post_save.connect(_after_commit(lambda a, kw: ({a.pk}, set())), sender=Article, dispatch_uid="search-article-save", weak=False)
    post_delete.connect(_after_commit(lambda a, kw: (set(), {a.pk})), sender=Article, dispatch_uid="search-article-delete", weak=False)
    for signal, name in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(_after_commit(lambda row, kw: ({row.article_id}, set())), sender=Contribution, dispatch_uid=f"search-contribution-{name}", weak=False)
    # A renamed author (an editor fixing a mangled byline name) changes the documents of all their articles.
    pre_save.connect(_remember_author_name, sender=Author, dispatch_uid="search-author-name-before", weak=False)
    post_save.connect(_reindex_renamed_author, sender=Author, dispatch_uid="search-author-renamed", weak=False)

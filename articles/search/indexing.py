"""Keep the search index in step with the tables: after every commit, in batches."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Prefetch
from django.db.models.signals import post_delete, post_save

from articles.models import Article, Contribution
from articles.search.engines import Document, build_document, get_engine

BATCH = 500


def document_for(article: Article) -> Document:
    names = " ".join(c.author.name for c in article.contributions.all())
    title = " ".join(x for x in (article.kicker, article.headline, article.subheadline) if x)
    body = "\n".join([article.body, *article.captions, *article.pull_quotes])
    return build_document(article.pk, title, f"{names} {article.byline_raw}", body)


def _articles(ids: list[int]):
    return (
        Article.objects.filter(pk__in=ids)
        .only("id", "kicker", "headline", "subheadline", "body", "captions", "pull_quotes", "byline_raw")
        .prefetch_related(Prefetch("contributions", queryset=Contribution.objects.select_related("author").only("article_id", "author__name")))
    )


def index_articles(article_ids: Iterable[int], removed_ids: Iterable[int] = ()) -> int:
    ids = sorted(set(article_ids))
    engine = get_engine()
    removed = sorted(set(removed_ids))
    if removed:
        engine.write([], removed)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        documents = [document_for(a) for a in _articles(chunk)]
        missing = set(chunk) - {d.article_id for d in documents}
        engine.write(documents, sorted(missing))
    return len(ids)


def rebuild(progress: Callable[[int], None] | None = None, batch: int = BATCH) -> int:
    engine = get_engine()
    engine.clear()
    total = 0
    last_id = 0
    while True:
        chunk = list(Article.objects.filter(pk__gt=last_id).order_by("pk").values_list("pk", flat=True)[:batch])
        if not chunk:
            return total
        with transaction.atomic():
            engine.write([document_for(a) for a in _articles(chunk)], [])
        total += len(chunk)
        last_id = chunk[-1]
        if progress:
            progress(len(chunk))


def mismatches() -> dict[str, list[int]]:
    """Articles missing from the index, and index rows whose article is gone."""
    indexed = get_engine().indexed_ids()
    actual = set(Article.objects.values_list("pk", flat=True))
    return {"missing": sorted(actual - indexed), "orphaned": sorted(indexed - actual)}


def _on_articles_changed(sender, article_ids=(), removed_ids=(), **kwargs) -> None:
    index_articles(article_ids, removed_ids)


def _after_commit(ids: Callable[[], tuple[set[int], set[int]]]):
    def handler(sender, instance, **kwargs):
        changed, removed = ids(instance, kwargs)
        transaction.on_commit(lambda: index_articles(changed, removed))

    return handler


def connect() -> None:
    from articles.signals import articles_changed

    articles_changed.connect(_on_articles_changed, dispatch_uid="search-articles-changed")
    # Editors' saves in the admin: re-index the article after the transaction commits.
    post_save.connect(_after_commit(lambda a, kw: ({a.pk}, set())), sender=Article, dispatch_uid="search-article-save", weak=False)
    post_delete.connect(_after_commit(lambda a, kw: (set(), {a.pk})), sender=Article, dispatch_uid="search-article-delete", weak=False)
    for signal, name in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(_after_commit(lambda row, kw: ({row.article_id}, set())), sender=Contribution, dispatch_uid=f"search-contribution-{name}", weak=False)

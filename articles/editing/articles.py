"""Split an article at a paragraph, merge it into the previous one, replace its districts."""

from __future__ import annotations

from django.db import transaction

from articles.choices import SetBy
from articles.editing import CorrectionError, stamp
from articles.models import Article, ArticleDistrict, Contribution, District, RemovedArticle
from articles.signals import notify_articles_changed


def _shift_positions(page_id: int, after: int, by: int, user, reason: str) -> None:
    """Move the articles after `after` on a page by `by` places, one save each so history records it."""
    order = "-position" if by > 0 else "position"  # no transient duplicates on the way
    for later in Article.objects.filter(page_id=page_id, position__gt=after).order_by(order):
        later.position += by
        later.version += 1
        stamp(later, user, reason).save(update_fields=["position", "version", "updated_at"])


@transaction.atomic
def split_article(article: Article, paragraph_index: int, user=None, reason: str = "", headline: str = "") -> Article:
    """Paragraphs from `paragraph_index` (0-based) on become a new article right after this one.

    The byline usually covers the whole story, so contributions and districts are copied to the new
    part rather than guessed apart; the editor removes any that don't belong.
    """
    article = Article.objects.select_for_update().get(pk=article.pk)
    paragraphs = article.paragraphs
    if not 0 < paragraph_index < len(paragraphs):
        raise CorrectionError("请选择第二段或之后的段落作为新文章的开头。")
    why = reason or f"拆分文章:第{paragraph_index + 1}段起成为新文章"
    _shift_positions(article.page_id, article.position, 1, user, why)
    second = Article(
        page_id=article.page_id,
        position=article.position + 1,
        published_on=article.published_on,
        headline=headline,
        body="\n\n".join(paragraphs[paragraph_index:]),
        # No source file: re-imports pair file articles by (file, index), and this part has no index of its own.
        source_line_start=article.source_line_start,
        source_line_end=article.source_line_end,
        raw_text=article.raw_text,
        needs_review=not headline,
        review_reasons=[] if headline else ["missing_headline"],
        edited_fields=["authors", "body", "districts", "headline"],
    )
    stamp(second, user, why).save()
    for c in article.contributions.all():
        stamp(Contribution(article=second, author_id=c.author_id, role=c.role, position=c.position, set_by=SetBy.EDITOR), user, why).save()
    for d in article.district_links.all():
        stamp(ArticleDistrict(article=second, district_id=d.district_id, score=d.score, set_by=SetBy.EDITOR), user, why).save()
    article.body = "\n\n".join(paragraphs[:paragraph_index])
    article.edited_fields = sorted({*article.edited_fields, "body"})
    article.version += 1
    stamp(article, user, f"{why}(拆出 #{second.pk})").save()
    ids = [article.pk, second.pk]
    transaction.on_commit(lambda: notify_articles_changed(ids))
    return second


@transaction.atomic
def merge_into_previous(article: Article, user=None, reason: str = "") -> Article:
    """Append this article (its headings, body, captions, quotes, byline, people, districts) to the previous one on its page."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    previous = Article.objects.select_for_update().filter(page_id=article.page_id, position__lt=article.position).order_by("-position").first()
    if previous is None:
        raise CorrectionError("这是本版第一篇文章,没有可以合并进去的上一篇。")
    why = reason or f"合并文章:原第{article.position}篇《{article.display_title}》并入"
    heading = "\n\n".join(x for x in (article.kicker, article.headline, article.subheadline) if x)
    previous.body = "\n\n".join(p for p in (previous.body, heading, article.body) if p)
    previous.captions = [*previous.captions, *article.captions]
    previous.pull_quotes = [*previous.pull_quotes, *article.pull_quotes]
    previous.byline_raw = "\n".join(x for x in (previous.byline_raw, article.byline_raw) if x)
    if article.needs_review and not previous.reviewed_at:
        previous.review_reasons = sorted({*previous.review_reasons, *article.review_reasons})
        previous.needs_review = True
    previous.edited_fields = sorted({*previous.edited_fields, "authors", "body", "byline_raw", "captions", "districts", "pull_quotes"})
    previous.version += 1
    stamp(previous, user, why).save()
    held = set(previous.contributions.values_list("author_id", "role"))
    last = max((c.position for c in previous.contributions.all()), default=0)
    for c in article.contributions.order_by("position", "pk"):
        if (c.author_id, c.role) not in held:
            last += 1
            stamp(Contribution(article=previous, author_id=c.author_id, role=c.role, position=last, set_by=SetBy.EDITOR), user, why).save()
            held.add((c.author_id, c.role))
    linked = set(previous.district_links.values_list("district_id", flat=True))
    for d in article.district_links.all():
        if d.district_id not in linked:
            stamp(ArticleDistrict(article=previous, district_id=d.district_id, score=d.score, set_by=SetBy.EDITOR), user, why).save()
    previous.district_links.update(set_by=SetBy.EDITOR)  # the united set is the editor's now
    removed, page_id, position = article.pk, article.page_id, article.position
    RemovedArticle.record(article, user, why, merged_into=previous)  # a re-import must not bring it back
    stamp(article, user, why).delete()
    _shift_positions(page_id, position, -1, user, why)
    transaction.on_commit(lambda: notify_articles_changed([previous.pk], [removed]))
    return previous


@transaction.atomic
def retag_districts(articles, districts: list[District], user=None, reason: str = "") -> list[int]:
    """Replace each article's districts with `districts`, as the editor's choice (outranks the importer's)."""
    wanted = {d.pk: d for d in districts}
    why = reason or ("改为区县:" + "、".join(d.name for d in districts) if districts else "清除区县")
    ids = []
    for article in Article.objects.select_for_update().filter(pk__in=[a.pk for a in articles]):
        for link in article.district_links.all():
            if link.district_id in wanted:
                if link.set_by != SetBy.EDITOR:
                    link.set_by = SetBy.EDITOR
                    stamp(link, user, why).save()
            else:
                stamp(link, user, why).delete()
        have = set(article.district_links.values_list("district_id", flat=True))
        for pk in wanted.keys() - have:
            stamp(ArticleDistrict(article=article, district_id=pk, score=1.0, set_by=SetBy.EDITOR), user, why).save()
        article.edited_fields = sorted({*article.edited_fields, "districts"})
        article.version += 1
        stamp(article, user, why).save(update_fields=["edited_fields", "version", "updated_at"])
        ids.append(article.pk)
    transaction.on_commit(lambda: notify_articles_changed(ids))
    return ids

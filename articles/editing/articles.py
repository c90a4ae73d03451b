"""Split an article at a paragraph, or merge it into the previous article on its page."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from articles.editing.issues import CorrectionError
from articles.models import Article, ArticleDistrict, Contribution
from articles.signals import notify_articles_changed


@transaction.atomic
def split_article(article: Article, paragraph_index: int, new_headline: str = "") -> Article:
    """Paragraphs from `paragraph_index` on become a new article right after this one."""
    paragraphs = article.paragraphs
    if not 0 < paragraph_index < len(paragraphs):
        raise CorrectionError("请选择第二段或之后的段落作为新文章的开头。")
    # Make room: later articles on the page move down one place.
    Article.objects.filter(page=article.page, position__gt=article.position).update(position=F("position") + 1)
    second = Article.objects.create(
        page=article.page,
        position=article.position + 1,
        published_on=article.published_on,
        headline=new_headline,
        body="\n\n".join(paragraphs[paragraph_index:]),
        source_file=article.source_file,
        source_line_start=article.source_line_start,
        source_line_end=article.source_line_end,
        raw_text=article.raw_text,
        needs_review=not new_headline,
        review_reasons=[] if new_headline else ["missing_headline"],
        edited_fields=["headline", "body", "authors", "districts"],
    )
    # The byline usually covers both halves: copy people and districts (nothing is lost).
    Contribution.objects.bulk_create(
        [Contribution(article=second, author_id=c.author_id, role=c.role, position=c.position, set_by="editor") for c in article.contributions.all()]
    )
    ArticleDistrict.objects.bulk_create(
        [ArticleDistrict(article=second, district_id=d.district_id, score=d.score, set_by="editor") for d in article.district_links.all()]
    )
    article.body = "\n\n".join(paragraphs[:paragraph_index])
    article.edited_fields = sorted({*article.edited_fields, "body"})
    article._change_reason = f"拆分:第{paragraph_index + 1}段起成为新文章 #{second.pk}"
    article.save()
    ids = [article.pk, second.pk]
    transaction.on_commit(lambda: notify_articles_changed(ids))
    return second


@transaction.atomic
def merge_into_previous(article: Article) -> Article:
    """Append this article to the one before it on the same page, then remove it."""
    previous = Article.objects.filter(page=article.page, position__lt=article.position).order_by("-position").first()
    if previous is None:
        raise CorrectionError("这是本版第一篇文章,没有可以合并进去的上一篇。")
    heading = "\n\n".join(x for x in (article.kicker, article.headline, article.subheadline) if x)
    parts = [previous.body, heading, article.body]
    previous.body = "\n\n".join(p for p in parts if p)
    previous.captions = [*previous.captions, *article.captions]
    previous.pull_quotes = [*previous.pull_quotes, *article.pull_quotes]
    if article.byline_raw:
        previous.byline_raw = "\n".join(x for x in (previous.byline_raw, article.byline_raw) if x)
    previous.edited_fields = sorted({*previous.edited_fields, "body", "captions", "pull_quotes", "byline_raw", "authors", "districts"})
    previous._change_reason = f"合并:并入原第{article.position}篇 #{article.pk}"
    previous.save()
    for contribution in article.contributions.all():
        if not Contribution.objects.filter(article=previous, author_id=contribution.author_id, role=contribution.role).exists():
            Contribution.objects.create(article=previous, author_id=contribution.author_id, role=contribution.role, position=100 + contribution.position, set_by="editor")
    for link in article.district_links.all():
        ArticleDistrict.objects.get_or_create(article=previous, district_id=link.district_id, defaults={"set_by": "editor", "score": link.score})
    removed, page, position = article.pk, article.page, article.position
    article.delete()
    Article.objects.filter(page=page, position__gt=position).update(position=F("position") - 1)
    transaction.on_commit(lambda: notify_articles_changed([previous.pk], [removed]))
    return previous

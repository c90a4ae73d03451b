"""Merge duplicate people (a mangled byline name) into the surviving author."""

from __future__ import annotations

from django.db import transaction

from articles.editing import CorrectionError, stamp
from articles.models import Article, Author, Contribution, PageStaff
from articles.signals import notify_articles_changed


@transaction.atomic
def merge_authors(survivor: Author, duplicates: list[Author], user=None, reason: str = "") -> dict[str, int]:
    """Move contributions and page roles to `survivor`, then delete the duplicates.

    Where the survivor already holds the same role on the same article or page, the duplicate's row
    says nothing new and is dropped; every other row moves.
    """
    duplicates = [d for d in duplicates if d.pk != survivor.pk]
    if not duplicates:
        raise CorrectionError("请至少选择一位要并入的重复作者。")
    why = reason or f"合并作者:{'、'.join(d.name for d in duplicates)} → {survivor.name}"
    moved = {"contributions": 0, "page_roles": 0, "authors_removed": 0}
    touched: set[int] = set()
    held = set(Contribution.objects.filter(author=survivor).values_list("article_id", "role"))
    for contribution in Contribution.objects.filter(author__in=duplicates).order_by("pk"):
        touched.add(contribution.article_id)
        key = (contribution.article_id, contribution.role)
        stamp(contribution, user, why)
        if key in held:
            contribution.delete()
        else:
            contribution.author, contribution.set_by = survivor, "editor"
            contribution.save()
            held.add(key)
        moved["contributions"] += 1
    staffed = set(PageStaff.objects.filter(person=survivor).values_list("page_id", "role"))
    for role in PageStaff.objects.filter(person__in=duplicates).order_by("pk"):
        key = (role.page_id, role.role)
        if key in staffed:
            role.delete()
        else:
            role.person = survivor
            role.save()
            staffed.add(key)
        moved["page_roles"] += 1
    for duplicate in duplicates:
        stamp(duplicate, user, why).delete()
        moved["authors_removed"] += 1
    for article in Article.objects.filter(pk__in=touched):
        article.edited_fields = sorted({*article.edited_fields, "authors"})
        article.version += 1
        stamp(article, user, why).save(update_fields=["edited_fields", "version", "updated_at"])
    transaction.on_commit(lambda: notify_articles_changed(touched))
    return moved

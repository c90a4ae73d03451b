"""Merge duplicate people (a mangled byline name) into the surviving author."""

from __future__ import annotations

from django.db import transaction

from articles.models import Author, Contribution, PageStaff
from articles.signals import notify_articles_changed


@transaction.atomic
def merge_authors(survivor: Author, duplicates: list[Author]) -> dict[str, int]:
    """Move contributions and page roles to `survivor`, then delete the duplicates."""
    moved = {"contributions": 0, "page_roles": 0, "authors_removed": 0}
    touched: set[int] = set()
    for duplicate in duplicates:
        if duplicate.pk == survivor.pk:
            continue
        for contribution in Contribution.objects.filter(author=duplicate):
            touched.add(contribution.article_id)
            clash = Contribution.objects.filter(article_id=contribution.article_id, author=survivor, role=contribution.role).exists()
            if clash:
                contribution.delete()  # the survivor already holds this role on this article
            else:
                contribution.author = survivor
                contribution.save()
            moved["contributions"] += 1
        for role in PageStaff.objects.filter(person=duplicate):
            if PageStaff.objects.filter(page_id=role.page_id, person=survivor, role=role.role).exists():
                role.delete()
            else:
                role.person = survivor
                role.save()
            moved["page_roles"] += 1
        duplicate.delete()
        moved["authors_removed"] += 1
    from articles.models import Article

    for article in Article.objects.filter(pk__in=touched):
        if "authors" not in article.edited_fields:
            article.edited_fields = [*article.edited_fields, "authors"]
            article.save(update_fields=["edited_fields"])
    transaction.on_commit(lambda: notify_articles_changed(touched))
    return moved

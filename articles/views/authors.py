"""作者: people with their counts by role, and each person's articles and page-staff roles."""

from __future__ import annotations

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from articles.cache import cached_view
from articles.choices import Role, StaffRole
from articles.filters import ArticleListFilter, AuthorListFilter
from articles.models import Article, Author
from articles.views.common import paginate, query_without


STAFF_PAGES = 30  # the most recent pages a person edited; the counts above cover the rest


def author_list(request):
    role_counts = {
        role: Count("contributions", filter=Q(contributions__role=role), distinct=True) for role in Role.values
    }
    authors = (
        Author.objects.annotate(
            total=Count("contributions", distinct=True), staffed=Count("page_roles", distinct=True), **role_counts
        )
        .filter(Q(total__gt=0) | Q(staffed__gt=0))
        .order_by("-total", "slug")
    )
    filterset = AuthorListFilter(request.GET or None, queryset=authors)
    page_obj = paginate(request, filterset.qs, per_page=50)
    rows = [
        {"author": a, "total": a.total, "staffed": a.staffed, "initial": a.slug[:1].upper(),
         "roles": [(label, getattr(a, value)) for value, label in Role.choices if getattr(a, value)]}
        for a in page_obj
    ]
    return render(request, "articles/author_list.html", {
        "page_obj": page_obj, "rows": rows, "filter": filterset, "by_pinyin": filterset.by_pinyin,
        "query": query_without(request, "page"),
    })


@cached_view
def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    base = Article.objects.filter(contributions__author=author).distinct()
    filterset = ArticleListFilter(request.GET or None, queryset=base.for_listing().newest_first(), author=author)
    roles = author.contributions.values("role").annotate(n=Count("id")).order_by("-n")
    staff_roles = author.page_roles.values("role").annotate(n=Count("id")).order_by("-n")
    summary = [f"{Role(r['role']).label} {r['n']} 篇" for r in roles if r["role"] in Role.values]
    summary += [f"{StaffRole(r['role']).label} {r['n']} 个版面" for r in staff_roles if r["role"] in StaffRole.values]
    return render(request, "articles/author_detail.html", {
        "author": author,
        "summary": summary,
        "has_articles": bool(roles),
        "staffed_pages": author.page_roles.select_related("page__issue", "page__section").order_by("-page__issue__date", "page__number")[:STAFF_PAGES],
        "filter": filterset,
        "page_obj": paginate(request, filterset.qs),
        "query": query_without(request, "page"),
    })

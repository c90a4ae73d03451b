"""Authors: search, counts, and merging duplicates."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Count
from django.shortcuts import render
from simple_history.admin import SimpleHistoryAdmin

from articles.admin.actions import ValidSelectionMixin
from articles.editing.people import merge_authors
from articles.models import Author, Contribution


@admin.register(Author)
class AuthorAdmin(ValidSelectionMixin, SimpleHistoryAdmin):
    list_display = ["name", "slug", "article_count", "page_role_count"]
    search_fields = ["name", "slug"]
    actions = ["merge_action"]
    readonly_fields = ["slug"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(articles_n=Count("contributions", distinct=True), pages_n=Count("page_roles", distinct=True))

    @admin.display(description="署名文章", ordering="articles_n")
    def article_count(self, obj):
        return obj.articles_n

    @admin.display(description="版面职务", ordering="pages_n")
    def page_role_count(self, obj):
        return obj.pages_n

    @admin.action(description="合并为同一人…")
    def merge_action(self, request, queryset):
        people = list(queryset.order_by("name"))
        if len(people) < 2:
            self.message_user(request, "请至少选择两位作者再合并。", messages.WARNING)
            return None
        if request.POST.get("survivor"):
            survivor = next((p for p in people if str(p.pk) == request.POST["survivor"]), None)
            if survivor is None:
                self.message_user(request, "请选择保留的姓名。", messages.ERROR)
                return None
            moved = merge_authors(survivor, [p for p in people if p.pk != survivor.pk])
            self.message_user(
                request,
                f"已合并到“{survivor.name}”:转移署名 {moved['contributions']} 条、版面职务 {moved['page_roles']} 条,删除重复作者 {moved['authors_removed']} 位。",
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "people": people,
            "counts": {p.pk: Contribution.objects.filter(author=p).count() for p in people},
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "title": "合并作者",
        }
        return render(request, "admin/articles/author/merge.html", context)


class ContributionAdmin(ValidSelectionMixin, admin.ModelAdmin):
    list_display = ["article", "author", "role", "set_by"]
    autocomplete_fields = ["author"]


admin.site.register(Contribution, ContributionAdmin)

"""Authors: search, counts, and merging duplicates."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count

from articles.admin import corrections, related_history
from articles.admin.actions import ValidSelectionMixin
from articles.admin.forms import MergeAuthorsForm
from articles.admin.history import HistoryAdmin
from articles.choices import SetBy
from articles.editing import CorrectionError
from articles.editing.people import merge_authors
from articles.models import Article, Author, Contribution
from articles.signals import notify_articles_changed
from articles.slugs import pinyin_slug, unique_slug


@admin.register(Author)
class AuthorAdmin(ValidSelectionMixin, HistoryAdmin):
    list_display = ["name", "slug", "article_count", "page_role_count"]
    search_fields = ["name", "slug"]
    actions = ["merge_action"]
    readonly_fields = ["slug"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(articles_n=Count("contributions", distinct=True), pages_n=Count("page_roles", distinct=True))

    def save_model(self, request, obj, form, change):
        if not obj.slug:  # a pinyin permalink; kept when the name is corrected later
            obj.slug = new_slug(Author, obj.name)
        super().save_model(request, obj, form, change)

    @admin.display(description="署名文章", ordering="articles_n")
    def article_count(self, obj):
        return obj.articles_n

    @admin.display(description="版面职务", ordering="pages_n")
    def page_role_count(self, obj):
        return obj.pages_n

    @admin.action(description="合并为同一人…", permissions=["change"])  # bylines move to the survivor: nothing is lost
    def merge_action(self, request, queryset):
        people = list(queryset.order_by("name"))
        if len(people) < 2:
            self.message_user(request, "请至少选择两位作者再合并。", messages.WARNING)
            return None
        counts = dict(Contribution.objects.filter(author__in=people).values_list("author").annotate(n=Count("id")).values_list("author", "n"))
        form = corrections.action_form(request, MergeAuthorsForm, people=people, counts=counts)
        if form.is_bound and form.is_valid():
            survivor = next(p for p in people if p.pk == form.cleaned_data["survivor"])
            try:
                moved = merge_authors(survivor, [p for p in people if p.pk != survivor.pk], request.user, form.cleaned_data["reason"])
            except CorrectionError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return None
            self.message_user(
                request,
                f"已合并到“{survivor.name}”:转移署名 {moved['contributions']} 条、版面职务 {moved['page_roles']} 条,删除重复作者 {moved['authors_removed']} 位。",
                messages.SUCCESS,
            )
            return None
        return corrections.render_confirmation(self, request, queryset, "admin/articles/author/merge.html", "合并作者", form)


class ContributionAdmin(ValidSelectionMixin, HistoryAdmin):
    list_display = ["article", "author", "role", "set_by"]
    list_select_related = ["article", "author"]
    list_filter = ["role", "set_by"]
    search_fields = ["author__name", "article__headline"]
    autocomplete_fields = ["author"]
    raw_id_fields = ["article"]
    readonly_fields = ["set_by"]

    def save_model(self, request, obj, form, change):
        if change:  # an importer row has no history yet: record it, so reverting the article can bring it back
            related_history.ensure_baseline(Contribution, obj.article)
        obj.set_by = SetBy.EDITOR
        super().save_model(request, obj, form, change)
        mark_authors_edited(obj.article_id)

    def delete_model(self, request, obj):
        article_id = obj.article_id
        super().delete_model(request, obj)
        mark_authors_edited(article_id)


def new_slug(model, name: str) -> str:
    base = pinyin_slug(name, 54)
    return unique_slug(name, set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True)))


def mark_authors_edited(article_id: int) -> None:
    """A byline changed outside the article form: a re-import keeps the editor's people."""
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_id)
        article.edited_fields = sorted({*article.edited_fields, "authors"})
        article.version += 1
        article.save(update_fields=["edited_fields", "version", "updated_at"])
    transaction.on_commit(lambda: notify_articles_changed([article_id]))


admin.site.register(Contribution, ContributionAdmin)

"""Issues, pages, sections and source files; the fix-a-date form."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from articles.admin.forms import MoveDateForm
from articles.admin.history import HistoryAdmin
from articles.admin.people import new_slug
from articles.editing import CorrectionError
from articles.editing.issues import move_issue_date
from articles.models import Article, Issue, Page, PageStaff, Section, SourceFile
from articles.signals import notify_articles_changed


class PageInline(admin.TabularInline):
    model = Page
    fields = ["number", "section", "section_label"]
    extra = 0
    show_change_link = True


class StaffInline(admin.TabularInline):
    model = PageStaff
    fields = ["person", "role", "position"]
    autocomplete_fields = ["person"]
    extra = 0


@admin.register(Issue)
class IssueAdmin(HistoryAdmin):
    list_display = ["date", "number", "page_count", "date_inferred", "date_confidence", "page_total"]
    list_filter = ["date_inferred"]
    search_fields = ["number"]
    date_hierarchy = "date"
    inlines = [PageInline]
    readonly_fields = ["date", "move_date_link", "date_evidence"]
    fields = ["date", "move_date_link", "number", "page_count", "date_inferred", "date_confidence", "date_evidence"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(pages_n=Count("pages"))

    @admin.display(description="版数(已导入)", ordering="pages_n")
    def page_total(self, obj):
        return obj.pages_n

    @admin.display(description="更正日期")
    def move_date_link(self, obj):
        if not obj.pk:
            return "—"
        return format_html('<a class="button" href="{}">更正这一期的日期…</a>', reverse("admin:articles_issue_move_date", args=[obj.pk]))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.changed_data:  # the issue number and page count show on its articles' pages
            ids = list(Article.objects.filter(page__issue=obj).values_list("pk", flat=True))
            transaction.on_commit(lambda: notify_articles_changed(ids))

    def get_urls(self):
        return [path("<int:pk>/move-date/", self.admin_site.admin_view(self.move_date_view), name="articles_issue_move_date")] + super().get_urls()

    def move_date_view(self, request, pk):
        issue = get_object_or_404(Issue, pk=pk)
        if not self.has_change_permission(request, issue):
            raise PermissionDenied
        form = MoveDateForm(request.POST or None, initial={"new_date": issue.date})
        if request.method == "POST" and form.is_valid():
            old = issue.date
            try:
                move_issue_date(issue, form.cleaned_data["new_date"], request.user, form.cleaned_data["reason"])
            except CorrectionError as exc:
                form.add_error("new_date", str(exc))
            else:
                self.message_user(request, f"已将 {old:%Y-%m-%d} 这一期改为 {issue.date:%Y-%m-%d};旧链接会自动跳转。", messages.SUCCESS)
                return redirect("admin:articles_issue_change", issue.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": issue,
            "issue": issue,
            "form": form,
            "page_count": issue.pages.count(),
            "article_count": Article.objects.filter(page__issue=issue).count(),
            "title": f"更正日期:{issue}",
        }
        return render(request, "admin/articles/issue/move_date.html", context, status=400 if form.errors else 200)


@admin.register(Page)
class PageAdmin(HistoryAdmin):
    list_display = ["__str__", "section", "section_label"]
    list_filter = ["section"]
    list_select_related = ["issue", "section"]
    search_fields = ["section_label", "issue__date"]
    inlines = [StaffInline]
    readonly_fields = ["issue", "article_links", "source_file", "header_raw", "extra_lines"]
    fields = ["issue", "number", "section", "section_label", "article_links", "header_raw", "extra_lines", "source_file"]

    @admin.display(description="本版文章")
    def article_links(self, obj):
        rows = [(reverse("admin:articles_article_change", args=[a.pk]), a.position, a.display_title) for a in obj.articles.order_by("position")]
        items = format_html_join("", '<li value="{}"><a href="{}">{}</a></li>', ((pos, url, title) for url, pos, title in rows))
        return format_html("<ol>{}</ol>", items)

    def save_model(self, request, obj, form, change):
        if change:
            obj.edited_fields = sorted({*obj.edited_fields, *[f for f in form.changed_data if f in ("section", "section_label", "number")]})
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            ids = list(obj.articles.values_list("pk", flat=True))  # section and page number show on every article
            transaction.on_commit(lambda: notify_articles_changed(ids))

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.has_changed() and "staff" not in form.instance.edited_fields:
            page = form.instance
            page.edited_fields = sorted({*page.edited_fields, "staff"})
            Page.objects.filter(pk=page.pk).update(edited_fields=page.edited_fields)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    readonly_fields = ["slug"]

    def save_model(self, request, obj, form, change):
        if not obj.slug:
            obj.slug = new_slug(Section, obj.name)
        super().save_model(request, obj, form, change)


@admin.register(SourceFile)
class SourceFileAdmin(admin.ModelAdmin):
    list_display = ["path", "status", "encoding", "size", "imported_at"]
    list_filter = ["status", "encoding"]
    search_fields = ["path", "sha256"]
    readonly_fields = ["path", "sha256", "size", "encoding", "status", "error_message", "imported_at", "text"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

"""Articles: the change form editors use most, the review queue, split, merge and re-tag."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from articles.admin import corrections, related_history
from articles.admin.actions import ValidSelectionMixin
from articles.admin.filters import ReviewReasonFilter, YearFilter
from articles.admin.forms import ArticleForm, ConfirmForm, RetagForm
from articles.admin.history import HistoryAdmin
from articles.admin.review import review_queue_view
from articles.choices import ReviewReason, SetBy
from articles.editing import CorrectionError, stamp
from articles.editing.articles import merge_into_previous, retag_districts
from articles.models import Article, ArticleDistrict, Contribution, RemovedArticle
from articles.signals import notify_articles_changed

# Form fields a re-import must not overwrite once an editor changed them (import's field names).
TRACKED_FIELDS = ("kicker", "headline", "subheadline", "body", "captions", "pull_quotes", "byline_raw")
REVIEW_FIELDS = ("needs_review", "review_reasons")


def is_revert(request) -> bool:
    return hasattr(request, "revert_version_id")


@admin.display(description="来源")
def added_by(link):
    return link.get_set_by_display() if link.pk else "编辑"


class ContributionInline(admin.TabularInline):
    model = Contribution
    fields = ["author", "role", "position", added_by]
    readonly_fields = [added_by]
    autocomplete_fields = ["author"]
    extra = 0
    ordering = ["position", "id"]


class DistrictInline(admin.TabularInline):
    model = ArticleDistrict
    fields = ["district", "set_by", "score"]
    readonly_fields = ["set_by", "score"]
    autocomplete_fields = ["district"]
    extra = 0


@admin.register(Article)
class ArticleAdmin(ValidSelectionMixin, HistoryAdmin):
    form = ArticleForm
    list_display = ["published_on", "page_label", "title", "section_name", "district_names", "needs_review", "reasons"]
    list_display_links = ["title"]
    list_filter = ["needs_review", ReviewReasonFilter, ("page__issue__date_inferred", admin.BooleanFieldListFilter), "districts", "page__section", YearFilter]
    search_fields = ["headline", "kicker", "subheadline", "contributions__author__name"]
    search_help_text = "按标题或作者姓名搜索"
    list_select_related = ["page__issue", "page__section"]
    list_per_page = 50
    inlines = [ContributionInline, DistrictInline]
    readonly_fields = ["permalink", "source_text", "version_info"]
    actions = ["mark_reviewed", "mark_for_review", "retag_districts_action", "merge_into_previous_action"]
    fieldsets = [
        (None, {"fields": ["permalink", "kicker", "headline", "subheadline", "body", "captions", "pull_quotes", "byline_raw"]}),
        ("审核", {"fields": ["needs_review", "review_reasons", "change_reason", "seen_version", "version_info"]}),
        ("原始文本(只读,用于对照)", {"fields": ["source_text"], "classes": ["source-panel"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("districts")

    def has_add_permission(self, request):
        return False  # articles come from the importer, or from splitting one (which checks add_article itself)

    # Only superusers may delete (editors merge instead); the importer is told not to bring the article back.
    def delete_model(self, request, obj):
        RemovedArticle.record(obj, request.user, "在后台删除")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            RemovedArticle.record(article, request.user, "在后台删除")
        super().delete_queryset(request, queryset)

    @admin.display(description="版面", ordering="page__number")
    def page_label(self, obj):
        return f"第{obj.page.number}版"

    @admin.display(description="标题", ordering="headline")
    def title(self, obj):
        return obj.display_title

    @admin.display(description="栏目")
    def section_name(self, obj):
        return obj.page.section.name if obj.page.section else "—"

    @admin.display(description="区县")
    def district_names(self, obj):
        return "、".join(d.name for d in obj.districts.all()) or "—"

    @admin.display(description="审核原因")
    def reasons(self, obj):
        labels = dict(ReviewReason.choices)
        return "、".join(labels.get(code, code) for code in obj.review_reasons) or "—"

    @admin.display(description="公开页面")
    def permalink(self, obj):
        if not obj.pk:
            return "—"
        url = obj.get_absolute_url()
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a> · <a href="{}">拆分这篇文章…</a>',
            url, url, reverse("admin:articles_article_split", args=[obj.pk]),
        )

    @admin.display(description="版本")
    def version_info(self, obj):
        return f"修订号 {obj.version}(两位编辑同时修改时,后保存的一方会收到提示,不会互相覆盖)" if obj.pk else "—"

    @admin.display(description="源文件原文")
    def source_text(self, obj):
        if not obj.pk:
            return "—"
        if obj.source_file:
            where = f"{obj.source_file.path} 第{obj.source_line_start}–{obj.source_line_end}行"
        else:
            where = "编辑拆分或创建的文章;下面是原文章的源文本" if obj.raw_text else "编辑创建的文章,没有源文本"
        return format_html('<p>{}</p><pre class="source-text">{}</pre>', where, obj.raw_text or "")

    def save_model(self, request, obj, form, change):
        reverting = is_revert(request)
        reason = form.cleaned_data.get("change_reason") or ("恢复到历史版本" if reverting else "")
        if change:
            # Compared with the saved row, not the form's initial data: a revert form starts from an old version.
            current = Article.objects.get(pk=obj.pk)
            changed = {f for f in TRACKED_FIELDS if getattr(current, f) != getattr(obj, f)}
            if any(getattr(current, f) != getattr(obj, f) for f in REVIEW_FIELDS):
                changed.add("review")
                if not obj.needs_review:
                    obj.reviewed_at, obj.reviewed_by = timezone.now(), request.user
            if reverting:
                # The version as the editor saw it includes its bylines and districts: restore them first,
                # so their history entries come before the article's (see related_history).
                version = Article.history.get(id=obj.pk, history_id=request.revert_version_id)
                changed |= related_history.restore(current, version.history_date, request.user, reason)
            obj.edited_fields = sorted({*current.edited_fields, *changed})
            obj.version = current.version + 1  # the form checked, under a row lock, that this editor saw `current`
        stamp(obj, request.user, reason)
        if change and not reverting:
            # The history entry is written in save_related, after the inlines: one entry that knows
            # whether bylines or districts changed, dated after their own entries.
            obj.skip_history_when_saving = True
        try:
            super().save_model(request, obj, form, change)
        finally:
            obj.__dict__.pop("skip_history_when_saving", None)
        pk = obj.pk
        transaction.on_commit(lambda: notify_articles_changed([pk]))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            article = form.instance
            stamp(article, request.user, form.cleaned_data.get("change_reason") or "").save(update_fields=["edited_fields", "updated_at"])

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        if not (instances or formset.deleted_objects):
            return
        article = form.instance
        related_history.ensure_baseline(formset.model, article)  # the importer's rows, so a revert can bring them back
        for instance in instances:
            instance.set_by = SetBy.EDITOR
            stamp(instance, request.user, form.cleaned_data.get("change_reason") or "").save()
        for gone in formset.deleted_objects:
            stamp(gone, request.user, form.cleaned_data.get("change_reason") or "").delete()
        field = "authors" if formset.model is Contribution else "districts"
        # The whole remaining set is the editor's now: a re-import keeps it and the importer's guess never outranks it.
        formset.model.objects.filter(article=article).update(set_by=SetBy.EDITOR)
        article.edited_fields = sorted({*article.edited_fields, field})  # saved, with history, by save_related

    def related_history_entries(self, obj, newer_than, up_to):
        return related_history.history_entries(obj.pk, newer_than, up_to)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request.revert_version_id = version_id  # for save_model: simple-history passes only the old instance
        valid = str(object_id).isdigit() and str(version_id).isdigit()
        article = Article.objects.filter(pk=object_id).first() if valid else None
        version = Article.history.filter(id=object_id, history_id=version_id).first() if article else None
        if version:
            extra_context = {**(extra_context or {}), "related_plan": related_history.restore_plan(article, version.history_date)}
        return super().history_form_view(request, object_id, version_id, extra_context)

    @admin.action(description="标记为已审核")
    def mark_reviewed(self, request, queryset):
        now, ids = timezone.now(), []
        with transaction.atomic():
            for article in Article.objects.select_for_update().filter(pk__in=queryset.values("pk")):
                article.needs_review, article.reviewed_at, article.reviewed_by = False, now, request.user
                article.edited_fields = sorted({*article.edited_fields, "review"})  # the reasons stay on record
                article.version += 1
                stamp(article, request.user, "标记为已审核").save()
                ids.append(article.pk)
            transaction.on_commit(lambda: notify_articles_changed(ids))
        self.message_user(request, f"已将 {len(ids)} 篇文章标记为已审核(审核原因保留在记录中)。", messages.SUCCESS)

    @admin.action(description="重新标记为待审核")
    def mark_for_review(self, request, queryset):
        ids = []
        with transaction.atomic():
            for article in Article.objects.select_for_update().filter(pk__in=queryset.values("pk")):
                article.needs_review, article.reviewed_at, article.reviewed_by = True, None, None
                article.edited_fields = sorted({*article.edited_fields, "review"})
                article.version += 1
                stamp(article, request.user, "重新标记待审核").save()
                ids.append(article.pk)
            transaction.on_commit(lambda: notify_articles_changed(ids))
        self.message_user(request, f"已将 {len(ids)} 篇文章重新标记为待审核。", messages.SUCCESS)

    @admin.action(description="替换区县…", permissions=["change"])
    def retag_districts_action(self, request, queryset):
        form = corrections.action_form(request, RetagForm)
        if form.is_bound and form.is_valid():
            chosen = list(form.cleaned_data["districts"])
            ids = retag_districts(list(queryset), chosen, request.user, form.cleaned_data["reason"])
            names = "、".join(d.name for d in chosen) or "(无)"
            self.message_user(request, f"已将 {len(ids)} 篇文章的区县改为:{names}。", messages.SUCCESS)
            return None
        return corrections.render_confirmation(
            self, request, queryset.select_related("page__issue").prefetch_related("districts"),
            "admin/articles/article/retag_districts.html", "替换区县", form,
        )

    @admin.action(description="并入本版上一篇文章…", permissions=["change"])  # nothing is lost: no delete right needed
    def merge_into_previous_action(self, request, queryset):
        form = corrections.action_form(request, ConfirmForm)
        if form.is_bound and form.is_valid():
            done = 0
            for article in queryset.order_by("-page_id", "-position"):  # later first: earlier positions stay valid
                try:
                    merge_into_previous(article, request.user, form.cleaned_data["reason"])
                    done += 1
                except CorrectionError as exc:
                    self.message_user(request, f"《{article.display_title}》:{exc}", messages.ERROR)
            if done:
                self.message_user(request, f"已合并 {done} 篇文章(文字、图片说明、署名和区县都已保留)。", messages.SUCCESS)
            return None
        pairs = []
        for article in queryset.select_related("page__issue"):
            previous = Article.objects.filter(page_id=article.page_id, position__lt=article.position).order_by("-position").first()
            pairs.append((article, previous))
        return corrections.render_confirmation(
            self, request, queryset, "admin/articles/article/merge_previous.html", "并入本版上一篇文章", form, pairs=pairs,
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("review/", view(lambda request: review_queue_view(self, request)), name="articles_article_review"),
            path("<int:pk>/split/", view(lambda request, pk: corrections.split_view(self, request, pk)), name="articles_article_split"),
        ] + super().get_urls()


@admin.register(RemovedArticle)
class RemovedArticleAdmin(admin.ModelAdmin):
    """What editors merged away or deleted: a re-import of the source file will not bring these back."""

    list_display = ["title", "source_file", "merged_into", "removed_by", "removed_at", "reason"]
    list_select_related = ["source_file", "merged_into", "removed_by"]
    search_fields = ["title", "source_file__path"]
    readonly_fields = [f.name for f in RemovedArticle._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

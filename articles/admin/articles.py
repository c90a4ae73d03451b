"""Articles: the change form editors use most, the review queue, split and merge."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from articles.admin.actions import ValidSelectionMixin
from articles.admin.filters import ReviewReasonFilter, YearFilter
from articles.choices import ReviewReason, SetBy
from articles.editing.articles import merge_into_previous, split_article
from articles.editing.issues import CorrectionError
from articles.models import Article, ArticleDistrict, Contribution
from articles.signals import notify_articles_changed

TRACKED_FIELDS = ("kicker", "headline", "subheadline", "body", "captions", "pull_quotes", "byline_raw", "page", "position")


class ArticleForm(forms.ModelForm):
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    change_reason = forms.CharField(label="修改原因", required=False, max_length=200, help_text="可选:记入修改历史")

    class Meta:
        model = Article
        fields = ["kicker", "headline", "subheadline", "body", "captions", "pull_quotes", "byline_raw", "needs_review", "review_reasons"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("seen_version", self.instance.version)

    def clean(self):
        data = super().clean()
        seen = data.get("seen_version")
        if self.instance.pk and seen is not None:
            # Row lock until the admin's transaction commits (SQLite: IMMEDIATE transactions serialize writers).
            current = Article.objects.select_for_update().filter(pk=self.instance.pk).values_list("version", flat=True).first()
            if current is not None and current != seen:
                latest = self.instance.history.first()
                who = f"{latest.history_user}" if latest and latest.history_user else "另一位编辑"
                raise forms.ValidationError(
                    f"此文章已被其他编辑修改({who},{timezone.localtime(latest.history_date):%Y-%m-%d %H:%M} )。"
                    "为免覆盖对方的修改,本次未保存:请刷新页面后重新修改。" if latest else "此文章已被其他编辑修改,请刷新后重试。"
                )
        return data


class ContributionInline(admin.TabularInline):
    model = Contribution
    fields = ["author", "role", "position"]
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
class ArticleAdmin(ValidSelectionMixin, SimpleHistoryAdmin):
    form = ArticleForm
    list_display = ["published_on", "page_label", "title", "section_name", "district_names", "needs_review", "reasons"]
    list_filter = ["needs_review", ReviewReasonFilter, ("page__issue__date_inferred", admin.BooleanFieldListFilter), "districts", "page__section", YearFilter]
    search_fields = ["headline", "kicker", "subheadline", "contributions__author__name"]
    list_select_related = ["page__issue", "page__section"]
    list_per_page = 50
    inlines = [ContributionInline, DistrictInline]
    readonly_fields = ["permalink", "source_text", "version"]
    actions = ["mark_reviewed", "mark_for_review", "merge_into_previous_action"]
    history_list_display = ["headline", "needs_review"]
    fieldsets = [
        (None, {"fields": ["permalink", ("kicker",), "headline", "subheadline", "body", "captions", "pull_quotes", "byline_raw"]}),
        ("审核", {"fields": ["needs_review", "review_reasons", "change_reason", "seen_version", "version"]}),
        ("原始文本(只读,用于对照)", {"fields": ["source_text"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("districts")

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
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a> · <a href="{}">拆分这篇文章</a>', url, url, reverse("admin:articles_article_split", args=[obj.pk]))

    @admin.display(description="源文件原文")
    def source_text(self, obj):
        if not obj.pk:
            return "—"
        where = f"{obj.source_file.path} 第{obj.source_line_start}–{obj.source_line_end}行" if obj.source_file else "(编辑创建)"
        return format_html('<p>{}</p><pre class="source-text">{}</pre>', where, obj.raw_text or "")

    def save_model(self, request, obj, form, change):
        if change:
            changed = [name for name in form.changed_data if name in TRACKED_FIELDS]
            obj.edited_fields = sorted({*obj.edited_fields, *changed})
            if "needs_review" in form.changed_data and not obj.needs_review:
                obj.reviewed_at, obj.reviewed_by = timezone.now(), request.user
                obj.edited_fields = sorted({*obj.edited_fields, "review"})
            obj.version += 1  # the form checked (under a row lock) that this editor saw the current version
        obj._change_reason = form.cleaned_data.get("change_reason") or ""
        super().save_model(request, obj, form, change)
        transaction.on_commit(lambda: notify_articles_changed([obj.pk]))

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        touched = bool(instances or formset.deleted_objects)
        for instance in instances:
            instance.set_by = SetBy.EDITOR
            instance.save()
        for gone in formset.deleted_objects:
            gone.delete()
        formset.save_m2m()
        if touched:
            article = form.instance
            field = "authors" if formset.model is Contribution else "districts"
            if field == "districts":
                # An editor's choice outranks the importer's: the whole set is now the editor's.
                article.district_links.update(set_by=SetBy.EDITOR)
            if field not in article.edited_fields:
                Article.objects.filter(pk=article.pk).update(edited_fields=sorted({*article.edited_fields, field}))
                article.edited_fields = sorted({*article.edited_fields, field})

    @admin.action(description="标记为已审核")
    def mark_reviewed(self, request, queryset):
        now = timezone.now()
        ids = []
        for article in queryset:
            article.needs_review, article.reviewed_at, article.reviewed_by = False, now, request.user
            article.edited_fields = sorted({*article.edited_fields, "review"})
            article._change_reason = "标记为已审核"
            article.save()
            ids.append(article.pk)
        self.message_user(request, f"已将 {len(ids)} 篇文章标记为已审核。", messages.SUCCESS)

    @admin.action(description="重新标记为待审核")
    def mark_for_review(self, request, queryset):
        count = 0
        for article in queryset:
            article.needs_review, article.reviewed_at = True, None
            article._change_reason = "重新标记待审核"
            article.save()
            count += 1
        self.message_user(request, f"已将 {count} 篇文章重新标记为待审核。", messages.SUCCESS)

    @admin.action(description="并入本版上一篇文章")
    def merge_into_previous_action(self, request, queryset):
        done = 0
        for article in queryset.order_by("-position"):
            try:
                merge_into_previous(article)
                done += 1
            except CorrectionError as exc:
                self.message_user(request, f"《{article.display_title}》:{exc}", messages.ERROR)
        if done:
            self.message_user(request, f"已合并 {done} 篇文章(文字、署名和区县都已保留)。", messages.SUCCESS)

    def get_urls(self):
        return [path("<int:pk>/split/", self.admin_site.admin_view(self.split_view), name="articles_article_split")] + super().get_urls()

    def split_view(self, request, pk):
        article = get_object_or_404(Article, pk=pk)
        if not self.has_change_permission(request, article):
            return redirect("admin:index")
        error = ""
        if request.method == "POST":
            try:
                index = int(request.POST.get("paragraph", "0"))
                headline = request.POST.get("headline", "").strip()[:300]
                if "\x00" in headline:  # PostgreSQL refuses NUL in text; SQLite would store it
                    raise CorrectionError("标题里有无效的控制字符,请重新输入。")
                second = split_article(article, index, headline)
            except (ValueError, CorrectionError) as exc:
                error = str(exc) if isinstance(exc, CorrectionError) else "请选择一个段落。"
            else:
                self.message_user(request, f"已拆分:第{index + 1}段起成为新文章《{second.display_title}》。", messages.SUCCESS)
                return redirect("admin:articles_article_change", second.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "article": article,
            "paragraphs": list(enumerate(article.paragraphs)),
            "error": error,
            "title": f"拆分文章:{article.display_title}",
        }
        return render(request, "admin/articles/article/split.html", context)

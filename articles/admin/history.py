"""History pages editors can read: Chinese headings, field-by-field changes, a "恢复此版本" button."""

from __future__ import annotations

import dataclasses

from django.db import router, transaction
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

# Bookkeeping columns: they change on every save and would drown the real changes.
HIDDEN_FIELDS = {"version", "updated_at", "created_at"}
LABELS = {"edited_fields": "编辑改过的字段", "reviewed_by": "审核人", "set_by": "来源"}
EDITED_FIELD_LABELS = {
    "kicker": "引题", "headline": "主题", "subheadline": "副题", "body": "正文", "captions": "图片说明",
    "pull_quotes": "摘句", "byline_raw": "署名原文", "authors": "署名作者", "districts": "区县", "review": "审核状态",
    "section": "栏目", "section_label": "印刷版名", "number": "版次", "staff": "版面责任人",
}


class ReadableChanges(HistoricalRecordContextHelper):
    def context_for_delta_changes(self, delta):
        delta = dataclasses.replace(delta, changes=[c for c in delta.changes if c.field not in HIDDEN_FIELDS])
        return super().context_for_delta_changes(delta)

    def prepare_delta_change_value(self, change, value):
        if change.field == "edited_fields" and isinstance(value, list):
            return "、".join(EDITED_FIELD_LABELS.get(v, v) for v in value) or "无"
        if isinstance(value, bool):
            return "是" if value else "否"
        if value in (None, "", []):
            return "(空)"
        return super().prepare_delta_change_value(change, value)

    def format_delta_change(self, change):
        formatted = super().format_delta_change(change)
        return dataclasses.replace(formatted, field=LABELS.get(change.field, formatted.field))


class HistoryAdmin(SimpleHistoryAdmin):
    object_history_list_template = "admin/articles/history_list.html"
    object_history_form_template = "admin/articles/history_form.html"
    history_list_per_page = 50

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Like Django's own change view, a revert is one transaction: the version check's row lock needs it.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)

    def related_history_entries(self, obj, newer_than, up_to) -> list[dict]:
        """Changes to rows that belong to `obj` (bylines, districts), shown among its versions."""
        return []

    def render_history_view(self, request, template, context, **kwargs):
        page_obj = context.get("page_obj")
        if template == self.object_history_template and page_obj is not None:
            context["entries"] = self.history_entries(context["object"], page_obj)
        return super().render_history_view(request, template, context, **kwargs)

    def history_entries(self, obj, page_obj) -> list[dict]:
        records = list(page_obj.object_list)
        entries = [{"record": r, "history_date": r.history_date} for r in records]
        if records:
            entries[-1]["initial"] = not page_obj.has_next()
            newer_than = records[-1].history_date if page_obj.has_next() else None
            # The newest version on the previous page bounds this page, so no change is listed twice.
            up_to = page_obj.paginator.object_list[page_obj.start_index() - 2].history_date if page_obj.has_previous() else None
            entries += self.related_history_entries(obj, newer_than, up_to)
        # Newest first; a version's bylines and districts are saved just before it, so they follow it.
        return sorted(entries, key=lambda e: e["history_date"], reverse=True)

"""Forms for the editors' change pages and correction tools."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone

from articles.choices import ReviewReason
from articles.models import Article, District

REASON_HELP = "可选:记入修改历史,方便其他编辑了解为什么改"


def clean_text(value: str) -> str:
    # PostgreSQL refuses NUL in text; SQLite would store it. A browser never sends one.
    if "\x00" in value:
        raise forms.ValidationError("含有无效的控制字符,请重新输入。")
    return value.strip()


class ReasonField(forms.CharField):
    def __init__(self, **kwargs):
        # 100: the width of simple-history's change-reason column
        super().__init__(label="修改原因", required=False, max_length=100, help_text=REASON_HELP, **kwargs)

    def clean(self, value):
        return clean_text(super().clean(value))


class TextListField(forms.CharField):
    """A JSON list of texts (captions, pull quotes) edited as plain text, one item per paragraph."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        return "\n\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(self.prepare_value(value)).replace("\r\n", "\n")
        return [item.strip() for item in re.split(r"\n\s*\n", text) if item.strip()]


class ArticleForm(forms.ModelForm):
    """The article change form, with the optimistic lock and the change reason."""

    captions = TextListField(label="图片说明", required=False, help_text="每条说明之间空一行")
    pull_quotes = TextListField(label="摘句", required=False, help_text="每条摘句之间空一行")
    review_reasons = forms.MultipleChoiceField(
        label="审核原因", choices=ReviewReason.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="导入程序标出的问题;标记为已审核后仍保留作记录",
    )
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    change_reason = ReasonField()

    class Meta:
        model = Article
        fields = ["kicker", "headline", "subheadline", "body", "captions", "pull_quotes", "byline_raw", "needs_review", "review_reasons"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # From the database, not the instance: the revert form's instance is an old version.
            current = Article.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            self.initial["seen_version"] = current if current is not None else self.instance.version

    def clean(self):
        data = super().clean()
        for name in ("kicker", "headline", "subheadline", "body", "byline_raw"):
            if isinstance(data.get(name), str):
                # Browsers send textarea line breaks as CRLF; the archive stores LF (paragraphs split on blank lines).
                data[name] = data[name].replace("\r\n", "\n").replace("\r", "\n")
        seen = data.get("seen_version")
        if not self.instance.pk:
            return data
        if seen is None:
            raise forms.ValidationError("表单缺少版本信息,请刷新页面后重试。")
        # Row lock until the admin's transaction commits (SQLite: writers are serialized anyway).
        current = Article.objects.select_for_update().filter(pk=self.instance.pk).values_list("version", flat=True).first()
        if current is not None and current != seen:
            latest = Article.history.filter(id=self.instance.pk).select_related("history_user").first()
            if latest is None:
                raise forms.ValidationError("此文章已被其他编辑修改,请刷新后重试。")
            who = latest.history_user.get_username() if latest.history_user else "导入程序或其他编辑"
            when = timezone.localtime(latest.history_date)
            raise forms.ValidationError(
                f"此文章已被其他编辑修改({who},{when:%Y-%m-%d %H:%M}),请刷新后重试。为免覆盖对方的修改,本次未保存。"
            )
        return data


class SplitForm(forms.Form):
    paragraph = forms.TypedChoiceField(label="新文章从哪一段开始", coerce=int, widget=forms.RadioSelect)
    headline = forms.CharField(label="新文章标题", required=False, max_length=300, help_text="可留空,稍后补;留空的文章会进入待审核队列")
    reason = ReasonField()

    def __init__(self, *args, paragraphs: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        # The first paragraph can't start the second part.
        self.fields["paragraph"].choices = [(i, f"第{i + 1}段:{p[:80]}{'…' if len(p) > 80 else ''}") for i, p in enumerate(paragraphs) if i > 0]
        self.fields["paragraph"].error_messages["invalid_choice"] = "请选择第二段或之后的段落。"
        self.fields["paragraph"].error_messages["required"] = "请选择一个段落。"

    def clean_headline(self):
        return clean_text(self.cleaned_data["headline"])


class MoveDateForm(forms.Form):
    # <input type=date> only understands ISO dates; the zh-hans input format would be 2023/12/29 and show as empty.
    new_date = forms.DateField(label="正确的出版日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), error_messages={"invalid": "请输入有效日期,如 2025-02-07。"})
    reason = ReasonField()


class ConfirmForm(forms.Form):
    """The confirmation step of a changelist action: only a reason to give."""

    reason = ReasonField()


class RetagForm(forms.Form):
    districts = forms.ModelMultipleChoiceField(
        label="区县", queryset=District.objects.all(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text="所选文章的区县将被替换为这里勾选的区县;都不勾选则清除区县",
    )
    reason = ReasonField()


class MergeAuthorsForm(forms.Form):
    survivor = forms.TypedChoiceField(label="保留的姓名", coerce=int, widget=forms.RadioSelect, error_messages={"required": "请选择保留的姓名。", "invalid_choice": "请选择保留的姓名。"})
    reason = ReasonField()

    def __init__(self, *args, people, counts: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].choices = [(p.pk, f"{p.name}(署名 {counts.get(p.pk, 0)} 篇)") for p in people]
        if people:
            self.fields["survivor"].initial = max(people, key=lambda p: counts.get(p.pk, 0)).pk

"""django-filter FilterSets: article lists of a district or author, and the list of authors."""

from __future__ import annotations

import django_filters
from django import forms

from django.db.models import Exists, OuterRef

from articles.choices import Role
from articles.models import Article, Author, Contribution, Section

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


class AccessibleForm(forms.Form):
    """Marks invalid fields for screen readers and points them at their error message."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].id_for_label}-error"


class DateRangeForm(AccessibleForm):
    """Swaps a reversed date range (and says so) instead of returning nothing."""

    swapped = False

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            data["date_from"], data["date_to"] = end, start
            self.swapped = True
        return data


class ArticleListFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(field_name="published_on", lookup_expr="gte", label="起始日期", widget=DATE_WIDGET)
    date_to = django_filters.DateFilter(field_name="published_on", lookup_expr="lte", label="截止日期", widget=DATE_WIDGET)
    section = django_filters.ModelChoiceFilter(
        field_name="page__section", queryset=Section.objects.order_by("name"), to_field_name="slug", label="栏目", empty_label="全部栏目"
    )
    role = django_filters.ChoiceFilter(choices=Role.choices, method="filter_role", label="作者角色", empty_label="全部角色")

    class Meta:
        model = Article
        fields: list[str] = []
        form = DateRangeForm

    def __init__(self, *args, author=None, **kwargs):
        self.author = author
        super().__init__(*args, **kwargs)

    def filter_role(self, queryset, name, value):
        lookup = {"contributions__role": value}
        if self.author is not None:
            lookup["contributions__author"] = self.author
        return queryset.filter(**lookup).distinct()


STAFF = "staff"


class AuthorListFilter(django_filters.FilterSet):
    """/authors/: find a person by name or role; order by byline count or by pinyin (A–Z)."""

    name = django_filters.CharFilter(lookup_expr="icontains", label="姓名", max_length=50)
    role = django_filters.ChoiceFilter(
        choices=[*Role.choices, (STAFF, "版面编辑")], method="filter_role", label="角色", empty_label="全部角色"
    )
    order = django_filters.ChoiceFilter(
        choices=[("count", "按署名次数"), ("pinyin", "按拼音")], method="filter_order", label="排序", empty_label=None
    )

    class Meta:
        model = Author
        fields: list[str] = []
        form = AccessibleForm

    def filter_role(self, queryset, name, value):
        if value == STAFF:
            return queryset.filter(staffed__gt=0)
        return queryset.filter(Exists(Contribution.objects.filter(author=OuterRef("pk"), role=value)))

    def filter_order(self, queryset, name, value):
        # The view's queryset comes most-signed first; only pinyin changes the order.
        return queryset.order_by("slug") if value == "pinyin" else queryset

    @property
    def by_pinyin(self) -> bool:
        return self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("order") == "pinyin"

"""django-filter FilterSets for the district and author article lists."""

from __future__ import annotations

import django_filters
from django import forms

from articles.choices import Role
from articles.models import Article, Section

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


class DateRangeForm(forms.Form):
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

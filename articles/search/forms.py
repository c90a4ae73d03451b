"""The search form: a django-filter FilterSet whose filters narrow the articles searched."""

from __future__ import annotations

import django_filters
from django import forms

from articles.filters import DATE_WIDGET, DateRangeForm
from articles.models import Article, District, Section
from articles.search import ORDERS


class SearchForm(DateRangeForm):
    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year is not None and not 1900 <= year <= 2100:
            raise forms.ValidationError("年份应在 1900 到 2100 之间。")
        return year


class SearchFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="keep", label="搜索词", max_length=1000)
    date_from = django_filters.DateFilter(field_name="published_on", lookup_expr="gte", label="起始日期", widget=DATE_WIDGET)
    date_to = django_filters.DateFilter(field_name="published_on", lookup_expr="lte", label="截止日期", widget=DATE_WIDGET)
    year = django_filters.NumberFilter(field_name="published_on", lookup_expr="year", label="年份")
    district = django_filters.ModelChoiceFilter(
        field_name="district_links__district", queryset=District.objects.all(), to_field_name="slug", label="区县", empty_label="全部区县", distinct=True
    )
    section = django_filters.ModelChoiceFilter(
        field_name="page__section", queryset=Section.objects.order_by("name"), to_field_name="slug", label="栏目", empty_label="全部栏目"
    )
    author = django_filters.CharFilter(field_name="contributions__author__name", label="作者", max_length=50, distinct=True)
    front = django_filters.BooleanFilter(method="front_page", label="只看头版", widget=forms.CheckboxInput)
    sort = django_filters.ChoiceFilter(choices=list(ORDERS.items()), method="keep", label="排序", empty_label=None)

    class Meta:
        model = Article
        fields: list[str] = []
        form = SearchForm

    def keep(self, queryset, name, value):
        return queryset  # q and sort are handled by search_articles(), not as filters

    def front_page(self, queryset, name, value):
        return queryset.filter(page__number=1) if value else queryset

    def active_filters(self) -> list[tuple[str, str]]:
        """(parameter, label) of each narrowing filter in use, for "remove this filter" links."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        active = []
        for name in ("date_from", "date_to", "year", "district", "section", "author", "front"):
            value = data.get(name)
            if value not in (None, "", False):
                active.append((name, f"{self.filters[name].label}：{'是' if value is True else value}"))
        return active

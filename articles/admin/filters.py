"""Changelist filters that work the same on SQLite and PostgreSQL."""

from django.contrib import admin
from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast, ExtractYear

from articles.choices import ReviewReason


class ReviewReasonFilter(admin.SimpleListFilter):
    title = "审核原因"
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return ReviewReason.choices

    def queryset(self, request, queryset):
        code = self.value()
        if code not in ReviewReason.values:
            return queryset
        if connection.features.supports_json_field_contains:  # PostgreSQL: jsonb @> '["garbled"]'
            return queryset.filter(review_reasons__contains=[code])
        # SQLite: the list's JSON text; '"garbled"' (quotes included) matches only that code.
        return queryset.annotate(reasons_text=Cast("review_reasons", TextField())).filter(reasons_text__contains=f'"{code}"')


class YearFilter(admin.SimpleListFilter):
    title = "年份"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = (
            model_admin.model.objects.annotate(y=ExtractYear("published_on")).values_list("y", flat=True).distinct().order_by("-y")
        )
        return [(str(y), str(y)) for y in years if y]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(published_on__year=int(self.value()))
        return queryset

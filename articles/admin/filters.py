"""Changelist filters that work the same on SQLite and PostgreSQL."""

from django.contrib import admin
from django.db.models.functions import ExtractYear

from articles.choices import ReviewReason


class ReviewReasonFilter(admin.SimpleListFilter):
    title = "审核原因"
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return ReviewReason.choices

    def queryset(self, request, queryset):
        if self.value() in ReviewReason.values:
            # JSON list of codes stored as text: '"garbled"' appears only for that code (portable).
            return queryset.filter(review_reasons__icontains=f'"{self.value()}"')
        return queryset


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

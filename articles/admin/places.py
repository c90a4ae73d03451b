"""Districts and places: editors extend the gazetteer the importer tags with."""

from django.contrib import admin

from articles.admin.actions import ValidSelectionMixin
from articles.admin.history import HistoryAdmin
from articles.models import District, Place


class PlaceInline(admin.TabularInline):
    model = Place
    fields = ["name", "kind", "aliases"]
    extra = 1


@admin.register(District)
class DistrictAdmin(HistoryAdmin):
    list_display = ["name", "short_name", "slug", "kind", "aliases"]
    search_fields = ["name", "short_name", "slug"]
    inlines = [PlaceInline]


@admin.register(Place)
class PlaceAdmin(ValidSelectionMixin, HistoryAdmin):
    list_display = ["name", "district", "kind", "aliases"]
    list_filter = ["district", "kind"]
    search_fields = ["name"]
    autocomplete_fields = ["district"]

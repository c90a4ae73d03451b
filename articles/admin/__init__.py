"""The editors' workbench: Django admin, one module per area."""

from django.contrib import admin

from articles.admin import articles, issues, people, places  # noqa: F401 - registers the admins

admin.site.site_header = "株洲日报数字档案 · 编辑工作台"
admin.site.site_title = "编辑工作台"
admin.site.index_title = "档案校对与管理"

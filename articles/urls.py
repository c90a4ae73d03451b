from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, re_path, register_converter

from articles import converters
from articles.cache import cached_view
from articles.search import views as search_views
from articles.views import api, archive, authors, districts, feeds, health, home, issues, prefs, sections
from articles.views.sitemaps import SITEMAPS

register_converter(converters.FourDigits, "yyyy")
register_converter(converters.TwoDigits, "nn")
register_converter(converters.IsoDate, "isodate")

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("archive/", archive.archive_index, name="archive"),
    path("archive/go/", archive.archive_go, name="archive_go"),
    path("archive/<yyyy:year>/", archive.archive_year, name="archive_year"),
    path("archive/<yyyy:year>/<nn:month>/", archive.archive_month, name="archive_month"),
    path("<yyyy:year>/<nn:month>/<nn:day>/", issues.issue_detail, name="issue"),
    path("<yyyy:year>/<nn:month>/<nn:day>/<int:page>/", issues.page_detail, name="page"),
    path("<yyyy:year>/<nn:month>/<nn:day>/<int:page>/<int:position>/", issues.article_detail, name="article"),
    path("sections/", sections.section_list, name="section_list"),
    path("sections/<slug:slug>/", sections.section_detail, name="section_detail"),
    path("districts/", districts.district_list, name="district_list"),
    path("districts/<slug:slug>/", districts.district_detail, name="district_detail"),
    path("districts/<slug:slug>/feed/", feeds.DistrictFeed(), name="district_feed"),
    path("authors/", authors.author_list, name="author_list"),
    path("authors/<slug:slug>/", authors.author_detail, name="author_detail"),
    path("feeds/latest/", feeds.LatestArticlesFeed(), name="feed_latest"),
    path("prefs/font-size/", prefs.font_size, name="font_size"),
    path("search/", search_views.search_page, name="search"),
    path("api/search", search_views.search_api, name="api_search"),
    path("api/openapi.json", api.openapi, name="api_openapi"),
    path("api/articles/<int:pk>.json", api.article_json, name="api_article"),
    path("api/issues/<isodate:day>.json", api.issue_json, name="api_issue"),
    path("sitemap.xml", cached_view(sitemap_views.index), {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"}, name="sitemap"),
    path("sitemap-<section>.xml", cached_view(sitemap_views.sitemap), {"sitemaps": SITEMAPS}, name="sitemap_section"),
    re_path(r"^api/(?P<rest>.*)$", api.not_found, name="api_not_found"),  # last: JSON 404 for the rest of /api/
]

"""Sitemaps for search engines: issues, pages, articles, and the browse lists."""

from django.contrib.sitemaps import Sitemap

from articles.models import Article, Author, District, Issue, Page, Section


class IssueSitemap(Sitemap):
    changefreq = "yearly"
    limit = 5000

    def items(self):
        return Issue.objects.order_by("date")

    def lastmod(self, issue):
        return issue.updated_at


class PageSitemap(Sitemap):
    limit = 5000

    def items(self):
        return Page.objects.select_related("issue").order_by("issue__date", "number")


class ArticleSitemap(Sitemap):
    limit = 5000

    def items(self):
        return Article.objects.select_related("page__issue").only("id", "position", "updated_at", "page__number", "page__issue__date").order_by("id")

    def lastmod(self, article):
        return article.updated_at


class BrowseSitemap(Sitemap):
    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.order_by("pk")


SITEMAPS = {
    "issues": IssueSitemap,
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "sections": BrowseSitemap(Section),
    "districts": BrowseSitemap(District),
    "authors": BrowseSitemap(Author),
}

"""RSS feeds through Django's syndication framework."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404

from articles.models import Article, District

FEED_SIZE = 30


class LatestArticlesFeed(Feed):
    title = "株洲日报 · 数字档案：最新文章"
    link = "/"
    description = "株洲日报数字档案最近一期的文章。"

    def items(self):
        return _for_feed(Article.objects.all())

    def item_categories(self, item):
        section = [item.page.section.name] if item.page.section else []
        return section + [district.name for district in item.districts.all()]

    def item_title(self, item):
        return item.display_title

    def item_description(self, item):
        return item.paragraphs[0][:200] if item.paragraphs else ""

    def item_pubdate(self, item):
        import datetime as dt

        return dt.datetime.combine(item.published_on, dt.time(6, 0))


class DistrictFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(District, slug=slug)

    def title(self, district):
        return f"株洲日报 · 数字档案：{district.name}"

    def link(self, district):
        return district.get_absolute_url()

    def description(self, district):
        return f"株洲日报关于{district.name}的最新报道。"

    def items(self, district):
        return _for_feed(Article.objects.filter(district_links__district=district))


def _for_feed(articles):
    """The newest articles with what an item shows, in three queries whatever the feed size."""
    return (
        articles.select_related("page__issue", "page__section").prefetch_related("districts")
        .order_by("-published_on", "page__number", "position")[:FEED_SIZE]
    )

"""栏目: sections with their article counts, and each section's articles, newest first."""

from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from articles.cache import cached_view
from articles.models import Article, Section
from articles.views.common import paginate, query_without


@cached_view
def section_list(request):
    sections = Section.objects.annotate(articles=Count("pages__articles")).order_by("-articles", "name")
    return render(request, "articles/section_list.html", {"sections": sections})


@cached_view
def section_detail(request, slug):
    section = get_object_or_404(Section, slug=slug)
    articles = Article.objects.filter(page__section=section).for_listing().newest_first()
    return render(request, "articles/section_detail.html", {
        "section": section, "page_obj": paginate(request, articles), "query": query_without(request, "page"),
    })

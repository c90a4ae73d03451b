from django.shortcuts import render

from articles.cache import cached_view
from articles.calendar import month_grid
from articles.models import District, Issue, Section
from articles.reading import page_articles, pages_with_titles


@cached_view
def home(request):
    issue = Issue.objects.exclude(date__year=1900).order_by("-date").first()
    context = {"issue": issue, "sections": Section.objects.order_by("name"), "districts": District.objects.all()}
    if issue:
        pages = pages_with_titles(issue)
        front = pages[0] if pages else None
        context.update(
            pages=pages,
            front=front,
            # The front page's stories with their opening lines, as a printed front page shows them.
            front_articles=page_articles(front) if front else [],
            calendar=month_grid(issue.date.year, issue.date.month),
        )
    return render(request, "articles/home.html", context)

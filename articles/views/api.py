"""Read-only JSON for programmatic users."""

from __future__ import annotations

import datetime as dt
import functools

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from articles.models import Article, Issue
from articles.serializers import article_data, with_relations
from articles.reading import pages_with_titles


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})


def json_get(view):
    """Read-only endpoint: GET and HEAD only, and every refusal in JSON.

    CSRF-exempt because nothing here writes; otherwise a POST would get the HTML CSRF page.
    """

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = _error("只支持 GET (method not allowed)", 405)
            response["Allow"] = "GET, HEAD"
            return response
        return view(request, *args, **kwargs)

    return wrapper


@json_get
def not_found(request, rest=""):
    """Any other /api/ path, including malformed ids and dates: JSON, not the HTML 404 page."""
    return _error("没有这个接口或对象 (not found)", 404)


@json_get
def article_json(request, pk):
    article = with_relations(Article.objects.filter(pk=pk)).first()
    if article is None:
        return _error("没有这篇文章 (no such article)", 404)
    data = article_data(article)
    data["url"] = request.build_absolute_uri(data["url"])
    data["inferred"] = data["issue_date_inferred"]
    data["paragraphs"] = article.paragraphs
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@json_get
def issue_json(request, day):
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        return _error("日期无效 (invalid date, use YYYY-MM-DD)", 400)
    issue = Issue.objects.filter(date=date).first()
    if issue is None:
        return _error("这一天没有报纸 (no issue on that date)", 404)
    return JsonResponse({
        "date": issue.date.isoformat(),
        "number": issue.number,
        "page_count": issue.page_count,
        "date_inferred": issue.date_inferred,
        "inferred": issue.date_inferred,
        "date_confidence": issue.date_confidence,
        "url": request.build_absolute_uri(issue.get_absolute_url()),
        "pages": [
            {
                "number": page.number,
                "section": page.section.name if page.section else None,
                "url": request.build_absolute_uri(page.url),
                "articles": [
                    {"id": a.id, "position": a.position, "headline": a.headline, "kicker": a.kicker,
                     "url": request.build_absolute_uri(a.href)}
                    for a in page.titles
                ],
            }
            for page in pages_with_titles(issue)
        ],
    }, json_dumps_params={"ensure_ascii": False})


@json_get
def openapi(request):
    """The OpenAPI description of this JSON API (docs/openapi.json)."""
    from django.conf import settings
    from django.http import HttpResponse

    description = (settings.BASE_DIR / "docs" / "openapi.json").read_bytes()
    return HttpResponse(description, content_type="application/json")

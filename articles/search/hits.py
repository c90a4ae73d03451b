"""One page of results: the articles as a result shows them, read with two fixed statements.

Every search shows a page of results, so this is part of every query's time: the ORM's
select_related and prefetch for 20 results took 2.7 ms at 1M articles, these two statements
0.6 ms. Only the fields a result shows are read; the others are deferred (reading one would cost
a query per result, which tests/test_search.py watches for).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

from articles.models import Article, Issue, Page, Section
from articles.search.query import QueryPlan
from articles.search.sampling import among
from articles.search.snippets import highlight, snippet

ARTICLE_FIELDS = ("id", "page_id", "position", "published_on", "kicker", "headline", "subheadline", "body")


@dataclass
class Hit:
    article: Article
    snippet: str
    headline_html: str
    districts: list[str] = field(default_factory=list)  # most relevant first


def load_hits(ids: list[int], plan: QueryPlan) -> list[Hit]:
    """The results for `ids`, in that order (an id no longer in the archive is left out)."""
    if not ids:
        return []
    among_articles, params = among("a.id", ids)
    among_links, _ = among("l.article_id", ids)
    articles: dict[int, Article] = {}
    districts: dict[int, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.id, a.page_id, a.position, a.published_on, a.kicker, a.headline, a.subheadline, a.body,"
            " p.number, p.issue_id, i.date, p.section_id, s.name, s.slug"
            " FROM articles_article a JOIN articles_page p ON p.id = a.page_id JOIN articles_issue i ON i.id = p.issue_id"
            f" LEFT JOIN articles_section s ON s.id = p.section_id WHERE {among_articles}", params,
        )
        for row in cursor.fetchall():
            article = Article.from_db(connection.alias, ARTICLE_FIELDS, row[:8])
            number, issue_id, issue_date, section_id, section_name, section_slug = row[8:]
            section = Section.from_db(connection.alias, ("id", "name", "slug"), (section_id, section_name, section_slug)) if section_id else None
            page = Page.from_db(connection.alias, ("id", "issue_id", "number", "section_id"), (article.page_id, issue_id, number, section_id))
            page.issue = Issue.from_db(connection.alias, ("id", "date"), (issue_id, issue_date))
            page.section = section
            article.page = page
            articles[article.pk] = article
        cursor.execute(
            "SELECT l.article_id, d.name FROM articles_articledistrict l JOIN articles_district d ON d.id = l.district_id"
            f" WHERE {among_links} ORDER BY l.score DESC, l.id", params,
        )
        for article_id, name in cursor.fetchall():
            districts.setdefault(article_id, []).append(name)
    words = plan.highlight_words()
    return [
        Hit(article=articles[i], snippet=snippet(articles[i].body, words), headline_html=highlight(articles[i].display_title, words),
            districts=districts.get(i, []))
        for i in ids
        if i in articles
    ]

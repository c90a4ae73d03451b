"""What the reader's issue, page and article views show, read with few and cheap queries.

These are the archive's most-requested pages. Plain lists of values (titles, bylines, places,
page numbers) are read with fixed SQL: building a small ORM query's SQL costs ~0.2 ms of CPU,
several times what the database needs to answer it, and it was a quarter of an article page
(docs/benchmarks.md). Whole models (the article, its page and issue) still come from the ORM.
The statements are plain SQL that SQLite and PostgreSQL read alike; the view tests run on both.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import NamedTuple

from django.db import connection

from articles.choices import ReviewReason, Role, StaffRole
from articles.models import Article, Author, District, Issue, Page, Section


class Title(NamedTuple):
    """One article in an issue's directory: plain values, not a model (an issue lists ~60)."""

    id: int
    position: int
    headline: str
    kicker: str
    review: str  # why an editor should look, for the 待审核 badge; "" when only the date was inferred
    href: str  # its address, built here: the template would format the position as a localized number

    @property
    def display(self) -> str:
        return self.headline or self.kicker or "（无标题）"


def rows(sql: str, params: list) -> list[tuple]:
    with _cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _cursor():
    """PostgreSQL: a cursor that binds parameters on the server, so that each statement here is
    prepared once per connection (on its fifth run: DATABASES' prepare_threshold) instead of
    planned on every request. At 1M, planning a page view's five statements took the server
    1.4 ms; running them, 0.3 ms. Django's own cursors bind on the client, where nothing is prepared."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.validate_thread_sharing()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = ServerBindingCursor(connection.connection)
    return connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)


def pages_with_titles(issue: Issue) -> list[Page]:
    """The issue's pages in order, each with its section and .titles in print order: one query."""
    pages: dict[int, Page] = {}
    for page_id, number, section_id, section_name, section_slug, *article in rows(
        "SELECT p.id, p.number, p.section_id, s.name, s.slug, a.id, a.position, a.headline, a.kicker, a.needs_review, a.review_reasons"
        " FROM articles_page p LEFT JOIN articles_section s ON s.id = p.section_id"
        " LEFT JOIN articles_article a ON a.page_id = p.id"
        " WHERE p.issue_id = %s ORDER BY p.number, a.position", [issue.pk],
    ):
        page = pages.get(page_id)
        if page is None:  # the fields read here; any other is deferred (read on use), never a default
            page = pages[page_id] = Page.from_db(connection.alias, ("id", "issue_id", "number", "section_id"), (page_id, issue.pk, number, section_id))
            page.issue = issue
            page.section = Section.from_db(connection.alias, ("id", "name", "slug"), (section_id, section_name, section_slug)) if section_id else None
            page.titles = []
            page.url = page.get_absolute_url()  # reverse() once per page, not per title
        pk, position, headline, kicker, needs_review, reasons = article
        if pk is not None:  # a page with no article still has its row
            page.titles.append(Title(pk, position, headline, kicker, text_review(needs_review, reasons), f"{page.url}{position}/"))
    return list(pages.values())


SMALL_MAX = 32767  # page numbers and positions are PositiveSmallIntegerFields
ARTICLE_FIELDS = ("id", "page_id", "position", "published_on", "kicker", "headline", "subheadline", "body", "captions",
                  "pull_quotes", "needs_review", "review_reasons")


def article_at(day: dt.date, page_number: int, position: int) -> Article | None:
    """The article at its permanent address, with its page, issue and section: one fixed query.
    Building the ORM's select_related query took longer than the article page's other queries
    together. Fields not read here (the editor's material) are deferred, never a silent default."""
    if not (0 < page_number <= SMALL_MAX and 0 < position <= SMALL_MAX):
        return None  # no such page or position can be stored (and the driver would refuse the number)
    found = rows(
        "SELECT a.id, a.page_id, a.position, a.published_on, a.kicker, a.headline, a.subheadline, a.body, a.captions,"
        " a.pull_quotes, a.needs_review, a.review_reasons, p.number, p.section_id, p.date_inferred, p.issue_id, i.date,"
        " i.number, i.page_count, i.date_inferred, s.name, s.slug"
        " FROM articles_article a JOIN articles_page p ON p.id = a.page_id JOIN articles_issue i ON i.id = p.issue_id"
        " LEFT JOIN articles_section s ON s.id = p.section_id WHERE i.date = %s AND p.number = %s AND a.position = %s",
        [day, page_number, position],
    )
    if not found:
        return None
    values = found[0]
    (pk, page_id, at, published_on, kicker, headline, subheadline, body, captions, pull_quotes, needs_review, reasons) = values[:12]
    number, section_id, page_inferred, issue_id, issue_date, issue_number, page_count, issue_inferred, section_name, section_slug = values[12:]
    alias = connection.alias
    article = Article.from_db(alias, ARTICLE_FIELDS, (pk, page_id, at, _date(published_on), kicker, headline, subheadline, body,
                                                      _json(captions), _json(pull_quotes), bool(needs_review), _json(reasons)))
    page = Page.from_db(alias, ("id", "issue_id", "number", "section_id", "date_inferred"), (page_id, issue_id, number, section_id, bool(page_inferred)))
    page.issue = Issue.from_db(alias, ("id", "date", "number", "page_count", "date_inferred"),
                               (issue_id, _date(issue_date), issue_number, page_count, bool(issue_inferred)))
    page.section = Section.from_db(alias, ("id", "name", "slug"), (section_id, section_name, section_slug)) if section_id else None
    article.page = page
    return article


def page_at(day: dt.date, number: int) -> Page | None:
    """The page at its address, with its issue and section: one fixed query (see article_at)."""
    if not 0 < number <= SMALL_MAX:
        return None
    found = rows(
        "SELECT p.id, p.number, p.section_id, p.date_inferred, p.issue_id, i.date, i.number, i.page_count, i.date_inferred, s.name, s.slug"
        " FROM articles_page p JOIN articles_issue i ON i.id = p.issue_id LEFT JOIN articles_section s ON s.id = p.section_id"
        " WHERE i.date = %s AND p.number = %s", [day, number],
    )
    if not found:
        return None
    page_id, number, section_id, page_inferred, issue_id, issue_date, issue_number, page_count, issue_inferred, section_name, section_slug = found[0]
    alias = connection.alias
    page = Page.from_db(alias, ("id", "issue_id", "number", "section_id", "date_inferred"), (page_id, issue_id, number, section_id, bool(page_inferred)))
    page.issue = Issue.from_db(alias, ("id", "date", "number", "page_count", "date_inferred"),
                               (issue_id, _date(issue_date), issue_number, page_count, bool(issue_inferred)))
    page.section = Section.from_db(alias, ("id", "name", "slug"), (section_id, section_name, section_slug)) if section_id else None
    return page


# from_db() takes values in the model's field order, whatever order the names are given in.
LISTING_FIELDS = ("id", "page_id", "position", "kicker", "headline", "subheadline", "body", "needs_review", "review_reasons")


def page_articles(page: Page) -> list[Article]:
    """The page's articles in print order, with what a listing shows (no editor's material)."""
    articles = []
    for pk, position, kicker, headline, subheadline, body, needs_review, reasons in rows(
        "SELECT id, position, kicker, headline, subheadline, body, needs_review, review_reasons FROM articles_article"
        " WHERE page_id = %s ORDER BY position", [page.pk],
    ):
        article = Article.from_db(connection.alias, LISTING_FIELDS,
                                  (pk, page.pk, position, kicker, headline, subheadline, body, bool(needs_review), _json(reasons)))
        article.page = page
        articles.append(article)
    return articles


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)  # SQLite: ISO text


def _json(value):
    return json.loads(value) if isinstance(value, (str, bytes)) else value  # JSON text from a raw row


def text_review(needs_review: bool, reasons) -> str:
    """The review reasons in Chinese when there is more to check than an inferred date, else ""."""
    codes = _json(reasons) or []
    if not needs_review or all(code == ReviewReason.INFERRED_DATE for code in codes):
        return ""
    return "、".join(ReviewReason(code).label for code in codes if code in ReviewReason.values)


ISSUE_FIELDS = ("id", "date", "number", "page_count", "date_inferred", "date_confidence", "date_evidence")


def issue_at(day: dt.date) -> tuple[Issue, Issue | None, Issue | None] | None:
    """The issue printed that day and those printed just before and just after (上一期 / 下一期):
    one fixed query, a third of what the ORM's lookup and a second statement cost (see article_at)."""
    found = rows(
        "SELECT i.id, i.date, i.number, i.page_count, i.date_inferred, i.date_confidence, i.date_evidence,"
        " (SELECT date FROM articles_issue WHERE date < i.date ORDER BY date DESC LIMIT 1),"
        " (SELECT date FROM articles_issue WHERE date > i.date ORDER BY date LIMIT 1)"
        " FROM articles_issue i WHERE i.date = %s", [day],
    )
    if not found:
        return None
    pk, date, number, page_count, inferred, confidence, evidence, before, after = found[0]
    issue = Issue.from_db(connection.alias, ISSUE_FIELDS, (pk, _date(date), number, page_count, bool(inferred), confidence, _json(evidence)))
    return issue, _issue_on(before), _issue_on(after)


def _issue_on(day) -> Issue | None:
    # SQLite returns a subquery's date as text; PostgreSQL as a date.
    if day is None:
        return None
    return Issue(date=_date(day))


def issue_sequence(issue: Issue) -> list[tuple[int, int, str, str]]:
    """(page number, position, headline, kicker) of every article of the issue, in print order."""
    return rows(
        "SELECT p.number, a.position, a.headline, a.kicker FROM articles_article a"
        " JOIN articles_page p ON p.id = a.page_id WHERE p.issue_id = %s ORDER BY p.number, a.position", [issue.pk],
    )


def article_byline(article_id: int) -> list[tuple[str, list[Author]]]:
    """[("记者", [author, …]), ("通讯员", […])] in byline order."""
    groups: dict[str, list[Author]] = {}
    for role, name, slug in rows(
        "SELECT c.role, au.name, au.slug FROM articles_contribution c JOIN articles_author au ON au.id = c.author_id"
        " WHERE c.article_id = %s ORDER BY c.position, c.id", [article_id],
    ):
        groups.setdefault(role_label(role), []).append(Author(name=name, slug=slug))
    return list(groups.items())


def article_districts(article_id: int) -> list[District]:
    """The places the article is about, most relevant first."""
    return [District(name=name, slug=slug) for name, slug in rows(
        "SELECT d.name, d.slug FROM articles_articledistrict l JOIN articles_district d ON d.id = l.district_id"
        " WHERE l.article_id = %s ORDER BY l.score DESC, l.id", [article_id],
    )]


def page_numbers(issue: Issue) -> list[int]:
    return [number for number, in rows("SELECT number FROM articles_page WHERE issue_id = %s ORDER BY number", [issue.pk])]


def page_staff(page: Page) -> list[tuple[str, Author]]:
    """(role, person) of the page's editors, as printed: 责任编辑 …"""
    return [(StaffRole(role).label if role in StaffRole.values else role, Author(name=name, slug=slug)) for role, name, slug in rows(
        "SELECT s.role, au.name, au.slug FROM articles_pagestaff s JOIN articles_author au ON au.id = s.person_id"
        " WHERE s.page_id = %s ORDER BY s.position, s.id", [page.pk],
    )]


def page_bylines(page: Page) -> dict[int, list[tuple[str, str]]]:
    """{article id: [(role, name), …]} for every article on the page."""
    people: dict[int, list[tuple[str, str]]] = {}
    for article_id, role, name in rows(
        "SELECT c.article_id, c.role, au.name FROM articles_contribution c"
        " JOIN articles_article a ON a.id = c.article_id JOIN articles_author au ON au.id = c.author_id"
        " WHERE a.page_id = %s ORDER BY c.position, c.id", [page.pk],
    ):
        people.setdefault(article_id, []).append((role_label(role), name))
    return people


def role_label(role: str) -> str:
    """记者, 通讯员 … for a known role; an unknown one as the byline printed it."""
    return Role(role).label if role in Role.values else role

"""Write one parsed file to the database. Called inside the file's transaction.

A new file costs a fixed handful of bulk statements. Re-importing a changed file updates
what came from it in place, so permalinks and history survive, and never touches what an
editor changed (the *edited_fields*, and links an editor set).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from articles.choices import SetBy
from articles.importing.context import RunContext
from articles.importing.history import record_created
from articles.importing.issues import ImportProblem, PageNumbers, Placement, resolve_issue  # noqa: F401  (re-exported for callers)
from articles.importing.matching import match_articles
from articles.importing.prepare import byline_names
from articles.importing.positions import ArticlePositions
from articles.models import (
    Article,
    ArticleDistrict,
    Contribution,
    Issue,
    Page,
    PageStaff,
    RemovedArticle,
    SourceFile,
)
from articles.parsing.districts import tag_districts
from articles.parsing.types import ARTICLE_ROLES, ParsedArticle, ParsedFile, ParsedPage
from articles.search.documents import Document

FIELD_LABELS = {"kicker": "引题", "headline": "主题", "subheadline": "副题", "body": "正文", "captions": "图片说明", "pull_quotes": "摘句", "byline_raw": "署名"}
PAGE_FIELD_LABELS = {"section": "栏目", "section_label": "版名", "header_raw": "版头"}


@dataclass
class WriteResult:
    issue: Issue | None = None
    placement: Placement | None = None
    pages: int = 0
    article_ids: set[int] = field(default_factory=set)
    removed_ids: set[int] = field(default_factory=set)
    flagged: int = 0
    kept: list[str] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)  # search documents of the new articles, ready to write


def write_file(source: SourceFile, parsed: ParsedFile, context: RunContext, fresh: bool, documents: list[Document] = ()) -> WriteResult:
    """`fresh`: nothing in the database came from this source yet (skips the matching queries).

    `documents`: the parsing worker's search documents, one per parsed article in order.
    """
    pages = [p for p in parsed.pages if p.articles or p.header_raw or p.extra_lines]
    if fresh:
        context.prepare_authors(credited_names(pages))
    placement = resolve_issue(parsed, source.path)
    result = WriteResult(issue=placement.issue, placement=placement)
    old_pages = {} if fresh else {p.source_index: p for p in Page.objects.filter(source_file=source)}
    old_articles = {} if fresh else {a.source_index: a for a in Article.objects.filter(source_file=source)}
    saved_pages = write_pages(result, source, pages, old_pages, context)
    parsed_articles = [(page, a) for page, parsed_page in zip(saved_pages, pages) for a in parsed_page.articles]
    matches = match_articles(old_articles, [a for _, a in parsed_articles])
    removed = {} if fresh else removed_by_editor(source, [a for _, a in parsed_articles], matches)
    new_rows: list[tuple[Article, list[Contribution], list[ArticleDistrict]]] = []
    ready: list[Document | None] = []  # the worker's document for each new row, if it still fits
    page_ids = {p.pk for p in saved_pages} | {a.page_id for a in old_articles.values()}
    positions = ArticlePositions(source, page_ids, fresh)
    for index, (page, parsed_article) in enumerate(parsed_articles):
        if index in removed:
            gone = removed[index]
            into = f",已并入文章 #{gone.merged_into_id}" if gone.merged_into_id else ""
            result.kept.append(f"保留编辑的删除:《{gone.title}》{into},不再导入")
            continue
        position = positions.take(page.pk)
        old = matches.get(index)
        if old is not None:
            del old_articles[old.source_index]
        article, people, links = build_article(page, position, index, source, parsed_article, old, placement, context, result)
        result.flagged += article.needs_review
        if old is None:
            new_rows.append((article, people, links))
            ready.append(documents[index] if index < len(documents) and _same_byline(people, parsed_article) else None)
        else:
            result.article_ids.add(article.pk)
    create_articles(new_rows, result)
    for (article, _, _), document in zip(new_rows, ready):
        if document is not None:
            result.documents.append(replace(document, article_id=article.pk))
    keep_or_remove_unmatched(old_articles.values(), positions, result)
    for old_page in old_pages.values():  # pages the file no longer has
        if not old_page.articles.exists():
            old_page.delete()
    result.pages = len(saved_pages)
    return result


def credited_names(pages: list[ParsedPage]) -> set[str]:
    """Everyone a new file's pages credit: their staff, and the writers of their articles."""
    staff = {person.name for page in pages for person in page.staff}
    return staff | {name for page in pages for article in page.articles for name in byline_names(article)}


def write_pages(result: WriteResult, source: SourceFile, pages: list[ParsedPage], old_pages: dict[int, Page], context: RunContext) -> list[Page]:
    numbers = PageNumbers(result.issue, source.pk, result.placement.masthead, new_issue=result.placement.created)
    saved: list[Page] = []
    fresh: list[Page] = []
    for index, parsed in enumerate(pages):
        page = old_pages.pop(index, None)
        if page is None:
            page = Page(issue=result.issue, source_file=source, source_index=index, number=numbers.next(parsed.is_front_page))
            fresh.append(page)
        elif page.issue_id != result.issue.pk:
            page.issue = result.issue  # the file's date changed: the page moves to the right issue
            page.number = numbers.next(parsed.is_front_page)
        edited = set(page.edited_fields)
        values = {"section": context.section(parsed.section_label, parsed.is_front_page), "section_label": parsed.section_label, "header_raw": parsed.header_raw}
        for name, value in values.items():
            if name not in edited:
                setattr(page, name, value)
            elif getattr(page, name) != value:
                result.kept.append(f"保留编辑修改的{PAGE_FIELD_LABELS[name]}:第{page.number}版 (page #{page.pk})")
        page.extra_lines = parsed.extra_lines
        page.date_inferred = result.placement.date_inferred
        page.source_line_start, page.source_line_end = parsed.line_start, parsed.line_end
        if page.pk is not None:
            page.save()
        saved.append(page)
    if fresh:
        Page.objects.bulk_create(fresh, batch_size=500)
        record_created(Page, [p.pk for p in fresh])
    moved = numbers.settle()
    if moved:  # pages of files without a masthead made way for the front page: their permalinks changed
        result.article_ids.update(Article.objects.filter(page_id__in=moved).values_list("pk", flat=True))
    staff_kept = {p.pk for p in saved if "staff" in p.edited_fields}
    fresh_ids = {p.pk for p in fresh}
    replaced = [p.pk for p in saved if p.pk not in fresh_ids and p.pk not in staff_kept]
    if replaced:
        PageStaff.objects.filter(page_id__in=replaced).delete()
    staff = []
    for page, parsed in zip(saved, pages):
        if page.pk in staff_kept:
            result.kept.append(f"保留编辑修改的版面责任人:第{page.number}版 (page #{page.pk})")
            continue
        seen = set()
        for position, person in enumerate(parsed.staff):
            if (person.name, person.role) not in seen:
                seen.add((person.name, person.role))
                staff.append(PageStaff(page=page, person=context.author(person.name), role=person.role, position=position))
    PageStaff.objects.bulk_create(staff, batch_size=500)
    return saved


def build_article(page, position, index, source, parsed: ParsedArticle, old: Article | None, placement: Placement, context: RunContext, result: WriteResult):
    """Update a matched article in place, or return a new unsaved one with its relations."""
    issue = placement.issue
    reasons = list(dict.fromkeys(parsed.review_reasons))
    if placement.date_inferred:  # this file's own date, whatever other files in the issue say
        reasons.append("inferred_date")
    tags = tag_districts(parsed, context.gazetteer)
    if not tags or not all(t.confident for t in tags):
        reasons.append("uncertain_district")
    values = {
        "kicker": parsed.kicker[:300],
        "headline": parsed.headline[:300],
        "subheadline": parsed.subheadline[:300],
        "body": parsed.body,
        "captions": parsed.captions,
        "pull_quotes": parsed.pull_quotes,
        "byline_raw": parsed.byline_raw,
    }
    article = old or Article(source_file=source)
    edited = set(article.edited_fields)
    if old is not None and any(getattr(old, n) != v for n, v in values.items() if n not in edited):
        article.version += 1  # an editor's form opened before this re-import now conflicts instead of reverting it
    for name, value in values.items():
        if name not in edited:
            setattr(article, name, value)
        elif getattr(article, name) != value:
            result.kept.append(f"保留编辑修改的{FIELD_LABELS[name]}:文章 #{article.pk}《{article.display_title}》")
    article.page, article.position, article.source_index = page, position, index
    article.published_on = issue.date
    article.raw_text = parsed.raw_text
    article.source_line_start, article.source_line_end = parsed.line_start, parsed.line_end
    if old is None or ("review" not in edited and article.reviewed_at is None):
        article.review_reasons = reasons
        article.needs_review = bool(reasons)
    if old is not None:
        article.save()
    people = [] if "authors" in edited else new_contributions(article, parsed, old, context)
    links = [] if "districts" in edited else new_district_links(article, tags, old, context)
    if "authors" in edited:
        result.kept.append(f"保留编辑修改的署名作者:文章 #{article.pk}《{article.display_title}》")
    if "districts" in edited:
        result.kept.append(f"保留编辑选定的区县:文章 #{article.pk}《{article.display_title}》")
    if old is not None:
        Contribution.objects.bulk_create(people)
        ArticleDistrict.objects.bulk_create(links)
        return article, [], []
    return article, people, links


def new_contributions(article: Article, parsed: ParsedArticle, old: Article | None, context: RunContext) -> list[Contribution]:
    """The importer's bylines; on re-import, replaces only the importer's own rows."""
    taken: set[tuple[str, str]] = set()
    if old is not None:
        Contribution.objects.filter(article=article, set_by=SetBy.IMPORTER).delete()
        taken = set(Contribution.objects.filter(article=article).values_list("author__name", "role"))
    rows = []
    for order, person in enumerate(parsed.contributors):
        if (person.name, person.role) in taken or person.role not in ARTICLE_ROLES:
            continue
        taken.add((person.name, person.role))
        rows.append(Contribution(article=article if old else None, author=context.author(person.name), role=person.role, position=order))
    return rows


def new_district_links(article: Article, tags, old: Article | None, context: RunContext) -> list[ArticleDistrict]:
    chosen: set[str] = set()
    if old is not None:
        ArticleDistrict.objects.filter(article=article, set_by=SetBy.IMPORTER).delete()
        chosen = set(ArticleDistrict.objects.filter(article=article).values_list("district__name", flat=True))
    return [
        ArticleDistrict(article=article if old else None, district=context.districts[tag.district], score=tag.score)
        for tag in tags
        if tag.district in context.districts and tag.district not in chosen
    ]


def _same_byline(people: list[Contribution], parsed: ParsedArticle) -> bool:
    """The worker named the people from the parse; the document fits if the contributions agree."""
    return [c.author.name for c in people] == byline_names(parsed)


def create_articles(rows, result: WriteResult) -> None:
    """New articles: a few bulk statements per file instead of several per article."""
    if not rows:
        return
    created = Article.objects.bulk_create([row[0] for row in rows], batch_size=500)
    record_created(Article, [a.pk for a in created])
    contributions, links = [], []
    for article, (_, people, district_links) in zip(created, rows):
        result.article_ids.add(article.pk)
        for row in people + district_links:
            row.article = article
        contributions += people
        links += district_links
    Contribution.objects.bulk_create(contributions, batch_size=500)
    ArticleDistrict.objects.bulk_create(links, batch_size=500)


def removed_by_editor(source: SourceFile, parsed: list[ParsedArticle], matches: dict) -> dict[int, RemovedArticle]:
    """The file's articles that an editor merged away or deleted (new index -> record)."""
    records: dict[int, RemovedArticle] = {}
    for record in RemovedArticle.objects.filter(source_file=source).order_by("-removed_at"):
        # An index seen twice (the file shifted between removals): the older one is matched on text alone.
        records[record.source_index if record.source_index not in records else -len(records) - 1] = record
    return match_articles(records, parsed, skip=frozenset(matches)) if records else {}


def keep_or_remove_unmatched(old_articles, positions: ArticlePositions, result: WriteResult) -> None:
    """Articles the file no longer has: delete, unless an editor worked on them."""
    removed = []
    for old in old_articles:
        if not old.edited_fields:
            removed.append(old.pk)
            continue
        # Kept after the page's new articles, so two articles never share a permalink.
        old.position = positions.take(old.page_id)
        old.save(update_fields=["position"])
        result.article_ids.add(old.pk)
        result.kept.append(f"保留编辑修改过的文章 #{old.pk}《{old.display_title}》:源文件中已找不到对应文章,移至本版第{old.position}篇")
    if removed:
        Article.objects.filter(pk__in=removed).delete()
        result.removed_ids.update(removed)

"""Write one parsed file to the database. Called inside the file's transaction.

Re-importing a changed file updates what came from it in place, so permalinks and
history survive, and never touches what an editor changed (the *edited_fields*).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from articles.choices import ImportStatus, SetBy
from articles.models import (
    Article,
    ArticleDistrict,
    Author,
    Contribution,
    District,
    Issue,
    IssueDateRedirect,
    Page,
    PageStaff,
    Place,
    Section,
    SourceFile,
)
from articles.parsing.districts import Gazetteer, tag_districts
from articles.parsing.types import ParsedArticle, ParsedFile, ParsedPage
from articles.slugs import unique_slug

UNDATED = dt.date(1900, 1, 1)  # files with no date clue at all wait here for an editor
FRONT_PAGE_SECTION = "头版"
ARTICLE_FIELDS = ("kicker", "headline", "subheadline", "body", "captions", "pull_quotes", "byline_raw")


class ImportProblem(Exception):
    """The file is readable but cannot be imported consistently (message for users)."""


@dataclass
class RunContext:
    """Per-run caches, so a run costs a few queries per file, not per article."""

    gazetteer: Gazetteer
    sections: dict[str, Section]
    authors: dict[str, Author]
    author_slugs: set[str]
    section_slugs: set[str]
    districts: dict[str, District]
    authors_created: int = 0

    @classmethod
    def load(cls) -> RunContext:
        districts = {d.name: d for d in District.objects.all()}
        places = [
            {"name": p.name, "district": p.district.name, "aliases": p.aliases}
            for p in Place.objects.select_related("district")
        ]
        gazetteer = Gazetteer.from_rows(
            districts=[{"name": d.name, "short_name": d.short_name, "kind": d.kind, "aliases": d.aliases} for d in districts.values()],
            places=places,
        )
        sections = {section_key(s.name): s for s in Section.objects.all()}
        authors = {a.name: a for a in Author.objects.all()}
        return cls(
            gazetteer=gazetteer,
            sections=sections,
            authors=authors,
            author_slugs={a.slug for a in authors.values()},
            section_slugs={s.slug for s in sections.values()},
            districts=districts,
        )


@dataclass
class WriteResult:
    issue: Issue | None = None
    pages: int = 0
    article_ids: set[int] = field(default_factory=set)
    removed_ids: set[int] = field(default_factory=set)
    flagged: int = 0
    kept: list[str] = field(default_factory=list)


def section_key(label: str) -> str:
    return re.sub(r"[·・•\s]", "", label)


def write_file(source: SourceFile, parsed: ParsedFile, context: RunContext) -> WriteResult:
    result = WriteResult()
    issue = resolve_issue(parsed)
    result.issue = issue
    old_pages = {p.source_index: p for p in Page.objects.filter(source_file=source)}
    old_articles = {a.source_index: a for a in Article.objects.filter(source_file=source)}
    article_index = 0
    pending: list[tuple[Article, list[Contribution], list[ArticleDistrict]]] = []
    for page_index, parsed_page in enumerate(parsed.pages):
        if not parsed_page.articles and not parsed_page.header_raw and not parsed_page.extra_lines:
            continue
        page = write_page(issue, source, page_index, parsed_page, old_pages.pop(page_index, None), context, result)
        result.pages += 1
        for position, parsed_article in enumerate(parsed_page.articles, start=1):
            old = old_articles.pop(article_index, None)
            article, people, links = write_article(page, position, article_index, source, parsed_article, old, issue, context, result)
            if article.pk is None:
                pending.append((article, people, links))
            else:
                result.article_ids.add(article.pk)
            result.flagged += article.needs_review
            article_index += 1
    if pending:
        # New articles: a handful of bulk statements per file instead of several per article.
        created = bulk_create_with_history([row[0] for row in pending], Article, batch_size=500)
        contributions, district_links = [], []
        for article, (_, people, links) in zip(created, pending):
            result.article_ids.add(article.pk)
            for row in people + links:
                row.article = article
            contributions += people
            district_links += links
        Contribution.objects.bulk_create(contributions, batch_size=500)
        ArticleDistrict.objects.bulk_create(district_links, batch_size=500)
    for old in old_articles.values():
        if old.edited_fields:
            result.kept.append(f"保留编辑修改过的文章 #{old.pk}《{old.display_title}》(源文件中已找不到对应文章)")
            result.article_ids.add(old.pk)
        else:
            result.removed_ids.add(old.pk)
            old.delete()
    for old_page in old_pages.values():
        if not old_page.articles.exists():
            old_page.delete()
    source.status = ImportStatus.IMPORTED
    source.error_message = ""
    source.imported_at = timezone.now()
    source.save()
    return result


def resolve_issue(parsed: ParsedFile) -> Issue:
    info = parsed.issue_date
    day = info.date or UNDATED
    redirect = IssueDateRedirect.objects.filter(old_date=day).select_related("issue").first()
    if redirect:
        return redirect.issue  # an editor corrected this date before
    evidence = [{"text": e.text, "line": e.line, "resolved": e.resolved.isoformat() if e.resolved else None} for e in info.evidence]
    issue = Issue.objects.filter(date=day).first()
    if not info.inferred:
        clash = Issue.objects.filter(number=info.issue_number).exclude(date=day).first() if info.issue_number else None
        if clash:
            raise ImportProblem(f"报头期号 第{info.issue_number}期 已属于 {clash.date:%Y-%m-%d} 的报纸 (issue number clash)")
        if issue is None:
            return Issue.objects.create(
                date=day, number=info.issue_number, page_count=info.page_count,
                date_inferred=False, date_confidence=info.confidence, date_evidence=evidence,
            )
        if issue.date_inferred or issue.number is None:
            # A masthead outranks earlier inference for the same day.
            issue.number = issue.number or info.issue_number
            issue.page_count = issue.page_count or info.page_count
            issue.date_inferred = False
            issue.date_confidence = info.confidence
            issue.date_evidence = evidence
            issue.save()
        return issue
    if issue is None:
        issue = Issue.objects.create(date=day, date_inferred=True, date_confidence=info.confidence, date_evidence=evidence)
    return issue


def write_page(issue, source, index, parsed: ParsedPage, old: Page | None, context: RunContext, result: WriteResult) -> Page:
    section = resolve_section(parsed, context)
    if old is not None and old.issue_id != issue.pk:
        old.issue = issue
        old.number = next_free_page(issue, prefer_front=parsed.is_front_page)
    page = old or Page(issue=issue, source_file=source, source_index=index, number=next_free_page(issue, parsed.is_front_page))
    edited = set(page.edited_fields)
    for name, value in (("section", section), ("section_label", parsed.section_label), ("header_raw", parsed.header_raw)):
        if name not in edited:
            setattr(page, name, value)
        elif getattr(page, name) != value:
            result.kept.append(f"保留编辑修改的版面字段 {name}(第{page.number}版)")
    page.extra_lines = parsed.extra_lines
    page.source_line_start, page.source_line_end = parsed.line_start, parsed.line_end
    page.save()
    if "staff" not in edited:
        PageStaff.objects.filter(page=page).delete()
        staff, seen = [], set()
        for position, person in enumerate(parsed.staff):
            key = (person.name, person.role)
            if key not in seen:
                seen.add(key)
                staff.append(PageStaff(page=page, person=get_author(person.name, context), role=person.role, position=position))
        PageStaff.objects.bulk_create(staff)
    return page


def next_free_page(issue: Issue, prefer_front: bool) -> int:
    taken = set(issue.pages.values_list("number", flat=True))
    if prefer_front and 1 not in taken:
        return 1
    # Leave page 1 for the front page unless the issue has nothing better to put there.
    number = 2 if (1 not in taken and not prefer_front and issue.number is not None) else 1
    while number in taken:
        number += 1
    return number


def resolve_section(parsed: ParsedPage, context: RunContext) -> Section | None:
    label = parsed.section_label.strip() or (FRONT_PAGE_SECTION if parsed.is_front_page else "")
    if not label:
        return None
    key = section_key(label)
    section = context.sections.get(key)
    if section is None:
        section = Section.objects.create(name=label, slug=unique_slug(label, context.section_slugs))
        context.sections[key] = section
    elif "·" in label and "·" not in section.name:
        section.name = label  # prefer the printed form with its separator: 同城·新媒
        section.save(update_fields=["name"])
    return section


def get_author(name: str, context: RunContext) -> Author:
    author = context.authors.get(name)
    if author is None:
        author, created = Author.objects.get_or_create(name=name, defaults={"slug": unique_slug(name, context.author_slugs)})
        context.authors[name] = author
        context.authors_created += created
    return author


def write_article(page, position, index, source, parsed: ParsedArticle, old, issue, context, result):
    """Update an existing article in place, or return a new unsaved one with its relations."""
    reasons = list(dict.fromkeys(parsed.review_reasons))
    if issue.date_inferred:
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
    article = old or Article(source_file=source, source_index=index)
    edited = set(article.edited_fields)
    changed = False
    for name, value in values.items():
        if name in edited:
            if getattr(article, name) != value:
                result.kept.append(f"保留编辑修改的{_FIELD_LABELS.get(name, name)}:文章 #{article.pk}《{article.display_title}》")
            continue
        changed |= getattr(article, name) != value
        setattr(article, name, value)
    if old is not None and changed:
        article.version += 1  # an editor's form opened before this re-import now conflicts instead of reverting it
    article.page = page
    article.position = position
    article.published_on = issue.date
    article.raw_text = parsed.raw_text
    article.source_line_start, article.source_line_end = parsed.line_start, parsed.line_end
    if old is None or ("review" not in edited and article.reviewed_at is None):
        article.review_reasons = reasons
        article.needs_review = bool(reasons)
    people: list[Contribution] = []
    links: list[ArticleDistrict] = []
    if old is not None:
        article.save()
    if "authors" in edited:
        result.kept.append(f"保留编辑修改的署名:文章 #{article.pk}")
    else:
        keep: set[tuple[str, str]] = set()
        if old is not None:
            Contribution.objects.filter(article=article, set_by=SetBy.IMPORTER).delete()
            keep = set(Contribution.objects.filter(article=article).values_list("author__name", "role"))
        for order, person in enumerate(parsed.contributors):
            if (person.name, person.role) in keep or person.role not in _ARTICLE_ROLES:
                continue
            keep.add((person.name, person.role))
            people.append(Contribution(article=article if old else None, author=get_author(person.name, context), role=person.role, position=order))
    if "districts" in edited:
        result.kept.append(f"保留编辑选定的区县:文章 #{article.pk}")
    else:
        chosen: set[str] = set()
        if old is not None:
            ArticleDistrict.objects.filter(article=article, set_by=SetBy.IMPORTER).delete()
            chosen = set(ArticleDistrict.objects.filter(article=article).values_list("district__name", flat=True))
        links = [
            ArticleDistrict(article=article if old else None, district=context.districts[tag.district], score=tag.score)
            for tag in tags
            if tag.district in context.districts and tag.district not in chosen
        ]
    if old is not None:
        Contribution.objects.bulk_create(people)
        ArticleDistrict.objects.bulk_create(links)
        return article, [], []
    return article, people, links


_ARTICLE_ROLES = {"reporter", "correspondent", "writer", "photographer", "compiler", "editor"}
_FIELD_LABELS = {"kicker": "引题", "headline": "主题", "subheadline": "副题", "body": "正文", "captions": "图片说明", "byline_raw": "署名"}

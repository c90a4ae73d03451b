"""Page structure: split a file into pages, and each page into articles.

An article starts at a title block (kicker / headline / subheadline lines) that is
followed by a byline, a signed name, or - for photo news - ends in a photo credit.
"""

from __future__ import annotations

import re

from articles.parsing import bylines
from articles.parsing.assemble import build_article, build_fragments, reassign_captions
from articles.parsing.garble import find_garbled
from articles.parsing.text import continues
from articles.parsing.types import Contributor, ParsedPage
from articles.parsing.units import (
    STAFF_LINE,
    Unit,
    classify,
    is_masthead_line,
    is_narrow_fragment,
)

_STAFF_ROLES = {"责任编辑": "editor", "美术编辑": "art_editor", "校对": "proofreader"}
_STAFF_PART = re.compile(r"(责任编辑|美术编辑|校对)\s*[:：]\s*([^:：]*?)(?=\s*(?:责任编辑|美术编辑|校对)\s*[:：]|$)")


def split_pages(lines: list[str]) -> list[ParsedPage]:
    """Pages start at a section label followed by a staff line (责任编辑…)."""
    numbered = [(i + 1, line.strip()) for i, line in enumerate(lines) if line.strip()]
    header_starts: list[int] = []
    for pos, (_, text) in enumerate(numbered):
        if STAFF_LINE.search(text) and len(text) < 80:
            start = pos - 1 if pos > 0 and _is_section_label(numbered[pos - 1][1]) else pos
            header_starts.append(start)
    bounds = [0] + header_starts + [len(numbered)]
    pages: list[ParsedPage] = []
    for k in range(len(bounds) - 1):
        chunk = numbered[bounds[k] : bounds[k + 1]]
        if not chunk:
            continue
        page = ParsedPage(line_start=chunk[0][0], line_end=chunk[-1][0])
        body = chunk
        if k > 0:
            staff_pos = 1 if len(chunk) > 1 and STAFF_LINE.search(chunk[1][1]) else 0
            header = chunk[: staff_pos + 1]
            page.header_raw = "\n".join(text for _, text in header)
            page.section_label = header[0][1] if staff_pos == 1 else ""
            page.staff = parse_staff(header[-1][1])
            body = chunk[staff_pos + 1 :]
        _fill_page(page, body)
        pages.append(page)
    return pages


def _is_section_label(text: str) -> bool:
    return 1 < len(text) <= 14 and "。" not in text and not STAFF_LINE.search(text)


def parse_staff(text: str) -> list[Contributor]:
    staff = []
    for role_word, names in _STAFF_PART.findall(text):
        found, _ = bylines.split_names(names.strip())
        staff += [Contributor(name=n, role=_STAFF_ROLES[role_word], raw=text) for n in found]
    return staff


def _fill_page(page: ParsedPage, body: list[tuple[int, str]]) -> None:
    units = [Unit(index=i, line=line, text=text, kind=classify(text)) for i, (line, text) in enumerate(body)]
    first_article = _masthead_end(units)
    if first_article:
        page.is_front_page = True
        page.extra_lines += [u.text for u in units[:first_article]]
        page.masthead_lines = [(u.line, u.text) for u in units[:first_article]]
    units = units[first_article:]
    for i, unit in enumerate(units):
        unit.index = i
    regions: list[list[Unit]] = []
    for span, kind in find_article_spans(units):
        if kind == "furniture":
            page.extra_lines += [u.text for u in span if u.kind != "noise"]
            continue
        article, cut = build_article(span, kind)
        page.articles.append(article)
        regions += cut
    reassign_captions(page.articles)
    fragments, leftovers = build_fragments(units, regions)
    page.articles += fragments
    page.extra_lines += leftovers
    page.articles.sort(key=lambda a: a.line_start)
    page.extra_lines += [u.text for u in units if u.kind == "noise"]


def _masthead_end(units: list[Unit]) -> int:
    """Number of leading units that form a masthead (front page only)."""
    hits = [i for i, u in enumerate(units[:12]) if is_masthead_line(u.text)]
    if len(hits) < 2:
        return 0
    return hits[-1] + 1


def find_article_spans(units: list[Unit]) -> list[tuple[list[Unit], str]]:
    """Split a page's units into (units, kind) spans: articles and page furniture."""
    _mark_names(units)
    anchors = _anchors(units)
    garbled = {u.index for region in find_garbled(units) for u in region}
    anchors = [a for a in anchors if not _displaced(units, a, garbled)]
    starts: dict[int, str] = {}
    previous_anchor = -1
    for anchor in anchors:
        start = anchor
        j = anchor - 1
        while j > previous_anchor and units[j].kind == "caption":
            j -= 1
        title_start = None
        titles = 0
        while j > previous_anchor and units[j].kind == "title" and titles < 4:
            title_start = j
            titles += 1
            j -= 1
        if title_start is not None and not _clean_boundary(units, title_start, garbled):
            title_start = None  # "titles" cut out of interleaved columns are scraps, not a headline
            j = anchor - 1
            while j > previous_anchor and units[j].kind == "caption":
                j -= 1
        if title_start is not None:
            start = _lend_orphan_titles(units, starts, title_start, anchor)
        elif j < anchor - 1:
            start = j + 1  # captions directly above a byline belong to it
        starts[start] = "article"
        previous_anchor = anchor
    for credit_pos in (i for i, u in enumerate(units) if u.kind in ("credit", "credit_para", "caption")):
        title = _photo_news_title(units, credit_pos, starts)
        if title is not None:
            starts[title] = "photo"
            if units[credit_pos].kind == "caption":
                units[credit_pos].kind = "credit_para"  # the text of a photo-news item, not a caption
    spans: list[tuple[list[Unit], str]] = []
    ordered = sorted(starts)
    if not ordered:
        return [(units, "unsigned")] if _has_content(units) else ([(units, "furniture")] if units else [])
    if ordered[0] > 0:
        lead_in = units[: ordered[0]]
        spans.append((lead_in, "unsigned" if _has_content(lead_in) else "furniture"))
    for k, start in enumerate(ordered):
        end = ordered[k + 1] if k + 1 < len(ordered) else len(units)
        spans.append((units[start:end], starts[start]))
    return spans


def _displaced(units: list[Unit], anchor: int, garbled: set[int]) -> bool:
    """A byline dropped between the lines of another story, right above interleaved columns.

    The text before it runs on past it, so it opens nothing there: it signs the scrambled story.
    """
    unit = units[anchor]
    if unit.kind != "byline" or anchor == 0 or anchor + 1 not in garbled:
        return False
    before = units[anchor - 1]
    if before.kind == "para" and continues(before.text):
        unit.kind = "displaced_byline"
        return True
    return False


def _clean_boundary(units: list[Unit], title_start: int, garbled: set[int]) -> bool:
    """A title block starts a page, or follows finished text - never a column scrap."""
    if title_start in garbled:
        return False
    if title_start == 0:
        return True
    if title_start - 1 in garbled:
        return False
    before = units[title_start - 1]
    if before.kind in ("caption", "credit", "credit_para", "noise", "note", "pullquote", "byline", "name"):
        return True
    return not is_narrow_fragment(before.text)


def _lend_orphan_titles(units: list[Unit], starts: dict[int, str], title_start: int, anchor: int) -> int:
    """Give the leading lines of a long title block to the article above if it has no title.

    Some layouts print a title under its story; the text extraction then puts it on top
    of the next story's title block.
    """
    block = anchor - title_start
    if block < 3 or not starts:
        return title_start
    previous_start = max(starts)
    if units[previous_start].kind not in ("lead", "byline", "name"):
        return title_start
    for k in range(title_start, anchor - 1):
        units[k].kind = "late_title"
    return anchor - 1


def _has_content(units: list[Unit]) -> bool:
    return sum(len(u.text) for u in units if u.kind not in ("noise",)) > 40


def _mark_names(units: list[Unit]) -> None:
    """A bare name under a headline, above the text, signs an opinion piece."""
    for i, unit in enumerate(units):
        if unit.kind not in ("title", "para") or not bylines.looks_like_name_line(unit.text):
            continue
        before = units[i - 1] if i > 0 else None
        after = units[i + 1] if i + 1 < len(units) else None
        if before is None or before.kind != "title" or after is None:
            continue
        if after.kind == "pullquote" or (after.kind == "para" and len(after.text) > 30):
            unit.kind = "name"


def _anchors(units: list[Unit]) -> list[int]:
    """Positions of bylines that open an article (consecutive byline lines count once)."""
    anchors = []
    i = 0
    while i < len(units):
        kind = units[i].kind
        if kind == "credit" and _credit_under_title(units, i):
            units[i].kind = kind = "byline"  # "记者/张三 摄影报道" opening a photo story
        if kind in ("lead", "name"):
            anchors.append(i)
        elif kind == "byline":
            j = i
            while j + 1 < len(units) and units[j + 1].kind in ("byline", "credit") and len(units[j + 1].text) <= 40:
                j += 1
            if units[j].kind == "credit" and j > i:
                # "记者/刘毅" + "通讯员/曲宏 易溪 摄": a two-line photo credit, not an opening byline.
                for k in range(i, j + 1):
                    units[k].kind = "credit"
            else:
                anchors.append(i)
                for k in range(i + 1, j + 1):
                    units[k].kind = "byline_cont"
            i = j
        i += 1
    return anchors


def _credit_under_title(units: list[Unit], i: int) -> bool:
    """A one-line credit between a title and the text signs the story, like a byline."""
    before = units[i - 1] if i > 0 else None
    after = units[i + 1] if i + 1 < len(units) else None
    return before is not None and before.kind == "title" and after is not None and after.kind in ("para", "lead")


def _photo_news_title(units: list[Unit], credit_pos: int, starts: dict[int, str]) -> int | None:
    """Photo news: a title, one to three paragraphs, then a credit. Returns the title position."""
    j = credit_pos - 1
    while j >= 0 and units[j].kind == "credit":
        j -= 1
    paragraphs = 0
    while j >= 0 and units[j].kind == "para" and paragraphs < 3:
        paragraphs += 1
        j -= 1
    if units[credit_pos].kind == "credit_para":
        paragraphs += 1
    if units[credit_pos].kind == "caption" and paragraphs > 2:
        return None  # a long story's closing photo, not photo news
    if j < 0 or paragraphs == 0 or units[j].kind != "title" or j in starts:
        return None
    if any(start <= j < start + 4 and kind == "article" for start, kind in starts.items()):
        return None  # part of an ordinary title block
    before = units[j - 1] if j > 0 else None
    if before is not None and before.kind == "title":
        return None
    if units[j].text.endswith(("：", ":")):
        return None  # a label
    if before is not None and before.kind == "para" and continues(before.text):
        return None  # the "title" is the tail of a sentence cut by the layout
    if units[credit_pos].kind == "caption" and not bylines.HAS_ROLE.search(bylines.split_credit(units[credit_pos].text)[1]):
        return None
    return j


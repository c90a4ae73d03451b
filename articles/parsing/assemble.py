"""Turn one article's span of units into a ParsedArticle: titles, byline, body, captions."""

from __future__ import annotations

import re

from articles.parsing import bylines
from articles.parsing.text import ends_sentence, squeeze_cjk_spaces
from articles.parsing.types import ParsedArticle
from articles.parsing.units import Unit, is_narrow_fragment, is_place_line

_ANCHOR_KINDS = ("lead", "byline", "byline_cont", "name")
_ENUMERATED = re.compile(r"^([一二三四五六七八九十]+|\d+)[、.．]")


def build_article(span: list[Unit], kind: str) -> list[ParsedArticle]:
    """One article, plus separate flagged articles for any garbled region cut out of it."""
    article = ParsedArticle(line_start=span[0].line, line_end=span[-1].line)
    pos = 0
    titles: list[str] = []
    if kind in ("article", "photo"):
        while pos < len(span) and span[pos].kind in ("title", "late_title") and (kind == "article" or not titles):
            titles.append(span[pos].text)
            pos += 1
    body: list[Unit] = []
    byline_parts: list[str] = []
    late_titles = [u.text for u in span[pos:] if u.kind == "late_title"]
    for unit in span[pos:]:
        if unit.kind == "late_title":
            continue
        if unit.kind in _ANCHOR_KINDS and not body and not _is_mid_body(unit, byline_parts):
            _take_anchor(article, unit, byline_parts, body)
        elif unit.kind == "caption" and not body and not byline_parts:
            _take_caption(article, unit)
        else:
            body.append(unit)
    article.kicker, article.headline, article.subheadline = assign_titles(titles + late_titles)
    garbled_regions = find_garbled(body)
    extra: list[ParsedArticle] = []
    clean_left = sum(u.kind == "para" and len(u.text) > 20 for u in body) - sum(
        u.kind == "para" and len(u.text) > 20 for region in garbled_regions for u in region
    )
    if garbled_regions and clean_left < 2:
        article.review_reasons.append("garbled")
        _fill_body(article, body, byline_parts, rejoin=False)
    else:
        cut = {id(u) for region in garbled_regions for u in region}
        _fill_body(article, [u for u in body if id(u) not in cut], byline_parts, rejoin=True)
        for region in garbled_regions:
            fragment = ParsedArticle(line_start=region[0].line, line_end=region[-1].line, review_reasons=["garbled", "missing_headline"])
            _fill_body(fragment, region, [], rejoin=False)
            extra.append(fragment)
    article.byline_raw = "\n".join(part for part in byline_parts if part)
    if not article.headline:
        article.review_reasons.insert(0, "missing_headline")
        if extra and "garbled" not in article.review_reasons:
            article.review_reasons.append("garbled")  # no headline, and columns interleaved through it
    return [article] + extra


def _is_mid_body(unit: Unit, byline_parts: list[str]) -> bool:
    return unit.kind == "byline_cont" and not byline_parts


def _take_anchor(article: ParsedArticle, unit: Unit, byline_parts: list[str], body: list[Unit]) -> None:
    text = unit.text
    if unit.kind == "lead":
        for pattern in (bylines.LEAD, bylines.BYLINE_THEN_BODY, bylines.TRUNCATED_LEAD):
            match = pattern.match(text)
            if match:
                byline, rest = match.group(1), match.group(2)
                break
        else:  # pragma: no cover - classify() only marks leads these patterns match
            byline, rest = "", text
        people, confident = bylines.parse_byline(byline)
        if match.re is bylines.TRUNCATED_LEAD:
            confident = False
        byline_parts.append(byline)
        article.contributors += people
        if not confident:
            article.review_reasons.append("uncertain_byline")
        if rest.strip():
            body.append(Unit(index=unit.index, line=unit.line, text=rest.strip(), kind="para"))
        return
    byline_parts.append(text)
    if unit.kind == "name":
        names, _ = bylines.split_names(text)
        article.contributors += [bylines.Contributor(name=n, role="writer", raw=text) for n in names]
        return
    joined = " ".join(byline_parts)
    people, confident = bylines.parse_byline(joined)
    article.contributors = [c for c in article.contributors if c.raw not in byline_parts] + people
    if not confident:
        article.review_reasons.append("uncertain_byline")


def _take_caption(article: ParsedArticle, unit: Unit) -> None:
    article.captions.append(squeeze_cjk_spaces(unit.text))
    _, credit = bylines.split_credit(unit.text)
    if credit and bylines.HAS_ROLE.search(credit):  # "企业供图", "(资料图)" name nobody
        people, _ = bylines.parse_byline(credit)
        _add_people(article, people)


def _add_people(article: ParsedArticle, people) -> None:
    known = {(c.name, c.role) for c in article.contributors}
    for person in people:
        if (person.name, person.role) not in known:
            article.contributors.append(person)
            known.add((person.name, person.role))


def _fill_body(article: ParsedArticle, units: list[Unit], byline_parts: list[str], rejoin: bool) -> None:
    paragraphs: list[str] = []
    credit_group: list[str] = []  # consecutive credit lines share their 摄/供图
    joinable = False  # may the next paragraph unit continue the last paragraph?
    for unit in units:
        text = unit.text
        if unit.kind == "noise":
            continue  # page furniture: the page keeps it in extra_lines
        if unit.kind == "pullquote":
            article.pull_quotes.append(squeeze_cjk_spaces(text))
            continue
        if unit.kind == "caption":
            _take_caption(article, unit)
            joinable = False
            continue
        if unit.kind == "lead":
            paragraphs.append(squeeze_cjk_spaces(text))
            joinable = False
            continue
        if unit.kind in ("credit", "byline", "byline_cont"):
            credit_group.append(text)
            continue
        if credit_group:
            _take_credit_group(article, credit_group, byline_parts)
        if unit.kind == "credit_para":
            text, credit = bylines.split_credit(text)
            credit_group.append(credit)
            _take_credit_group(article, credit_group, byline_parts)
        clean = squeeze_cjk_spaces(text)
        if rejoin and joinable and paragraphs:
            paragraphs[-1] += clean
        else:
            paragraphs.append(clean)
        joinable = rejoin and continues(paragraphs[-1]) and unit.kind != "credit_para"
    if credit_group:
        _take_credit_group(article, credit_group, byline_parts)
    article.paragraphs += paragraphs


def _take_credit_group(article: ParsedArticle, group: list[str], byline_parts: list[str]) -> None:
    byline_parts.extend(group)
    joined = " ".join(group)
    if bylines.HAS_ROLE.search(joined):
        people, _ = bylines.parse_byline(joined)
        _add_people(article, people)
    group.clear()


def continues(paragraph: str) -> bool:
    """Was this paragraph cut mid-sentence by the layout?"""
    if ends_sentence(paragraph):
        return False
    if len(paragraph) > 20:
        return True
    # Short pieces are usually subheads ("一、全面打赢三大攻坚战"); running text still shows its commas.
    if _ENUMERATED.match(paragraph):
        return False
    return " " not in paragraph and any(mark in paragraph for mark in "、，,")


def find_garbled(units: list[Unit]) -> list[list[Unit]]:
    """Runs of narrow column scraps: interleaved columns that can't be read in order."""
    flags = [u.kind in ("para", "title", "late_title") and len(squeeze_cjk_spaces(u.text)) <= 20 for u in units]
    regions: list[list[Unit]] = []
    i = 0
    while i < len(units):
        if not flags[i]:
            i += 1
            continue
        j = i
        # Extend through the run, bridging single readable lines between scraps.
        while j + 1 < len(units) and (flags[j + 1] or (j + 2 < len(units) and flags[j + 2] and len(units[j + 1].text) <= 60)):
            j += 1
        run = units[i : j + 1]
        scraps = sum(flags[i : j + 1])
        cut = sum(is_narrow_fragment(u.text) for u in run)  # short AND cut mid-sentence
        tiny = sum(len(u.text) <= 3 for u in run)
        if (scraps >= 4 and cut * 2 >= scraps) or (scraps >= 2 and tiny >= 2):
            regions.append(run)
        i = j + 1
    return regions


def assign_titles(lines: list[str]) -> tuple[str, str, str]:
    """Lines of a title block -> (kicker 引题, headline 主题, subheadline 副题)."""
    merged: list[str] = []
    for line in lines:
        if merged and merged[-1].endswith(("：", ":")):
            merged[-1] += line  # "株洲高新区:" + "以奋斗之姿…" is one headline
        else:
            merged.append(line)
    if not merged:
        return "", "", ""
    if len(merged) == 1:
        return "", merged[0], ""
    if len(merged) == 2:
        first, second = merged
        if first.endswith(("——", "—")) or is_place_line(first):
            return first, second, ""
        if second.startswith(("-", "—")):
            return "", first, second
        if len(first) < 0.6 * len(second):
            return first, second, ""
        return "", first, second
    return merged[0], merged[1], " ".join(merged[2:])

"""Turn one article's span of units into a ParsedArticle: titles, byline, body, captions."""

from __future__ import annotations

import re

from articles.parsing import bylines
from articles.parsing.garble import find_garbled, seams, strays
from articles.parsing.text import column_joined, continues, ends_sentence, squeeze_cjk_spaces
from articles.parsing.types import ParsedArticle
from articles.parsing.units import Unit, is_place_line

_ANCHOR_KINDS = ("lead", "byline", "byline_cont", "name")


def build_article(span: list[Unit], kind: str) -> tuple[ParsedArticle, list[list[Unit]]]:
    """One article, plus the garbled regions cut out of it (see build_fragments)."""
    article = ParsedArticle(line_start=span[0].line, line_end=span[-1].line)
    pos = 0
    titles: list[str] = []
    if kind in ("article", "photo"):
        while pos < len(span) and span[pos].kind in ("title", "late_title") and (kind == "article" or not titles):
            titles.append(span[pos].text)
            pos += 1
    body: list[Unit] = []
    byline_parts: list[str] = []
    displaced: list[Unit] = []
    late_titles = [u.text for u in span[pos:] if u.kind == "late_title"]
    for unit in span[pos:]:
        if unit.kind == "late_title":
            continue
        if unit.kind == "displaced_byline":
            displaced.append(unit)
        elif unit.kind in _ANCHOR_KINDS and not body and not _is_mid_body(unit, byline_parts):
            _take_anchor(article, unit, byline_parts, body)
        elif unit.kind == "caption" and not body and not byline_parts:
            _take_caption(article, unit)
        else:
            body.append(unit)
    article.kicker, article.headline, article.subheadline = assign_titles(titles + late_titles)
    dash = _LEADING_DASH.match(article.subheadline)
    if dash and dash.end() < len(article.subheadline):
        # "——市十三届纪委…": the printed 破折号 introduces the subheadline, it is not part of it.
        article.stripped_marks += dash.group(0).strip()
        article.subheadline = article.subheadline[dash.end() :]
    garbled_regions = find_garbled(body)
    taken = {id(u) for region in garbled_regions for u in region}
    garbled_regions += [r for r in strays(body) if id(r[0]) not in taken]
    clean_left = sum(u.kind == "para" and len(u.text) > 20 for u in body) - sum(
        u.kind == "para" and len(u.text) > 20 for region in garbled_regions for u in region
    )
    if garbled_regions and clean_left < 2 and not displaced:
        article.review_reasons.append("garbled")
        _fill_body(article, body, byline_parts, rejoin=False)
        garbled_regions = []
    else:
        cut = {id(u) for region in garbled_regions for u in region}
        found = seams(body, cut)
        if found.lost_text:
            article.review_reasons.append("garbled")
        _fill_body(article, [u for u in body if id(u) not in cut], byline_parts, rejoin=True, no_join=found.no_join)
    for unit in displaced:  # it signs the scrambled text right below it
        following = [r for r in garbled_regions if r[0].line > unit.line]
        if following:
            min(following, key=lambda r: r[0].line).insert(0, unit)
        else:
            garbled_regions.append([unit])
    article.byline_raw = "\n".join(part for part in byline_parts if part)
    if not article.headline:
        article.review_reasons.insert(0, "missing_headline")
        if garbled_regions and "garbled" not in article.review_reasons:
            article.review_reasons.append("garbled")  # no headline, and columns interleaved through it
    return article, garbled_regions


def build_fragments(page_units: list[Unit], regions: list[list[Unit]]) -> tuple[list[ParsedArticle], list[str]]:
    """Flagged articles for the garbled regions of a page: kept whole, never glued into clean text.

    Regions signed by a displaced byline own the page's other scraps (the nearest owner takes
    each); a headline buried in the scramble is recovered when it stands at a clean boundary.
    """
    owners = [r for r in regions if any(u.kind == "displaced_byline" for u in r)]
    groups: list[list[Unit]] = [list(r) for r in owners]
    for region in regions:
        if any(region is owner for owner in owners):
            continue
        if not groups:
            groups.append(list(region))
            continue
        nearest = min(range(len(groups)), key=lambda k: _distance(groups[k], region))
        if owners:
            groups[nearest] += region
        else:
            groups.append(list(region))
    fragments, leftovers = [], []
    for group in groups:
        group.sort(key=lambda u: u.line)
        if len(group) == 1 and len(group[0].text) <= 3 and group[0].kind != "displaced_byline":
            leftovers.append(group[0].text)  # a lone scrap is residue, not an article
            continue
        fragments.append(_fragment_article(page_units, group))
    return fragments, leftovers


def _distance(a: list[Unit], b: list[Unit]) -> int:
    lo_a, hi_a = min(u.line for u in a), max(u.line for u in a)
    lo_b, hi_b = min(u.line for u in b), max(u.line for u in b)
    return max(0, lo_b - hi_a, lo_a - hi_b)


_TITLE_PUNCT = set("，,。、；;：:！!？?…（）()")


def _fragment_article(page_units: list[Unit], group: list[Unit]) -> ParsedArticle:
    fragment = ParsedArticle(line_start=group[0].line, line_end=group[-1].line, review_reasons=["garbled"])
    byline_parts: list[str] = []
    for unit in group:
        if unit.kind == "displaced_byline":
            byline_parts.append(unit.text)
            people, _ = bylines.parse_byline(unit.text)
            _add_people(fragment, people)
    rest = [u for u in group if u.kind != "displaced_byline"]
    found = _buried_title(page_units, rest)
    if found is not None:
        title, subtitle, after = found
        fragment.headline = title.text
        fragment.subheadline = subtitle
        position = rest.index(title)
        replaced = rest[position + 1]
        rest = rest[:position] + ([Unit(index=replaced.index, line=replaced.line, text=after, kind="para")] if after else []) + rest[position + 2 :]
    else:
        fragment.review_reasons.append("missing_headline")
    _fill_body(fragment, rest, byline_parts, rejoin=False)
    fragment.byline_raw = "\n".join(part for part in byline_parts if part)
    return fragment


def _buried_title(page_units: list[Unit], units: list[Unit]) -> tuple[Unit, str, str] | None:
    """A headline + subheadline pair inside scrambled columns.

    It must start after finished text (not mid-sentence), carry no sentence punctuation, and the
    next line must open with a punctuation-free phrase set off by a space (the subheadline, with
    the neighbouring column's text joined on).
    """
    for k, unit in enumerate(units[:-1]):
        text = unit.text
        if not 6 <= len(text) <= 24 or " " in text or _TITLE_PUNCT & set(text):
            continue
        before = page_units[unit.index - 1] if unit.index > 0 else None
        if before is not None and before.kind in ("para", "title") and not ends_sentence(before.text):
            continue
        following = units[k + 1]
        if following.index != unit.index + 1:
            continue
        head, _, tail = following.text.partition(" ")
        if 4 <= len(head) <= 20 and not (_TITLE_PUNCT & set(head)) and tail.strip():
            return unit, head, tail.strip()
    return None


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
        elif bylines.BARE_LEAD.match(byline.strip()):
            confident = True  # "本报讯" names nobody: nothing to be unsure about
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


def _fill_body(article: ParsedArticle, units: list[Unit], byline_parts: list[str], rejoin: bool, no_join: frozenset[int] | set[int] = frozenset()) -> None:
    paragraphs: list[str] = []
    credit_group: list[str] = []  # consecutive credit lines share their 摄/供图
    # A subhead's space is designed ("抓项目强产业 高质量发展加速跑") unless the text is full of column joins.
    keep_title_spaces = not column_joined([u.text for u in units if u.kind == "para"])
    joinable = False  # may the next paragraph unit continue the last paragraph?
    for unit in units:
        text = unit.text
        if id(unit) in no_join:
            joinable = False  # see garble.seams: the text before does not run on into this
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
        if unit.kind == "title" and keep_title_spaces and not (rejoin and joinable) and not continues(text):
            clean = " ".join(text.split())
        else:
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


_KICKER_END = ("——", "—", "：", ":")
_LEADING_DASH = re.compile(r"^[-—–─━－]+\s*")


def assign_titles(lines: list[str]) -> tuple[str, str, str]:
    """Lines of a title block -> (kicker 引题, headline 主题, subheadline 副题).

    Lines ending in "——" or ":" ("株洲高新区:") and bare place lines ("芦淞区枫溪街道")
    lead into the headline, so they and everything above them form the kicker.
    """
    if not lines:
        return "", "", ""
    last_kicker = -1
    for k, line in enumerate(lines[:-1]):
        if line.endswith(_KICKER_END) or is_place_line(line):
            last_kicker = k
    kicker = " ".join(lines[: last_kicker + 1])
    rest = lines[last_kicker + 1 :]
    if len(rest) == 1:
        return kicker, rest[0], ""
    first, second = rest[0], rest[1]
    leads_in = len(rest) >= 3 or len(first) < 0.6 * len(second)  # a short first line introduces the next
    if not kicker and not second.startswith(("-", "—")) and leads_in:
        return first, second, " ".join(rest[2:])  # kicker, headline, subheadline
    return kicker, first, " ".join(rest[1:])


_NOT_CJK = re.compile("[^\u4e00-\u9fff]+")


def _bigrams(text: str) -> set[str]:
    chars = _NOT_CJK.sub("", text)
    return set(map(str.__add__, chars, chars[1:]))


def reassign_captions(articles: list[ParsedArticle]) -> None:
    """Move a photo caption to the neighbouring article its words come from.

    Captions sit between stories; "医生在为群众进行颈椎推拿" printed after one story
    belongs to the next one if that is where 颈椎推拿 is told.
    """
    cache: dict[int, str] = {}

    def text_of(k: int) -> str:
        if k not in cache:
            a = articles[k]
            cache[k] = "".join([a.kicker, a.headline, a.subheadline, *a.paragraphs])
        return cache[k]

    def overlap(words: set[str], k: int) -> int:
        text = text_of(k)
        return sum(word in text for word in words)

    for k, article in enumerate(articles):
        if not article.captions or "garbled" in article.review_reasons:
            continue
        for caption in list(article.captions):
            words = _bigrams(bylines.split_credit(caption)[0])
            own = overlap(words, k)
            best, best_score = k, own
            for j in (k - 1, k + 1):
                if 0 <= j < len(articles) and "garbled" not in articles[j].review_reasons:
                    score = overlap(words, j)
                    if score >= 2 * own + 2 and score > best_score:
                        best, best_score = j, score
            if best != k:
                _move_caption(article, articles[best], caption)


def _move_caption(source: ParsedArticle, target: ParsedArticle, caption: str) -> None:
    source.captions.remove(caption)
    target.captions.append(caption)
    credit = "".join(bylines.split_credit(caption)[1].split())
    if not credit:
        return
    moved = [c for c in source.contributors if c.role == "photographer" and "".join(c.raw.split()) == credit]
    still_credited = any(credit in "".join(other.split()) for other in source.captions)
    if still_credited:
        return
    source.contributors = [c for c in source.contributors if c not in moved]
    _add_people(target, moved)

"""Pair the articles a changed file had before with the ones it has now.

Position in the file (source_index) is the first guess, but an article added or removed
above shifts every index after it; the text then decides. Compared on the importer's own
raw text, so an editor's new headline doesn't hide the match.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from articles.parsing.types import ParsedArticle

SAME_PLACE = 0.6  # the article at the same index is this similar: same article, edited in the source
ELSEWHERE = 0.75  # an article found at another index must be clearly the same text
PREFIX = 400  # characters compared: headline and opening lines are enough, and fast


def similarity(old_raw: str, new_raw: str) -> float:
    a, b = old_raw[:PREFIX], new_raw[:PREFIX]
    if not a and not b:
        return 1.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < ELSEWHERE and matcher.quick_ratio() < SAME_PLACE:
        return 0.0
    return matcher.ratio()


def match_articles(old: dict[int, object], new: list[ParsedArticle], skip: frozenset[int] = frozenset()) -> dict[int, object]:
    """Map new index -> old article (objects with .raw_text). Unmatched old ones are left out.

    `skip`: new indexes already paired elsewhere (left unmatched here).
    """
    matches: dict[int, object] = {}
    free = dict(old)
    for index, parsed in enumerate(new):
        if index in skip:
            continue
        candidate = free.get(index)
        if candidate is not None and similarity(candidate.raw_text, parsed.raw_text) >= SAME_PLACE:
            matches[index] = free.pop(index)
    if not free:
        return matches
    # Shifted articles: best remaining pair first, so one close match can't steal another's.
    pairs = []
    for index, parsed in enumerate(new):
        if index in matches or index in skip:
            continue
        for old_index, article in free.items():
            score = similarity(article.raw_text, parsed.raw_text)
            if score >= ELSEWHERE:
                pairs.append((score, index, old_index))
    for score, index, old_index in sorted(pairs, reverse=True):
        if index not in matches and old_index in free:
            matches[index] = free.pop(old_index)
    return matches

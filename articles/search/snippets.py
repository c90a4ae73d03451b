"""Snippets from the original text with the query words in <mark>; everything else escaped."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WINDOW = 130
# A paragraph ending in Chinese punctuation runs on without a space (…评议会。此次…).
_CJK_END = re.compile(r"[。，、；：！？”’」』）》…—]$")


def _pattern(words: list[str]) -> re.Pattern | None:
    words = [w for w in words if w]
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)


def highlight(text: str, words: list[str]) -> SafeString:
    pattern = _pattern(words)
    if pattern is None:
        return mark_safe(escape(text))
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def join_paragraphs(text: str) -> str:
    out = ""
    for paragraph in filter(None, (p.strip() for p in (text or "").split("\n\n"))):
        # A space only where a paragraph ends without punctuation (an intertitle, an ASCII word).
        out += paragraph if not out or _CJK_END.search(out) else " " + paragraph
    return out


def snippet(text: str, words: list[str]) -> SafeString:
    """~130 characters of the original body around the first match (or its opening)."""
    text = join_paragraphs(text)
    pattern = _pattern(words)
    match = pattern.search(text) if pattern else None
    start = max(0, match.start() - 40) if match else 0
    piece = text[start : start + WINDOW]
    prefix = "……" if start > 0 else ""
    suffix = "……" if start + WINDOW < len(text) else ""
    return mark_safe(escape(prefix) + highlight(piece, words) + escape(suffix))

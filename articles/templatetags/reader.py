"""Template filters for reading Chinese text comfortably."""

from __future__ import annotations

import html
import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe

register = template.Library()

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_FULLWIDTH = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"}
# ASCII punctuation touching a Chinese character (on either side) is displayed full-width;
# numbers (6.2%, 9:00, 2021-2035) and ASCII words keep their own punctuation.
_NEXT_TO_CJK = re.compile(rf"(?<=[{_CJK}“”‘’》」）])([,:;!?])|([,:;!?])(?=[{_CJK}“‘《「（])")
_OPEN_PAREN = re.compile(rf"\((?=[^()]*[{_CJK}][^()]*\))")
_CLOSE_PAREN = re.compile(rf"(?<=[{_CJK}。！？”])\)")
# A pair of ASCII double quotes around Chinese text: "微亮化" -> “微亮化”.
# Quotes pair up left to right, so "a"和"b" stays as it is.
_QUOTED = re.compile(r'"([^"\n]*)"')
_HAS_CJK = re.compile(rf"[{_CJK}]")


@register.filter
def fullwidth(text: str) -> str:
    """Display ASCII ,:;!?() and "quotes" around Chinese text in their full-width forms.

    Safe HTML (a search snippet with <mark>) keeps its tags: the text between them is converted
    as one string, so 学<mark>林</mark>: still sees the 林 before the colon, then re-escaped.
    """
    if not text:
        return ""
    if isinstance(text, SafeData):
        return _fullwidth_html(str(text))
    return _fullwidth_text(str(text))


_TAG = re.compile(r"(<[^>]*>)")


def _fullwidth_html(markup: str) -> str:
    parts = _TAG.split(markup)  # even indexes: escaped text, odd indexes: tags
    texts = [html.unescape(part) for part in parts[::2]]
    converted = _fullwidth_text("".join(texts))  # every replacement is one character for one
    out, at = [], 0
    for i, part in enumerate(parts):
        if i % 2:
            out.append(part)
        else:
            length = len(texts[i // 2])
            out.append(escape(converted[at : at + length]))
            at += length
    return mark_safe("".join(out))


_CONVERTIBLE = re.compile(r'[,:;!?()"]')


def _fullwidth_text(text: str) -> str:
    if not _CONVERTIBLE.search(text):  # most titles and paragraphs: nothing to convert
        return text
    text = _QUOTED.sub(lambda m: f"“{m.group(1)}”" if _HAS_CJK.search(m.group(1)) else m.group(0), text)
    text = _OPEN_PAREN.sub("（", text)
    text = _CLOSE_PAREN.sub("）", text)
    return _NEXT_TO_CJK.sub(lambda m: _FULLWIDTH[m.group(1) or m.group(2)], text)


@register.filter
def excerpt(text: str, length: int = 90) -> str:
    text = (text or "").strip()
    return text if len(text) <= length else text[:length].rstrip() + "……"


@register.filter
def review_labels(article) -> str:
    """The reasons an article awaits review, in Chinese, for a badge's tooltip ("" when none)."""
    from articles.choices import ReviewReason

    if not article.needs_review:
        return ""
    return "、".join(ReviewReason(code).label for code in article.review_reasons or [] if code in ReviewReason.values)


@register.filter
def needs_text_review(article) -> bool:
    """Flagged for more than an inferred date (which the issue and article pages state on their own)."""
    return article.needs_review and any(code != "inferred_date" for code in article.review_reasons or [])


WEEKDAYS = "一二三四五六日"


@register.filter
def cn_date(day) -> str:
    """2023-02-09 -> 2023年2月9日"""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


@register.filter
def cn_weekday(day) -> str:
    return "星期" + WEEKDAYS[day.weekday()] if day else ""


# A printed intertitle (小标题): a short line of two phrases split by a space, no sentence punctuation,
# e.g. "守护蓝天碧水 生态环境持续向好". Display only: the stored body keeps it as a paragraph.
_INTERTITLE = re.compile(rf"^(?:\d{{1,2}}\s*)?[{_CJK}“”《》·]{{2,16}}(?:\s[{_CJK}“”《》·0-9]{{2,16}})+[?？]?$")


@register.filter
def body_blocks(article) -> list[dict]:
    """The article body as [{"kind": "p" | "intertitle", "text": …}] for the template."""
    garbled = "garbled" in (article.review_reasons or [])
    blocks = []
    for paragraph in article.paragraphs:
        text = paragraph.strip()
        kind = "intertitle" if not garbled and len(text) <= 30 and _INTERTITLE.match(text) else "p"
        blocks.append({"kind": kind, "text": text})
    return blocks

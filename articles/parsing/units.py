"""Line units and their classification: what each non-blank source line looks like."""

from __future__ import annotations

import re
from dataclasses import dataclass

from articles.parsing import bylines
from articles.parsing.text import CJK, ends_sentence, squeeze_cjk_spaces

STAFF_LINE = re.compile(r"(责任编辑|美术编辑)\s*[:：]")
_CHANNEL = re.compile(rf"^[{CJK}]{{2,8}}(网|客户端|公众号|APP|app)$")
# Page furniture, only ever on short lines (a paragraph may well mention a 客户端).
_NOISE = re.compile(r"(投稿邮箱|[A-Za-z0-9._-]+@[A-Za-z0-9-]+\.[a-z]{2,}|ZHUZHOU DAILY|出版物号|客户端|主管、主办|邮发代号|^扫一扫)")
_NOISE_MAX = 48
_MASTHEAD = re.compile(r"(第\s*\d{3,6}\s*期|今日\s*\d{1,3}\s*版|星期[一二三四五六日天]|ZHUZHOU DAILY|出版物号|客户端|主管、主办|^\d{4}\s*年\s*\d{1,2}\s*月)")
_PLACE_LINE = re.compile(rf"^[{CJK}]{{1,8}}(区|县|市|镇|乡|街道|社区|村)$")


@dataclass
class Unit:
    index: int  # position among the page's units
    line: int  # 1-based source line
    text: str  # stripped source text
    kind: str = "para"  # para, title?, lead, byline, credit, caption, credit_para, pullquote, note, noise, name


def classify(text: str) -> str:
    """First-pass kind of a line, without context."""
    squeezed = squeeze_cjk_spaces(text)
    if len(squeezed) <= _NOISE_MAX and _NOISE.search(text) or _CHANNEL.match(squeezed):
        return "noise"
    if squeezed.startswith("【") and squeezed.endswith("】"):
        return "pullquote"
    if bylines.AUTHOR_NOTE.match(squeezed):
        return "note"
    if bylines.LEAD.match(text) or bylines.TRUNCATED_LEAD.match(text):
        return "lead"
    if bylines.BYLINE_THEN_BODY.match(text) and not text.rstrip().endswith((")", "）")):
        return "lead"
    if bylines.is_byline_line(text):
        return "credit" if re.search(r"(摄影|摄|供图|整理|摄影报道)\s*$", text) and not text.rstrip().endswith("整理") else "byline"
    body, credit = bylines.split_credit(text)
    if credit:
        if not body:
            return "credit"
        return "caption" if len(squeezed) <= 90 else "credit_para"
    if is_title_like(squeezed):
        return "title"
    return "para"


def is_title_like(text: str) -> bool:
    """Short, headline-shaped text: no sentence punctuation inside or at the end."""
    length = len(text)
    if length > 34 or length < 2:
        return False
    if length < 4 and not _PLACE_LINE.match(text):
        return False
    if "。" in text or text.endswith(("；", ";", "、", "，", ",")):
        return False
    return not (re.match(r"^[)）、,，。.%]", text) or re.match(r"^[\d.,%]+[亩%万亿元个]?$", text))


def is_masthead_line(text: str) -> bool:
    return bool(_MASTHEAD.search(text))


def is_place_line(text: str) -> bool:
    return bool(_PLACE_LINE.match(text))


def is_narrow_fragment(text: str) -> bool:
    """A piece of a narrow column: short and cut mid-sentence, or a one-to-three character scrap."""
    squeezed = squeeze_cjk_spaces(text)
    return len(squeezed) <= 3 or (len(squeezed) <= 20 and not ends_sentence(squeezed))

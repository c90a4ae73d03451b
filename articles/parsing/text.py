"""Character classes and small text helpers shared by the parser modules."""

from __future__ import annotations

import re

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_CHAR = re.compile(f"[{CJK}]")
# A space (or several) that OCR or column joins put between two CJK characters.
_SPACE_BETWEEN_CJK = re.compile(
    f"(?<=[{CJK}“”‘’,，。、：:;；!！?？()（）《》])[ \u3000\t]+(?=[{CJK}“”‘’《（(])"
    f"|(?<=[{CJK}])[ \u3000\t]+(?=\\d)|(?<=\\d)[ \u3000\t]+(?=[{CJK}])"  # "总投资达 2160 亿元", "2月 6日"
)

SENTENCE_END = tuple("。！？!?…；;：:") + ("”", "’", "」", "』", "）", ")", "】")
CLAUSE_END = tuple("。！？!?…")
_ENUMERATED = re.compile(r"^([一二三四五六七八九十]+|\d+)[、.．]")


_JOIN_SPACE = re.compile(f"[{CJK}] +[{CJK}]")


def column_joined(paragraphs: list[str]) -> bool:
    """Do these lines carry spaces where the extraction joined column lines ("何寄华率队来株, 调研")?"""
    long = [p for p in paragraphs if len(p) > 40]
    joined = sum(len(_JOIN_SPACE.findall(p)) >= 2 for p in long)
    return bool(long) and joined * 3 >= len(long)


def cjk_count(text: str) -> int:
    return len(CJK_CHAR.findall(text))


def squeeze_cjk_spaces(text: str) -> str:
    """Remove spaces between CJK characters (OCR and column-join damage); keep other spaces."""
    if " " not in text and "\u3000" not in text and "\t" not in text:
        return text.strip()
    return _SPACE_BETWEEN_CJK.sub("", text).strip()


def ends_sentence(text: str) -> bool:
    text = text.rstrip()
    if not text:
        return True
    if text.endswith(("”", "’", "」", "』", ")", "）")):
        # A closing quote ends a sentence only when punctuation precedes it.
        inner = text[:-1].rstrip()
        return bool(inner) and (inner.endswith(CLAUSE_END) or inner.endswith(("”", "）", ")")))
    return text.endswith(SENTENCE_END)


def non_space_chars(text: str) -> str:
    return "".join(text.split())


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

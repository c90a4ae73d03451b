"""The reader's query language, parsed into a plan the engines can run safely.

    space or AND = AND · "quoted phrase" (also “ ” and 「 」) · -exclude or NOT x · a OR b (or, |, ｜)

Anything else that looks like engine syntax (NEAR( ), title:, *, ^, parentheses) is dropped and
the words are searched. User text never reaches the engine: only tokens built here (CJK
characters, ASCII letters and digits), each quoted by the backend.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from articles.search.tokens import CJK_RUN, jieba_words, normalize, word_to_tokens

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
# After NFKC (which already turns ＂ － ｜ into " - |): the quotes a Chinese IME types.
_QUOTES = str.maketrans({"“": '"', "”": '"', "「": '"', "」": '"', "『": '"', "』": '"', "〝": '"', "〞": '"', "−": "-"})
_PIECE = re.compile(r'(-?)"([^"]*)"|(\S+)')
_KEEP = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z0-9 ]+")
_CJK_SPACE = re.compile(r"(?<=[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])\s+(?=[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])")
# Engine syntax a reader may paste: FTS5/tsquery NEAR groups, column filters ({title body}: or title:).
_NEAR = re.compile(r"\bnear\s*(?:/\s*\d+\s*)?\(|\bnear/\d+\b", re.IGNORECASE)
_COLUMNS = re.compile(r"\{[^}]*\}\s*:|(?<![^\s\-\"(])[A-Za-z_]+\s*:(?=\s*[^\s:/])")
_NEAR_DISTANCE = re.compile(r",\s*\d+\s*\)")
_OR, _AND, _NOT = {"or", "|", "||"}, {"and", "&", "&&", "+"}, {"not", "!"}


@dataclass
class Term:
    text: str  # what the reader typed (normalised), for messages and highlighting
    words: list[list[str]]  # each word as its token phrase; all words must match
    phrase: bool = False

    def word_texts(self) -> list[str]:
        """The words as text again (bigram phrase "学林 林街 街道" -> "学林街道")."""
        return [tokens[0] + "".join(t[1:] for t in tokens[1:]) if CJK_RUN.fullmatch(tokens[0]) else " ".join(tokens) for tokens in self.words]


@dataclass
class QueryPlan:
    groups: list[list[Term]] = field(default_factory=list)  # AND of groups, OR within a group
    excluded: list[Term] = field(default_factory=list)
    message: str = ""  # a note for the reader (query shortened, operators ignored…)

    @property
    def empty(self) -> bool:
        return not self.groups

    def highlight_words(self) -> list[str]:
        words = {text for group in self.groups for term in group for text in term.word_texts()}
        return sorted((w for w in words if w), key=len, reverse=True)


def _prepare(raw: str) -> tuple[str, bool]:
    """Normalise widths first (a Chinese IME types －醴陵 and “…”), then drop engine syntax."""
    text = unicodedata.normalize("NFKC", (raw or "").replace("\x00", " ")).translate(_QUOTES)
    stripped = _COLUMNS.sub("", text)  # "" keeps -title:x negated
    if _NEAR.search(stripped):
        stripped = _NEAR_DISTANCE.sub(" ", _NEAR.sub(" ", stripped))  # NEAR(a b, 5): 5 is no word
    dropped = stripped != text
    # | and & glued to words (株洲|醴陵) become operators of their own; brackets only group.
    stripped = re.sub(r"(\|\|?|&&?)", r" \1 ", stripped)
    stripped = re.sub(r"[()\[\]{}]", " ", stripped)
    return stripped, dropped


def parse_query(raw: str) -> QueryPlan:
    plan = QueryPlan()
    text, dropped_syntax = _prepare(raw)
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        plan.message = f"搜索词过长，只使用前 {MAX_QUERY_CHARS} 个字符。"
    if text.count('"') % 2:
        text = text.replace('"', " ")  # unbalanced quotes: search the words instead
    pending_or = pending_not = False
    for match in _PIECE.finditer(text):
        bare = (match.group(3) or "").lower()
        if bare in _OR:
            pending_or = bool(plan.groups)
            continue
        if bare in _AND:
            continue  # space already means AND
        if bare in _NOT:
            pending_not = True
            continue
        quoted = match.group(2) is not None
        negated = pending_not or match.group(1) == "-" or (not quoted and bare.startswith("-"))
        body = match.group(2) if quoted else match.group(3).lstrip("-")
        term = make_term(body, phrase=quoted)
        if term is None:
            continue
        if negated:
            plan.excluded.append(term)
        elif pending_or:
            plan.groups[-1].append(term)
        else:
            plan.groups.append([term])
        pending_or = pending_not = False
        if len(plan.groups) + len(plan.excluded) >= MAX_TERMS:
            plan.message = f"最多使用 {MAX_TERMS} 个搜索词。"
            break
    if plan.empty and plan.excluded:
        plan.message = "请至少输入一个要查找的词（减号和 NOT 只用于排除）。"
        plan.excluded = []
    elif dropped_syntax and not plan.message and not plan.empty:
        plan.message = "已忽略 NEAR( )、字段名（如 title:）等不支持的写法，按普通词搜索。"
    return plan


def make_term(text: str, phrase: bool) -> Term | None:
    clean = " ".join(_KEEP.sub(" ", normalize(text)).split())
    if not clean:
        return None
    if phrase:
        # Spaces inside a Chinese phrase are not significant: "民生 实事" is 民生实事.
        clean = _CJK_SPACE.sub("", clean)
        tokens = word_to_tokens(clean)
        return Term(text=clean.replace(" ", ""), words=[tokens], phrase=True) if tokens else None
    words = []
    for piece in clean.split():
        segments = jieba_words(piece) if CJK_RUN.search(piece) else [piece]
        # jieba keeps 学林街道 or splits 养老服务发展; single-character leftovers stay in their word.
        merged: list[str] = []
        for segment in segments:
            if merged and len(segment) == 1 and CJK_RUN.fullmatch(segment) and len(merged[-1]) == 1:
                merged[-1] += segment
            else:
                merged.append(segment)
        words += [word_to_tokens(w) for w in merged if word_to_tokens(w)]
    return Term(text=clean.replace(" ", ""), words=words) if words else None

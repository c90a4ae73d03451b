"""Text -> index tokens, and query words -> the same tokens.

The index holds CJK character bigrams (so 芦淞 finds 芦淞区, 学林 finds 学林街道) in the
title/body/byline columns, and CJK unigrams in their own column for one-character
queries. Lower-cased ASCII words and numbers are indexed as they are. Queries are
segmented with jieba (project user dictionary), then each word becomes a bigram phrase.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache

CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+(?:\.[0-9]+)?")
_lock = threading.Lock()
_jieba = None


def is_single_char(tokens: list[str]) -> bool:
    """A query word that is one Chinese character (searched as a unigram, or a bigram's start)."""
    return len(tokens) == 1 and len(tokens[0]) == 1 and bool(CJK_RUN.fullmatch(tokens[0]))


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, traditional to simplified."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return _converter().convert(text) if CJK_RUN.search(text) else text


def bigram_tokens(text: str) -> list[str]:
    return normalized_bigrams(normalize(text))


def normalized_bigrams(text: str) -> list[str]:
    """bigram_tokens() of text that normalize() has already seen."""
    tokens: list[str] = []
    for match in WORD.finditer(text):
        word = match.group(0)
        if CJK_RUN.fullmatch(word):
            if len(word) == 1:
                tokens.append(word)  # a lone character still matches itself
            tokens.extend(word[i : i + 2] for i in range(len(word) - 1))
        else:
            tokens.append(word)
    return tokens


def unigram_tokens(text: str) -> list[str]:
    return normalized_unigrams(normalize(text))


def normalized_unigrams(text: str) -> list[str]:
    return [char for run in CJK_RUN.findall(text) for char in run]


def word_to_tokens(word: str) -> list[str]:
    """A query word -> the token phrase that matches it in the bigram columns."""
    return bigram_tokens(word)


def jieba_words(text: str) -> list[str]:
    """Segment a query with jieba and the project's dictionary (places, people, institutions)."""
    segmenter = get_jieba()
    return [w for w in (part.strip() for part in segmenter.cut(text)) if w and WORD.search(w)]


def get_jieba():
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                instance = jieba.Tokenizer()
                for word in _user_words():
                    instance.add_word(word, freq=20000)
                _jieba = instance
    return _jieba


def refresh_dictionary() -> None:
    """Reload the user dictionary (after editors add places or authors)."""
    global _jieba
    with _lock:
        _jieba = None


def _user_words() -> list[str]:
    from pathlib import Path

    words: list[str] = []
    userdict = Path(__file__).resolve().parent.parent / "data" / "userdict.txt"
    if userdict.exists():
        words += [line.split()[0] for line in userdict.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    try:
        from articles.models import Author, District, Place

        for district in District.objects.only("name", "short_name", "aliases"):
            words += [district.name, district.short_name, *district.aliases]
        for place in Place.objects.only("name", "aliases"):
            words += [place.name, *place.aliases]
        words += list(Author.objects.values_list("name", flat=True)[:50000])
    except Exception:  # noqa: BLE001 - no database yet (e.g. during migrate): the file still helps
        pass
    return [w for w in dict.fromkeys(words) if w and len(w) >= 2]

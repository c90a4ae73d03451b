"""Readable ASCII slugs from Chinese names (pinyin), unique within a model."""

from __future__ import annotations

import re

from django.utils.text import slugify
from pypinyin import lazy_pinyin


def pinyin_slug(name: str, max_length: int = 60) -> str:
    """"邹怡敏" -> "zou-yi-min"; "城市·观察" -> "cheng-shi-guan-cha"."""
    words = [w for w in lazy_pinyin(name, errors="ignore") if w.strip()]
    slug = slugify("-".join(words))
    slug = re.sub(r"-{2,}", "-", slug).strip("-")
    return slug[:max_length] or "x"


def unique_slug(name: str, taken: set[str], max_length: int = 60) -> str:
    """A pinyin slug not in `taken` (adds -2, -3 …); adds it to `taken`."""
    base = pinyin_slug(name, max_length - 6)
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug

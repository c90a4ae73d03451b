"""Low-quality text: interleaved column scraps, and the seams where a column's text was lost.

find_garbled() and strays() find scraps to cut out of an article (they become flagged
fragments). seams() then looks at what is left: where a paragraph cut mid-sentence would be
glued onto text that cannot continue it, the paragraphs stay apart and the article is flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from articles.parsing import bylines
from articles.parsing.text import CJK, cjk_count, continues, ends_sentence, squeeze_cjk_spaces
from articles.parsing.units import Unit, is_narrow_fragment

# Paragraphs of a long-line layout: one source line per printed paragraph (or column block).
_LONG = 50
# A printed column line is at most this wide; anything shorter between long lines is a piece of one.
_SHORT = 26
# How a news paragraph opens: a time or discourse adverbial, or a speaker, then a comma.
_OPENER = re.compile(
    rf"^(?:[上下]午|早上|晚上|当晚|当天|当日|次日|随后|近日|日前|近年来|今年|去年|目前|此外|另外|同时|据悉|据了解"
    rf"|\d{{1,2}}月\d{{1,2}}日(?:[上下]午|晚)?|[{CJK}]{{2,12}}(?:指出|表示|介绍|强调|认为|说))[,，:：]"
)
_SENTENCE_PUNCT = set("，,。、；;：:！!？?“”\"'‘’《》（）()")
_DESIGNED_SPACE = re.compile(rf"[{CJK}\d]{{2}} [{CJK}\d]{{2}}")


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
        # Many scraps, mostly cut mid-sentence and packed together - a subhead or a short
        # quote between paragraphs is not enough.
        dense = scraps * 3 >= len(run) * 2
        if (scraps >= 5 and cut >= 3 and cut * 2 >= scraps and dense) or (scraps >= 2 and tiny >= 2):
            regions.append(run)
        i = j + 1
    return regions


def strays(units: list[Unit]) -> list[list[Unit]]:
    """Lone scraps of one to three characters ("级标准") that continue nothing: lost column ends."""
    found = []
    for k, unit in enumerate(units):
        text = squeeze_cjk_spaces(unit.text)
        if unit.kind not in ("para", "title") or len(text) > 3 or ends_sentence(text) or not cjk_count(text):
            continue
        before = units[k - 1] if k > 0 else None
        if before is not None and before.kind == "para" and continues(before.text):
            continue
        found.append([unit])
    return found


@dataclass
class Seams:
    no_join: set[int] = field(default_factory=set)  # id() of units that must not be glued onto the paragraph before
    lost_text: bool = False  # some paragraph's continuation is missing or scrambled


def seams(body: list[Unit], cut: set[int]) -> Seams:
    """Where rejoining broken lines would glue unrelated text together.

    body is the article's units in order, cut the id()s of scraps moved out of it. Marks
    caption-shaped continuations as text (their kind changes), and returns the units that must
    start a paragraph of their own.
    """
    result = Seams()
    kept = [u for u in body if id(u) not in cut]
    positions = {id(u): k for k, u in enumerate(body)}
    long_lines = sum(u.kind == "para" and len(u.text) >= _LONG for u in kept)
    taken: set[int] = set()
    for k, unit in enumerate(kept):
        before = kept[k - 1] if k > 0 else None
        after = kept[k + 1] if k + 1 < len(kept) else None
        if before is None or before.kind != "para" or not continues(before.text):
            continue
        if positions[id(unit)] - positions[id(before)] > 1:
            # Scrambled columns stood between: read on only into text that can continue.
            if _OPENER.match(squeeze_cjk_spaces(unit.text)) or unit.kind not in ("para", "title", "credit_para"):
                result.no_join.add(id(unit))
                result.lost_text = True
            continue
        if unit.kind == "caption" and id(before) not in taken and not any(u.kind in ("para", "title", "lead") for u in kept[k + 1 :]):
            # "…提供乒乓" then "供120张游泳公益券…(资料图)": the story's last words, not a caption.
            _, credit = bylines.split_credit(unit.text)
            unit.kind = "credit_para" if bylines.HAS_ROLE.search(credit) else "para"
            taken.add(id(unit))  # the captions after it stay captions
            continue
        if (
            long_lines >= 3
            and unit.kind in ("para", "title")
            and len(squeeze_cjk_spaces(unit.text)) <= _SHORT
            and not ends_sentence(unit.text)
            and len(before.text) >= _LONG
            and after is not None
            and after.kind == "para"
            and len(after.text) >= _LONG
        ):
            # A short piece between long paragraph lines: a column line out of place, or an
            # intertitle whose preceding text lost its end. Either way the text before is cut off.
            result.no_join.add(id(unit))
            if not _intertitle(unit.text):
                result.no_join.add(id(after))
            result.lost_text = True
    if kept and kept[-1].kind == "para" and continues(kept[-1].text) and id(kept[-1]) != id(body[-1]):
        result.lost_text = True  # the story's last paragraph runs into scrambled columns and stops
    return result


def _intertitle(text: str) -> bool:
    """A printed intertitle: no sentence punctuation, and a designed gap ("围绕13条产业 链布局重大项目")."""
    return not (_SENTENCE_PUNCT & set(text)) and bool(_DESIGNED_SPACE.search(text.strip()))

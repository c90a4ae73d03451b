"""Which districts an article is about: gazetteer matching, weighted by where names appear."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from articles.parsing.types import ParsedArticle

DEFAULT_GAZETTEER = Path(__file__).resolve().parent.parent / "data" / "gazetteer.json"
CITYWIDE_KIND = "citywide"
_CITY_SIGNALS = re.compile(r"(我市|全市|株洲市|市委|市政府|市人大|市政协|在株|来株|株洲)")
# Where a name appears says how much the article is about it.
_WEIGHT_TITLE, _WEIGHT_LEAD, _WEIGHT_BODY, _BODY_CAP = 5.0, 2.0, 1.0, 8
_MIN_SCORE, _RELATIVE = 3.0, 0.35


@dataclass
class DistrictTag:
    district: str
    score: float
    evidence: list[str] = field(default_factory=list)
    confident: bool = True


class Gazetteer:
    """Names and aliases of districts and the places inside them."""

    def __init__(self, districts: list[dict], places: list[dict]):
        self.citywide = next((d["name"] for d in districts if d.get("kind") == CITYWIDE_KIND), None)
        self.term_to_district: dict[str, str] = {}
        for district in districts:
            if district.get("kind") == CITYWIDE_KIND:
                continue
            for term in [district["name"], *district.get("aliases", []), district.get("short_name", "")]:
                if _usable(term):
                    self.term_to_district.setdefault(term, district["name"])
        for place in places:
            for term in [place["name"], *place.get("aliases", [])]:
                if _usable(term):
                    self.term_to_district.setdefault(term, place["district"])
        terms = sorted(self.term_to_district, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, terms))) if terms else None

    @classmethod
    def from_rows(cls, districts: list[dict], places: list[dict]) -> Gazetteer:
        return cls(districts, places)

    @classmethod
    def from_dict(cls, data: dict) -> Gazetteer:
        return cls(data["districts"], data.get("places", []))

    @classmethod
    def load_default(cls) -> Gazetteer:
        with open(DEFAULT_GAZETTEER, encoding="utf-8") as handle:
            return cls.from_dict(json.load(handle))

    def terms(self) -> list[str]:
        return list(self.term_to_district)

    def mentions(self, text: str) -> list[tuple[str, str]]:
        """(term, district) for each gazetteer name in text, longest match first."""
        if not self.pattern or not text:
            return []
        return [(m.group(0), self.term_to_district[m.group(0)]) for m in self.pattern.finditer(text)]


def _usable(term: str) -> bool:
    # Two characters is enough for 渌口, 醴陵, 攸县; generic words like 经开区 are not names.
    return bool(term) and len(term) >= 2 and term not in {"经开区", "全市", "高新区", "开发区"}


def tag_districts(article: ParsedArticle, gazetteer: Gazetteer) -> list[DistrictTag]:
    """The districts an article is about: its title first, then its lead, then how often it names them.

    A story that speaks for the whole city in its title or lead (我市, 全市, 株洲…) and names no
    district there is city-wide, whatever districts its body lists in passing.
    """
    title = " ".join(x for x in (article.kicker, article.headline, article.subheadline) if x)
    lead = article.paragraphs[0] if article.paragraphs else ""
    rest = "\n".join(article.paragraphs[1:] + article.captions)
    scores: dict[str, float] = {}
    evidence: dict[str, list[str]] = {}
    in_title: set[str] = set()
    in_lead: set[str] = set()
    for text, weight, cap, seen in ((title, _WEIGHT_TITLE, None, in_title), (lead, _WEIGHT_LEAD, None, in_lead), (rest, _WEIGHT_BODY, _BODY_CAP, None)):
        counts: dict[str, int] = {}
        for term, district in gazetteer.mentions(text):
            counts[district] = counts.get(district, 0) + 1
            evidence.setdefault(district, [])
            if term not in evidence[district]:
                evidence[district].append(term)
        if seen is not None:
            seen.update(counts)
        for district, count in counts.items():
            scores[district] = scores.get(district, 0.0) + weight * (min(count, cap) if cap else count)
    citywide = gazetteer.citywide
    city_head = citywide and _city_signal(gazetteer, title + "\n" + lead)
    if in_title:
        top = max(scores[d] for d in in_title)
        chosen = [d for d in scores if d in in_title or (scores[d] >= _MIN_SCORE and scores[d] >= 0.6 * top)]
        return _tags(chosen, scores, evidence)
    if city_head and not in_lead:
        return [DistrictTag(district=citywide, score=1.0, evidence=[city_head])]
    top = max(scores.values(), default=0.0)
    chosen = [d for d, score in scores.items() if score >= _MIN_SCORE and score >= _RELATIVE * top]
    if chosen:
        return _tags(chosen, scores, evidence)
    signal = citywide and _city_signal(gazetteer, f"{title}\n{lead}\n{rest}")
    if signal:
        return [DistrictTag(district=citywide, score=1.0, evidence=[signal])]
    if scores:  # weak mentions only: keep the best guess, flagged
        best, score = max(scores.items(), key=lambda item: item[1])
        return [DistrictTag(district=best, score=round(score, 2), evidence=evidence[best], confident=False)]
    return []


def _tags(chosen: list[str], scores: dict[str, float], evidence: dict[str, list[str]]) -> list[DistrictTag]:
    ordered = sorted(chosen, key=lambda d: -scores[d])
    return [DistrictTag(district=d, score=round(scores[d], 2), evidence=evidence[d]) for d in ordered]


def _city_signal(gazetteer: Gazetteer, text: str) -> str:
    """The first city-wide phrase in text, ignoring district names that contain 株洲 (株洲高新区)."""
    if gazetteer.pattern is not None:
        text = gazetteer.pattern.sub("□", text)
    match = _CITY_SIGNALS.search(text)
    return match.group(0) if match else ""

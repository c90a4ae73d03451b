"""Deterministic synthetic archive in the seed files' text format.

    python bench/generate.py --articles 100000 --out bench/out/corpus-100k --seed 1

Recombines the real headlines, paragraphs, names, sections and places of seeds/ into
daily issues from 1990-01-01: 8 pages an issue, two pages a file (one file per page
spread), a masthead with weekday, lunar date and issue number on every front page.
The same seed gives byte-identical files. Streams to disk; memory stays flat.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from articles.parsing import parse_bytes  # noqa: E402 - pure Python, no Django needed

PAGES_PER_ISSUE = 8
ARTICLES_PER_PAGE = 5
WEEKDAYS = "一二三四五六日"


@dataclass
class Pool:
    headlines: list[str]
    paragraphs: list[str]
    people: list[str]
    sections: list[str]
    editors: list[str]
    places: list[str]


def build_pool(seed_dir: Path = ROOT / "seeds") -> Pool:
    headlines, paragraphs, people, sections, editors = [], [], [], [], []
    for path in sorted(seed_dir.glob("*.txt")):
        parsed = parse_bytes(path.read_bytes())
        for page in parsed.pages:
            if page.section_label:
                sections.append(page.section_label)
            editors += [c.name for c in page.staff]
            for article in page.articles:
                if article.review_reasons and "inferred_date" not in article.review_reasons and article.review_reasons != ["uncertain_district"]:
                    continue
                if article.headline:
                    headlines.append(article.headline)
                paragraphs += [p for p in article.paragraphs if 40 <= len(p) <= 400 and p.endswith(("。", "”"))]
                people += [c.name for c in article.contributors]
    import json

    gazetteer = json.loads((ROOT / "articles" / "data" / "gazetteer.json").read_text(encoding="utf-8"))
    places = [d["name"] for d in gazetteer["districts"]] + [p["name"] for p in gazetteer["places"]]
    unique = lambda items: sorted(set(items))  # noqa: E731 - sorted: deterministic order
    return Pool(unique(headlines), unique(paragraphs), unique(people), unique(sections), unique(editors), unique(places))


def masthead(day: dt.date, number: int) -> str:
    from lunar_python import Solar

    lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
    lunar_text = f"{lunar.getYearInGanZhi()}年{lunar.getMonthInChinese()}月{lunar.getDayInChinese()}"
    return f"ZHUZHOU DAILY\n\n{day.year}年{day.month}月{day.day}日 星期{WEEKDAYS[day.weekday()]} {lunar_text} 第{number}期 今日{PAGES_PER_ISSUE}版\n\n"


def article_text(rng: random.Random, pool: Pool) -> str:
    place = rng.choice(pool.places)
    headline = f"{place}{rng.choice(pool.headlines)}"[:34]
    reporter, correspondent = rng.choice(pool.people), rng.choice(pool.people)
    paragraphs = rng.sample(pool.paragraphs, k=rng.choice([2, 3, 4, 6, 8, 10]))
    shape = rng.random()
    if shape < 0.6:
        body = [f"株洲日报讯(全媒体记者/{reporter} 通讯员/{correspondent}) {paragraphs[0]}", *paragraphs[1:]]
        lines = [headline, *body]
    elif shape < 0.85:
        lines = [headline, f"株洲日报全媒体记者/{reporter} 通讯员/{correspondent}", *paragraphs]
    else:
        lines = [headline, reporter, *paragraphs, f"(作者系{place}干部)"]
    if rng.random() < 0.3:
        lines.append(f"{place}{rng.choice(['街头一景', '项目建设现场', '活动现场'])}。 记者/{reporter} 摄")
    return "\n\n".join(lines)


def generate(articles: int, out: Path, seed: int = 1) -> dict:
    rng = random.Random(seed)
    pool = build_pool()
    out.mkdir(parents=True, exist_ok=True)
    written = files = 0
    day, number = dt.date(1990, 1, 1), 1000
    while written < articles:
        for spread in range(PAGES_PER_ISSUE // 2):
            chunks = []
            for side in range(2):
                page_number = spread * 2 + side + 1
                if page_number == 1:
                    chunks.append(masthead(day, number))
                else:
                    editor, art = rng.choice(pool.editors), rng.choice(pool.editors)
                    chunks.append(f"{rng.choice(pool.sections)}\n\n责任编辑:{editor} 美术编辑:{art}\n\n")
                for _ in range(ARTICLES_PER_PAGE):
                    if written >= articles:
                        break
                    chunks.append(article_text(rng, pool) + "\n\n")
                    written += 1
            path = out / f"{day:%Y}" / f"{day:%Y%m%d}_{spread + 1}.txt"
            path.parent.mkdir(exist_ok=True)
            path.write_text("".join(chunks), encoding="utf-8")
            files += 1
            if written >= articles:
                break
        day += dt.timedelta(days=1)
        number += 1
    return {"articles": written, "files": files, "issues": number - 1000, "last_date": (day - dt.timedelta(days=1)).isoformat()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "corpus")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(generate(args.articles, args.out, args.seed))


if __name__ == "__main__":
    main()

"""Issue dates: read a masthead exactly, or infer the date from what the page reports."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from articles.parsing.types import DateEvidence, IssueDate

WEEKDAYS = "一二三四五六日天"
_MASTHEAD_YM = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")
_WEEKDAY = re.compile(r"星期([一二三四五六日天])")
_LUNAR = re.compile(r"([甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥])年((?:闰)?[正一二三四五六七八九十冬腊]{1,2})月([初十廿三][一二三四五六七八九十]|[二三]十)")
_ISSUE_NUMBER = re.compile(r"第\s*(\d{3,6})\s*期")
_PAGE_COUNT = re.compile(r"今日\s*(\d{1,3})\s*版")

_FULL_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_MONTH_DAY = re.compile(r"(?<![\d年—\-~至到])(\d{1,2})月(\d{1,2})日")
_YEAR = re.compile(r"(?<![\d\-—~])((?:19|20)\d{2})年(?![\d\-—~])")
_FUTURE_CUE = re.compile(r"(?:(预计|计划|将于|将在|力争|争取|目标|规划|拟|有望)[^。]{0,14}|(到|至|持续至|截止))$")
_ANNUAL_STAT = re.compile(r"^[,，]?\s*(?:全年|共|累计|实现|实施|新增|完成|处置|获得|全市|全区|全县)")


def read_masthead(lines: list[tuple[int, str]]) -> IssueDate | None:
    """Parse masthead lines [(line_no, text)] near the top of a front page."""
    joined = " ".join(text for _, text in lines)
    ym = _MASTHEAD_YM.search(joined)
    number = _ISSUE_NUMBER.search(joined)
    pages = _PAGE_COUNT.search(joined)
    if not ym or not (number or pages):
        return None
    year, month = int(ym.group(1)), int(ym.group(2))
    weekday = _WEEKDAY.search(joined)
    lunar = _LUNAR.search(joined)
    notes: list[str] = []
    evidence = [DateEvidence(text=text, line=no) for no, text in lines]
    candidates = _days_in_month(year, month)
    if ym.group(3):
        candidates = [d for d in candidates if d.day == int(ym.group(3))]
        notes.append(f"日期印于报头:{ym.group(0)}")
    if weekday:
        wanted = "一二三四五六日".index(weekday.group(1).replace("天", "日"))
        matching = [d for d in candidates if d.weekday() == wanted]
        notes.append(f"星期{weekday.group(1)}:{len(matching)}/{len(candidates)} 个候选日期相符")
        candidates = matching or candidates
    if lunar:
        matching = [d for d in candidates if _lunar_label(d) == (lunar.group(1), lunar.group(2), lunar.group(3))]
        notes.append(f"农历{lunar.group(0)}:{len(matching)}/{len(candidates)} 个候选日期相符")
        candidates = matching or candidates
    if len(candidates) != 1:
        notes.append("报头信息不足以唯一确定日期")
        return IssueDate(
            date=candidates[0] if candidates else dt.date(year, month, 1),
            inferred=True,
            confidence=0.3,
            evidence=evidence,
            issue_number=int(number.group(1)) if number else None,
            page_count=int(pages.group(1)) if pages else None,
            notes=notes,
        )
    checks = sum(bool(x) for x in (ym.group(3), weekday, lunar))
    return IssueDate(
        date=candidates[0],
        inferred=False,
        confidence=1.0 if checks >= 2 else 0.9,
        evidence=evidence,
        issue_number=int(number.group(1)) if number else None,
        page_count=int(pages.group(1)) if pages else None,
        notes=notes,
    )


def infer_date(lines: list[tuple[int, str]]) -> IssueDate:
    """Infer the issue date from dated events in the text (the issue follows its news)."""
    past_years: list[int] = []
    future_years: list[int] = []
    annual: dict[int, int] = {}
    month_days: list[tuple[int, int, int, str, bool]] = []  # (month, day, line, snippet, future)
    full_dates: list[tuple[dt.date, int, str, bool]] = []
    for line_no, text in lines:
        for match in _YEAR.finditer(text):
            year = int(match.group(1))
            future = bool(_FUTURE_CUE.search(text[max(0, match.start() - 12) : match.start()]))
            (future_years if future else past_years).append(year)
            if not future and _ANNUAL_STAT.match(text[match.end() : match.end() + 6]):
                annual[year] = annual.get(year, 0) + 1
        for match in _FULL_DATE.finditer(text):
            try:
                day = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                continue
            future = bool(_FUTURE_CUE.search(text[max(0, match.start() - 12) : match.start()]))
            full_dates.append((day, line_no, match.group(0), future))
        for match in _MONTH_DAY.finditer(text):
            month, day = int(match.group(1)), int(match.group(2))
            if not (1 <= month <= 12 and 1 <= day <= 31):
                continue
            future = bool(_FUTURE_CUE.search(text[max(0, match.start() - 12) : match.start()]))
            month_days.append((month, day, line_no, match.group(0), future))
    evidence: list[DateEvidence] = []
    past_full = [d for d in full_dates if not d[3]]
    base_year = max(past_years) if past_years else None
    if base_year is None and past_full:
        base_year = max(d[0].year for d in past_full)
    past_md = [m for m in month_days if not m[4]]
    if base_year is None:
        return IssueDate(date=None, inferred=True, confidence=0.0, notes=["正文中没有可用的日期线索"])
    latest_month = max((m[0] for m in past_md), default=None)
    year = base_year
    # A year summed up in annual figures, with news from before December, is last year.
    if annual.get(base_year, 0) >= 2 and latest_month is not None and latest_month < 12:
        later_future = [y for y in future_years if y >= base_year]
        if not later_future or base_year + 1 <= min(later_future):
            year = base_year + 1
    events: list[tuple[dt.date, int, str]] = []
    for month, day, line_no, snippet, _ in past_md:
        try:
            events.append((dt.date(year, month, day), line_no, snippet))
        except ValueError:
            continue
    events += [(d, line_no, snippet) for d, line_no, snippet, _ in past_full if d.year == year]
    if not events:
        evidence.append(DateEvidence(text=f"{year}年", line=0))
        return IssueDate(date=dt.date(year, 1, 1), inferred=True, confidence=0.1, evidence=evidence, notes=[f"只推断出年份 {year}"])
    events.sort()
    latest = events[-1][0]
    # Events more than ~2 months before the latest are older background, not this week's news.
    recent = [e for e in events if (latest - e[0]).days <= 60]
    evidence = [DateEvidence(text=snippet, line=line_no, resolved=day) for day, line_no, snippet in recent]
    issue_day = latest + dt.timedelta(days=1)
    close = [e for e in recent if (latest - e[0]).days <= 7]
    confidence = min(0.8, 0.4 + 0.1 * len(close))
    notes = [f"取最近报道事件 {latest.isoformat()} 的次日", f"年份依据:{year}年(正文提到的年份 {sorted(set(past_years))})"]
    return IssueDate(date=issue_day, inferred=True, confidence=round(confidence, 2), evidence=evidence, notes=notes)


def _days_in_month(year: int, month: int) -> list[dt.date]:
    if not (1 <= month <= 12 and 1800 <= year <= 2200):
        return []
    day = dt.date(year, month, 1)
    days = []
    while day.month == month:
        days.append(day)
        day += dt.timedelta(days=1)
    return days


@lru_cache(maxsize=4096)
def _lunar_label(day: dt.date) -> tuple[str, str, str]:
    from lunar_python import Solar

    lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
    month = lunar.getMonthInChinese()
    return lunar.getYearInGanZhi(), month, lunar.getDayInChinese()

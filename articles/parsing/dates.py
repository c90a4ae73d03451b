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
_MASTHEAD_PART = re.compile(r"\d{4}\s*年|星期|第\s*\d+\s*期|今日\s*\d+\s*版|[甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥]年")

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
    evidence = [DateEvidence(text=text, line=no) for no, text in lines if _MASTHEAD_PART.search(text)]
    month_days = _days_in_month(year, month)
    # Each printed part names its own set of days; they must agree on one.
    checks: list[tuple[str, list[dt.date]]] = []
    if ym.group(3):
        checks.append((f"报头日期 {ym.group(0)}", [d for d in month_days if d.day == int(ym.group(3))]))
    if lunar:
        label = (lunar.group(1), lunar.group(2), lunar.group(3))
        checks.append((f"农历{lunar.group(0)}", [d for d in month_days if _lunar_label(d) == label]))
    if weekday:
        wanted = "一二三四五六日".index(weekday.group(1).replace("天", "日"))
        checks.append((f"星期{weekday.group(1)}", [d for d in month_days if d.weekday() == wanted]))
    candidates = list(month_days)
    for label, days in checks:
        agreeing = [d for d in candidates if d in days]
        notes.append(f"{label}:{year}年{month}月中 {', '.join(str(d.day) for d in days) or '无'} 日相符")
        if agreeing:
            candidates = agreeing
        else:
            notes.append(f"{label} 与其余报头信息不一致")
    consistent = all(any(d in days for d in candidates) for _, days in checks)
    # An editor must see the disagreement: a misprint or an OCR error, either way the date is unsure.
    reasons = [] if consistent else ["masthead_conflict"]
    number_value = int(number.group(1)) if number else None
    pages_value = int(pages.group(1)) if pages else None
    if len(candidates) != 1:
        notes.append("报头信息不足以唯一确定日期")
        return IssueDate(
            date=candidates[0] if candidates else dt.date(year, month, 1),
            inferred=True,
            confidence=0.3,
            evidence=evidence,
            issue_number=number_value,
            page_count=pages_value,
            notes=notes,
            review_reasons=reasons,
        )
    if consistent and len(checks) >= 2:
        confidence = 1.0
        notes.append(f"报头各项一致:{candidates[0].isoformat()}")
    else:
        confidence = 0.9 if consistent else 0.5
    return IssueDate(
        date=candidates[0],
        inferred=False,
        confidence=confidence,
        evidence=evidence,
        issue_number=number_value,
        page_count=pages_value,
        notes=notes,
        review_reasons=reasons,
    )


def infer_date(lines: list[tuple[int, str]]) -> IssueDate:
    """Infer the issue date from dated events in the text (the issue follows its news)."""
    past_years: list[int] = []
    future_years: list[int] = []
    annual: dict[int, int] = {}
    month_days: list[tuple[int, int, int, str, bool]] = []  # (month, day, line, snippet, future)
    year_lines: list[tuple[int, int]] = []  # (year, line) of every year mentioned
    full_dates: list[tuple[dt.date, int, str, bool]] = []
    for line_no, text in lines:
        if "年" not in text and "日" not in text:
            continue  # most lines carry no date at all
        for match in _YEAR.finditer(text):
            year = int(match.group(1))
            year_lines.append((year, line_no))
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
    past_full = [d for d in full_dates if not d[3]]
    base_year = max(past_years) if past_years else None
    if base_year is None and past_full:
        base_year = max(d[0].year for d in past_full)
    # A date announced as coming ("将于8月1日") is coming wherever else it is mentioned.
    coming = {(m[0], m[1]) for m in month_days if m[4]}
    past_md = [m for m in month_days if not m[4] and (m[0], m[1]) not in coming]
    if base_year is None:
        return IssueDate(date=None, inferred=True, confidence=0.0, notes=["正文中没有可用的日期线索"])
    latest_month = max((m[0] for m in past_md), default=None)
    year = base_year
    # A year summed up in annual figures, with news from before December, is last year.
    if annual.get(base_year, 0) >= 2 and latest_month is not None and latest_month < 12:
        later_future = [y for y in future_years if y >= base_year]
        if not later_future or base_year + 1 <= min(later_future):
            year = base_year + 1
    year_evidence = [DateEvidence(text=f"{y}年", line=no) for y, no in dict.fromkeys(year_lines) if y in (year, year - 1)][:3]
    events: list[tuple[dt.date, int, str]] = []
    for month, day, line_no, snippet, _ in past_md:
        try:
            events.append((dt.date(year, month, day), line_no, snippet))
        except ValueError:
            continue
    events += [(d, line_no, snippet) for d, line_no, snippet, _ in past_full if d.year == year]
    if not events:
        return IssueDate(
            date=dt.date(year, 1, 1), inferred=True, confidence=0.1, evidence=year_evidence, notes=[f"只推断出年份 {year}"]
        )
    events.sort()
    latest = events[-1][0]
    # Events more than ~2 months before the latest are older background, not this week's news.
    recent = [e for e in events if (latest - e[0]).days <= 60]
    evidence = [DateEvidence(text=snippet, line=line_no, resolved=day) for day, line_no, snippet in recent]
    issue_day = latest + dt.timedelta(days=1)
    notes = [f"取最近报道事件 {latest.isoformat()} 之后", f"年份依据:{year}年(正文提到的年份 {sorted(set(past_years))})"]
    upcoming = []
    for month, day, line_no, snippet, future in month_days:
        if future or (month, day) in coming:
            try:
                when = dt.date(year, month, day)
            except ValueError:
                continue
            if 0 < (when - latest).days <= 30:
                upcoming.append((when, line_no, snippet))
    if upcoming:
        # Announced before it happens: a few days ahead of the nearest coming event.
        soonest = min(upcoming)
        issue_day = max(issue_day, soonest[0] - dt.timedelta(days=3))
        evidence.append(DateEvidence(text=soonest[2], line=soonest[1], resolved=soonest[0]))
        notes.append(f"早于预告的 {soonest[0].isoformat()}")
    close = [e for e in recent if (latest - e[0]).days <= 7]
    confidence = min(0.8, 0.4 + 0.1 * len(close))
    evidence += year_evidence
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

"""Plain dataclasses produced by the parser. No Django here: text in, these out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Contribution roles, as stored in the database and exported.
ROLES = (
    "reporter",  # 记者
    "correspondent",  # 通讯员
    "writer",  # 作者 / signed opinion pieces
    "photographer",  # 摄影 / 摄 / 供图
    "compiler",  # 整理
    "editor",  # 责任编辑
    "art_editor",  # 美术编辑
    "proofreader",  # 校对
)
ARTICLE_ROLES = frozenset(ROLES[:6])  # bylines of a story; the others are page staff

# Review reason codes, shared by importer, admin review queue and export.
REVIEW_REASONS = (
    "garbled",  # interleaved columns / low-quality text
    "missing_headline",  # headline lost in extraction
    "uncertain_byline",  # byline could not be parsed with confidence
    "inferred_date",  # the issue date was inferred, not printed
    "uncertain_district",  # no district could be chosen with confidence
    "masthead_conflict",  # the masthead's date, weekday and lunar date disagree
)


@dataclass
class Contributor:
    name: str  # normalised: OCR spaces removed ("马 国安" -> "马国安")
    role: str  # one of ROLES
    raw: str = ""  # the text it came from


@dataclass
class ParsedArticle:
    kicker: str = ""  # 引题
    headline: str = ""  # 主题
    subheadline: str = ""  # 副题
    paragraphs: list[str] = field(default_factory=list)  # rejoined body paragraphs
    captions: list[str] = field(default_factory=list)  # photo captions (credit kept in text)
    pull_quotes: list[str] = field(default_factory=list)  # 【…】
    byline_raw: str = ""  # byline text exactly as printed (all byline lines joined by "\n")
    contributors: list[Contributor] = field(default_factory=list)
    line_start: int = 0  # 1-based, inclusive, in the decoded source text
    line_end: int = 0
    raw_text: str = ""  # the source lines line_start..line_end, verbatim
    review_reasons: list[str] = field(default_factory=list)  # codes from REVIEW_REASONS
    stripped_marks: str = ""  # printed punctuation left out of the title fields (a subheadline's leading dash)

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass
class ParsedPage:
    section_label: str = ""  # as printed, e.g. "城市·观察" or "同城新媒"
    staff: list[Contributor] = field(default_factory=list)  # editor/art_editor/proofreader
    header_raw: str = ""  # the header lines verbatim
    articles: list[ParsedArticle] = field(default_factory=list)
    is_front_page: bool = False  # carries the masthead
    extra_lines: list[str] = field(default_factory=list)  # page furniture: masthead, channel labels, mail boxes
    masthead_lines: list[tuple[int, str]] = field(default_factory=list)  # (line, text) of a front page's masthead
    line_start: int = 0
    line_end: int = 0


@dataclass
class DateEvidence:
    text: str  # the snippet, e.g. "1月24日"
    line: int  # 1-based source line
    resolved: dt.date | None = None


@dataclass
class IssueDate:
    date: dt.date | None  # None only when nothing at all could be inferred
    inferred: bool  # False when read from a masthead
    confidence: float  # 1.0 for a consistent masthead, lower for inference
    evidence: list[DateEvidence] = field(default_factory=list)
    issue_number: int | None = None  # 第N期
    page_count: int | None = None  # 今日N版
    notes: list[str] = field(default_factory=list)  # e.g. masthead consistency checks
    review_reasons: list[str] = field(default_factory=list)  # codes from REVIEW_REASONS for the whole issue


@dataclass
class ParsedFile:
    encoding: str  # "utf-8", "utf-8-sig" or "gb18030"
    text: str  # the decoded, newline-normalised text the line numbers refer to
    pages: list[ParsedPage]
    issue_date: IssueDate
    warnings: list[str] = field(default_factory=list)


class ParseError(ValueError):
    """The file cannot be parsed at all (empty, binary, undecodable). Message is one line, for users."""

"""The parser: raw page text in, dataclasses out. Pure Python, no Django.

    parsed = parse_bytes(path.read_bytes())   # or parse_text(text)
    for page in parsed.pages: ...
"""

from __future__ import annotations

from articles.parsing.dates import infer_date, read_masthead
from articles.parsing.decode import decode_bytes
from articles.parsing.layout import split_pages
from articles.parsing.types import ParsedFile, ParseError

__all__ = ["ParseError", "ParsedFile", "parse_bytes", "parse_text"]


def parse_bytes(data: bytes) -> ParsedFile:
    """Decode (UTF-8, UTF-8 with BOM, GB18030) and parse. Raises ParseError for unusable input."""
    text, encoding = decode_bytes(data)
    parsed = parse_text(text)
    parsed.encoding = encoding
    return parsed


def parse_text(text: str) -> ParsedFile:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    pages = split_pages(lines)
    for page in pages:
        for article in page.articles:
            article.raw_text = "\n".join(lines[article.line_start - 1 : article.line_end])
    masthead = next((page for page in pages if page.is_front_page), None)
    issue_date = read_masthead(masthead.masthead_lines) if masthead else None
    warnings = []
    if issue_date is None:
        issue_date = infer_date([(i + 1, line) for i, line in enumerate(lines)])
        warnings.append("no masthead: issue date inferred from the text")
    for page in pages:  # the issue's date is every article's date: each carries its doubts
        for article in page.articles:
            article.review_reasons += [r for r in issue_date.review_reasons if r not in article.review_reasons]
    return ParsedFile(encoding="utf-8", text=text, pages=pages, issue_date=issue_date, warnings=warnings)

"""What the index stores for one article, built from plain values (no Django here).

The importer's parsing worker builds documents for new articles from the parsed text, so the
writer process does not tokenise them again; editors' saves and rebuilds build them from the
tables. Both go through document_text(), so the two can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from articles.search.tokens import bigram_tokens, unigram_tokens


@dataclass
class Document:
    article_id: int
    title: str
    byline: str
    body: str
    uni: str


def document_text(kicker: str, headline: str, subheadline: str, body: str, captions: list[str], pull_quotes: list[str],
                  names: list[str], byline_raw: str) -> tuple[str, str, str]:
    """(title, byline, body) text of an article, as the index columns see it."""
    title = " ".join(x for x in (kicker, headline, subheadline) if x)
    return title, f"{' '.join(names)} {byline_raw}", "\n".join([body, *captions, *pull_quotes])


def build_document(article_id: int, title: str, byline: str, body: str) -> Document:
    return Document(
        article_id=article_id,
        title=" ".join(bigram_tokens(title)),
        byline=" ".join(bigram_tokens(byline)),
        body=" ".join(bigram_tokens(body)),
        uni=" ".join(dict.fromkeys(unigram_tokens(title + " " + body + " " + byline))),
    )

"""What the index stores for one article, built from plain values (no Django here).

The importer's parsing worker builds documents for new articles from the parsed text, so the
writer process does not tokenise them again; editors' saves and rebuilds build them from the
tables. Both go through document_text(), so the two can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from articles.search.tokens import normalize, normalized_bigrams, normalized_unigrams


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
    # Each part normalised once (the importer's parsing worker spent a fifth of its time there);
    # the unigrams come from the same normalised text.
    title, byline, body = normalize(title), normalize(byline), normalize(body)
    return Document(
        article_id=article_id,
        title=" ".join(normalized_bigrams(title)),
        byline=" ".join(normalized_bigrams(byline)),
        body=" ".join(normalized_bigrams(body)),
        uni=" ".join(dict.fromkeys(normalized_unigrams(title + " " + body + " " + byline))),
    )

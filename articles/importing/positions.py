"""Article positions for a re-imported file, under the unique (page, position) constraint.

The file's own articles are first parked in a free range far above any real position, in one
statement (every target value is free, so no row order can clash, on SQLite or PostgreSQL).
Then each gets its final place. Articles on the same pages that did not come from this file
(an editor's split part) keep their positions and permalinks: the file's articles skip them.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import F

from articles.models import Article

PARK = 10_000  # above any real position; position is a small integer (max 32767)


class ArticlePositions:
    def __init__(self, source, page_ids: set[int], fresh: bool):
        self.next: dict[int, int] = defaultdict(int)
        self.reserved: dict[int, set[int]] = defaultdict(set)
        if fresh:
            return  # a new file's pages are new and empty: nothing to park or to step around
        Article.objects.filter(source_file=source).update(position=F("position") + PARK)
        others = Article.objects.filter(page_id__in=page_ids).exclude(source_file=source).values_list("page_id", "position")
        for page_id, position in others:
            self.reserved[page_id].add(position)

    def take(self, page_id: int) -> int:
        """The next free position on the page for one of the file's articles."""
        position = self.next[page_id] + 1
        while position in self.reserved[page_id]:
            position += 1
        self.next[page_id] = position
        return position

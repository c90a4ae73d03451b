"""Per-run caches, so a run costs a few queries per file, not per article.

Authors and sections created while writing a file live in that file's transaction: if
the file fails, `discard_file()` forgets them so later files never point at rolled-back rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from articles.models import Author, District, Place, Section
from articles.parsing.districts import Gazetteer
from articles.slugs import unique_slug

FRONT_PAGE_SECTION = "头版"


def section_key(label: str) -> str:
    """同城新媒 and 同城·新媒 are one section."""
    return re.sub(r"[·・•\s]", "", label)


@dataclass
class RunContext:
    gazetteer: Gazetteer
    sections: dict[str, Section]
    authors: dict[str, Author]
    author_slugs: set[str]
    section_slugs: set[str]
    districts: dict[str, District]
    authors_created: int = 0
    # Created or renamed during the current file (undone by discard_file).
    _new_authors: list[str] = field(default_factory=list)
    _new_sections: list[str] = field(default_factory=list)
    _renamed_sections: list[Section] = field(default_factory=list)

    @classmethod
    def load(cls) -> RunContext:
        districts = {d.name: d for d in District.objects.all()}
        places = [
            {"name": p.name, "district": p.district.name, "aliases": p.aliases}
            for p in Place.objects.select_related("district")
        ]
        gazetteer = Gazetteer.from_rows(
            districts=[{"name": d.name, "short_name": d.short_name, "kind": d.kind, "aliases": d.aliases} for d in districts.values()],
            places=places,
        )
        sections = {section_key(s.name): s for s in Section.objects.all()}
        authors = {a.name: a for a in Author.objects.all()}
        return cls(
            gazetteer=gazetteer,
            sections=sections,
            authors=authors,
            author_slugs={a.slug for a in authors.values()},
            section_slugs={s.slug for s in sections.values()},
            districts=districts,
        )

    def refresh(self) -> None:
        """Re-read authors and sections: another lane of the run may have created some."""
        self.authors = {a.name: a for a in Author.objects.all()}
        self.author_slugs = {a.slug for a in self.authors.values()}
        self.sections = {section_key(s.name): s for s in Section.objects.all()}
        self.section_slugs = {s.slug for s in self.sections.values()}

    def begin_file(self) -> None:
        self._new_authors.clear()
        self._new_sections.clear()
        self._renamed_sections.clear()

    def discard_file(self) -> None:
        """The file's transaction rolled back: forget what it created."""
        for name in self._new_authors:
            author = self.authors.pop(name, None)
            if author is not None:
                self.author_slugs.discard(author.slug)
                self.authors_created -= 1
        for key in self._new_sections:
            section = self.sections.pop(key, None)
            if section is not None:
                self.section_slugs.discard(section.slug)
        for section in self._renamed_sections:
            section.refresh_from_db(fields=["name"])
        self.begin_file()

    def author(self, name: str) -> Author:
        author = self.authors.get(name)
        if author is None:
            author, created = Author.objects.get_or_create(name=name, defaults={"slug": unique_slug(name, self.author_slugs)})
            self.authors[name] = author
            if created:
                self.authors_created += 1
                self._new_authors.append(name)
        return author

    def prepare_authors(self, names: set[str]) -> None:
        """Create a file's new authors first and in name order: two lanes that both meet the same
        new names then wait for each other's commit instead of deadlocking."""
        for name in sorted(names - self.authors.keys()):
            self.author(name)

    def section(self, label: str, is_front_page: bool) -> Section | None:
        label = label.strip() or (FRONT_PAGE_SECTION if is_front_page else "")
        if not label:
            return None  # a page with no printed name and no masthead: no section
        key = section_key(label)
        section = self.sections.get(key)
        if section is None:
            section = Section.objects.create(name=label, slug=unique_slug(label, self.section_slugs))
            self.sections[key] = section
            self._new_sections.append(key)
        elif "·" in label and "·" not in section.name:
            section.name = label  # prefer the printed form with its separator: 同城·新媒
            section.save(update_fields=["name"])
            self._renamed_sections.append(section)
        return section

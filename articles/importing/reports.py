"""What an import did: one FileReport per file, and the run's RunReport that the command prints."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FileReport:
    path: str
    status: str  # imported, unchanged, duplicate, failed, parsed (dry run)
    message: str = ""
    issue_date: str = ""
    pages: int = 0
    articles: int = 0
    flagged: int = 0
    kept: list[str] = field(default_factory=list)


@dataclass
class RunReport:
    files: list[FileReport] = field(default_factory=list)
    authors_created: int = 0
    reindexed: int = 0  # articles a killed earlier run committed but never indexed
    dry_run: bool = False

    def count(self, status: str) -> int:
        return sum(f.status == status for f in self.files)

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def issues(self) -> int:
        return len({f.issue_date for f in self.files if f.issue_date and f.status in ("imported", "parsed")})

    def total(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files if f.status in ("imported", "parsed"))

    @property
    def kept(self) -> list[str]:
        return [line for f in self.files for line in f.kept]

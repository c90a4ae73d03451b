"""Shared fixtures. Layer-specific fixtures live in their own test modules."""

from pathlib import Path

import pytest

SEED_DIR = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    return SEED_DIR


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    return sorted(SEED_DIR.glob("*.txt"))


@pytest.fixture
def imported_seeds(db, seed_dir, django_capture_on_commit_callbacks):
    """The five real seed files imported through the import service (search index updated too).

    Returns the RunReport. About 0.2 s per test: 5 issues (2023-02-09 from a masthead, 4 inferred), 40 articles.
    """
    from articles.importing.service import import_paths

    with django_capture_on_commit_callbacks(execute=True):
        report = import_paths([str(seed_dir)])
    assert not report.failed, [f.message for f in report.failed]
    return report

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

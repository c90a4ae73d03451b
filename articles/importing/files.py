"""Finding and reading source files. Problems become messages, never exceptions."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass
class SourceBlob:
    path: str  # as recorded in SourceFile.path
    data: bytes | None
    sha256: str = ""
    error: str = ""


def collect_files(paths: list[str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand files and directories (recursively, *.txt, no hidden files).

    Returns (files, problems) where problems are (path, message) for entries that can't be read.
    """
    files: list[Path] = []
    problems: list[tuple[str, str]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for entry in _text_files(path, problems):
                if entry.is_symlink() and not entry.exists():
                    problems.append((str(entry), "链接指向的文件不存在 (dangling symlink)"))
                elif entry.is_file():
                    files.append(entry)
                elif entry.exists():
                    problems.append((str(entry), "不是普通文件 (not a regular file)"))
        elif path.is_file():
            files.append(path)
        elif path.is_symlink():
            problems.append((raw, "链接指向的文件不存在 (dangling symlink)"))
        else:
            problems.append((raw, "文件不存在 (no such file or directory)"))
    return files, problems


def _text_files(top: Path, problems: list[tuple[str, str]]) -> list[Path]:
    """*.txt under `top`, hidden entries skipped; a directory that can't be listed is a problem, not a silent gap."""

    def unreadable(exc: OSError) -> None:
        problems.append((exc.filename or str(top), f"无法读取目录 (cannot list directory): {exc.strerror or exc}"))

    found: list[Path] = []
    for folder, subfolders, names in os.walk(top, onerror=unreadable):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        found += [Path(folder) / name for name in names if name.endswith(".txt") and not name.startswith(".")]
    return sorted(found)


def read_blob(path: Path, label: str, max_bytes: int) -> SourceBlob:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            # A page spread is tens of kilobytes; this is not one. Refuse before reading it.
            return SourceBlob(path=label, data=None, error=f"文件过大 (file too large: {size / 1e6:.1f} MB > {max_bytes / 1e6:.0f} MB)")
        data = path.read_bytes()
    except OSError as exc:
        return SourceBlob(path=label, data=None, error=f"无法读取 (cannot read): {exc.strerror or exc}")
    return SourceBlob(path=label, data=data, sha256=hashlib.sha256(data).hexdigest())


def display_path(path: Path, base: Path) -> str:
    """Paths under the project are stored relative to it, so a clone elsewhere matches."""
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(base.resolve()))
    except ValueError:
        return str(resolved)

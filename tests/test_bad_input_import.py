"""Bad input to import_seeds: a clear message naming the file, the right exit code, nothing half-written."""

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, SourceFile

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def run_import(*paths):
    """(exit code, stdout, stderr) of import_seeds, as a user sees it."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("import_seeds", *map(str, paths), stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def good(tmp_path, seed_dir):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(next(seed_dir.glob("000_*.txt")), folder / "good.txt")
    return folder


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.txt", b"", "empty"),
        ("binary.txt", bytes(range(256)) * 64, "binary"),
        ("truncated.txt", "株洲日报讯(全媒体记者/邹怡敏)".encode()[:-2], "truncated"),
        ("latin1.txt", "Zhuzhou caf\xe9 \xe9t\xe9 \xfc\xfc\xfc".encode("latin-1") * 30, "GB18030"),
    ],
)
def test_bad_file_is_reported_and_good_file_imported(good, name, data, message):
    (good / name).write_bytes(data)
    code, out, err = run_import(good)
    assert code == 1
    assert name in err and message.lower() in err.lower()
    assert "imported" in out and Article.objects.exists()
    failed = SourceFile.objects.get(path__endswith=name)
    assert failed.status == "failed" and message.lower() in failed.error_message.lower()
    assert not failed.articles.exists() and not failed.pages.exists()


def test_seed_files_cut_mid_character_are_refused_whole(good, seed_dir):
    """Policy: a file cut short is refused whole, never imported in part (the missing tail may hold
    the rest of an article), with a one-line message naming it; re-export or re-copy it and import again."""
    from articles.models import Page

    assert run_import(good)[0] == 0
    before = (SourceFile.objects.count(), Page.objects.count(), Article.objects.count())
    text = next(seed_dir.glob("002_*.txt")).read_text(encoding="utf-8")
    cut = len(text) // 2
    while not "\u4e00" <= text[cut] <= "\u9fff":
        cut += 1
    utf8, gb = text.encode(), text.encode("gb18030")
    (good / "cut-utf8.txt").write_bytes(utf8[: len(text[:cut].encode()) + 1])
    (good / "cut-bom.txt").write_bytes(b"\xef\xbb\xbf" + utf8[: len(text[:cut].encode()) + 2])
    (good / "cut-gb18030.txt").write_bytes(gb[: len(text[:cut].encode("gb18030")) + 1])
    code, out, err = run_import(good)
    assert code == 1
    lines = [line for line in err.splitlines() if "cut-" in line]
    assert len(lines) == 3, err
    for name, encoding in (("cut-utf8.txt", "utf-8"), ("cut-bom.txt", "utf-8-sig"), ("cut-gb18030.txt", "gb18030")):
        assert f"truncated {encoding} at byte" in next(line for line in lines if name in line).lower()
    assert (Page.objects.count(), Article.objects.count()) == before[1:]
    assert SourceFile.objects.count() == before[0] + 3 and SourceFile.objects.filter(status="failed").count() == 3


def test_nul_byte_deep_in_a_text_file_is_refused_on_every_database(good, seed_dir):
    """Past the 64 KB sniffed for binary data; SQLite would store it, PostgreSQL failed with a database error."""
    text = next(seed_dir.glob("001_*.txt")).read_bytes()
    (good / "late-nul.txt").write_bytes(text * 4 + "株洲\x00日报\n".encode() + text)
    code, out, err = run_import(good)
    assert code == 1
    assert "late-nul.txt" in err and "NUL byte at offset" in err and "database error" not in err
    assert SourceFile.objects.get(path__endswith="late-nul.txt").status == "failed"
    assert SourceFile.objects.filter(path__endswith="good.txt").exists()


def test_gb18030_and_bom_crlf_import_cleanly(good, seed_dir):
    text = next(seed_dir.glob("001_*.txt")).read_text(encoding="utf-8")
    (good / "gb.txt").write_bytes(text.encode("gb18030"))
    (good / "bom.txt").write_bytes(b"\xef\xbb\xbf" + text.replace("学林", "学林(另版)").replace("\n", "\r\n").encode())
    code, out, err = run_import(good)
    assert code == 0, err
    assert set(SourceFile.objects.values_list("encoding", flat=True)) == {"utf-8", "gb18030", "utf-8-sig"}


def test_oversized_file_is_refused_without_reading_it(good, settings):
    settings.IMPORT_MAX_FILE_BYTES = 50_000_000
    big = good / "huge.txt"
    with open(big, "wb") as handle:
        handle.truncate(50_000_001)  # 50 MB: sparse, instant, never read
    code, out, err = run_import(good)
    assert code == 1 and "huge.txt" in err and "too large" in err
    assert SourceFile.objects.filter(path__endswith="good.txt").exists()


def test_unreadable_entries_in_a_directory(good, monkeypatch):
    (good / "dangling.txt").symlink_to(good / "nowhere.txt")
    os.mkfifo(good / "pipe.txt")
    locked = good / "locked.txt"
    shutil.copy(good / "good.txt", locked)
    real_read = Path.read_bytes

    def read_bytes(self):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    code, out, err = run_import(good)
    assert code == 1
    assert "dangling.txt" in err and "pipe.txt" in err and "locked.txt" in err and "Permission denied" in err
    assert SourceFile.objects.filter(path__endswith="good.txt").exists()


def test_an_unreadable_subdirectory_is_reported_not_skipped(good, monkeypatch):
    (good / "closed").mkdir()
    shutil.copy(good / "good.txt", good / "closed" / "inside.txt")
    (good / "open").mkdir()
    shutil.copy(next(ROOT.glob("seeds/001_*.txt")), good / "open" / "other.txt")
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path).name == "closed":  # as for a non-root user without the x bit (tests run as root)
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, out, err = run_import(good)
    assert code == 1 and "closed" in err and "cannot list directory" in err
    imported = {p.rsplit("/", 1)[-1] for p in SourceFile.objects.values_list("path", flat=True)}
    assert imported == {"good.txt", "other.txt"}


def test_same_file_twice_under_different_names(good):
    shutil.copy(good / "good.txt", good / "again.txt")
    code, out, err = run_import(good)
    assert code == 0
    assert "duplicate" in out or "重复" in out
    holders = {path.rsplit("/", 1)[-1] for path in Article.objects.values_list("source_file__path", flat=True)}
    assert len(holders) == 1  # imported once; the other name is recorded as a duplicate
    assert SourceFile.objects.filter(status="duplicate").count() == 1


def test_missing_path_is_an_error(tmp_path):
    code, out, err = run_import(tmp_path / "nope")
    assert code == 1 and "nope" in err

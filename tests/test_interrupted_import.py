"""SIGKILL a real import_seeds process while it is inside a file's transaction.

The database must be exactly as before that file (nothing from it, its SourceFile not
recorded), and the next run must import it completely. Runs against its own SQLite file and,
when PostgreSQL is reachable, its own PostgreSQL database: it needs real processes, not the
test transaction.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
TABLES = ["articles_article", "articles_sourcefile", "articles_page", "articles_issue", "articles_contribution"]
pytestmark = pytest.mark.slow


class SQLiteTarget:
    def __init__(self, tmp_path):
        self.path = tmp_path / "interrupt.sqlite3"
        self.url = f"sqlite:///{self.path}"

    def count(self, table: str) -> int:
        with sqlite3.connect(self.path) as db:
            return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def inside_write_transaction(self) -> bool:
        # The file's transaction holds SQLite's write lock from its first statement to its commit.
        probe = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            probe.close()

    def drop(self):
        pass


class PostgresTarget:
    def __init__(self, tmp_path):
        import psycopg

        self.psycopg = psycopg
        self.name = f"zz_interrupt_{os.getpid()}"
        self.url = f"postgres://postgres@127.0.0.1:5432/{self.name}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as db:
            db.execute(f"DROP DATABASE IF EXISTS {self.name}")
            db.execute(f"CREATE DATABASE {self.name}")

    def count(self, table: str) -> int:
        with self.psycopg.connect(self.url) as db:
            return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def inside_write_transaction(self) -> bool:
        # A backend with a transaction id has written something it has not committed yet.
        with self.psycopg.connect(self.url) as db:
            return db.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()", [self.name]
            ).fetchone()[0] > 0

    def writers_gone(self) -> bool:
        with self.psycopg.connect(self.url) as db:
            return db.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [self.name]).fetchone()[0] == 0

    def drop(self):
        with self.psycopg.connect(PG_ADMIN, autocommit=True) as db:
            db.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")


def postgres_available() -> bool:
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"], check=False).returncode == 0


@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    """One page file with ~4,000 articles in the seed format: a transaction of many seconds."""
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    folder = tmp_path_factory.mktemp("big")
    generate(4000, folder / "corpus", seed=3)
    big = folder / "19900105_1.txt"
    big.write_text("".join(p.read_text(encoding="utf-8") for p in sorted((folder / "corpus").rglob("*.txt"))), encoding="utf-8")
    return big


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_killed_import_leaves_the_database_as_before_and_the_next_run_completes(tmp_path, seed_dir, big_file, backend):
    if backend == "postgres" and not postgres_available():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    target = SQLiteTarget(tmp_path) if backend == "sqlite" else PostgresTarget(tmp_path)
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": target.url, "DJANGO_SETTINGS_MODULE": "zhuzhou_archive.settings"}

    def manage(*args, timeout=900):
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)

    try:
        assert manage("migrate", "-v0").returncode == 0
        first = manage("import_seeds", str(next(seed_dir.glob("000_*.txt"))))
        assert first.returncode == 0, first.stderr
        before = {table: target.count(table) for table in TABLES}
        assert before["articles_article"] > 0

        process = subprocess.Popen([sys.executable, "manage.py", "import_seeds", str(big_file)], cwd=ROOT, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seen, deadline = 0, time.monotonic() + 180
        while seen < 3 and time.monotonic() < deadline and process.poll() is None:
            seen = seen + 1 if target.inside_write_transaction() else 0
            time.sleep(0.05)
        assert seen >= 3 and process.poll() is None, "never caught the import inside its transaction"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        if backend == "postgres":  # the server rolls back once it notices the dropped connection
            for _ in range(100):
                if target.writers_gone():
                    break
                time.sleep(0.1)

        assert {table: target.count(table) for table in TABLES} == before
        finished = manage("import_seeds", str(big_file))
        assert finished.returncode == 0, finished.stderr
        assert target.count("articles_sourcefile") == before["articles_sourcefile"] + 1
        assert target.count("articles_article") >= before["articles_article"] + 3900
        integrity = manage("check_integrity")
        assert integrity.returncode == 0, integrity.stderr
    finally:
        target.drop()


def test_killed_run_with_two_lanes_keeps_whole_files_and_the_next_run_completes(tmp_path):
    """Two connections each inside a file's transaction when the process dies: each file is all or nothing."""
    if not postgres_available():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    from articles.parsing import parse_bytes

    corpus = tmp_path / "corpus"
    generate(1200, corpus, seed=5)  # 120 files
    files = sorted(corpus.rglob("*.txt"))
    expected = sum(len(page.articles) for path in files for page in parse_bytes(path.read_bytes()).pages)
    target = PostgresTarget(tmp_path)
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": target.url, "DJANGO_SETTINGS_MODULE": "zhuzhou_archive.settings"}

    def manage(*args):
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False)

    try:
        assert manage("migrate", "-v0").returncode == 0
        process = subprocess.Popen([sys.executable, "manage.py", "import_seeds", str(corpus), "--lanes", "2"], cwd=ROOT, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and process.poll() is None and target.count("articles_sourcefile") < 20:
            time.sleep(0.02)
        assert process.poll() is None, "the run ended before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        for _ in range(100):
            if target.writers_gone():
                break
            time.sleep(0.1)
        imported = target.count("articles_sourcefile")
        assert 0 < imported < len(files)
        with target.psycopg.connect(target.url) as db:  # every recorded file has all its articles, no other has any
            partial = db.execute(
                "SELECT count(*) FROM articles_sourcefile s WHERE NOT EXISTS (SELECT 1 FROM articles_page p WHERE p.source_file_id = s.id)"
            ).fetchone()[0]
            orphans = db.execute("SELECT count(*) FROM articles_page WHERE source_file_id IS NULL").fetchone()[0]
        assert partial == 0 and orphans == 0
        finished = manage("import_seeds", str(corpus), "--lanes", "2")
        assert finished.returncode == 0, finished.stderr
        assert target.count("articles_sourcefile") == len(files) and target.count("articles_article") == expected
        integrity = manage("check_integrity")
        assert integrity.returncode == 0, integrity.stderr
    finally:
        target.drop()

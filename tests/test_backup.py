"""Online backups: SQLite while another process writes, PostgreSQL through pg_dump, both restored."""

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from tests.factories import ArticleFactory

ROOT = Path(__file__).resolve().parent.parent

WRITER = r"""
import datetime as dt, sys, time
import django
django.setup()
from django.db import transaction
from articles.models import Article, Issue, Page
deadline = time.monotonic() + float(sys.argv[1])
n = 0
while time.monotonic() < deadline:
    n += 1
    with transaction.atomic():
        day = dt.date(1990, 1, 1) + dt.timedelta(days=n)
        page = Page.objects.create(issue=Issue.objects.create(date=day), number=1)
        Article.objects.create(page=page, position=1, published_on=day, headline=f"备份测试{n}", body="正文。" * 200)
print(n)
"""


def sqlite_env(path: Path) -> dict:
    return {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{path}", "DJANGO_SETTINGS_MODULE": "zhuzhou_archive.settings"}


def test_sqlite_backup_while_writing_then_restore(tmp_path):
    live = tmp_path / "live.sqlite3"
    env = sqlite_env(live)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, "4"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    time.sleep(1.5)
    backup = tmp_path / "backup.sqlite3"
    result = subprocess.run([sys.executable, "manage.py", "backup_database", str(backup)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    written = int(writer.communicate(timeout=60)[0].strip())
    assert result.returncode == 0, result.stderr
    assert "backed up to" in result.stdout
    assert not backup.with_name("backup.sqlite3.partial").exists()

    # Restore = put the file in place; the copy is a consistent snapshot taken mid-write.
    restored = tmp_path / "restored.sqlite3"
    shutil.copy(backup, restored)
    with sqlite3.connect(restored) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        copied = db.execute("SELECT count(*) FROM articles_article").fetchone()[0]
    assert 0 < copied <= written
    check = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "from articles.models import Article; print(Article.objects.count())"],
        cwd=ROOT, env=sqlite_env(restored), capture_output=True, text=True, timeout=120,
    )
    assert check.stdout.strip().splitlines()[-1] == str(copied)


def test_backup_refuses_to_overwrite(tmp_path, db):
    existing = tmp_path / "exists.bak"
    existing.write_text("keep me")
    with pytest.raises(Exception, match="already exists"):
        call_command("backup_database", str(existing))
    assert existing.read_text() == "keep me"


@pytest.mark.skipif(shutil.which("pg_restore") is None, reason="PostgreSQL client tools are not installed")
@pytest.mark.django_db(transaction=True)
def test_postgres_backup_and_restore(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump backups apply to the PostgreSQL run of the suite")
    ArticleFactory.create_batch(3, body="备份正文。")
    target = tmp_path / "archive.dump"
    call_command("backup_database", str(target))
    params = connection.settings_dict
    scratch = f"{params['NAME']}_restore"
    admin = psycopg.connect(host=params["HOST"], port=params["PORT"] or 5432, user=params["USER"], dbname="postgres", autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
    admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        restore = subprocess.run(
            ["pg_restore", "--no-owner", "-h", params["HOST"], "-p", str(params["PORT"] or 5432), "-U", params["USER"], "-d", scratch, str(target)],
            capture_output=True, text=True,
        )
        assert restore.returncode == 0, restore.stderr
        with psycopg.connect(host=params["HOST"], port=params["PORT"] or 5432, user=params["USER"], dbname=scratch) as restored:
            assert restored.execute("SELECT count(*) FROM articles_article").fetchone()[0] == 3
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        admin.close()

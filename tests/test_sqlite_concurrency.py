"""Several processes reading and writing one SQLite file never see "database is locked".

Runs real processes against a real file, configured exactly as production (WAL,
busy timeout, IMMEDIATE transactions), so it only applies to SQLite settings.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

WORKER = r"""
import datetime as dt, json, sys, time
import django
django.setup()
from django.db import OperationalError, transaction
from articles.models import Article, Issue, Page

role, worker_id, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
done = {"ops": 0, "locked": 0, "other_errors": []}
deadline = time.monotonic() + seconds
n = 0
while time.monotonic() < deadline:
    n += 1
    try:
        if role == "writer":
            with transaction.atomic():
                day = dt.date(1990, 1, 1) + dt.timedelta(days=worker_id * 100000 + n)
                issue = Issue.objects.create(date=day)
                page = Page.objects.create(issue=issue, number=1)
                Article.objects.create(page=page, position=1, published_on=day, headline=f"写入{worker_id}-{n}")
                # Read-modify-write inside the transaction, as an editor's save does.
                first = Article.objects.order_by("id").first()
                Article.objects.filter(pk=first.pk).update(version=first.version + 1)
        else:
            list(Article.objects.select_related("page__issue").order_by("-id")[:20])
            Article.objects.count()
        done["ops"] += 1
    except OperationalError as exc:
        if "locked" in str(exc):
            done["locked"] += 1
        else:
            done["other_errors"].append(str(exc))
print(json.dumps(done))
"""


@pytest.fixture
def sqlite_file_env(tmp_path):
    env = dict(os.environ)
    env.update({"DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'concurrency.sqlite3'}", "DJANGO_SETTINGS_MODULE": "zhuzhou_archive.settings"})
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    return env


def test_two_writers_and_two_readers_never_see_database_is_locked(sqlite_file_env):
    seconds = "4"
    roles = [("writer", 1), ("writer", 2), ("reader", 3), ("reader", 4)]
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, role, str(wid), seconds], cwd=ROOT, env=sqlite_file_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for role, wid in roles
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert all(r["locked"] == 0 for r in results), results
    assert all(not r["other_errors"] for r in results), results
    assert all(r["ops"] > 0 for r in results), results

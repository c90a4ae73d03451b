"""Back up the database while the site keeps serving.

SQLite: the online backup API copies a consistent snapshot page by page, so readers
and writers carry on. PostgreSQL: pg_dump in custom format (restore with pg_restore).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "备份数据库(运行中在线备份):SQLite 用在线备份接口,PostgreSQL 用 pg_dump。"

    def add_arguments(self, parser):
        parser.add_argument("output", help="backup file to write (must not exist)")
        parser.add_argument("--dry-run", action="store_true", help="report what would be backed up, write nothing")

    def handle(self, output, dry_run=False, **options):
        target = Path(output)
        if target.exists():
            raise CommandError(f"{target} already exists; refusing to overwrite a backup")
        settings_dict = connection.settings_dict
        if dry_run:
            self.stdout.write(f"would back up the {connection.vendor} database {settings_dict['NAME']} to {target}")
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        partial = target.with_name(target.name + ".partial")
        try:
            if connection.vendor == "sqlite":
                pages = self._backup_sqlite(settings_dict["NAME"], partial)
                detail = f"{pages} pages"
            elif connection.vendor == "postgresql":
                self._backup_postgres(settings_dict, partial)
                detail = "pg_dump custom format"
            else:
                raise CommandError(f"no backup method for {connection.vendor}")
            partial.rename(target)  # never leave a half-written file under the real name
        finally:
            partial.unlink(missing_ok=True)
        size = target.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"backed up to {target}: {size} bytes, {detail}, {time.monotonic() - started:.1f}s"))

    def _backup_sqlite(self, name, target: Path) -> int:
        source = sqlite3.connect(f"file:{name}?mode=ro", uri=True, timeout=30)
        dest = sqlite3.connect(target)
        try:
            # Small steps with a pause let writers in between; the copy stays consistent.
            source.backup(dest, pages=1024, sleep=0.005)
            dest.execute("PRAGMA journal_mode=DELETE")
            check = dest.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise CommandError(f"backup failed its integrity check: {check}")
            return dest.execute("PRAGMA page_count").fetchone()[0]
        finally:
            dest.close()
            source.close()

    def _backup_postgres(self, settings_dict, target: Path) -> None:
        pg_dump = shutil.which("pg_dump")
        if not pg_dump:
            raise CommandError("pg_dump is not installed (apt-get install postgresql-client)")
        command = [pg_dump, "--format=custom", "--no-owner", f"--file={target}", "--dbname", settings_dict["NAME"]]
        for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
            if settings_dict.get(key):
                command += [flag, str(settings_dict[key])]
        env = {"PGPASSWORD": settings_dict.get("PASSWORD") or ""}
        result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **env})
        if result.returncode != 0:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")

"""python manage.py import_seeds [PATH ...] [--dry-run] — import raw page text files."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.importing.lanes import MAX_LANES, check_lanes
from articles.importing.service import default_seed_dir, import_paths

STATUS_LABELS = {"imported": "已导入", "unchanged": "未变", "duplicate": "重复", "failed": "失败", "parsed": "已解析(试运行)"}


class Command(BaseCommand):
    help = "导入报纸版面文本(文件或目录,默认 seeds/)。每个文件单独一个事务;未变的文件跳过。"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="files or directories (default: seeds/)")
        parser.add_argument("--dry-run", action="store_true", help="parse and report, write nothing")
        parser.add_argument("--progress", action="store_true", help="show a progress bar even when not on a terminal")
        parser.add_argument(
            "--workers", type=int, default=None, choices=range(9), metavar="N",
            help="parsing processes beside a single writer (0: none; default: 1 for one-lane runs of 50+ files on 2+ cores)",
        )
        parser.add_argument(
            "--lanes", type=int, default=None, choices=range(1, MAX_LANES + 1), metavar="N",
            help="processes writing at once, each parsing its own files and with its own connection; PostgreSQL only "
                 "(default: 2 there for runs of 50+ files on 2+ cores, else 1)",
        )

    def handle(self, *args, paths, dry_run, progress, workers, lanes, **options):
        paths = paths or [str(default_seed_dir())]
        if lanes is not None:
            try:
                check_lanes(lanes)
            except ValueError as exc:  # several lanes on SQLite
                raise CommandError(str(exc), returncode=2) from exc
            if lanes > 1 and workers:
                raise CommandError("--workers 只用于单个写入连接;多个写入连接各自解析文件 (several lanes parse their own files)", returncode=2)
        bar = None
        if progress or sys.stderr.isatty():
            bar = tqdm(desc="导入", unit="file", file=sys.stderr, dynamic_ncols=True)
        try:
            report = import_paths(paths, dry_run=dry_run, progress=(lambda f: bar.update(1)) if bar else None, workers=workers, lanes=lanes)
        finally:
            if bar:
                bar.close()
        for file in report.files:
            if file.status == "failed":
                self.stderr.write(f"错误 {file.path}: {file.message}")
            elif file.status == "duplicate":
                self.stdout.write(f"跳过 {file.path}: {file.message}")
        self.stdout.write(self._summary(report))
        if report.kept:
            self.stdout.write("保留的编辑修改 (editor corrections kept):")
            for line in report.kept:
                self.stdout.write(f"  - {line}")
        if report.failed:
            raise CommandError(f"{len(report.failed)} 个文件导入失败 (files failed); 其余文件已导入", returncode=1)

    def _summary(self, report) -> str:
        mode = "试运行,未写入数据库 (dry run)" if report.dry_run else "导入完成"
        rows = [
            ("files", "文件", len(report.files)),
            ("imported", "  已导入", report.count("imported") + report.count("parsed")),
            ("unchanged", "  未变", report.count("unchanged")),
            ("duplicate", "  重复", report.count("duplicate")),
            ("failed", "  失败", report.count("failed")),
            ("issues", "期", report.issues),
            ("pages", "版面", report.total("pages")),
            ("articles", "文章", report.total("articles")),
            ("authors", "新作者", report.authors_created),
            ("flagged", "待审核文章", report.total("flagged")),
            ("reindexed", "补建索引", report.reindexed),
            ("errors", "错误", report.count("failed")),
        ]
        lines = [f"== {mode} =="] + [f"{label:<8} {english:<10} {value:>8}" for english, label, value in rows]
        return "\n".join(lines)

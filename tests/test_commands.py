"""The import_seeds, export_articles and sync_gazetteer management commands."""

import io
import json
import shutil

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from articles.models import Article, District, Issue, Place, SourceFile

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def summary_value(output: str, key: str) -> int:
    """The number on the summary line labelled `key` (e.g. "articles")."""
    line = next(line for line in output.splitlines() if f" {key} " in f" {line} ".replace("  ", " "))
    return int(line.split()[-1])


def test_import_seeds_defaults_to_seeds_and_prints_a_summary():
    out, err = run("import_seeds")
    assert err == ""
    assert summary_value(out, "files") == 5 and summary_value(out, "imported") == 5
    assert summary_value(out, "failed") == 0 and summary_value(out, "errors") == 0
    assert summary_value(out, "issues") == Issue.objects.count() == 5
    assert summary_value(out, "articles") == Article.objects.count()
    assert summary_value(out, "flagged") == Article.objects.filter(needs_review=True).count() > 0
    again, _ = run("import_seeds")
    assert summary_value(again, "unchanged") == 5 and summary_value(again, "articles") == 0


def test_a_bad_file_fails_the_run_but_not_the_other_files(tmp_path, seed_dir):
    shutil.copy(next(seed_dir.glob("000_*.txt")), tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / ".hidden.txt").write_bytes(b"\x00\x01")  # hidden files are skipped
    (tmp_path / "notes.md").write_text("not a page")  # only *.txt
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_seeds", str(tmp_path), stdout=out, stderr=err)
    assert raised.value.returncode == 1
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1 and "empty.txt" in lines[0]
    assert summary_value(out.getvalue(), "imported") == 1 and summary_value(out.getvalue(), "failed") == 1
    # The failed file is recorded as such (hidden and non-.txt files are not files to import).
    assert [(path.rsplit("/", 1)[-1], status) for path, status in SourceFile.objects.values_list("path", "status")] == [("empty.txt", "failed"), ("good.txt", "imported")]


def test_the_exit_status_is_non_zero_when_a_file_fails(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "import_seeds", str(tmp_path / "missing.txt")])
    assert exited.value.code == 1
    assert "missing.txt" in capsys.readouterr().err


def test_dry_run_reports_and_writes_nothing(seed_dir):
    out, _ = run("import_seeds", "--dry-run", str(seed_dir))
    assert "dry run" in out
    assert summary_value(out, "imported") == 5 and summary_value(out, "articles") >= 40
    assert not SourceFile.objects.exists() and not Article.objects.exists() and not Issue.objects.exists()
    run("import_seeds", str(seed_dir))
    assert Article.objects.count() == summary_value(out, "articles")  # the dry run predicted the real run


def test_kept_editor_corrections_are_listed(tmp_path, seed_dir, settings):
    settings.BASE_DIR = tmp_path
    copy = tmp_path / "000.txt"
    shutil.copy(next(seed_dir.glob("000_*.txt")), copy)
    run("import_seeds", str(copy))
    article = Article.objects.get(headline="炎陵“春风”送岗 职等你来")
    Article.objects.filter(pk=article.pk).update(headline="炎陵春风送岗", edited_fields=["headline"])
    copy.write_text(copy.read_text(encoding="utf-8").replace("耐心指导", "细心指导"), encoding="utf-8")
    out, _ = run("import_seeds", str(copy))
    assert "保留的编辑修改" in out and f"#{article.pk}" in out
    assert Article.objects.get(pk=article.pk).headline == "炎陵春风送岗"


def test_export_articles_writes_one_json_object_per_article(imported_seeds):
    out, err = run("export_articles")
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == Article.objects.count() and f"exported {len(records)}" in err
    record = next(r for r in records if r["headline"] == "今年重点建设项目,549个!")
    article = Article.objects.get(pk=record["id"])
    assert record["url"] == article.get_absolute_url() and record["url"].startswith("/2023/02/09/1/")
    assert (record["issue_date"], record["issue_date_inferred"], record["issue_number"]) == ("2023-02-09", False, 23211)
    assert (record["page_number"], record["section"]) == (1, "头版")
    assert {"name": "马国安", "role": "correspondent"} in record["authors"]
    assert record["source_file"].endswith("004_26bc54a594c7c9ca.txt")
    assert record["source_lines"] == [article.source_line_start, article.source_line_end] and record["source_lines"][0] > 0
    assert record["body"] == article.body and "\n\n" in record["body"]
    expected = {"id", "url", "source_file", "source_lines", "issue_date", "issue_date_inferred", "issue_number", "page_number",
                "section", "kicker", "headline", "subheadline", "authors", "districts", "body", "needs_review", "review_reasons", "captions"}
    assert all(set(r) >= expected for r in records)
    inferred = next(r for r in records if r["headline"] == "渌口区今年十大民生实事项目出炉")
    assert inferred["issue_date_inferred"] is True and "inferred_date" in inferred["review_reasons"]
    assert inferred["districts"] == ["渌口区"]
    assert "渌口区今年十大民生实事项目出炉" in out and "\\u" not in out  # ensure_ascii=False


def test_export_filters_by_date_and_counts_in_dry_run(imported_seeds):
    out, _ = run("export_articles", "--since", "2023-02-09", "--until", "2023-02-09")
    dates = {json.loads(line)["issue_date"] for line in out.splitlines()}
    assert dates == {"2023-02-09"}
    expected = Article.objects.filter(published_on="2023-02-09").count()
    assert len(out.splitlines()) == expected
    out, err = run("export_articles", "--dry-run", "--since", "2023-02-09")
    assert out == "" and f"would export {Article.objects.filter(published_on__gte='2023-02-09').count()} articles" in err


@pytest.mark.parametrize("args", [["--since", "2023-13-01"], ["--since", "2023-02-10", "--until", "2023-02-09"]])
def test_export_refuses_bad_dates(args):
    with pytest.raises(CommandError):
        run("export_articles", *args)


def test_sync_gazetteer_adds_missing_places_and_keeps_editor_additions():
    Place.objects.filter(name="淦田镇").delete()
    Place.objects.create(name="编辑新增地名", district=District.objects.get(name="攸县"), kind="landmark")
    out, _ = run("sync_gazetteer", "--dry-run")
    assert "1 places" in out and not Place.objects.filter(name="淦田镇").exists()
    out, _ = run("sync_gazetteer")
    assert "1 places" in out
    assert Place.objects.filter(name="淦田镇").exists() and Place.objects.filter(name="编辑新增地名").exists()
    out, _ = run("sync_gazetteer")
    assert "added 0 districts and 0 places" in out

"""The import service writes parsed seed files to the database, idempotently, per-file transactions."""

import datetime as dt
import shutil

import pytest
from django.db import IntegrityError

from articles.importing import writer
from articles.importing.service import import_paths
from articles.models import (
    Article,
    ArticleDistrict,
    Author,
    Contribution,
    District,
    Issue,
    IssueDateRedirect,
    Page,
    PageStaff,
    SourceFile,
)

pytestmark = pytest.mark.django_db


def counts():
    return {model.__name__: model.objects.count() for model in (SourceFile, Issue, Page, Article, Author, Contribution, ArticleDistrict, PageStaff)}


def test_seeds_become_issues_pages_and_articles(imported_seeds):
    assert imported_seeds.count("imported") == 5
    front = Issue.objects.get(date=dt.date(2023, 2, 9))
    assert (front.number, front.page_count, front.date_inferred) == (23211, 8, False)
    assert front.pages.get(number=1).section.name == "头版"
    assert Issue.objects.filter(date_inferred=True).count() == 4
    inferred = Issue.objects.get(date=dt.date(2025, 2, 6))
    assert inferred.date_evidence and inferred.date_confidence < 1
    assert Article.objects.count() >= 40
    article = Article.objects.get(headline="渌口区今年十大民生实事项目出炉")
    assert "inferred_date" in article.review_reasons and article.needs_review
    assert list(article.districts.values_list("name", flat=True)) == ["渌口区"]
    roles = set(article.contributions.values_list("author__name", "role"))
    assert {("邹怡敏", "reporter"), ("傅博芸", "correspondent")} <= roles
    assert article.source_file.path.endswith("000_f98613041e88a6b8.txt")
    assert article.source_line_start == 3 and "株洲日报讯" in article.raw_text


def test_page_staff_and_sections(imported_seeds):
    page = Page.objects.get(section__name="同城·新媒", issue__date=dt.date(2022, 9, 29))
    staff = set(page.staff_entries.values_list("person__name", "role"))
    assert staff == {("刘琪琪", "editor"), ("许辛", "art_editor"), ("张武", "proofreader")}
    # "同城新媒" printed without the dot on another day is the same section.
    assert Page.objects.filter(section__name="同城·新媒").count() == 2


def test_one_author_per_person_across_articles(imported_seeds):
    author = Author.objects.get(name="邹怡敏")
    assert author.slug == "zou-yi-min"
    assert author.contributions.count() >= 3


def test_reimport_unchanged_changes_nothing(imported_seeds, seed_dir):
    before = counts()
    stamps = list(Article.objects.order_by("id").values_list("id", "updated_at"))
    report = import_paths([str(seed_dir)])
    assert report.count("unchanged") == 5 and report.count("imported") == 0
    assert counts() == before
    assert list(Article.objects.order_by("id").values_list("id", "updated_at")) == stamps


def test_changed_file_replaces_its_content_but_keeps_editor_corrections(db, tmp_path, settings, seed_dir):
    settings.BASE_DIR = tmp_path
    source = next(seed_dir.glob("000_*.txt"))
    copy = tmp_path / source.name
    shutil.copy(source, copy)
    import_paths([str(copy)])
    article = Article.objects.get(source_file__path=source.name, headline="炎陵“春风”送岗 职等你来")
    article.headline = "炎陵春风送岗(编辑更正)"
    article.edited_fields = ["headline", "districts"]
    article.save()
    ArticleDistrict.objects.filter(article=article).delete()
    ArticleDistrict.objects.create(article=article, district=District.objects.get(name="株洲市"), set_by="editor")
    copy.write_text(copy.read_text(encoding="utf-8").replace("工作人员耐心指导", "工作人员细心指导"), encoding="utf-8")
    report = import_paths([str(copy)])
    assert report.count("imported") == 1
    article.refresh_from_db()
    assert article.headline == "炎陵春风送岗(编辑更正)"
    assert "细心指导" in article.body
    assert list(article.districts.values_list("name", flat=True)) == ["株洲市"]
    assert any("主题" in line for line in report.kept)


def test_articles_shifted_in_a_changed_file_are_matched_by_text(db, tmp_path, settings, seed_dir):
    """The first article disappears from the file: the others keep their ids, and the
    edited one keeps its editor's headline over its own text, not a neighbour's."""
    settings.BASE_DIR = tmp_path
    text = next(seed_dir.glob("000_*.txt")).read_text(encoding="utf-8")
    copy = tmp_path / "000.txt"
    copy.write_text(text, encoding="utf-8")
    import_paths([str(copy)])
    first = Article.objects.get(headline="渌口区今年十大民生实事项目出炉")
    edited = Article.objects.get(headline="炎陵“春风”送岗 职等你来")
    third = Article.objects.get(headline="醴陵去年社会消费品零售总额增长6.2%")
    edited.headline, edited.edited_fields = "炎陵春风送岗(编辑更正)", ["headline"]
    edited.save()
    copy.write_text(text[: text.index("渌口区今年十大")] + text[text.index("炎陵“春风”送岗") :], encoding="utf-8")
    report = import_paths([str(copy)])
    assert report.count("imported") == 1
    assert not Article.objects.filter(pk=first.pk).exists()
    edited.refresh_from_db()
    assert (edited.headline, edited.source_index, edited.position) == ("炎陵春风送岗(编辑更正)", 0, 1)
    assert edited.body.startswith("1月24日,炎陵县鹿原镇")
    assert Article.objects.get(pk=third.pk).source_index == 1
    assert any(f"#{edited.pk}" in line for line in report.kept)


def test_an_edited_article_the_file_no_longer_has_is_kept(db, tmp_path, settings, seed_dir):
    settings.BASE_DIR = tmp_path
    text = next(seed_dir.glob("000_*.txt")).read_text(encoding="utf-8")
    copy = tmp_path / "000.txt"
    copy.write_text(text, encoding="utf-8")
    import_paths([str(copy)])
    gone = Article.objects.get(headline="渌口区今年十大民生实事项目出炉")
    gone.edited_fields = ["districts"]
    gone.save()
    copy.write_text(text[: text.index("渌口区今年十大")] + text[text.index("炎陵“春风”送岗") :], encoding="utf-8")
    report = import_paths([str(copy)])
    gone.refresh_from_db()
    assert gone.page.articles.filter(position=gone.position).count() == 1  # no shared permalink
    assert any(f"#{gone.pk}" in line and "找不到" in line for line in report.kept)


def test_same_file_under_another_name_is_a_duplicate(imported_seeds, seed_dir, tmp_path):
    twin = tmp_path / "copy.txt"
    shutil.copy(next(seed_dir.glob("001_*.txt")), twin)
    before = counts()["Article"]
    report = import_paths([str(twin)])
    assert report.count("duplicate") == 1
    assert Article.objects.count() == before
    assert SourceFile.objects.get(path=str(twin.resolve())).status == "duplicate"


def test_two_files_inferring_the_same_date_share_one_issue(db, seed_dir, tmp_path):
    text = next(seed_dir.glob("002_*.txt")).read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(text.replace("居然之家", "居然之家(另一版)"), encoding="utf-8")
    report = import_paths([str(tmp_path)])
    assert report.count("imported") == 2
    issue = Issue.objects.get()
    assert issue.date_inferred
    assert sorted(issue.pages.values_list("number", flat=True)) == [1, 2, 3, 4]


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.txt", b"", "empty"),
        ("binary.txt", bytes(range(256)) * 10, "binary"),
        ("truncated.txt", "株洲日报讯".encode()[:-1], "truncated"),
    ],
)
def test_bad_files_fail_cleanly_and_good_files_still_import(db, seed_dir, tmp_path, name, data, message):
    (tmp_path / name).write_bytes(data)
    shutil.copy(next(seed_dir.glob("000_*.txt")), tmp_path / "good.txt")
    report = import_paths([str(tmp_path)])
    failed = report.failed
    assert len(failed) == 1 and message in failed[0].message and failed[0].path.endswith(name)
    assert report.count("imported") == 1
    assert not SourceFile.objects.filter(path__endswith=name).exists()


def test_gb18030_and_bom_crlf_files_import(db, seed_dir, tmp_path):
    text = next(seed_dir.glob("000_*.txt")).read_text(encoding="utf-8")
    (tmp_path / "gb.txt").write_bytes(text.encode("gb18030"))
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").replace("渌口区今年", "渌口区本年").encode())
    report = import_paths([str(tmp_path)])
    assert report.count("imported") == 2
    assert set(SourceFile.objects.values_list("encoding", flat=True)) == {"gb18030", "utf-8-sig"}


@pytest.mark.parametrize("error", [writer.ImportProblem("simulated failure"), IntegrityError("simulated failure")])
def test_failure_mid_file_leaves_nothing_half_written(db, seed_dir, monkeypatch, tmp_path, error):
    """Pages, staff and new authors are written before the articles fail: all rolled back,
    and the next file in the run does not point at the rolled-back authors."""
    text = next(seed_dir.glob("001_*.txt")).read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(text + "\n", encoding="utf-8")  # same people, other bytes
    original = writer.build_article
    calls = {"n": 0}

    def failing_build_article(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise error
        return original(*args, **kwargs)

    monkeypatch.setattr(writer, "build_article", failing_build_article)
    before = counts()
    report = import_paths([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    assert [f.status for f in report.files] == ["failed", "imported"]
    assert "simulated failure" in report.files[0].message
    assert not SourceFile.objects.filter(path__endswith="a.txt").exists()
    assert not Page.objects.filter(source_file__path__endswith="a.txt").exists()
    assert counts()["Article"] == before["Article"] + report.files[1].articles
    # b.txt names the same page staff as a.txt: they exist for real, once.
    assert Author.objects.filter(name="胡乐").count() == 1
    assert PageStaff.objects.filter(person__name="胡乐", role="editor").exists()
    assert report.authors_created == Author.objects.count()


def test_dry_run_writes_nothing(db, seed_dir):
    report = import_paths([str(seed_dir)], dry_run=True)
    assert report.count("parsed") == 5 and report.total("articles") >= 40
    assert SourceFile.objects.count() == 0 and Article.objects.count() == 0


def test_a_date_in_the_file_name_outranks_inference(db, seed_dir, tmp_path):
    source = next(seed_dir.glob("002_*.txt"))
    named = tmp_path / "2022" / "20220930_2.txt"
    named.parent.mkdir()
    shutil.copy(source, named)
    import_paths([str(named)])
    issue = Issue.objects.get()
    assert issue.date == dt.date(2022, 9, 30) and issue.date_inferred and issue.date_confidence == 0.9
    assert "文件名" in issue.date_evidence[0]["text"]


def test_a_masthead_outranks_the_file_name(db, seed_dir, tmp_path):
    named = tmp_path / "19990101.txt"
    shutil.copy(next(seed_dir.glob("004_*.txt")), named)
    import_paths([str(named)])
    assert Issue.objects.get().date == dt.date(2023, 2, 9)


def test_a_parsing_worker_process_gives_the_same_result(db, seed_dir, tmp_path):
    """Large runs parse in a worker process; the database must end up the same, in order."""
    for n in range(3):
        for source in seed_dir.glob("00[0-3]_*.txt"):
            text = source.read_text(encoding="utf-8")
            (tmp_path / f"{n}_{source.name}").write_text(text + "\n" * n, encoding="utf-8")
    shutil.copy(next(tmp_path.glob("0_000_*.txt")), tmp_path / "z_twin.txt")
    report = import_paths([str(tmp_path)], workers=1)
    assert [f.status for f in report.files] == ["imported"] * 12 + ["duplicate"]
    assert [f.path for f in report.files] == sorted(f.path for f in report.files)
    rows = sorted(Article.objects.values_list("source_file__path", "source_index", "headline"))
    again = import_paths([str(tmp_path)], workers=1)
    assert [f.status for f in again.files] == ["unchanged"] * 12 + ["duplicate"]
    assert sorted(Article.objects.values_list("source_file__path", "source_index", "headline")) == rows


def test_reimport_follows_an_editors_date_correction_and_keeps_page_numbers(db, seed_dir, tmp_path, settings):
    settings.BASE_DIR = tmp_path
    copy = tmp_path / "001.txt"
    text = next(seed_dir.glob("001_*.txt")).read_text(encoding="utf-8")
    copy.write_text(text, encoding="utf-8")
    import_paths([str(copy)])
    issue = Issue.objects.get()
    numbers = dict(Page.objects.values_list("source_index", "number"))
    old_date, corrected = issue.date, issue.date.replace(year=issue.date.year - 1)
    issue.date = corrected  # what the editors' "fix issue date" does
    issue.save()
    IssueDateRedirect.objects.create(old_date=old_date, issue=issue)
    copy.write_text(text + "\n", encoding="utf-8")
    assert import_paths([str(copy)]).count("imported") == 1
    assert list(Issue.objects.values_list("date", flat=True)) == [corrected]
    assert dict(Page.objects.values_list("source_index", "number")) == numbers
    assert set(Article.objects.values_list("published_on", flat=True)) == {corrected}


def test_an_issue_number_printed_for_another_date_is_an_error_for_that_file(db, seed_dir, tmp_path):
    Issue.objects.create(date=dt.date(2023, 2, 8), number=23211)
    shutil.copy(next(seed_dir.glob("004_*.txt")), tmp_path / "front.txt")
    shutil.copy(next(seed_dir.glob("000_*.txt")), tmp_path / "other.txt")
    report = import_paths([str(tmp_path)])
    assert [f.status for f in report.files] == ["failed", "imported"]
    assert "23211" in report.files[0].message and "2023-02-08" in report.files[0].message
    assert not Issue.objects.filter(date=dt.date(2023, 2, 9)).exists()


def test_a_parser_crash_on_one_file_is_reported_and_the_run_goes_on(db, seed_dir, tmp_path, monkeypatch):
    from articles.importing import prepare

    real = prepare.parse_bytes
    monkeypatch.setattr(prepare, "parse_bytes", lambda data: 1 / 0 if data.endswith(b"CRASH") else real(data))
    (tmp_path / "a.txt").write_bytes(next(seed_dir.glob("000_*.txt")).read_bytes() + b"CRASH")
    shutil.copy(next(seed_dir.glob("004_*.txt")), tmp_path / "b.txt")
    report = import_paths([str(tmp_path)])
    assert [f.status for f in report.files] == ["failed", "imported"]
    assert "ZeroDivisionError" in report.files[0].message


def test_a_broken_worker_pool_falls_back_to_parsing_in_process(db, seed_dir, monkeypatch):
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    from articles.importing import prepare

    class BrokenPool:
        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def submit(self, fn, job):
            future = Future()
            future.set_exception(BrokenProcessPool("worker died"))
            return future

    monkeypatch.setattr(prepare, "ProcessPoolExecutor", BrokenPool)
    report = import_paths([str(seed_dir)], workers=1)
    assert [f.status for f in report.files] == ["imported"] * 5

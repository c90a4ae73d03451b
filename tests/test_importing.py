"""The import service writes parsed seed files to the database, idempotently, per-file transactions."""

import io
import datetime as dt
import logging
import shutil

import pytest
from django.core.management import call_command
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


def assert_recorded_as_failed(name, message):
    """A failed file leaves one FAILED row with its message, and no content pointing at it."""
    source = SourceFile.objects.get(path__endswith=name)
    assert source.status == "failed" and message in source.error_message and "\n" not in source.error_message
    assert not source.pages.exists() and not source.articles.exists()
    return source


@pytest.fixture
def seed_copy(db, seed_dir, tmp_path, settings):
    """Seed 000 copied into a temporary project and imported: (path, text) for re-import tests to change."""
    settings.BASE_DIR = tmp_path
    text = next(seed_dir.glob("000_*.txt")).read_text(encoding="utf-8")
    copy = tmp_path / "000.txt"
    copy.write_text(text, encoding="utf-8")
    import_paths([str(copy)])
    return copy, text


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


@pytest.mark.parametrize("model", [Article, Page])
def test_every_imported_row_has_its_created_history_record(imported_seeds, model):
    """The database copies the rows into history (importing/history.py): the same "+" records
    simple-history writes, field for field, so an editor can revert to the imported version."""
    records = {r.id: r for r in model.history.all()}
    rows = list(model.objects.all())
    assert rows and set(records) == {row.pk for row in rows}
    tracked = [f.attname for f in model.history.model.tracked_fields]
    for row in rows:
        record = records[row.pk]
        assert (record.history_type, record.history_change_reason, record.history_user_id) == ("+", None, None)
        assert {name: getattr(record, name) for name in tracked} == {name: getattr(row, name) for name in tracked}
        assert record.history_date >= getattr(row, "created_at", record.history_date)


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


def test_articles_shifted_in_a_changed_file_are_matched_by_text(db, seed_copy):
    """The first article disappears from the file: the others keep their ids, and the
    edited one keeps its editor's headline over its own text, not a neighbour's."""
    copy, text = seed_copy
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


def test_an_edited_article_the_file_no_longer_has_is_kept(db, seed_copy):
    copy, text = seed_copy
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
    assert_recorded_as_failed(name, message)


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
    assert_recorded_as_failed("a.txt", "simulated failure")
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


def test_a_parsing_worker_process_gives_the_same_result(db, seed_dir, tmp_path, caplog):
    """Large runs parse in a worker process; the database must end up the same, in order."""
    caplog.set_level(logging.WARNING, logger="articles.importing.prepare")
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
    # The worker really ran: a worker that cannot start falls back to parsing in-process, silently slow.
    assert "parsing worker failed" not in caplog.text


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


def test_a_files_issue_its_date_correction_and_a_number_clash_are_found_in_one_query(db, django_assert_num_queries):
    from articles.importing.issues import issues_of

    moved = Issue.objects.create(date=dt.date(2023, 2, 10), number=23213)
    IssueDateRedirect.objects.create(old_date=dt.date(2023, 2, 1), issue=moved)
    dated = Issue.objects.create(date=dt.date(2023, 2, 8), number=23211)
    with django_assert_num_queries(1):
        assert issues_of(dt.date(2023, 2, 8), 23213) == (None, dated, moved)
    with django_assert_num_queries(1):
        assert issues_of(dt.date(2023, 2, 1), None) == (moved, None, None)
    with django_assert_num_queries(1):
        assert issues_of(dt.date(2023, 2, 8), 23211) == (None, dated, None)  # its own number is no clash
    assert issues_of(dt.date(2023, 3, 1), None) == (None, None, None)


def test_a_files_issue_lookup_seeks_indexes_on_postgresql_instead_of_scanning_every_issue(db):
    """Written as one WHERE … OR …, the lookup scanned all issues for every file imported."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.importing.issues import issues_of

    if connection.vendor != "postgresql":
        pytest.skip("reads a PostgreSQL plan (EXPLAIN)")
    Issue.objects.bulk_create(Issue(date=dt.date(1990, 1, 1) + dt.timedelta(days=n), number=1000 + n) for n in range(5000))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_issue")
    with CaptureQueriesContext(connection) as queries:
        issues_of(dt.date(1995, 5, 5), 4000)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + queries[0]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # Each arm an index condition: no scan that reads issues to filter them.
    assert "Seq Scan" not in plan and "Filter:" not in plan, plan


def test_the_first_file_of_a_new_issue_does_not_read_its_page_numbers(db, seed_dir, tmp_path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    shutil.copy(next(seed_dir.glob("000_*.txt")), tmp_path / "a.txt")
    with CaptureQueriesContext(connection) as queries:
        import_paths([str(tmp_path)])
    assert Page.objects.exists()
    assert not [q for q in queries if q["sql"].startswith('SELECT "articles_page"."number"')]


def test_a_parser_crash_on_one_file_is_reported_and_the_run_goes_on(db, seed_dir, tmp_path, monkeypatch):
    from articles.importing import prepare

    real = prepare.parse_text
    monkeypatch.setattr(prepare, "parse_text", lambda text: 1 / 0 if text.endswith("CRASH") else real(text))
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


# --- failed files are recorded -------------------------------------------------------------


def test_a_failed_file_is_recorded_and_a_later_good_import_clears_it(db, seed_dir, tmp_path):
    page = tmp_path / "page.txt"
    good = next(seed_dir.glob("002_*.txt")).read_bytes()
    page.write_bytes(good[: len(good) // 2 + 1])  # cut mid-character
    assert import_paths([str(page)]).count("failed") == 1
    source = assert_recorded_as_failed("page.txt", "truncated")
    assert source.imported_at is None and source.size == len(good) // 2 + 1
    page.write_bytes(good)
    assert import_paths([str(page)]).count("imported") == 1
    source.refresh_from_db()
    assert (source.status, source.error_message) == ("imported", "") and source.articles.exists()


def test_a_file_that_breaks_after_a_good_import_keeps_its_articles_and_says_why(db, seed_dir, tmp_path):
    page = tmp_path / "page.txt"
    good = next(seed_dir.glob("002_*.txt")).read_bytes()
    page.write_bytes(good)
    import_paths([str(page)])
    before = counts()
    imported = SourceFile.objects.get()
    page.write_bytes(b"")
    report = import_paths([str(page)])
    assert report.count("failed") == 1 and counts() == before
    source = SourceFile.objects.get()
    assert (source.status, source.sha256, source.text) == ("failed", imported.sha256, imported.text)  # lines still resolve
    assert "empty" in source.error_message
    (tmp_path / "twin.txt").write_bytes(good)  # what the broken file still holds is not imported twice
    assert import_paths([str(tmp_path / "twin.txt")]).count("duplicate") == 1
    page.write_bytes(good)
    assert import_paths([str(page)]).count("imported") == 1
    assert SourceFile.objects.get(path=imported.path).status == "imported" and counts()["Article"] == before["Article"]


def test_a_database_error_is_recorded_after_the_rollback(db, seed_dir, tmp_path, monkeypatch):
    shutil.copy(next(seed_dir.glob("001_*.txt")), tmp_path / "a.txt")

    def broken(*args, **kwargs):
        raise IntegrityError("simulated\nmulti-line failure")

    monkeypatch.setattr(writer, "create_articles", broken)
    report = import_paths([str(tmp_path)])
    assert report.files[0].message == "写入数据库失败 (database error): simulated multi-line failure"
    assert_recorded_as_failed("a.txt", "simulated multi-line failure")
    assert (Issue.objects.count(), Page.objects.count(), Article.objects.count()) == (0, 0, 0)


def test_dry_run_records_no_failures_or_duplicates(db, seed_dir, tmp_path):
    shutil.copy(next(seed_dir.glob("000_*.txt")), tmp_path / "a.txt")
    shutil.copy(next(seed_dir.glob("000_*.txt")), tmp_path / "b.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    report = import_paths([str(tmp_path)], dry_run=True)
    assert [f.status for f in report.files] == ["parsed", "duplicate", "failed"]
    assert (SourceFile.objects.count(), Issue.objects.count()) == (0, 0)


# --- (page, position) is unique: re-imports step around an editor's split -------------------


def test_reimport_after_an_editors_split_keeps_the_split_parts_permalink(db, seed_copy):
    from articles.editing.articles import split_article

    copy, text = seed_copy
    article = Article.objects.get(headline="炎陵“春风”送岗 职等你来")
    second = split_article(article, 2, headline="招聘会分两种形式")
    page = article.page
    before = dict(page.articles.values_list("pk", "position"))
    copy.write_text(text.replace("工作人员耐心指导", "工作人员细心指导"), encoding="utf-8")
    assert import_paths([str(copy)]).count("imported") == 1
    assert dict(page.articles.values_list("pk", "position")) == before  # nobody moved, nobody collided
    # A new article above pushes the file's articles down, past the split part that stays put.
    copy.write_text(text.replace("炎陵“春风”送岗", "新增短讯\n\n本报讯 新增一条消息。\n\n炎陵“春风”送岗", 1), encoding="utf-8")
    assert import_paths([str(copy)]).count("imported") == 1
    positions = list(page.articles.order_by("position").values_list("position", flat=True))
    assert len(positions) == len(set(positions)) == len(before) + 1
    assert Article.objects.get(pk=second.pk).position == before[second.pk]


def test_reimport_does_not_bring_back_an_article_an_editor_merged_away(db, seed_copy):
    from articles.editing.articles import merge_into_previous
    from articles.models import RemovedArticle

    copy, text = seed_copy
    merged = Article.objects.get(headline="攸县“码上贷” 发放小额贷款逾52亿元")
    survivor = merge_into_previous(merged, reason="两篇本是一篇")
    record = RemovedArticle.objects.get()
    assert (record.merged_into, record.title, record.reason) == (survivor, "攸县“码上贷” 发放小额贷款逾52亿元", "两篇本是一篇")
    page = survivor.page
    before = dict(page.articles.values_list("pk", "position"))

    # The source is corrected elsewhere (even inside the merged story) and imported again.
    copy.write_text(text.replace("工作人员耐心指导", "工作人员细心指导").replace("码上贷", "码上贷款", 1), encoding="utf-8")
    report = import_paths([str(copy)])
    assert report.count("imported") == 1
    assert not Article.objects.filter(headline__startswith="攸县").exists()
    assert dict(page.articles.values_list("pk", "position")) == before  # nothing came back, nobody moved
    assert any("攸县" in line and f"#{survivor.pk}" in line for line in report.kept)
    assert "细心指导" in Article.objects.get(headline="炎陵“春风”送岗 职等你来").body  # the rest did update


# --- the same text in another encoding is a duplicate ----------------------------------------


def test_the_same_text_in_another_encoding_is_a_duplicate(imported_seeds, seed_dir, tmp_path):
    text = next(seed_dir.glob("001_*.txt")).read_text(encoding="utf-8")
    (tmp_path / "gb-crlf.txt").write_bytes(text.replace("\n", "\r\n").encode("gb18030"))
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + text.encode())
    before = counts()["Article"]
    report = import_paths([str(tmp_path)])
    assert [f.status for f in report.files] == ["duplicate", "duplicate"]
    assert all("001_" in f.message and "编码" in f.message for f in report.files)
    assert Article.objects.count() == before
    assert set(SourceFile.objects.filter(status="duplicate").values_list("encoding", "text_sha256")) == {
        ("", SourceFile.objects.get(path__endswith=next(seed_dir.glob("001_*.txt")).name).text_sha256)
    }


def test_encoding_twins_in_one_run_import_once(db, seed_dir, tmp_path):
    text = next(seed_dir.glob("003_*.txt")).read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_bytes(text.replace("\n", "\r\n").encode("gb18030"))
    (tmp_path / "b.txt").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    (tmp_path / "c.txt").write_text(text, encoding="utf-8")
    report = import_paths([str(tmp_path)])
    assert [f.status for f in report.files] == ["imported", "duplicate", "duplicate"]
    assert set(Article.objects.values_list("source_file__path", flat=True)) == {str((tmp_path / "a.txt").resolve())}
    again = import_paths([str(tmp_path)])
    assert [f.status for f in again.files] == ["unchanged", "duplicate", "duplicate"]


# --- a masthead read after an inferred file of the same day ----------------------------------


def _same_day_files(seed_dir, tmp_path):
    inferred = tmp_path / "20230209_000.txt"  # no masthead: the date comes from the file name
    shutil.copy(next(seed_dir.glob("000_*.txt")), inferred)
    front = tmp_path / "front.txt"
    shutil.copy(next(seed_dir.glob("004_*.txt")), front)
    return inferred, front


def _day_state():
    issue = Issue.objects.get(date=dt.date(2023, 2, 9))
    pages = [(p.source_file.path.rsplit("/", 1)[-1], p.source_index, p.number, p.date_inferred) for p in issue.pages.order_by("number")]
    reasons = {
        path.rsplit("/", 1)[-1]: all("inferred_date" in r for r in rows)
        for path in {p[0] for p in issue.pages.values_list("source_file__path")}
        for rows in [list(Article.objects.filter(source_file__path=path).values_list("review_reasons", flat=True))]
    }
    return issue, pages, reasons


@pytest.mark.parametrize("order", ["inferred first", "masthead first"])
def test_a_masthead_front_page_is_page_one_whatever_the_import_order(db, seed_dir, tmp_path, order):
    inferred, front = _same_day_files(seed_dir, tmp_path)
    for path in ([inferred, front] if order == "inferred first" else [front, inferred]):
        assert import_paths([str(path)]).count("imported") == 1
    issue, pages, reasons = _day_state()
    assert pages == [("front.txt", 0, 1, False), ("20230209_000.txt", 0, 2, True), ("20230209_000.txt", 1, 3, True)]
    # The masthead confirms the day; the other file's placement on it is still a guess, and says so.
    assert (issue.number, issue.date_inferred) == (23211, False)
    assert reasons == {"front.txt": False, "20230209_000.txt": True}
    kinds = {(e["source"].rsplit("/", 1)[-1], e["kind"]) for e in issue.date_evidence}
    assert {("front.txt", "masthead"), ("20230209_000.txt", "inferred")} <= kinds
    assert issue.date_evidence[0]["kind"] == "masthead"
    # Readers and researchers are told the same, article by article.
    from articles.serializers import article_data

    inferred_flags = {article_data(a)["issue_date_inferred"] for a in Article.objects.filter(source_file__path__endswith="20230209_000.txt")}
    front_flags = {article_data(a)["issue_date_inferred"] for a in Article.objects.filter(source_file__path__endswith="front.txt")}
    assert (inferred_flags, front_flags) == ({True}, {False})


def test_an_editors_date_correction_settles_every_page_of_the_issue(db, seed_dir, tmp_path):
    from articles.editing.issues import move_issue_date

    front = tmp_path / "front.txt"
    front.write_text(next(seed_dir.glob("004_*.txt")).read_text(encoding="utf-8").replace("星期四", "星期五"), encoding="utf-8")
    import_paths([str(front)])
    assert all({"inferred_date", "masthead_conflict"} <= set(a.review_reasons) for a in Article.objects.all())
    move_issue_date(Issue.objects.get(), dt.date(2023, 2, 10), reason="报头星期为准")
    assert not Page.objects.filter(date_inferred=True).exists()
    assert not any({"inferred_date", "masthead_conflict"} & set(a.review_reasons) for a in Article.objects.all())
    assert not any(a.date_inferred for a in Article.objects.select_related("page__issue"))


def test_moved_pages_keep_their_numbers_on_reimport(db, seed_dir, tmp_path):
    inferred, front = _same_day_files(seed_dir, tmp_path)
    import_paths([str(inferred)])
    import_paths([str(front)])
    _, pages, _ = _day_state()
    evidence = Issue.objects.get().date_evidence
    inferred.write_text(inferred.read_text(encoding="utf-8").replace("工作人员耐心指导", "工作人员细心指导"), encoding="utf-8")
    assert import_paths([str(tmp_path)]).count("imported") == 1
    assert _day_state()[1] == pages
    assert Issue.objects.get().date_evidence == evidence  # the file's entries replaced, not piled up
    assert len({url for url in (a.get_absolute_url() for a in Article.objects.all())}) == Article.objects.count()


# --- masthead notes reach the issue -----------------------------------------------------------


def test_masthead_notes_are_kept_on_the_issue(imported_seeds):
    issue = Issue.objects.get(date=dt.date(2023, 2, 9))
    notes = [e["text"] for e in issue.date_evidence if e["kind"] == "note"]
    assert "报头各项一致:2023-02-09" in notes and not issue.date_inferred


def test_a_masthead_that_disagrees_with_itself_needs_review(db, seed_dir, tmp_path):
    front = tmp_path / "front.txt"
    front.write_text(next(seed_dir.glob("004_*.txt")).read_text(encoding="utf-8").replace("星期四", "星期五"), encoding="utf-8")
    import_paths([str(front)])
    issue = Issue.objects.get()
    assert (issue.date, issue.number, issue.date_inferred) == (dt.date(2023, 2, 9), 23211, True)
    assert issue.date_evidence[0] == {"text": "星期五 与其余报头信息不一致", "line": 0, "resolved": None, "source": issue.date_evidence[0]["source"], "kind": "problem"}
    assert issue.pages.get().number == 1 and issue.pages.get().date_inferred
    assert all({"inferred_date", "masthead_conflict"} <= set(a.review_reasons) and a.needs_review for a in Article.objects.all())


def test_failed_rows_show_in_the_admin_and_do_not_reach_the_export(db, seed_dir, tmp_path, admin_client):
    import io
    import json

    shutil.copy(next(seed_dir.glob("000_*.txt")), tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    import_paths([str(tmp_path)])
    failed = SourceFile.objects.get(status="failed")
    listing = admin_client.get("/admin/articles/sourcefile/?status__exact=failed")
    assert listing.status_code == 200 and "empty.txt" in listing.content.decode()
    detail = admin_client.get(f"/admin/articles/sourcefile/{failed.pk}/change/")
    assert detail.status_code == 200 and "empty file" in detail.content.decode()
    out = io.StringIO()
    call_command("export_articles", stdout=out)
    sources = {json.loads(line)["source_file"] for line in out.getvalue().splitlines()}
    assert sources == {SourceFile.objects.get(status="imported").path}


def test_the_index_is_written_in_batches_and_flushed_however_the_run_ends(db, seed_dir, monkeypatch, django_capture_on_commit_callbacks):
    from articles.importing import service
    from articles.search import indexing
    from articles.signals import articles_changed

    monkeypatch.setattr(service, "INDEX_BATCH_FILES", 2)
    announced = []
    articles_changed.connect(lambda sender, article_ids, **kw: announced.append(len(article_ids)), weak=False, dispatch_uid="t-batch")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            service.import_paths([str(seed_dir)])
        assert len(announced) == 3 and sum(announced) == Article.objects.count()  # 5 files: 2 + 2 + 1
        assert indexing.mismatches() == {"missing": [], "orphaned": []}

        def stop_after_third(report, seen=[]):
            seen.append(report)
            if len(seen) == 3:
                raise KeyboardInterrupt

        Article.objects.all().delete()
        indexing.rebuild()
        for source in SourceFile.objects.all():
            source.delete()
        with pytest.raises(KeyboardInterrupt), django_capture_on_commit_callbacks(execute=True):
            service.import_paths([str(seed_dir)], progress=stop_after_third)
        assert Article.objects.exists() and indexing.mismatches() == {"missing": [], "orphaned": []}
    finally:
        articles_changed.disconnect(dispatch_uid="t-batch")


def test_an_import_bumps_the_page_cache_once_per_announced_batch(db, seed_dir, monkeypatch, django_capture_on_commit_callbacks):
    """Not once per file: each announcement of a batch's changes bumps the version, and so does
    the last one, so a cached page is never older than the files already announced."""
    from articles.cache import data_version
    from articles.importing import service

    monkeypatch.setattr(service, "INDEX_BATCH_FILES", 2)
    before = data_version()
    with django_capture_on_commit_callbacks(execute=True):
        service.import_paths([str(seed_dir)])
    assert data_version() == before + 3  # 5 files: batches of 2 + 2 + 1
    with django_capture_on_commit_callbacks(execute=True):
        Issue.objects.first().save()  # an editor's save still bumps at once
    assert data_version() == before + 4


def test_a_large_import_refreshes_the_planner_statistics(db, seed_dir, monkeypatch):
    """PostgreSQL plans searches from statistics; a big import must not leave them stale."""
    from django.db import connection

    from articles.importing import service

    calls = []
    real = service.refresh_planner_statistics
    monkeypatch.setattr(service, "refresh_planner_statistics", lambda: calls.append(1) or real())
    monkeypatch.setattr(service, "ANALYZE_AFTER_ARTICLES", 10**6)
    import_paths([str(next(seed_dir.glob("000_*.txt")))])
    assert calls == []  # a small run leaves it to autovacuum
    monkeypatch.setattr(service, "ANALYZE_AFTER_ARTICLES", 10)
    compacted = []
    monkeypatch.setattr(service.indexing, "compact", lambda: compacted.append(1))
    monkeypatch.setattr(service, "COMPACT_AFTER_SHARE", 2.0)  # a run would have to add twice the archive
    import_paths([str(seed_dir)])
    assert calls == [1] and compacted == []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'articles_article'")
            assert cursor.fetchone()[0] == Article.objects.count()


def test_an_import_of_a_large_share_of_the_archive_merges_the_full_text_index(db, seed_dir, monkeypatch):
    from articles.importing import service

    compacted = []
    monkeypatch.setattr(service.indexing, "compact", lambda: compacted.append(1))
    monkeypatch.setattr(service, "ANALYZE_AFTER_ARTICLES", 10)
    import_paths([str(seed_dir)])  # into an empty archive: all of it
    assert compacted == [1]


def test_a_large_import_outside_a_transaction_vacuums_postgresql(transactional_db, seed_dir, monkeypatch):
    """VACUUM marks the new rows all-visible, so index-only reads stop visiting the table."""
    from django.db import connection

    from articles.importing import service

    if connection.vendor != "postgresql":
        pytest.skip("VACUUM is PostgreSQL's; SQLite's planner needs no statistics")
    monkeypatch.setattr(service, "ANALYZE_AFTER_ARTICLES", 10)
    import_paths([str(seed_dir)])
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_vacuum IS NOT NULL, last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'articles_article'")
        assert cursor.fetchone() == (True, True)


def test_an_import_leaves_nothing_pending_in_the_full_text_index(transactional_db, seed_dir, monkeypatch):
    """PostgreSQL scans a GIN index's whole pending list on every search: an import flushes it.
    (Real commits: the index is written as each file commits, before the run ends.)"""
    from django.db import connection

    from articles.importing import service
    from articles.search.engines import get_engine

    flushed = []
    real = service.indexing.flush
    monkeypatch.setattr(service.indexing, "flush", lambda: flushed.append(real()))
    import_paths([str(seed_dir)])
    assert len(flushed) == 1
    if connection.vendor == "postgresql":
        assert flushed[0] > 0 and get_engine().flush() == 0  # the import's entries had been pending, and are no more
    import_paths([str(seed_dir)])  # nothing new written: nothing to flush
    assert len(flushed) == 1


def test_the_next_run_indexes_what_a_killed_run_committed_but_never_announced(db, seed_dir, django_capture_on_commit_callbacks):
    """A run killed between a file's commit and its batch's announcement: the next run repairs the index."""
    from articles.search import indexing
    from articles.search.engines import get_engine

    with django_capture_on_commit_callbacks(execute=True):
        import_paths([str(seed_dir)])
    newest = SourceFile.objects.order_by("-imported_at").first()
    lost = list(Article.objects.filter(source_file=newest).values_list("pk", flat=True))
    get_engine().write([], lost)  # as if the batch holding the newest file was never announced
    assert indexing.mismatches()["missing"] == sorted(lost)
    with django_capture_on_commit_callbacks(execute=True):
        again = import_paths([str(seed_dir)])
    assert again.count("unchanged") == 5 and again.reindexed == len(lost) > 0
    assert indexing.mismatches() == {"missing": [], "orphaned": []}
    out = io.StringIO()
    call_command("import_seeds", str(seed_dir), stdout=out)
    assert "补建索引" in out.getvalue()

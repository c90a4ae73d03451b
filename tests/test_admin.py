"""The editors' workbench through Django's test client."""

import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles.models import (
    Article,
    ArticleDistrict,
    Author,
    Contribution,
    District,
    Issue,
)
from articles.search import search_articles

pytestmark = pytest.mark.django_db
PASSWORD = "Zhuzhou-editor-2026!"


@pytest.fixture
def editor(db):
    call_command("create_editor", "editor1", "--password-stdin", stdin=io.StringIO(PASSWORD + "\n"))
    return User.objects.get(username="editor1")


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor, backend="django.contrib.auth.backends.ModelBackend")
    return client


def change_form_data(client, article):
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {name: form.initial.get(name, "") for name in form.fields}
    data["captions"] = form["captions"].value()
    data["pull_quotes"] = form["pull_quotes"].value()
    data["review_reasons"] = form["review_reasons"].value()
    data["needs_review"] = "on" if article.needs_review else ""
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for key in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{formset.formset.prefix}-{key}"] = management[key].value()
        for i, inline in enumerate(formset.formset.forms):
            for name in inline.fields:
                value = inline[name].value()
                data[f"{formset.formset.prefix}-{i}-{name}"] = "" if value is None else value
    return {k: v for k, v in data.items() if v is not None}


def test_create_editor_command(editor):
    assert editor.is_staff and not editor.is_superuser
    assert editor.groups.filter(name="editors").exists()
    with pytest.raises(Exception, match="密码不符合要求"):
        call_command("create_editor", "weak", "--password-stdin", stdin=io.StringIO("123\n"))
    with pytest.raises(Exception, match="已存在"):
        call_command("create_editor", "editor1", "--password-stdin", stdin=io.StringIO(PASSWORD + "\n"))


def test_create_editor_rejects_bad_input(db, monkeypatch):
    with pytest.raises(Exception, match="密码不能为空"):
        call_command("create_editor", "nobody", "--password-stdin", stdin=io.StringIO("\n"))
    out = io.StringIO()
    call_command("create_editor", "later", "--password-stdin", "--dry-run", stdin=io.StringIO(PASSWORD + "\n"), stdout=out)
    assert "would create" in out.getvalue() and not User.objects.filter(username="later").exists()

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(Exception, match="不一致"):
        call_command("create_editor", "typo", stdin=Terminal())
    answers = iter([PASSWORD, PASSWORD])
    call_command("create_editor", "typed", "--email", "typed@example.org", stdin=Terminal(), stdout=io.StringIO())
    assert User.objects.get(username="typed").check_password(PASSWORD)


def test_editors_group_has_content_permissions_only(db):
    codenames = set(Group.objects.get(name="editors").permissions.values_list("codename", flat=True))
    assert {"change_article", "view_issue", "change_page", "add_place", "delete_contribution"} <= codenames
    assert not any(c.endswith(("_user", "_group", "_permission")) for c in codenames)
    # Merging keeps every word and byline; deleting would not, so editors merge.
    assert not {"delete_article", "delete_author"} & codenames
    assert "view_removedarticle" in codenames


def test_editors_merge_but_cannot_delete_articles_or_authors(editor_client, imported_seeds):
    article = Article.objects.get(headline="攸县“码上贷” 发放小额贷款逾52亿元")
    assert editor_client.get(f"/admin/articles/article/{article.pk}/delete/").status_code == 403
    actions = editor_client.get("/admin/articles/article/").content.decode()
    assert "merge_into_previous_action" in actions and 'value="delete_selected"' not in actions
    assert 'value="merge_action"' in editor_client.get("/admin/articles/author/").content.decode()
    response = editor_client.post("/admin/articles/article/", {"action": "merge_into_previous_action", "_selected_action": [article.pk], "reason": "同一篇", "confirm": "1"})
    assert response.status_code in (200, 302) and not Article.objects.filter(pk=article.pk).exists()
    assert "攸县" in editor_client.get("/admin/articles/removedarticle/").content.decode()


def test_a_superusers_deletion_is_remembered_by_the_importer(admin_client, imported_seeds):
    from articles.models import RemovedArticle

    article = Article.objects.get(headline="攸县“码上贷” 发放小额贷款逾52亿元")
    response = admin_client.post(f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Article.objects.filter(pk=article.pk).exists()
    record = RemovedArticle.objects.get()
    assert (record.title, record.source_file_id, record.reason) == (article.display_title, article.source_file_id, "在后台删除")


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/admin/articles/article/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_editor_cannot_manage_users_or_groups(editor_client):
    assert editor_client.get("/admin/auth/user/").status_code == 403
    assert editor_client.get("/admin/auth/group/").status_code == 403
    assert editor_client.get("/admin/articles/article/").status_code == 200


def test_editor_corrects_headline_and_district_and_readers_see_it(editor_client, imported_seeds, django_capture_on_commit_callbacks, client):
    article = Article.objects.get(headline="燃气安全宣讲进社区")
    data = change_form_data(editor_client, article)
    data["headline"] = "燃气安全宣讲走进荷塘社区"
    data["change_reason"] = "标题更准确"
    prefix = "district_links"
    data[f"{prefix}-0-district"] = District.objects.get(name="荷塘区").pk
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert article.headline == "燃气安全宣讲走进荷塘社区"
    assert {"headline"} <= set(article.edited_fields) and "districts" in article.edited_fields
    assert list(article.districts.values_list("name", flat=True)) == ["荷塘区"]
    assert ArticleDistrict.objects.get(article=article).set_by == "editor"
    page = client.get(article.get_absolute_url()).content.decode()
    assert "燃气安全宣讲走进荷塘社区" in page and "/districts/hetang/" in page
    assert "燃气安全宣讲走进荷塘社区" in [h.article.headline for h in search_articles("荷塘社区").hits]
    history = article.history.first()
    assert history.history_user.username == "editor1" and history.history_change_reason == "标题更准确"
    history_page = editor_client.get(reverse("admin:articles_article_history", args=[article.pk])).content.decode()
    assert "editor1" in history_page


def test_revert_restores_an_earlier_version(editor_client, imported_seeds):
    article = Article.objects.get(headline="燃气安全宣讲进社区")
    raw_text, original = article.raw_text, article.history.earliest()
    data = change_form_data(editor_client, article)
    data["headline"] = "错误的标题"
    assert editor_client.post(reverse("admin:articles_article_change", args=[article.pk]), data).status_code == 302
    article.refresh_from_db()
    version = article.version

    url = reverse("admin:articles_article_simple_history", args=[article.pk, original.history_id])
    response = editor_client.get(url)  # the revert form, filled from the old version, as a browser sees it
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.initial["headline"] == "燃气安全宣讲进社区" and form.initial["seen_version"] == version
    posted = {name: form[name].value() for name in form.fields}
    posted = {k: ("" if v is None else v) for k, v in posted.items()}
    posted["needs_review"] = "on" if posted["needs_review"] else ""
    assert editor_client.post(url, posted).status_code == 302
    article.refresh_from_db()
    assert article.headline == "燃气安全宣讲进社区" and article.version == version + 1
    assert article.raw_text == raw_text  # not kept in history, must survive the revert
    assert "headline" in article.edited_fields
    entry = article.history.first()
    assert entry.history_user.username == "editor1" and entry.history_change_reason == "恢复到历史版本"


def test_history_lists_changes_field_by_field(editor_client, imported_seeds):
    article = Article.objects.get(headline="燃气安全宣讲进社区")
    data = change_form_data(editor_client, article)
    data.update(headline="燃气安全宣讲走进社区", change_reason="补全标题")
    editor_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    page = editor_client.get(reverse("admin:articles_article_history", args=[article.pk])).content.decode()
    assert "主题" in page and "燃气安全宣讲进社区" in page and "燃气安全宣讲走进社区" in page
    assert "补全标题" in page and "editor1" in page and "变更" in page


def test_conflicting_saves_are_detected(editor_client, imported_seeds):
    article = Article.objects.get(headline="燃气安全宣讲进社区")
    stale = change_form_data(editor_client, article)
    fresh = dict(stale, headline="第一位编辑的标题")
    assert editor_client.post(reverse("admin:articles_article_change", args=[article.pk]), fresh).status_code == 302
    stale["headline"] = "第二位编辑的标题"
    response = editor_client.post(reverse("admin:articles_article_change", args=[article.pk]), stale)
    assert response.status_code == 200 and "已被其他编辑修改" in response.content.decode()
    article.refresh_from_db()
    assert article.headline == "第一位编辑的标题"


def test_reimport_keeps_the_correction(editor_client, imported_seeds, seed_dir, tmp_path, settings):
    from articles.importing.service import import_paths

    article = Article.objects.get(headline="燃气安全宣讲进社区")
    data = change_form_data(editor_client, article)
    data["headline"] = "燃气安全进社区(已更正)"
    editor_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    path = seed_dir / article.source_file.path.split("/")[-1]
    changed = tmp_path / path.name
    changed.write_text(path.read_text(encoding="utf-8").replace("守护居民安全", "守护居民平安"), encoding="utf-8")
    source = article.source_file
    source.path = str(changed.resolve())
    source.save()
    report = import_paths([str(changed)])
    article.refresh_from_db()
    assert article.headline == "燃气安全进社区(已更正)" and "守护居民平安" in article.body
    assert any("主题" in line for line in report.kept)


def test_review_queue_and_mark_reviewed(editor_client, imported_seeds):
    flagged = [a.pk for a in Article.objects.all() if "garbled" in a.review_reasons]
    for code in ["garbled", "inferred_date", "uncertain_byline"]:
        response = editor_client.get(f"/admin/articles/article/?reason={code}")
        listed = {a.pk for a in response.context["cl"].result_list}
        assert listed and listed == {a.pk for a in Article.objects.all() if code in a.review_reasons}, code
    response = editor_client.post("/admin/articles/article/", {"action": "mark_reviewed", "_selected_action": flagged})
    assert response.status_code == 302
    assert not Article.objects.filter(pk__in=flagged, needs_review=True).exists()


def test_admin_actions_require_csrf(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post("/admin/articles/article/", {"action": "mark_reviewed", "_selected_action": [1]}).status_code == 403


def test_split_and_date_forms(editor_client, imported_seeds):
    article = Article.objects.get(headline="炎陵“春风”送岗 职等你来")
    split_url = reverse("admin:articles_article_split", args=[article.pk])
    assert "第2段" in editor_client.get(split_url).content.decode()
    response = editor_client.post(split_url, {"paragraph": "0"})
    assert response.status_code == 400 and "请选择第二段或之后的段落" in response.content.decode()
    response = editor_client.post(split_url, {"paragraph": "2", "headline": "后半篇", "reason": "两篇稿子"})
    second = Article.objects.get(headline="后半篇")
    assert response.status_code == 302 and response["Location"] == reverse("admin:articles_article_change", args=[second.pk])
    assert second.history.first().history_change_reason == "两篇稿子" and second.history.first().history_user.username == "editor1"
    issue = article.page.issue
    move_url = reverse("admin:articles_issue_move_date", args=[issue.pk])
    response = editor_client.post(move_url, {"new_date": "2023-02-09"})  # taken by another issue
    assert response.status_code == 400 and "已经有一期报纸" in response.content.decode()
    response = editor_client.post(move_url, {"new_date": "2025-02-07", "reason": "报头日期印错"})
    assert response.status_code == 302
    assert editor_client.get("/2025/02/06/").status_code == 301
    assert editor_client.get(Article.objects.get(pk=second.pk).get_absolute_url()).status_code == 200


def test_review_queue_page(editor_client, imported_seeds):
    index = editor_client.get("/admin/").content.decode()
    queue_url = reverse("admin:articles_article_review")
    assert queue_url in index
    response = editor_client.get(queue_url)
    page = response.content.decode()
    assert response.status_code == 200 and "文字错乱(分栏交错)" in page and "日期为推断的期" in page
    pending = Article.objects.filter(needs_review=True).count()
    assert f"全部待审核文章({pending} 篇)" in page
    inferred = Issue.objects.filter(date_inferred=True).first()
    assert reverse("admin:articles_issue_move_date", args=[inferred.pk]) in page
    assert editor_client.get("/admin/articles/issue/?date_inferred__exact=1").status_code == 200


def test_mark_reviewed_keeps_the_reasons_and_records_who(editor_client, imported_seeds):
    article = Article.objects.filter(needs_review=True).first()
    reasons = list(article.review_reasons)
    editor_client.post("/admin/articles/article/", {"action": "mark_reviewed", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert not article.needs_review and article.review_reasons == reasons and article.reviewed_by.username == "editor1"
    assert article.history.first().history_change_reason == "标记为已审核"
    editor_client.post("/admin/articles/article/", {"action": "mark_for_review", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.needs_review and article.reviewed_at is None


def test_merge_authors_action_asks_first(editor_client, imported_seeds):
    survivor, duplicate = Author.objects.get(name="刘艺峰"), Author.objects.get(name="刘艺锋")
    total = Contribution.objects.filter(author__in=[survivor, duplicate]).count()
    selection = {"action": "merge_action", "_selected_action": [survivor.pk, duplicate.pk]}
    response = editor_client.post("/admin/articles/author/", selection)
    assert response.status_code == 200 and "保留的姓名" in response.content.decode()
    assert Author.objects.filter(pk=duplicate.pk).exists()  # nothing happens before the confirmation
    response = editor_client.post("/admin/articles/author/", {**selection, "survivor": survivor.pk, "reason": "同一通讯员", "confirm": "1"})
    assert response.status_code == 302
    assert not Author.objects.filter(pk=duplicate.pk).exists()
    assert Contribution.objects.filter(author=survivor).count() == total


def test_merge_into_previous_action_asks_first(editor_client, imported_seeds):
    article = Article.objects.get(headline="醴陵去年社会消费品零售总额增长6.2%")
    selection = {"action": "merge_into_previous_action", "_selected_action": [article.pk]}
    response = editor_client.post("/admin/articles/article/", selection)
    assert response.status_code == 200 and "将并入" in response.content.decode()
    assert Article.objects.filter(pk=article.pk).exists()
    assert editor_client.post("/admin/articles/article/", {**selection, "confirm": "1", "reason": "同一篇"}).status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()


def test_retag_districts_action(editor_client, imported_seeds):
    article = Article.objects.get(headline="燃气安全宣讲进社区")
    lukou = District.objects.get(name="渌口区")
    selection = {"action": "retag_districts_action", "_selected_action": [article.pk]}
    assert "替换区县" in editor_client.post("/admin/articles/article/", selection).content.decode()
    editor_client.post("/admin/articles/article/", {**selection, "districts": [lukou.pk], "confirm": "1"})
    assert list(article.district_links.values_list("district__name", "set_by")) == [("渌口区", "editor")]


def test_browser_line_breaks_are_not_an_edit(editor_client, imported_seeds):
    article = Article.objects.get(headline="燃气安全宣讲进社区")
    body = article.body
    data = change_form_data(editor_client, article)
    data["body"] = body.replace("\n", "\r\n")  # what a browser's textarea sends back
    assert editor_client.post(reverse("admin:articles_article_change", args=[article.pk]), data).status_code == 302
    article.refresh_from_db()
    assert article.body == body and "body" not in article.edited_fields and len(article.paragraphs) > 1


def test_captions_are_edited_as_plain_text(editor_client, imported_seeds):
    article = Article.objects.exclude(captions=[]).first()
    data = change_form_data(editor_client, article)
    assert isinstance(data["captions"], str) and data["captions"] == "\n\n".join(article.captions)
    data["captions"] = data["captions"] + "\r\n\r\n编辑补充的图片说明"
    assert editor_client.post(reverse("admin:articles_article_change", args=[article.pk]), data).status_code == 302
    article.refresh_from_db()
    assert article.captions[-1] == "编辑补充的图片说明" and "captions" in article.edited_fields


def test_editor_tools_need_login_and_csrf(editor, imported_seeds, client):
    article, issue = Article.objects.first(), Issue.objects.first()
    urls = [reverse("admin:articles_article_split", args=[article.pk]), reverse("admin:articles_issue_move_date", args=[issue.pk]), reverse("admin:articles_article_review")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor, backend="django.contrib.auth.backends.ModelBackend")
    assert strict.post(urls[0], {"paragraph": "1"}).status_code == 403
    assert strict.post(urls[1], {"new_date": "2020-01-01"}).status_code == 403
    assert strict.post("/admin/articles/author/", {"action": "merge_action", "_selected_action": [1, 2], "confirm": "1"}).status_code == 403
    assert Article.objects.count() == 40 and not Issue.objects.filter(date="2020-01-01").exists()


def test_failed_logins_are_throttled(client, editor):
    for _ in range(5):
        client.post("/admin/login/", {"username": "editor1", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    response = client.post("/admin/login/", {"username": "editor1", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429 and "登录尝试次数过多" in response.content.decode()


@pytest.mark.parametrize("model", ["article", "author", "issue", "page", "contribution", "place"])
def test_changelists_take_the_same_queries_for_1_or_50_rows(editor_client, imported_seeds, model, monkeypatch):
    from django.contrib import admin
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles import models

    model_admin = admin.site._registry[next(m for m in admin.site._registry if m._meta.model_name == model and m._meta.app_label == "articles")]
    counts = []
    for per_page in (1, 50):
        monkeypatch.setattr(model_admin, "list_per_page", per_page)
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(f"/admin/articles/{model}/").status_code == 200
        counts.append(len(queries))
    assert getattr(models, model_admin.model.__name__).objects.count() > 1
    assert counts[0] == counts[1], counts


def test_editors_add_people_and_sections_with_pinyin_slugs(editor_client, imported_seeds):
    assert editor_client.post("/admin/articles/author/add/", {"name": "王小明"}).status_code == 302
    assert editor_client.post("/admin/articles/author/add/", {"name": "汪小明"}).status_code == 302  # same pinyin
    assert sorted(Author.objects.filter(name__in=["王小明", "汪小明"]).values_list("slug", flat=True)) == ["wang-xiao-ming", "wang-xiao-ming-2"]
    assert editor_client.post("/admin/articles/section/add/", {"name": "文化·副刊"}).status_code == 302
    assert editor_client.get("/admin/articles/article/add/").status_code == 403  # articles come from imports and splits


def test_fix_date_form_fills_an_iso_date(editor_client, imported_seeds):
    issue = Issue.objects.order_by("date").first()
    html = editor_client.get(reverse("admin:articles_issue_move_date", args=[issue.pk])).content.decode()
    # <input type=date> shows a value only in ISO form; 2023/02/09 would look empty to the editor.
    assert f'type="date" name="new_date" value="{issue.date:%Y-%m-%d}"' in html


def test_renaming_an_author_reindexes_their_articles(editor_client, imported_seeds, django_capture_on_commit_callbacks):
    author = Author.objects.get(name="刘艺锋")
    articles = set(Contribution.objects.filter(author=author).values_list("article_id", flat=True))
    assert articles
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(reverse("admin:articles_author_change", args=[author.pk]), {"name": "欧阳更正"})
    assert response.status_code == 302
    assert {h.article.pk for h in search_articles("欧阳更正").hits} == articles
    call_command("check_integrity", stdout=io.StringIO())  # raises on stale index documents


def revert_to(client, article, record):
    """Open a version's revert form and submit it as a browser would."""
    url = reverse("admin:articles_article_simple_history", args=[article.pk, record.history_id])
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    posted = {k: ("" if v is None else v) for k, v in ((name, form[name].value()) for name in form.fields)}
    posted["needs_review"] = "on" if posted["needs_review"] else ""
    return response, client.post(url, posted)


def test_revert_restores_headline_districts_and_bylines(editor_client, imported_seeds, django_capture_on_commit_callbacks):
    article = Article.objects.get(headline="燃气安全宣讲进社区")
    original = article.history.earliest()
    districts = sorted(article.districts.values_list("name", flat=True))
    bylines = sorted(article.contributions.values_list("author__name", "role"))
    assert bylines, "the test needs an article with a byline"
    data = change_form_data(editor_client, article)
    data["headline"] = "燃气安全宣讲走进荷塘社区"
    data["change_reason"] = "标题和区县更正"
    data["district_links-0-district"] = District.objects.get(name="荷塘区").pk  # replaces the importer's district
    data["contributions-0-author"] = Author.objects.get(name="刘艺锋").pk  # and the first byline's person
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(reverse("admin:articles_article_change", args=[article.pk]), data).status_code == 302
    assert sorted(article.districts.values_list("name", flat=True)) == ["荷塘区"] != districts
    assert sorted(article.contributions.values_list("author__name", "role")) != bylines
    assert article.history.count() == 2  # one entry for the save, bylines and districts included

    form_page, response = revert_to(editor_client, article, original)
    assert "恢复此版本时,署名和区县也会恢复为当时的样子" in form_page.content.decode()
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "燃气安全宣讲进社区"
    assert sorted(article.districts.values_list("name", flat=True)) == districts
    assert sorted(article.contributions.values_list("author__name", "role")) == bylines
    # Restored as the editor's choice: a re-import keeps it.
    assert {"authors", "districts", "headline"} <= set(article.edited_fields)
    assert set(article.district_links.values_list("set_by", flat=True)) == {"editor"}

    # Reverting to the corrected version brings the correction back, bylines and districts too.
    corrected = article.history.all()[1]
    assert revert_to(editor_client, article, corrected)[1].status_code == 302
    assert sorted(article.districts.values_list("name", flat=True)) == ["荷塘区"]


def test_history_shows_district_and_byline_changes(editor_client, imported_seeds):
    article = Article.objects.get(headline="燃气安全宣讲进社区")
    old_district = article.districts.first()
    data = change_form_data(editor_client, article)
    data["district_links-0-district"] = District.objects.get(name="荷塘区").pk
    data["contributions-0-author"] = Author.objects.get(name="刘艺锋").pk
    data["change_reason"] = "区县和署名更正"
    editor_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    page = editor_client.get(reverse("admin:articles_article_history", args=[article.pk])).content.decode()
    rows = [row for row in page.split("<tr") if "区县和署名更正" in row]
    assert any("区县" in r and "荷塘区" in r and "editor1" in r for r in rows), rows
    assert any("署名" in r and "刘艺锋" in r and "editor1" in r for r in rows), rows
    if old_district:
        assert any(old_district.name in r and ("删除" in r or "→" in r) for r in rows), rows
    assert "导入时的原始状态" not in page  # the revert baseline is bookkeeping, not an edit
    # The article's own entry says which kinds of things the editor changed.
    assert "编辑改过的字段" in page and "署名作者" in page

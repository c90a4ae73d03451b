"""The editors' workbench through Django's test client."""

import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles.models import Article, ArticleDistrict, District
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
            for name, field in inline.fields.items():
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


def test_editors_group_has_content_permissions_only(db):
    codenames = set(Group.objects.get(name="editors").permissions.values_list("codename", flat=True))
    assert {"change_article", "view_issue", "change_page", "add_place", "delete_contribution"} <= codenames
    assert not any(c.endswith("_user") or c.endswith("_group") or c.endswith("_permission") for c in codenames)


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
    original = article.history.earliest()
    article.headline = "错误的标题"
    article.save()
    url = reverse("admin:articles_article_simple_history", args=[article.pk, original.history_id])
    data = change_form_data(editor_client, article)
    response = editor_client.get(url)
    assert response.status_code == 200
    assert response.context["adminform"].form.initial["headline"] == "燃气安全宣讲进社区"  # prefilled from history
    data["headline"] = response.context["adminform"].form.initial["headline"]
    response = editor_client.post(url, {**data, "seen_version": article.version})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "燃气安全宣讲进社区"


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
    response = editor_client.get("/admin/articles/article/?needs_review__exact=1&reason=garbled")
    assert response.status_code == 200 and "文字错乱" in response.content.decode()
    flagged = [a.pk for a in Article.objects.all() if "garbled" in a.review_reasons]
    response = editor_client.post("/admin/articles/article/", {"action": "mark_reviewed", "_selected_action": flagged})
    assert response.status_code == 302
    assert not Article.objects.filter(pk__in=flagged, needs_review=True).exists()


def test_admin_actions_require_csrf(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post("/admin/articles/article/", {"action": "mark_reviewed", "_selected_action": [1]}).status_code == 403


def test_split_and_date_forms(editor_client, imported_seeds):
    article = Article.objects.get(headline="炎陵“春风”送岗 职等你来")
    assert "第2段" in editor_client.get(reverse("admin:articles_article_split", args=[article.pk])).content.decode()
    response = editor_client.post(reverse("admin:articles_article_split", args=[article.pk]), {"paragraph": "2", "headline": "后半篇"})
    assert response.status_code == 302 and Article.objects.filter(headline="后半篇").exists()
    issue = article.page.issue
    response = editor_client.post(reverse("admin:articles_issue_move_date", args=[issue.pk]), {"new_date": "2025-02-07"})
    assert response.status_code == 302
    assert editor_client.get("/2025/02/06/").status_code == 301


def test_failed_logins_are_throttled(client, editor):
    for _ in range(5):
        client.post("/admin/login/", {"username": "editor1", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    response = client.post("/admin/login/", {"username": "editor1", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429 and "登录尝试次数过多" in response.content.decode()

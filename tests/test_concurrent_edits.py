"""An editor's form and a re-import of the same article: nobody's change is silently lost."""

import io
import shutil

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles.importing.service import import_paths
from articles.models import Article
from tests.test_admin import PASSWORD, change_form_data

pytestmark = pytest.mark.django_db
OLD, NEW = "时间无迹,奋斗有痕。", "时间无迹,奋斗有痕(重新校对)。"


def test_reimport_between_opening_and_saving_the_form_is_a_conflict_not_a_revert(tmp_path, seed_dir):
    call_command("create_editor", "editor1", "--password-stdin", stdin=io.StringIO(PASSWORD + "\n"))
    client = Client()
    client.force_login(User.objects.get(username="editor1"), backend="django.contrib.auth.backends.ModelBackend")
    folder = tmp_path / "seeds"
    shutil.copytree(seed_dir, folder)
    assert not import_paths([str(folder)]).failed
    article = Article.objects.get(body__contains=OLD)

    form = change_form_data(client, article)  # the editor opens the form ...
    source = next(folder.glob("001_*.txt"))
    source.write_text(source.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
    assert not import_paths([str(folder)]).failed  # ... a corrected source file is re-imported ...
    article.refresh_from_db()
    assert NEW in article.body

    form["headline"] = "编辑改的标题"  # ... and the editor saves the form as loaded before it
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), form)
    # Needs the importer to bump Article.version when a re-import changes an article.
    assert response.status_code == 200 and "已被其他编辑修改" in response.content.decode(), "re-import did not bump Article.version"
    article.refresh_from_db()
    assert NEW in article.body and "body" not in article.edited_fields

    fresh = change_form_data(client, article)  # reloading shows the imported text; saving now works
    fresh["headline"] = "编辑改的标题"
    assert client.post(reverse("admin:articles_article_change", args=[article.pk]), fresh).status_code == 302
    article.refresh_from_db()
    assert article.headline == "编辑改的标题" and NEW in article.body


def test_unchanged_reimport_does_not_disturb_an_open_form(tmp_path, seed_dir, settings):
    call_command("create_editor", "editor1", "--password-stdin", stdin=io.StringIO(PASSWORD + "\n"))
    client = Client()
    client.force_login(User.objects.get(username="editor1"), backend="django.contrib.auth.backends.ModelBackend")
    assert not import_paths([str(seed_dir)]).failed
    article = Article.objects.get(body__contains=OLD)
    form = change_form_data(client, article)
    assert not import_paths([str(seed_dir)]).failed
    form["headline"] = "编辑改的标题"
    assert client.post(reverse("admin:articles_article_change", args=[article.pk]), form).status_code == 302

"""Hostile text is escaped everywhere it is shown; the admin keeps editors to content.

Extends tests/test_admin.py (CSRF on one action, 403 on the user and group lists)
rather than repeating it.
"""

import io
import json
import shutil

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from articles.importing.service import import_paths
from articles.models import Article, Author, District
from articles.signals import notify_articles_changed

pytestmark = pytest.mark.django_db

PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']
HOSTILE_HEADLINE = '株洲高新区"><img src=x onerror=alert(1)>'
HOSTILE_SENTENCE = "株洲高新区<script>alert(1)</script>锚定蓝图。"
PASSWORD = "Zhuzhou-editor-2026!"


def assert_escaped(html: str, where: str) -> None:
    for raw in PAYLOADS + ["<img src=x", "<script>alert"]:
        assert raw not in html, f"unescaped payload {raw!r} in {where}"


@pytest.fixture
def hostile_archive(tmp_path, seed_dir, django_capture_on_commit_callbacks):
    """The seeds, one article's body carrying HTML/JS from the source file and its headline from an edit."""
    folder = tmp_path / "seeds"
    shutil.copytree(seed_dir, folder)
    source = next(folder.glob("001_*.txt"))
    text = source.read_text(encoding="utf-8")
    assert "以奋斗之姿推动经济高质量发展" in text and "时间无迹,奋斗有痕。" in text
    source.write_text(text.replace("时间无迹,奋斗有痕。", HOSTILE_SENTENCE), encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        report = import_paths([str(folder)])
        assert not report.failed
        article = Article.objects.get(body__contains="锚定蓝图")
        # The parser does not take markup-looking lines as titles, so the headline arrives as an edit would.
        with transaction.atomic():
            Article.objects.filter(pk=article.pk).update(headline=HOSTILE_HEADLINE)
            transaction.on_commit(lambda: notify_articles_changed([article.pk]))
    article.refresh_from_db()
    assert "<script>" in article.body  # stored as written: escaping is the templates' job
    return article


@pytest.fixture
def editor(db):
    call_command("create_editor", "editor1", "--password-stdin", stdin=io.StringIO(PASSWORD + "\n"))
    return User.objects.get(username="editor1")


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.parametrize("payload", PAYLOADS)
def test_search_query_is_escaped_in_page_title_box_and_links(client, hostile_archive, payload):
    for params in ({"q": payload}, {"q": "株洲 " + payload}, {"q": "株洲", "district": payload, "sort": payload, "page": payload}):
        response = client.get("/search/", params)
        assert response.status_code == 200
        html = response.content.decode()
        assert_escaped(html, f"/search/ {params}")
        assert "&lt;" in html or "%3C" in html  # the query is shown, just not as markup


def test_stored_payload_is_escaped_in_results_snippets_and_facets(client, hostile_archive):
    html = client.get("/search/", {"q": "锚定蓝图"}).content.decode()
    assert hostile_archive.get_absolute_url() in html  # the hostile article is a hit, with snippet and facets
    assert "<mark>" in html and "区县" in html
    assert_escaped(html, "search results")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_stored_payload_is_escaped_on_every_reader_page(client, hostile_archive):
    page = hostile_archive.page
    urls = [
        "/", "/archive/", hostile_archive.get_absolute_url(), page.get_absolute_url(), page.issue.get_absolute_url(),
        f"/archive/{page.issue.date:%Y}/", f"/archive/{page.issue.date:%Y/%m}/", "/feeds/latest/",
    ]
    urls += [link.district.get_absolute_url() for link in hostile_archive.district_links.select_related("district")]
    urls += [c.author.get_absolute_url() for c in hostile_archive.contributions.select_related("author")]
    if page.section:
        urls.append(page.section.get_absolute_url())
    shown = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert_escaped(html, url)
        shown += "onerror=alert(1)&gt;" in html or "onerror=alert(1)&amp;gt;" in html
    assert shown >= 3  # the hostile headline really was on those pages, escaped


def test_json_api_carries_the_payload_as_data(client, hostile_archive):
    data = client.get(f"/api/articles/{hostile_archive.pk}.json").json()
    assert data["headline"] == HOSTILE_HEADLINE
    response = client.get("/api/search", {"q": "锚定蓝图 <script>"})
    assert response["Content-Type"].startswith("application/json")
    json.loads(response.content)  # well-formed JSON whatever the query
    issue = client.get(f"/api/issues/{hostile_archive.published_on}.json")
    assert HOSTILE_HEADLINE in [a["headline"] for page in issue.json()["pages"] for a in page["articles"]]


def test_admin_shows_the_payload_escaped(editor_client, hostile_archive):
    for url in [
        "/admin/articles/article/", "/admin/articles/article/?q=onerror",
        f"/admin/articles/article/{hostile_archive.pk}/change/", f"/admin/articles/page/{hostile_archive.page_id}/change/",
        f"/admin/articles/article/{hostile_archive.pk}/history/",
    ]:
        response = editor_client.get(url)
        assert response.status_code == 200, url
        assert_escaped(response.content.decode(), url)


def test_braces_in_titles_do_not_break_the_admin(editor_client, hostile_archive):
    """Regression: the page form listed its articles through str.format, so "{0}" in a headline was a 500."""
    Article.objects.filter(pk=hostile_archive.pk).update(headline="株洲{0}日报 {年度} }")
    response = editor_client.get(f"/admin/articles/page/{hostile_archive.page_id}/change/")
    assert response.status_code == 200
    assert "株洲{0}日报 {年度} }" in response.content.decode()


def test_every_admin_post_needs_the_csrf_token(editor, hostile_archive):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor, backend="django.contrib.auth.backends.ModelBackend")
    change = f"/admin/articles/article/{hostile_archive.pk}/change/"
    assert client.post(change, {"headline": "被篡改"}).status_code == 403
    assert client.post("/admin/articles/article/", {"action": "delete_selected", "_selected_action": [hostile_archive.pk]}).status_code == 403
    assert client.post("/admin/logout/").status_code == 403
    hostile_archive.refresh_from_db()
    assert hostile_archive.headline == HOSTILE_HEADLINE
    # With the token from the form the same client may save: the 403s above were about CSRF only.
    token = client.get(change).context["csrf_token"]
    assert client.post("/admin/logout/", {"csrfmiddlewaretoken": str(token)}).status_code in (200, 302)


def test_editor_cannot_add_or_change_users_or_grant_permissions(editor_client, editor):
    admin = User.objects.create_superuser("boss", "boss@example.org", "Boss-password-2026!")
    group = Group.objects.get(name="editors")
    before = set(group.permissions.values_list("pk", flat=True))
    every_permission = list(Permission.objects.values_list("pk", flat=True))
    attempts = [
        ("/admin/auth/user/add/", {"username": "sneaky", "password1": PASSWORD, "password2": PASSWORD}),
        (f"/admin/auth/user/{editor.pk}/change/", {"username": "editor1", "is_superuser": "on", "is_staff": "on", "user_permissions": every_permission}),
        (f"/admin/auth/user/{admin.pk}/password/", {"password1": PASSWORD, "password2": PASSWORD}),
        (f"/admin/auth/group/{group.pk}/change/", {"name": "editors", "permissions": every_permission}),
        ("/admin/auth/group/add/", {"name": "admins", "permissions": every_permission}),
        (f"/admin/auth/user/{admin.pk}/delete/", {"post": "yes"}),
    ]
    for url, data in attempts:
        assert editor_client.get(url).status_code == 403, url
        assert editor_client.post(url, data).status_code == 403, url
    editor.refresh_from_db()
    assert not editor.is_superuser and not editor.user_permissions.exists()
    assert set(group.permissions.values_list("pk", flat=True)) == before
    assert not User.objects.filter(username="sneaky").exists() and not Group.objects.filter(name="admins").exists()
    assert User.objects.get(pk=admin.pk).check_password("Boss-password-2026!")


def test_editor_cannot_edit_the_gazetteer_or_history_of_users(editor_client, editor):
    district = District.objects.first()
    assert editor_client.get(f"/admin/auth/user/{editor.pk}/history/").status_code == 403
    # Districts come from the gazetteer migration; editors may look but not delete them.
    assert editor_client.post(f"/admin/articles/district/{district.pk}/delete/", {"post": "yes"}).status_code == 403
    assert District.objects.filter(pk=district.pk).exists()


def test_anonymous_cannot_reach_any_admin_model(client, hostile_archive):
    author = Author.objects.first()
    for url in ["/admin/articles/article/", f"/admin/articles/author/{author.pk}/change/", "/admin/auth/user/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert client.post(f"/admin/articles/article/{hostile_archive.pk}/change/", {"headline": "x"}).status_code == 302


PROXY = "10.0.0.2"  # the reverse proxy: every request arrives from it


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # A private cache: the rate-limit counts must not meet other test runs' in the shared file cache.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "client-ip-tests"}}
    return settings


def via_proxy(client_address: str, forged: str = "") -> dict:
    """What the app sees: the proxy appended the real client to whatever the client sent."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{forged}, {client_address}" if forged else client_address}


def test_client_ip_trusts_only_what_the_proxies_appended(rf, settings):
    from articles.search.ratelimit import client_ip

    forged = {"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 198.51.100.7"}
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(rf.get("/", **forged)) == "203.0.113.5"  # no proxy configured: the header is ignored
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(rf.get("/", **forged)) == "198.51.100.7"  # the right-most entry, never the forgeable left-most
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(rf.get("/", **forged)) == "1.1.1.1"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")) == "10.0.0.2"  # too few hops
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, not-an-ip")) == "10.0.0.2"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="2001:db8::1")) == "2001:db8::1"


def test_forged_forwarded_for_cannot_evade_the_search_limit(client, behind_one_proxy):
    behind_one_proxy.SEARCH_RATE_LIMIT = "3/d"  # a day's window: the test never straddles a reset
    attacker = [client.get("/api/search", {"q": "株洲"}, **via_proxy("203.0.113.66", forged=f"198.51.100.{i}")).status_code for i in range(6)]
    assert attacker == [200, 200, 200, 429, 429, 429]
    assert client.get("/api/search", {"q": "株洲"}, **via_proxy("203.0.113.7")).status_code == 200  # another reader is not blocked
    behind_one_proxy.TRUSTED_PROXY_COUNT = 0  # no proxy configured: the header counts for nothing
    direct = [client.get("/api/search", {"q": "株洲"}, REMOTE_ADDR="203.0.113.99", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code for i in range(4)]
    assert direct == [200, 200, 200, 429]


def test_forged_forwarded_for_cannot_spread_the_login_lockout(editor, behind_one_proxy):
    attacker = Client()
    for i in range(5):
        attacker.post("/admin/login/", {"username": "editor1", "password": "wrong"}, **via_proxy("203.0.113.66", forged=f"198.51.100.{i}"))
    # The attacker is locked out whatever address it claims next ...
    response = attacker.post("/admin/login/", {"username": "editor1", "password": PASSWORD}, **via_proxy("203.0.113.66", forged="198.51.100.200"))
    assert response.status_code == 429
    # ... and the editor, at her own address behind the same proxy, still logs in.
    editor_browser = Client()
    response = editor_browser.post("/admin/login/", {"username": "editor1", "password": PASSWORD}, **via_proxy("203.0.113.7"))
    assert response.status_code == 302
    assert editor_browser.get("/admin/", **via_proxy("203.0.113.7")).status_code == 200

"""No URL and no query string ever produces a 500: fuzz every route and parameter."""

from urllib.parse import unquote_to_bytes

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

SEGMENT = st.one_of(
    st.integers(min_value=-10, max_value=10**22).map(str),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=12),
    st.sampled_from(["..", "%00", "%ff", "2023", "02", "30", "lukou", "zou-yi-min", "1.json", "2023-02-30.json"]),
)
ROUTES = [
    "/archive/{a}/", "/archive/{a}/{b}/", "/archive/go/?date={a}", "/archive/{a}/{b}/?missing={c}", "/{a}/{b}/{c}/", "/{a}/{b}/{c}/{d}/", "/{a}/{b}/{c}/{d}/{e}/",
    "/sections/{a}/", "/districts/{a}/", "/districts/{a}/feed/", "/authors/{a}/", "/api/articles/{a}.json",
    "/api/issues/{a}.json", "/sitemap-{a}.xml", "/prefs/font-size/?size={a}&next={b}",
]
PARAMS = ["q", "page", "page_size", "sort", "date_from", "date_to", "from", "to", "year", "district", "section", "author", "role", "front", "size", "next"]
LISTS = ["/search/", "/api/search", "/districts/lukou/", "/authors/zou-yi-min/", "/sections/tou-ban/", "/authors/"]


@pytest.fixture
def seeded_client(client, imported_seeds):
    return client


def get(client, url):
    """client.get(url), except that a path starting with // goes to the app as a path, as a
    server passes it on: the test client would parse "//[/0/" as a host and fail itself."""
    if not url.startswith("//"):
        return client.get(url)
    path, _, query = url.partition("?")
    return client.handler(client._base_environ(PATH_INFO=unquote_to_bytes(path).decode("iso-8859-1"), REQUEST_METHOD="GET", QUERY_STRING=query))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(route=st.sampled_from(ROUTES), parts=st.lists(SEGMENT, min_size=5, max_size=5))
@example(route="/{a}/{b}/{c}/", parts=["", "[", "0", "0", "0"])  # //[/0/: found by this test on 2026-11-24
def test_every_route_with_random_segments(seeded_client, route, parts):
    url = route.format(**dict(zip("abcde", parts)))
    response = get(seeded_client, url)
    assert response.status_code < 500, url
    if url.startswith("/api/"):
        assert response["Content-Type"].startswith("application/json"), url
        response.json()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(path=st.sampled_from(LISTS), params=st.dictionaries(st.sampled_from(PARAMS), SEGMENT, max_size=6))
def test_every_query_parameter(seeded_client, path, params):
    response = seeded_client.get(path, params)
    assert response.status_code < 500, (path, params)
    if path.startswith("/api/"):
        assert response["Content-Type"].startswith("application/json")
        response.json()


@pytest.mark.parametrize(
    "url",
    [
        "/" + "a" * 10000,
        "/2023/02/09/" + "9" * 400 + "/",
        "/search/?q=%ff%fe%00",
        "/api/search?q=%ff&page=99999999999999999999",
        "/districts/lukou/?page=99999999999999999999",
        "/authors/?page=-1",
        "/search/?q=" + "株" * 5000,
        "/api/search?q=株洲&page_size=-5",
        "/api/search?q=%ff%fe&from=%00&to=../..",
        "/api/articles/99999999999999999999999.json",
        "/api/articles/-1.json",
        "/api/articles/%00.json",
        "/api/issues/2023-02-30.json",
        "/api/issues/../../etc/passwd.json",
        "/api/" + "x" * 10000,
        "/%ff%fe/",
        "/archive/2023/13/",
        "/2023/02/30/",
        "/2023/02/09/99999999999999999999/1/",
        "/sitemap-%00.xml",
        "/prefs/font-size/?size=huge&next=https://evil.example/",
    ],
)
def test_hostile_urls(seeded_client, url):
    response = seeded_client.get(url)
    assert response.status_code < 500
    if url.startswith("/api/"):
        assert response["Content-Type"].startswith("application/json")
        assert response.status_code == 200 or "error" in response.json()


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
@pytest.mark.parametrize("url", ["/api/search?q=株洲", "/api/articles/1.json", "/api/issues/2023-02-09.json", "/api/nowhere"])
def test_api_refuses_writes_in_json(seeded_client, method, url):
    response = getattr(seeded_client, method)(url)
    assert response.status_code in (404, 405)
    assert "error" in response.json()


def test_api_answers_head(seeded_client):
    assert seeded_client.head("/api/search?q=株洲").status_code == 200


def test_font_size_preference_does_not_redirect_off_site(seeded_client):
    response = seeded_client.get("/prefs/font-size/", {"size": "large", "next": "https://evil.example/"})
    assert response.status_code < 500
    assert "evil.example" not in response.get("Location", "")


@pytest.fixture
def editor_client(imported_seeds):
    import io

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    call_command("create_editor", "fuzz-editor", "--password-stdin", stdin=io.StringIO("Zhuzhou-editor-2026!\n"))
    client = Client()
    client.force_login(User.objects.get(username="fuzz-editor"), backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.parametrize(
    "query",
    ["q=%00", "q=<script>", "needs_review__exact=%00", "reason=%00", "o=99", "o=-x", "p=-1", "p=99999999999999999999",
     "page__issue__date=%00", "published_on__gte=x", "year=%ff", "section__id__exact=abc"],
)
@pytest.mark.parametrize("model", ["article", "author", "issue", "page"])
def test_admin_lists_with_hostile_filters(editor_client, model, query):
    assert editor_client.get(f"/admin/articles/{model}/?{query}").status_code < 500


def test_admin_forms_with_hostile_values(editor_client):
    """Editors' own forms: bad values are messages on the form, never a 500, and change nothing."""
    from articles.models import Article, Issue

    article = Article.objects.filter(body__contains="\n\n").order_by("pk").first()
    issue = Issue.objects.order_by("pk").first()
    before = (Article.objects.count(), issue.date, article.headline)
    split = f"/admin/articles/article/{article.pk}/split/"
    move = f"/admin/articles/issue/{issue.pk}/move-date/"
    for url, data in [
        (split, {"paragraph": "-1"}), (split, {"paragraph": "99999999999999999999"}), (split, {"paragraph": "x"}),
        (split, {"paragraph": "1", "headline": "拆\x00分"}),
        (move, {"new_date": "2023-02-30"}), (move, {"new_date": "\x00"}), (move, {"new_date": "99999-01-01"}), (move, {}),
        (f"/admin/articles/article/{article.pk}/change/", {"headline": "标\x00题"}),
        ("/admin/articles/article/", {"action": "mark_reviewed", "_selected_action": ["abc", "-1", "99999999999999999999"]}),
        ("/admin/articles/author/", {"action": "merge_action", "_selected_action": ["1", "abc"], "survivor": "\x00"}),
    ]:
        response = editor_client.post(url, data)
        assert response.status_code < 500, (url, data)
    article.refresh_from_db()
    issue.refresh_from_db()
    assert (Article.objects.count(), issue.date, article.headline) == before

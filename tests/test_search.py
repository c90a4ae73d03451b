"""Search on the real seeds: the same cases run on SQLite and PostgreSQL (run the suite on both)."""

import pytest
from django.core.cache import cache
from django.core.management import call_command

from articles.models import Article
from articles.search import search_articles
from articles.search.engines import get_engine
from articles.search.query import parse_query
from articles.search.ratelimit import parse_rate

pytestmark = pytest.mark.django_db


def headlines(query, **kwargs):
    return [hit.article.headline for hit in search_articles(query, **kwargs).hits]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("芦淞", "民主评议 让低保更“透明”"),  # sub-word: the text says 芦淞区
        ("淦田", "渌口区：“三个聚焦”抓项目"),  # 淦田镇
        ("学林", "筑牢发展底线 铸就平安学林"),  # 学林街道
        ("养老服务", "大力推进养老服务发展 加快打造北斗产业高地"),
        ("養老服務", "大力推进养老服务发展 加快打造北斗产业高地"),  # traditional finds simplified
        ("招聘会", "炎陵“春风”送岗 职等你来"),
        ("邹怡敏", "渌口区今年十大民生实事项目出炉"),  # a reporter's name finds their articles
        ("醴陵 消费", "醴陵去年社会消费品零售总额增长6.2%"),
    ],
)
def test_reader_queries_find_the_right_articles(imported_seeds, query, expected):
    assert expected in headlines(query)


def test_headline_match_ranks_above_body_only_match(imported_seeds):
    found = headlines("学林")
    assert found[0] == "筑牢发展底线 铸就平安学林"
    assert headlines("燃气")[0] == "燃气安全宣讲进社区"


def test_one_character_query(imported_seeds):
    assert search_articles("渌").count >= search_articles("渌口").count > 0


def test_phrase_exclude_and_or(imported_seeds):
    phrase = search_articles('"民生实事"').count
    assert 0 < phrase <= search_articles("民生 实事").count
    everything = search_articles("株洲").count
    assert search_articles("株洲 -醴陵").count < everything
    both = set(headlines("攸县 OR 茶陵"))
    assert set(headlines("攸县")) <= both and set(headlines("茶陵")) <= both


def test_sort_orders_and_filters(imported_seeds):
    newest = [h.article.published_on for h in search_articles("株洲", order="newest", page_size=100).hits]
    assert newest == sorted(newest, reverse=True)
    oldest = [h.article.published_on for h in search_articles("株洲", order="oldest", page_size=100).hits]
    assert oldest == sorted(oldest)
    assert all(h.article.published_on.year == 2023 for h in search_articles("株洲", filters={"year": 2023}).hits)
    lukou = search_articles("项目", filters={"district": "lukou"})
    assert lukou.count and all(any(l.district.slug == "lukou" for l in h.article.district_links.all()) for h in lukou.hits)
    assert all(h.article.page.number == 1 for h in search_articles("株洲", filters={"front": True}).hits)


def test_facets_count_matches(imported_seeds):
    result = search_articles("渌口")
    years = {f["name"]: f["count"] for f in result.facets["year"]}
    assert sum(years.values()) == result.count
    assert any(f["name"] == "渌口区" for f in result.facets["district"])
    assert result.histogram


def test_snippet_highlights_without_segmentation_spaces(imported_seeds):
    hit = search_articles("淦田").hits[0]
    assert "<mark>淦田</mark>" in hit.snippet
    assert "淦 田" not in hit.snippet
    assert "<mark>学林</mark>街道" in search_articles("学林").hits[0].snippet


@pytest.mark.parametrize("query", ['"unbalanced', "NEAR(a b)", "株洲*", "a:b", "it's", "OR", "-", "---", "AND NOT", "x" * 1000, "\x00株洲", "()[]{}^~", "'; DROP TABLE articles_article; --"])
def test_malformed_queries_never_error(imported_seeds, query):
    result = search_articles(query)
    assert result.count >= 0
    assert Article.objects.exists()


def test_query_language_parsing():
    plan = parse_query('渌口 "民生实事" -醴陵 攸县 OR 茶陵')
    assert len(plan.groups) == 3 and len(plan.groups[2]) == 2
    assert plan.excluded[0].text == "醴陵"
    assert parse_query("-醴陵").empty and "减号" in parse_query("-醴陵").message
    assert "过长" in parse_query("株" * 500).message


def test_index_follows_edits_after_commit(imported_seeds, django_capture_on_commit_callbacks):
    article = Article.objects.get(headline="燃气安全宣讲进社区")
    with django_capture_on_commit_callbacks(execute=True):
        article.headline = "燃气安全知识进万家"
        article.save()
    assert "燃气安全知识进万家" in headlines("万家")
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert "燃气安全知识进万家" not in headlines("万家")


def test_rebuild_and_check_commands(imported_seeds, capsys):
    call_command("rebuild_search_index")
    assert "indexed" in capsys.readouterr().out
    call_command("check_search_index")
    get_engine().write([], [Article.objects.first().pk])  # simulate a lost index row
    with pytest.raises(Exception, match="mismatch"):
        call_command("check_search_index")
    call_command("check_search_index", "--fix")
    call_command("check_search_index")


def test_article_queryset_search_method(imported_seeds):
    result = Article.objects.filter(published_on__year=2022).search("渌口")
    assert result.count and all(h.article.published_on.year == 2022 for h in result.hits)


def test_rate_setting_parsing():
    assert parse_rate("120/m") == (120, 60) and parse_rate("off") is None
    with pytest.raises(Exception):
        parse_rate("lots")


class TestHttp:
    def test_search_page(self, client, imported_seeds):
        html = client.get("/search/?q=芦淞").content.decode()
        assert "<mark>芦淞</mark>" in html and "找到 <strong>4</strong>" in html
        assert "?q=%E8%8A%A6%E6%B7%9E&amp;district=lusong" in html or "district=lusong" in html

    def test_empty_query_shows_tips(self, client, db):
        assert "搜索小贴士" in client.get("/search/").content.decode()

    def test_zero_results_suggest_removing_a_filter(self, client, imported_seeds):
        html = client.get("/search/?q=芦淞&year=2021").content.decode()
        assert "去掉" in html

    def test_script_is_escaped_everywhere(self, client, imported_seeds):
        payload = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
        html = client.get("/search/", {"q": payload}).content.decode()
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html

    def test_invalid_filters_are_reported_not_500(self, client, imported_seeds):
        response = client.get("/search/?q=株洲&date_from=notadate&year=99999&district=nowhere&page=abc")
        assert response.status_code == 200

    def test_api_shape_and_errors(self, client, imported_seeds):
        data = client.get("/api/search?q=芦淞&page_size=2").json()
        assert data["count"] == 4 and len(data["results"]) == 2 and data["num_pages"] == 2
        assert set(data["results"][0]) == {"id", "url", "issue_date", "kicker", "headline", "subheadline", "section", "districts", "snippet"}
        assert set(data["facets"]) == {"district", "section", "year"}
        for bad in ("q=a&page_size=1000", "q=a&page=abc", "q=a&sort=random", "q=a&date_from=2020-13-01", ""):
            response = client.get("/api/search?" + bad)
            assert response.status_code == 400 and "error" in response.json(), bad

    def test_rate_limit_answers_429(self, client, imported_seeds, settings):
        settings.SEARCH_RATE_LIMIT = "3/m"
        cache.clear()
        statuses = [client.get("/api/search?q=株洲").status_code for _ in range(5)]
        assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
        limited = client.get("/search/?q=株洲")
        assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
        cache.clear()

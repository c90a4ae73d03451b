"""Every reader URL on the imported seed files: content, 404s, bad parameters, query counts."""

import re

import pytest
from django.core.cache import cache
from django.test.utils import CaptureQueriesContext
from django.db import connection

from articles.models import Article, ArticleDistrict, Author, District, Issue, IssueDateRedirect
from articles.templatetags.reader import fullwidth
from tests.factories import ArticleFactory, AuthorFactory, ContributionFactory, PageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def test_home_shows_latest_issue_pages_sections_and_calendar(client, imported_seeds):
    html = get(client, "/")
    assert 'lang="zh-CN"' in html
    assert "版面导航" in html and "往期回顾" in html
    assert "渌口区今年十大民生实事项目出炉" in html  # latest issue (2025-02-06) front page
    assert "1月24日，渌口区第二届人民代表大会" in html  # its opening lines
    assert "/districts/lukou/" in html and "/sections/" in html


def test_empty_archive_home_is_friendly(client, db):
    assert "还没有报纸" in get(client, "/")


def test_archive_year_month_calendar(client, imported_seeds):
    assert "2023年" in get(client, "/archive/")
    assert "2月" in get(client, "/archive/2023/")
    html = get(client, "/archive/2023/02/")
    assert 'href="/2023/02/09/"' in html
    get(client, "/archive/1999/", 404)
    get(client, "/archive/2023/13/", 404)
    inferred = get(client, "/archive/2025/02/")
    assert "日期为推断" in inferred


def test_archive_year_shows_twelve_months_from_one_query(client, imported_seeds, django_assert_num_queries):
    from articles.calendar import year_grids

    with django_assert_num_queries(1):
        grids = year_grids(2023)
    assert [g["month"] for g in grids] == list(range(1, 13))
    assert [g["issue_count"] for g in grids] == [0, 1] + [0] * 9 + [1]
    assert year_grids(1999) == []
    html = get(client, "/archive/2023/")
    assert 'href="/2023/02/09/"' in html and 'href="/archive/2023/02/"' in html
    assert 'href="/archive/2022/"' in html and 'href="/archive/2025/"' in html  # neighbouring years with issues


def test_archive_index_is_a_year_by_month_table(client, imported_seeds, django_assert_num_queries):
    from articles.views.archive import archive_index
    from django.test import RequestFactory

    with django_assert_num_queries(1):
        archive_index.__wrapped__(RequestFactory().get("/archive/"))  # the view itself, not the page cache
    html = get(client, "/archive/")
    assert 'href="/archive/2023/02/"' in html and 'aria-label="2023年2月 1期"' in html
    assert 'href="/archive/2023/03/"' not in html  # months without an issue are not links
    assert 'action="/archive/go/"' in html  # 按日期查找


def test_date_jump_goes_to_the_issue_or_its_month(client, imported_seeds):
    response = client.get("/archive/go/?date=2023-02-09")
    assert response.status_code == 302 and response["Location"] == "/2023/02/09/"
    response = client.get("/archive/go/?date=2023-02-10")
    assert response.status_code == 302 and response["Location"] == "/archive/2023/02/?missing=2023-02-10"
    html = get(client, response["Location"])
    assert "档案里没有2023年2月10日的报纸" in html and 'href="/2023/02/09/"' in html
    assert "档案里没有" not in get(client, "/archive/2023/02/?missing=2023-03-10")  # another month: ignored
    assert "档案里没有" not in get(client, "/archive/2023/02/?missing=abc")


def test_date_jump_follows_a_corrected_date(client, imported_seeds):
    issue = Issue.objects.get(date="2023-02-09")
    IssueDateRedirect.objects.create(old_date="2023-02-08", issue=issue)
    response = client.get("/archive/go/?date=2023-02-08")
    assert response.status_code == 302 and response["Location"] == "/2023/02/09/"


@pytest.mark.parametrize("value, message", [("", "请填写日期"), ("2023-02-30", "日期格式应为"), ("abc", "日期格式应为"), ("0001-01-01", "不在档案范围内")])
def test_date_jump_explains_a_bad_date(client, db, value, message):
    response = client.get("/archive/go/", {"date": value})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'aria-invalid="true"' in html


def test_calendar_month_is_one_query(client, imported_seeds, django_assert_num_queries):
    from articles.calendar import month_grid

    with django_assert_num_queries(1):
        month_grid(2023, 2)


def test_issue_page_masthead_and_directory(client, imported_seeds):
    html = get(client, "/2023/02/09/")
    assert "第23211期" in html and "今日8版" in html and "星期四" in html
    assert "第1版" in html and "曹慧泉会见南庚戌一行" in html
    assert "未收录：第2版、第3版" in html  # 今日8版, the archive holds page 1 only
    titles = re.findall(r'<li><a href="(/2023/02/09/1/(\d+)/)">', html)  # the directory links each article's permalink
    assert [int(n) for _, n in titles] == list(range(1, len(titles) + 1)) and len(titles) >= 3
    assert all(client.get(url).status_code == 200 for url, _ in titles)
    assert 'rel="prev" href="/2022/09/29/"' in html and 'rel="next" href="/2023/12/29/"' in html
    inferred = get(client, "/2025/02/06/")
    assert "日期为推断" in inferred and 'rel="next"' not in inferred  # the last issue
    first = get(client, "/2020/07/29/")
    assert 'rel="prev"' not in first and 'rel="next" href="/2022/09/29/"' in first


def test_an_issue_page_is_two_queries_with_its_date_evidence(client, imported_seeds, django_assert_num_queries):
    """The issue with its neighbours, then its pages with their titles: no field read later."""
    issue = Issue.objects.get(date="2025-02-06")
    assert issue.date_inferred and issue.date_evidence
    with django_assert_num_queries(2):
        html = get(client, "/2025/02/06/")
    assert f"置信度 {issue.date_confidence:.1f}" in html and f"“{issue.date_evidence[0]['text']}”" in html
    assert 'rel="prev" href="/2023/12/29/"' in html


def test_page_view_staff_and_neighbours(client, imported_seeds):
    html = get(client, "/2022/09/29/2/")
    assert "责任编辑" in html and "刘琪琪" in html and "许辛" in html
    assert "落实禁火令 金山街道在行动" in html
    assert 'href="/2022/09/29/1/"' in html
    assert "摄影 丁志鹏" in html and "记者 向胤蓉 · 通讯员 侯峰" in html  # each article's byline, in order


def test_article_view(client, imported_seeds):
    article = Article.objects.get(headline="筑牢发展底线 铸就平安学林")
    html = get(client, article.get_absolute_url())
    assert "石峰区学林街道严格落实安全生产责任制——" in html  # kicker
    assert '<h1 class="headline">' in html
    assert 'href="/authors/li-yi-feng/"' in html and "通讯员" in html
    assert 'href="/districts/shifeng/"' in html
    assert "下一篇" in html and "上一篇" in html
    assert '<h2 class="intertitle">守护蓝天碧水 生态环境持续向好</h2>' in html
    assert "引用" in html and "字号" in html
    assert "日期为推断" in html  # 001 has no masthead


def test_flagged_article_shows_review_notice(client, imported_seeds):
    article = next(a for a in Article.objects.all() if "garbled" in a.review_reasons)
    html = get(client, article.get_absolute_url())
    assert "待编辑审核" in html and "文字错乱（分栏交错）" in html
    only_inferred = next(a for a in Article.objects.all() if a.review_reasons == ["inferred_date"])
    html = get(client, only_inferred.get_absolute_url())
    assert "日期为推断" in html and "待编辑审核" not in html  # said once, by the date notice


@pytest.mark.parametrize("url", ["/2023/02/30/", "/2023/02/10/", "/2023/02/09/99/", "/2023/02/09/1/999/", "/sections/nope/", "/districts/nope/", "/authors/nope/", "/9999/99/99/"])
def test_unknown_things_are_404_in_site_style(client, imported_seeds, url):
    html = get(client, url, 404)
    assert "找不到这个页面" in html


def test_moved_issue_redirects_permanently(client, imported_seeds):
    issue = Issue.objects.get(date="2023-12-29")
    IssueDateRedirect.objects.create(old_date="2023-12-20", issue=issue)
    response = client.get("/2023/12/20/2/1/")
    assert response.status_code == 301 and response["Location"] == "/2023/12/29/2/1/"


def test_sections_districts_authors(client, imported_seeds):
    assert "城市·观察" in get(client, "/sections/")
    assert "株洲如何下好土地利用" in get(client, "/sections/cheng-shi-guan-cha/")
    assert "渌口区" in get(client, "/districts/")
    html = get(client, "/districts/lukou/")
    assert "<svg" in html and "每月报道数量" in html
    assert "邹怡敏" in get(client, "/authors/")
    assert "渌口区今年十大民生实事项目出炉" in get(client, "/authors/zou-yi-min/?role=reporter")


def test_author_page_lists_page_staff_work(client, imported_seeds):
    html = get(client, "/authors/liu-qi-qi/")
    assert "责任编辑 1 个版面" in html and "版面工作" in html and 'href="/2022/09/29/2/"' in html
    assert "署名文章" not in html  # an editor with no byline gets no empty article list
    reporter = get(client, "/authors/zou-yi-min/")
    assert "记者 3 篇" in reporter and "署名文章" in reporter and "版面工作" not in reporter


def test_review_badge_only_for_text_problems(client, imported_seeds):
    issue = get(client, "/2023/02/09/")
    assert 'title="文字错乱（分栏交错）">待审核' in issue
    inferred_only = get(client, "/2025/02/06/")
    assert "待审核" not in inferred_only and "日期为推断" in inferred_only


def test_author_list_filters_and_pinyin_order(client, imported_seeds):
    html = get(client, "/authors/?order=pinyin")
    assert '<th scope="rowgroup" colspan="3">C</th>' in html
    assert html.index("陈飞") < html.index("邓伟勇") < html.index("丁志鹏") < html.index("冯好")
    staff = get(client, "/authors/?role=staff")
    assert "刘琪琪" in staff and "邹怡敏" not in staff  # page editors only
    reporters = get(client, "/authors/?role=reporter&name=邹")
    assert "邹怡敏" in reporters and "陈飞" not in reporters
    bad = get(client, "/authors/?role=bogus&order=zzz&page=abc")
    assert 'aria-invalid="true"' in bad and 'aria-describedby="id_role-error"' in bad and "邹怡敏" in bad


def test_district_filters_by_date_and_handles_bad_input(client, imported_seeds):
    html = get(client, "/districts/lukou/?date_from=2025-01-01")
    assert "渌口区今年十大民生实事项目出炉" in html and "三个聚焦" not in html
    swapped = get(client, "/districts/lukou/?date_from=2025-12-31&date_to=2022-01-01")
    assert "已按从早到晚调整" in swapped and "三个聚焦" in swapped
    get(client, "/districts/lukou/?date_from=notadate&page=abc&role=nobody")
    get(client, "/districts/lukou/?page=99999999999999999999")


def test_feeds_sitemap_and_json(client, imported_seeds, django_assert_max_num_queries):
    assert "<rss" in get(client, "/feeds/latest/")
    lukou = get(client, "/districts/lukou/feed/")
    assert "<rss" in lukou and "<category>渌口区</category>" in lukou and "渌口区今年十大民生实事项目出炉" in lukou
    get(client, "/districts/nope/feed/", 404)
    with django_assert_max_num_queries(4):  # items, their districts, (the district): no query per item
        get(client, "/districts/lukou/feed/")
    assert "sitemapindex" in get(client, "/sitemap.xml")
    assert "/2023/02/09/1/1/" in get(client, "/sitemap-articles.xml")
    article = Article.objects.get(headline="今年重点建设项目,549个!")
    data = client.get(f"/api/articles/{article.pk}.json").json()
    assert data["issue_number"] == 23211 and {"name": "马国安", "role": "correspondent"} in data["authors"]
    assert data["inferred"] is False and data["page_number"] == 1 and data["section"] == "头版"
    assert data["paragraphs"] and data["url"].startswith("http://testserver/2023/02/09/1/")
    issue = client.get("/api/issues/2023-02-09.json").json()
    assert issue["number"] == 23211 and issue["page_count"] == 8 and issue["inferred"] is False
    first = issue["pages"][0]["articles"][0]
    assert set(first) >= {"id", "url", "headline"} and first["url"].startswith("http://testserver/2023/02/09/1/")
    assert client.get("/api/issues/2025-02-06.json").json()["inferred"] is True
    missing = client.get("/api/issues/2023-02-10.json")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json" and "error" in missing.json()
    assert client.get("/api/issues/2023-02-30.json").status_code == 400
    assert client.get("/api/articles/999999.json").status_code == 404


def test_sitemaps_are_cached_but_follow_changes(client, imported_seeds):
    first = client.get("/sitemap-sections.xml")
    assert first["Content-Type"].startswith("application/xml") and "/sections/tou-ban/" in first.content.decode()
    assert client.get("/sitemap-sections.xml")["X-Cache"] == "hit"
    from articles.models import Section

    from articles.signals import notify_articles_changed

    Section.objects.create(name="新栏目", slug="xin-lan-mu")
    notify_articles_changed([])  # what an import or an editor's save sends after commit
    assert "/sections/xin-lan-mu/" in client.get("/sitemap-sections.xml").content.decode()


def test_font_size_preference_without_javascript(client, db):
    response = client.get("/prefs/font-size/?size=larger&next=/archive/")
    assert response.status_code == 302 and response["Location"] == "/archive/"
    assert response.cookies["fontsize"].value == "large"
    evil = client.get("/prefs/font-size/?size=larger&next=https://evil.example/")
    assert evil["Location"] == "/"
    assert 'class="fs-xlarge"' in get(client, "/archive/")  # two clicks on A+


def test_fullwidth_punctuation_for_display():
    assert fullwidth("株洲日报讯,记者:邹怡敏(通讯员)!") == "株洲日报讯，记者：邹怡敏（通讯员）！"
    assert fullwidth("增长6.2%,时间9:00") == "增长6.2%，时间9:00"
    assert fullwidth("Hello, world: ok") == "Hello, world: ok"
    assert fullwidth('实施"微亮化"改造') == "实施“微亮化”改造"
    assert fullwidth('He said "hi", then "a"和"b"') == 'He said "hi", then "a"和"b"'
    assert fullwidth("(2023)年") == "(2023)年" and fullwidth("会议(扩大)召开") == "会议（扩大）召开"
    assert fullwidth("") == "" and fullwidth(None) == ""


def test_intertitles_are_displayed_as_headings():
    from types import SimpleNamespace

    from articles.templatetags.reader import body_blocks

    body = "\n\n".join(["正文第一段。", "用好“家底” 做大“家业”", "用地结构性矛盾 怎么破?", "1 抓项目强产业 高质量发展加速跑", "金海", "短句没有空格"])
    article = SimpleNamespace(paragraphs=body.split("\n\n"), review_reasons=[])
    assert [b["kind"] for b in body_blocks(article)] == ["p", "intertitle", "intertitle", "intertitle", "p", "p"]
    garbled = SimpleNamespace(paragraphs=body.split("\n\n"), review_reasons=["garbled"])
    assert {b["kind"] for b in body_blocks(garbled)} == {"p"}  # scrambled text: no guessing


def test_monthly_chart_shows_empty_months_and_groups_long_spans():
    import datetime as dt

    from articles.charts import bar_chart, monthly_series

    series = monthly_series([(dt.date(2022, 11, 1), 2), (dt.date(2023, 2, 1), 5)])
    assert series == [("2022-11", 2), ("2022-12", 0), ("2023-01", 0), ("2023-02", 5)]
    by_year = monthly_series([(dt.date(2019, 1, 1), 1), (dt.date(2023, 6, 1), 4), (dt.date(2023, 7, 1), 1)])
    assert by_year == [("2019", 1), ("2020", 0), ("2021", 0), ("2022", 0), ("2023", 5)]
    chart = bar_chart(series)
    assert chart["total"] == 7 and chart["max"] == 5
    tallest = max(chart["bars"], key=lambda bar: bar.height)
    assert tallest.count == 5 and tallest.y >= 0 and all(0 <= bar.x and bar.x + bar.width <= chart["width"] for bar in chart["bars"])


def test_district_chart_has_a_text_alternative(client, imported_seeds):
    html = get(client, "/districts/lukou/")
    assert 'role="img"' in html and "<title id=\"district-chart-title\">每月报道数量：共 4 篇" in html
    assert "<summary>查看数据</summary>" in html and "<td>2023-01</td><td>0</td>" in html


def test_page_staff_line_uses_full_width_colon(client, imported_seeds):
    html = get(client, "/2022/09/29/2/")
    assert "责任编辑：<a href=" in html and "责任编辑:" not in html


def test_district_chart_title_matches_what_is_drawn_and_follows_filters(client, imported_seeds):
    # 醴陵: 2020-07 … 2025-02 is longer than 36 months, so the bars are years and the title says so.
    html = get(client, "/districts/liling/")
    assert '<title id="district-chart-title">每年报道数量：共 4 篇，最多一年 ' in html and "<td>2021</td><td>0</td>" in html
    narrowed = get(client, "/districts/liling/?date_from=2022-01-01")
    assert "每月报道数量（符合筛选条件）：共 3 篇" in narrowed and "<td>2022-09</td><td>1</td>" in narrowed
    assert "<td>2020" not in narrowed
    assert "（符合筛选条件）：共 1 篇" in get(client, "/districts/liling/?section=tou-ban")
    # Three photographers on one article: still one article in the chart and the list.
    photographed = get(client, "/districts/liling/?role=photographer")
    assert "（符合筛选条件）：共 1 篇" in photographed and "<td>2022-09</td><td>1</td>" in photographed
    assert "每年报道数量：共 4 篇" in get(client, "/districts/liling/?date_from=notadate")  # an invalid filter is ignored


def test_filtered_district_page_runs_no_more_queries(client, imported_seeds, django_assert_max_num_queries):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as plain:
        get(client, "/districts/liling/")
    cache.clear()
    with django_assert_max_num_queries(len(plain) + 1):  # + the section slug lookup validating the form
        get(client, "/districts/liling/?date_from=2022-01-01&section=tou-ban&role=correspondent")


@pytest.mark.parametrize("listing", ["district", "district filtered", "section", "author"])
def test_article_lists_are_cached_until_the_data_changes(client, imported_seeds, listing):
    """A district's, section's or author's articles change only with the data: served from the cache."""
    from articles.signals import notify_articles_changed

    if listing == "section":
        article = Article.objects.filter(page__section__isnull=False).select_related("page__section").order_by("-published_on").first()
        url = article.page.section.get_absolute_url()
    else:
        article = Article.objects.get(headline="渌口区今年十大民生实事项目出炉")
        url = {"district": "/districts/lukou/", "district filtered": "/districts/lukou/?date_from=2025-01-01",
               "author": "/authors/zou-yi-min/?role=reporter"}[listing]
    old, new = article.headline, "更正后的标题"
    first = client.get(url)
    assert first.status_code == 200 and first["X-Cache"] == "miss" and client.get(url)["X-Cache"] == "hit"
    assert old in first.content.decode()
    Article.objects.filter(pk=article.pk).update(headline=new)
    assert old in get(client, url)  # the cache answers until told
    notify_articles_changed([article.pk])  # as an editor's save or an import does
    html = get(client, url)
    assert new in html and old not in html


def test_cached_pages_follow_editor_changes(client, imported_seeds):
    first = client.get("/sections/")
    assert first["X-Cache"] == "miss" and client.get("/sections/")["X-Cache"] == "hit"
    from articles.models import Section

    Section.objects.filter(name="头版").update(name="要闻")  # .update() sends no signal...
    from articles.signals import notify_articles_changed

    notify_articles_changed([1])  # ...but an import or admin save does
    assert "要闻" in get(client, "/sections/")


@pytest.mark.parametrize("url_name", ["/", "/archive/2023/", "/2023/02/09/", "/2023/02/09/1/", "/2023/02/09/1/1/", "/districts/", "/districts/lukou/?date_from=2022-01-01", "/sections/", "/sections/tou-ban/", "/authors/", "/authors/?order=pinyin&role=reporter", "/authors/zou-yi-min/"])
def test_query_count_does_not_grow_with_data(client, imported_seeds, url_name):
    def queries():
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url_name).status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    issue = Issue.objects.get(date="2023-02-09")
    page = issue.pages.get(number=1)
    zou, lukou = Author.objects.get(slug="zou-yi-min"), District.objects.get(slug="lukou")
    for n in range(15):
        article = ArticleFactory(page=page, position=100 + n, published_on=issue.date)
        ContributionFactory(article=article, author=zou, role="reporter", position=1)
        ContributionFactory(article=article, author=AuthorFactory(), role="correspondent", position=2)
        ArticleDistrict.objects.create(article=article, district=lukou)
    PageFactory(issue=issue, number=7)
    assert queries() <= before + 1, url_name
    assert before < 20


@pytest.mark.django_db(transaction=True)
def test_cached_pages_see_a_plain_model_save_after_commit(client):
    """No signal sent by hand: saving a row in a real transaction must invalidate the cached pages."""
    from django.db import transaction

    from articles.cache import data_version

    page = PageFactory(number=1)
    article = ArticleFactory(page=page, position=1, published_on=page.issue.date, headline="旧标题")
    assert "旧标题" in get(client, "/") and client.get("/")["X-Cache"] == "hit"

    section = page.section
    section.name = "改过的栏目"
    section.save()
    assert "改过的栏目" in get(client, "/sections/")

    before = data_version()
    with transaction.atomic():
        article.headline = "新标题"
        article.save()
        PageFactory(issue=page.issue, number=2)
        assert data_version() == before, "nothing is visible before the commit"
    assert data_version() == before + 1, "one bump per transaction"
    assert "新标题" in get(client, "/")


def test_500_page_renders_without_any_context():
    from django.template import loader

    html = loader.get_template("500.html").render()  # what django.views.defaults.server_error does
    assert 'lang="zh-CN"' in html and "服务器出错" in html and "/static/css/site.css" in html


def test_404_page_keeps_the_site_layout(client, db):
    html = get(client, "/2023/02/30/", 404)
    assert 'class="global-nav"' in html and 'role="search"' in html and html.count("<h1") == 1


@pytest.mark.parametrize("url", [
    "/", "/archive/", "/archive/2023/", "/archive/2023/02/", "/2023/02/09/", "/2023/02/09/1/", "/2023/02/09/1/1/",
    "/sections/", "/sections/tou-ban/", "/districts/", "/districts/lukou/", "/authors/", "/authors/zou-yi-min/",
])
def test_every_page_has_one_h1_landmarks_and_the_search_box(client, imported_seeds, url):
    html = get(client, url)
    assert html.count("<h1") == 1, url
    assert '<a class="skip-link" href="#main">' in html and '<main id="main"' in html
    assert 'aria-label="主导航"' in html and 'aria-current="page"' in html
    assert '<form class="site-search" role="search" action="/search/"' in html
    assert 'style="' not in html and "<script>" not in html  # CSP: no inline styles or scripts


def test_a_data_version_lost_from_the_cache_never_revives_an_older_one(client):
    """The file cache culls entries at random; a lost version must not restart at a value used before."""
    from articles.cache import VERSION_KEY, bump_data_version, data_version

    cache.clear()
    first = data_version()
    bump_data_version()
    bump_data_version()
    seen = {first, first + 1, first + 2}
    cache.delete(VERSION_KEY)
    assert data_version() > max(seen)
    cache.delete(VERSION_KEY)
    bump_data_version()  # an increment with no version: restarts above the old ones too
    assert data_version() > max(seen)


def test_reader_pages_run_a_fixed_number_of_queries(client, imported_seeds, django_assert_num_queries):
    """However many pages and articles an issue has: no query per page, title or byline."""
    issue = Issue.objects.get(date="2023-02-09")
    page = issue.pages.order_by("-number").first()
    article = page.articles.order_by("position").first()
    assert Article.objects.filter(page__issue=issue).count() > 5
    with django_assert_num_queries(2):  # the issue with the issues before and after, its pages with their titles
        get(client, issue.get_absolute_url())
    with django_assert_num_queries(5):  # page (with issue and section), page numbers, staff, articles, bylines
        get(client, page.get_absolute_url())
    with django_assert_num_queries(4):  # article (with page, issue, section), the issue's titles, bylines, districts
        get(client, article.get_absolute_url())


def test_reader_statements_are_prepared_once_per_connection(client, imported_seeds):
    """Planning the page view's five statements cost PostgreSQL 1.4 ms, running them 0.3 ms: they
    are bound on the server and prepared on their fifth run (psycopg's prepare_threshold)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's prepared statements")
    page = Issue.objects.get(date="2023-02-09").pages.order_by("number").first()
    for _ in range(6):
        html = get(client, page.get_absolute_url())
    assert "第1版" in html
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert [sql for sql in prepared if "FROM articles_page p JOIN articles_issue i" in sql], prepared
    assert [sql for sql in prepared if "FROM articles_pagestaff s" in sql], prepared


def test_issue_directory_lists_a_page_without_articles_and_one_without_section(client):
    page = PageFactory(number=1)
    ArticleFactory(page=page, position=1, published_on=page.issue.date, headline="头版头条")
    PageFactory(issue=page.issue, number=2, section=None)
    html = get(client, page.issue.get_absolute_url())
    assert "头版头条" in html and "第1版 · " in html
    assert "第2版</a>" in html and "本版没有识别出文章" in html


@pytest.mark.parametrize("needs_review, reasons, expected", [
    (True, '["garbled", "inferred_date"]', "文字错乱(分栏交错)、日期为推断"),  # JSON text, as a raw row gives it
    (True, ["missing_headline"], "缺少标题"),
    (True, '["inferred_date"]', ""),  # the issue page states an inferred date on its own
    (True, "[]", ""),
    (True, "null", ""),
    (False, '["garbled"]', ""),  # an editor cleared the flag
    (True, '["no_such_reason", "garbled"]', "文字错乱(分栏交错)"),
])
def test_directory_badge_text(needs_review, reasons, expected):
    from articles.reading import text_review

    assert text_review(needs_review, reasons) == expected

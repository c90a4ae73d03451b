"""Browser tests: Debian's chromium driven by Playwright against the live server (never a downloaded browser)."""

import io
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1366, "height": 900}


@pytest.fixture(scope="module", autouse=True)
def allow_sync_db_calls_beside_playwright():
    """Playwright's sync API runs an event loop in this thread; these tests' own DB calls are synchronous."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: the test command installs Debian's chromium with apt")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def seeded(transactional_db, seed_dir):
    """Transactional tests flush the tables, data migrations' rows included: put them back first."""
    import importlib

    from django.apps import apps

    from articles.importing.gazetteer import sync_gazetteer
    from articles.importing.service import import_paths
    from articles.models import District, Place

    sync_gazetteer(District, Place)
    importlib.import_module("articles.migrations.0004_editors_group").create_group(apps, None)

    report = import_paths([str(seed_dir)])
    assert not report.failed


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def test_reader_journey(live_server, seeded, page):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.get_by_role("link", name="往期", exact=True).click()
    page.get_by_role("link", name="2023年", exact=True).click()
    page.get_by_role("link", name="2023年2月", exact=True).click()
    page.get_by_role("link", name="2023年2月9日 第23211期").click()
    assert page.url.endswith("/2023/02/09/")
    assert "第23211期" in page.content() and "今日8版" in page.content()
    page.get_by_role("link", name="曹慧泉会见南庚戌一行").click()
    assert page.locator("h1.headline").inner_text() == "曹慧泉会见南庚戌一行"
    next_link = page.locator("a[rel=next]")
    next_title = next_link.inner_text().replace("下一篇：", "")
    next_link.click()
    assert page.locator("h1.headline").inner_text() == next_title
    page.locator("a.fs-button[data-size=larger]").click()
    assert "fs-large" in page.locator("html").get_attribute("class")
    page.reload()
    assert "fs-large" in page.locator("html").get_attribute("class"), "字号 is remembered"
    assert page.locator(".fs-current").inner_text() == "大"
    page.context.clear_cookies()
    page.reload()
    assert "fs-large" in page.locator("html").get_attribute("class"), "localStorage keeps 字号 without the cookie"
    page.locator("a.fs-button[data-size=medium]").click()
    assert "fs-medium" in page.locator("html").get_attribute("class") and page.locator(".fs-current").inner_text() == "标准"


def test_font_size_works_without_javascript(browser, live_server, seeded):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/2023/02/09/1/1/")
    page.locator("a.fs-button[data-size=larger]").click()
    assert "fs-large" in page.locator("html").get_attribute("class")
    context.close()


def test_filter_a_district_by_date(live_server, seeded, page):
    page.goto(live_server.url + "/districts/lukou/")
    assert page.locator("svg[role=img]").count() == 1
    page.get_by_label("起始日期").fill("2025-01-01")
    page.get_by_role("button", name="筛选").click()
    text = page.content()
    assert "渌口区今年十大民生实事项目出炉" in text and "三个聚焦" not in text


def test_search_from_the_header(live_server, seeded, page):
    page.goto(live_server.url + "/")
    page.get_by_label("搜索全部报道").fill("芦淞")
    page.keyboard.press("Enter")
    assert page.locator("mark").first.inner_text() == "芦淞"


def test_search_results_start_on_a_phones_first_screen(browser, live_server, seeded):
    """The filters fold away on a phone (no JavaScript needed); wide screens show them open."""
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/search/?q=渌口")
    first = page.locator(".search-results .article-item").first.bounding_box()
    assert first["y"] + 60 < PHONE["height"], f"first result starts at {first['y']}px"
    assert page.locator(".search-main input[name=q]").is_visible() and not page.get_by_label("起始日期").is_visible()
    page.locator(".more-filters > summary").click()
    assert page.get_by_label("起始日期").is_visible()
    context.close()
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(live_server.url + "/search/?q=渌口")
    assert page.get_by_label("起始日期").is_visible() and not page.locator(".more-filters > summary").is_visible()
    context.close()


PAGES = ["/", "/archive/", "/archive/2023/", "/archive/2023/02/", "/2023/02/09/", "/2023/02/09/1/", "/2023/02/09/1/1/", "/2023/12/29/2/1/", "/sections/", "/sections/tou-ban/", "/districts/", "/districts/lukou/", "/authors/", "/authors/zou-yi-min/", "/search/?q=渌口", "/2023/02/30/",
         "/search/?q=" + "x" * 200]  # a query that cannot wrap: the heading that repeats it must


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_screenshots_and_no_horizontal_overflow(browser, live_server, seeded, viewport):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    name = "phone" if viewport is PHONE else "desktop"
    for path in PAGES:
        page.goto(live_server.url + path)
        border = page.evaluate("getComputedStyle(document.querySelector('.site-header')).borderBottomStyle")
        assert border == "double", "the site stylesheet was not served"
        page.screenshot(path=str(ARTIFACTS / f"{name}{path.replace('/', '_').replace('?', '_')}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} overflows by {overflow}px at {viewport['width']}px"
    context.close()


def test_accessibility_has_no_serious_violations(browser, live_server, seeded):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    page = context.new_page()
    problems = []
    for path in PAGES:
        page.goto(live_server.url + path)
        for violation in axe.run(page).response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                problems.append(f"{path}: {violation['id']} ({violation['impact']}): {violation['help']}")
    context.close()
    assert not problems, "\n".join(problems)


def test_keyboard_reaches_the_content(live_server, seeded, page):
    page.goto(live_server.url + "/2023/02/09/1/1/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"


def test_editor_corrects_a_headline_in_the_browser(live_server, seeded, page):
    from articles.models import Article

    call_command("create_editor", "browser-editor", "--password-stdin", stdin=io.StringIO("Zhuzhou-editor-2026!\n"))
    article = Article.objects.get(headline="燃气安全宣讲进社区")
    page.goto(live_server.url + "/admin/")
    page.get_by_label("用户名").fill("browser-editor")
    page.get_by_label("密码").fill("Zhuzhou-editor-2026!")
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    assert "源文件原文" in page.content()
    page.locator("#id_headline").fill("燃气安全宣讲进万家")
    page.locator("#id_change_reason").fill("浏览器测试")
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/articles/article/")
    assert page.locator("ul.messagelist .success").count() == 1
    page.goto(live_server.url + article.get_absolute_url())
    assert page.locator("h1.headline").inner_text() == "燃气安全宣讲进万家"

"""The editors' workbench in Debian's chromium: log in, correct an article, see it public, revert it."""

import importlib
import io
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
PASSWORD = "Zhuzhou-editor-2026!"
HEADLINE, CORRECTED = "燃气安全宣讲进社区", "燃气安全宣讲走进荷塘社区"


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
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium with apt")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def editor_page(browser, live_server, transactional_db, seed_dir):
    """Seeds imported, an editor account, and a browser page logged in through the real login form."""
    from django.apps import apps

    from articles.importing.gazetteer import sync_gazetteer
    from articles.importing.service import import_paths
    from articles.models import District, Place

    # Transactional tests flush data-migration rows: put the gazetteer and the editors group back.
    sync_gazetteer(District, Place)
    importlib.import_module("articles.migrations.0004_editors_group").create_group(apps, None)
    assert not import_paths([str(seed_dir)]).failed
    call_command("create_editor", "editor1", "--password-stdin", stdin=io.StringIO(PASSWORD + "\n"), stdout=io.StringIO())

    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/admin/")
    assert "/admin/login/" in page.url
    page.get_by_label("用户名").fill("editor1")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("link", name="待审核队列").first.is_visible()
    yield page
    context.close()


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"admin_{name}.png"), full_page=True)


def test_editor_corrects_an_article_and_reverts_it(editor_page, live_server):
    from articles.models import Article

    page = editor_page
    page.goto(live_server.url + "/admin/articles/article/?q=" + HEADLINE)
    page.get_by_role("link", name=HEADLINE).click()
    source = page.locator("pre.source-text")
    assert HEADLINE in source.inner_text(), "the raw source text is shown for comparison"
    assert source.bounding_box()["x"] > page.get_by_label("主题").bounding_box()["x"] + 400, "beside the fields on a wide screen"
    shot(page, "article_change")

    page.get_by_label("主题").fill(CORRECTED)
    page.get_by_label("修改原因").fill("标题补全地名")
    # The imported guess was the whole city: the editor picks 荷塘区 in the autocomplete box.
    page.locator("#district_links-group .select2-selection").first.click()
    page.locator(".select2-search__field").fill("荷塘")
    page.locator(".select2-results__option", has_text="荷塘区").click()
    page.get_by_role("button", name="保存", exact=True).click()
    assert "成功" in page.locator("ul.messagelist").inner_text()

    article = Article.objects.get(headline=CORRECTED)
    assert "headline" in article.edited_fields and "districts" in article.edited_fields
    assert "body" not in article.edited_fields, "the browser's CRLF line breaks are not an edit"
    page.goto(live_server.url + article.get_absolute_url())
    assert page.locator("h1").first.inner_text() == CORRECTED
    assert page.get_by_role("link", name="荷塘区").count() >= 1

    page.goto(live_server.url + f"/admin/articles/article/{article.pk}/history/")
    history = page.locator("#change-history").inner_text()
    assert "editor1" in history and "标题补全地名" in history and CORRECTED in history
    shot(page, "article_history")
    page.locator("#change-history tbody tr").last.get_by_role("link").click()  # the imported version
    page.get_by_role("button", name="恢复此版本").first.click()
    assert "成功" in page.locator("ul.messagelist").inner_text()
    article.refresh_from_db()
    assert article.headline == HEADLINE
    assert article.history.first().history_user.username == "editor1"


def test_review_queue_and_split_by_keyboard(editor_page, live_server):
    from articles.models import Article

    page = editor_page
    page.get_by_role("link", name="待审核队列").first.click()
    assert page.locator("h1").inner_text() == "待审核队列"
    shot(page, "review_queue")
    page.get_by_role("link", name="文字错乱(分栏交错)").click()
    garbled = sum("garbled" in reasons for reasons in Article.objects.values_list("review_reasons", flat=True))
    assert garbled >= 1
    expect(page.locator("#result_list tbody tr")).to_have_count(garbled)  # waits for the filtered list
    assert "文字错乱" in page.locator("#result_list").inner_text()

    article = Article.objects.get(headline="炎陵“春风”送岗 职等你来")
    count = article.page.articles.count()
    page.goto(live_server.url + f"/admin/articles/article/{article.pk}/split/")
    shot(page, "split")
    page.get_by_label("第3段", exact=False).focus()
    page.keyboard.press("Space")
    page.get_by_label("新文章标题").fill("招聘会分两种形式")
    page.get_by_label("新文章标题").press("Enter")
    assert "已拆分" in page.locator("ul.messagelist").inner_text()
    assert article.page.articles.count() == count + 1

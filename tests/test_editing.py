"""Correction services keep every word of text and every contribution, and record who and why."""

import collections
import datetime as dt

import pytest
from django.contrib.auth.models import User

from articles.editing import CorrectionError
from articles.editing.articles import (
    merge_into_previous,
    retag_districts,
    split_article,
)
from articles.editing.issues import move_issue_date
from articles.editing.people import merge_authors
from articles.models import (
    Article,
    ArticleDistrict,
    Author,
    Contribution,
    District,
    Issue,
    IssueDateRedirect,
)
from articles.signals import articles_changed

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return User.objects.create_user("editor1", password="x", is_staff=True)


@pytest.fixture
def changed_ids():
    """Article ids announced on articles_changed (what search and the page cache hear)."""
    seen = {"changed": set(), "removed": set()}

    def receiver(sender, article_ids, removed_ids, **kwargs):
        seen["changed"] |= article_ids
        seen["removed"] |= removed_ids

    articles_changed.connect(receiver, dispatch_uid="test_editing")
    yield seen
    articles_changed.disconnect(dispatch_uid="test_editing")


def chars(articles) -> collections.Counter:
    """Every non-space character of the printed text: headings, body, captions, pull quotes, bylines."""
    text = "".join(a.kicker + a.headline + a.subheadline + a.body + "".join(a.captions) + "".join(a.pull_quotes) + a.byline_raw for a in articles)
    return collections.Counter(ch for ch in text if not ch.isspace())


def people(articles) -> set:
    return set(Contribution.objects.filter(article__in=articles).values_list("author__name", "role"))


def test_split_keeps_every_word_and_orders_the_page(imported_seeds, editor, changed_ids, django_capture_on_commit_callbacks):
    article = Article.objects.get(headline="炎陵“春风”送岗 职等你来")
    page = article.page
    before, before_people = chars(page.articles.all()), people([article])
    count = page.articles.count()
    with django_capture_on_commit_callbacks(execute=True):
        second = split_article(article, 2, editor, "两条消息排在一起", headline="招聘会分两种形式")
    article.refresh_from_db()
    assert chars(page.articles.all()) - collections.Counter("招聘会分两种形式") == before
    assert second.position == article.position + 1 and second.page_id == page.pk
    assert list(page.articles.order_by("position").values_list("position", flat=True)) == list(range(1, count + 2))
    assert people([second]) == before_people == people([article])  # the byline covers both parts
    assert set(second.districts.all()) == set(article.districts.all())
    assert {"body", "headline", "authors", "districts"} <= set(second.edited_fields) and "body" in article.edited_fields
    latest = article.history.first()
    assert latest.history_user == editor and latest.history_change_reason == f"两条消息排在一起(拆出 #{second.pk})"
    assert {article.pk, second.pk} <= changed_ids["changed"]
    with pytest.raises(CorrectionError):
        split_article(article, 0, editor)
    with pytest.raises(CorrectionError):
        split_article(article, 99, editor)


def test_split_without_headline_goes_to_the_review_queue(imported_seeds, editor):
    article = Article.objects.get(headline="炎陵“春风”送岗 职等你来")
    second = split_article(article, 1, editor)
    assert second.needs_review and second.review_reasons == ["missing_headline"] and second.display_title == "(无标题)"


def test_merge_into_previous_keeps_text_and_people(imported_seeds, editor, changed_ids, django_capture_on_commit_callbacks):
    article = Article.objects.get(headline="醴陵去年社会消费品零售总额增长6.2%")
    page = article.page
    previous = page.articles.get(position=article.position - 1)
    before, before_people = chars(page.articles.all()), people([article, previous])
    districts = set(ArticleDistrict.objects.filter(article__in=[article, previous]).values_list("district_id", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        merged = merge_into_previous(article, editor, "其实是同一篇")
    assert merged.pk == previous.pk and not Article.objects.filter(pk=article.pk).exists()
    assert chars(page.articles.all()) == before
    assert people([merged]) == before_people
    assert set(merged.district_links.values_list("district_id", flat=True)) == districts
    assert list(page.articles.order_by("position").values_list("position", flat=True)) == list(range(1, page.articles.count() + 1))
    assert merged.history.first().history_change_reason == "其实是同一篇" and merged.history.first().history_user == editor
    assert article.pk in changed_ids["removed"] and merged.pk in changed_ids["changed"]
    with pytest.raises(CorrectionError):
        merge_into_previous(page.articles.get(position=1), editor)


def test_split_then_merge_gives_back_the_text(imported_seeds, editor):
    article = Article.objects.get(headline="炎陵“春风”送岗 职等你来")
    body = article.body
    second = split_article(article, 2, editor)
    merge_into_previous(second, editor)
    article.refresh_from_db()
    assert article.body == body


def test_move_issue_date_moves_articles_and_redirects(imported_seeds, editor, changed_ids, django_capture_on_commit_callbacks):
    issue = Issue.objects.get(date=dt.date(2023, 12, 29))
    assert issue.date_inferred
    ids = set(Article.objects.filter(page__issue=issue).values_list("pk", flat=True))
    text = chars(Article.objects.filter(pk__in=ids))
    with django_capture_on_commit_callbacks(execute=True):
        move_issue_date(issue, dt.date(2024, 1, 2), editor, "报头农历核对")
    moved = Article.objects.filter(pk__in=ids)
    assert {a.published_on for a in moved} == {dt.date(2024, 1, 2)} and chars(moved) == text
    assert all(a.get_absolute_url().startswith("/2024/01/02/") for a in moved.select_related("page__issue"))
    issue.refresh_from_db()
    assert not issue.date_inferred and "editor1" in issue.date_evidence[-1]["text"]
    assert issue.history.first().history_user == editor and issue.history.first().history_change_reason == "报头农历核对"
    assert IssueDateRedirect.objects.get(old_date=dt.date(2023, 12, 29)).issue == issue
    assert all("inferred_date" not in a.review_reasons for a in moved)
    assert ids <= changed_ids["changed"]
    with pytest.raises(CorrectionError):
        move_issue_date(issue, dt.date(2023, 2, 9), editor)  # another issue lives there
    with pytest.raises(CorrectionError):
        move_issue_date(issue, dt.date(2024, 1, 2), editor)  # unchanged


def test_moving_back_drops_the_stale_redirect(imported_seeds, editor):
    issue = Issue.objects.get(date=dt.date(2023, 12, 29))
    move_issue_date(issue, dt.date(2024, 1, 2), editor)
    move_issue_date(issue, dt.date(2023, 12, 29), editor)
    assert list(IssueDateRedirect.objects.values_list("old_date", flat=True)) == [dt.date(2024, 1, 2)]


def test_merge_authors_moves_everything(imported_seeds, editor):
    survivor = Author.objects.get(name="刘艺峰")
    duplicate = Author.objects.get(name="刘艺锋")  # the same correspondent, mis-typed on another day
    touched = set(Contribution.objects.filter(author=duplicate).values_list("article_id", flat=True))
    expected = {(a, r) for a, _, r in Contribution.objects.filter(author__in=[survivor, duplicate]).values_list("article_id", "author", "role")}
    moved = merge_authors(survivor, [duplicate], editor, "错字")
    assert moved["authors_removed"] == 1 and not Author.objects.filter(name="刘艺锋").exists()
    assert set(Contribution.objects.filter(author=survivor).values_list("article_id", "role")) == expected
    assert all("authors" in a.edited_fields for a in Article.objects.filter(pk__in=touched))
    assert Author.history.filter(name="刘艺锋", history_type="-").get().history_user == editor


def test_merge_authors_where_the_survivor_already_has_the_role(imported_seeds, editor):
    contribution = Contribution.objects.select_related("author").first()
    twin = Author.objects.create(name="重复的人", slug="chong-fu-de-ren")
    Contribution.objects.create(article=contribution.article, author=twin, role=contribution.role)  # same article, same role
    other = Contribution.objects.exclude(article=contribution.article).first()
    Contribution.objects.create(article=other.article, author=twin, role="photographer")
    merge_authors(contribution.author, [twin], editor)
    assert Contribution.objects.filter(article=contribution.article, author=contribution.author, role=contribution.role).count() == 1
    assert Contribution.objects.filter(article=other.article, author=contribution.author, role="photographer").exists()
    with pytest.raises(CorrectionError):
        merge_authors(contribution.author, [contribution.author], editor)


def test_retag_districts_is_the_editors_choice(imported_seeds, editor, changed_ids, django_capture_on_commit_callbacks):
    articles = list(Article.objects.filter(district_links__isnull=False).distinct()[:3])
    hetang = District.objects.get(name="荷塘区")
    with django_capture_on_commit_callbacks(execute=True):
        retag_districts(articles, [hetang], editor, "其实都在荷塘")
    for article in articles:
        article.refresh_from_db()
        assert list(article.district_links.values_list("district__name", "set_by")) == [("荷塘区", "editor")]
        assert "districts" in article.edited_fields
    assert {a.pk for a in articles} <= changed_ids["changed"]
    retag_districts(articles[:1], [], editor)
    assert not articles[0].district_links.exists()

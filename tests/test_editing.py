"""Correction services keep every word of text and every contribution."""

import collections
import datetime as dt

import pytest

from articles.editing.articles import merge_into_previous, split_article
from articles.editing.issues import CorrectionError, move_issue_date
from articles.editing.people import merge_authors
from articles.models import Article, Author, Contribution, Issue, IssueDateRedirect

pytestmark = pytest.mark.django_db


def chars(articles) -> collections.Counter:
    text = "".join(a.kicker + a.headline + a.subheadline + a.body + "".join(a.captions) for a in articles)
    return collections.Counter(ch for ch in text if not ch.isspace())


def test_split_keeps_every_word_and_orders_the_page(imported_seeds):
    article = Article.objects.get(headline="炎陵“春风”送岗 职等你来")
    page_before = list(article.page.articles.order_by("position").values_list("pk", flat=True))
    before = chars(article.page.articles.all())
    people = set(article.contributions.values_list("author_id", "role"))
    second = split_article(article, 2, "招聘会分两种形式")
    article.refresh_from_db()
    assert chars(article.page.articles.all()) - collections.Counter("招聘会分两种形式") == before
    assert second.position == article.position + 1
    positions = list(article.page.articles.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, len(page_before) + 2))
    assert set(second.contributions.values_list("author_id", "role")) == people
    with pytest.raises(CorrectionError):
        split_article(article, 0)


def test_merge_into_previous_keeps_text_and_people(imported_seeds):
    article = Article.objects.get(headline="醴陵去年社会消费品零售总额增长6.2%")
    page = article.page
    previous = page.articles.get(position=article.position - 1)
    before = chars(page.articles.all())
    people = set(Contribution.objects.filter(article__in=[article, previous]).values_list("author_id", "role"))
    merged = merge_into_previous(article)
    assert chars(page.articles.all()) == before
    assert set(merged.contributions.values_list("author_id", "role")) == people
    assert list(page.articles.order_by("position").values_list("position", flat=True)) == list(range(1, page.articles.count() + 1))
    with pytest.raises(CorrectionError):
        merge_into_previous(page.articles.get(position=1))


def test_move_issue_date_moves_articles_and_redirects(imported_seeds):
    issue = Issue.objects.get(date=dt.date(2023, 12, 29))
    count = Article.objects.filter(page__issue=issue).count()
    move_issue_date(issue, dt.date(2024, 1, 2), "编辑甲")
    assert Article.objects.filter(published_on=dt.date(2024, 1, 2)).count() == count
    assert not issue.date_inferred
    assert IssueDateRedirect.objects.get(old_date=dt.date(2023, 12, 29)).issue == issue
    assert all("inferred_date" not in a.review_reasons for a in Article.objects.filter(page__issue=issue))
    with pytest.raises(CorrectionError):
        move_issue_date(issue, dt.date(2023, 2, 9))  # another issue lives there


def test_merge_authors_moves_everything(imported_seeds):
    survivor = Author.objects.get(name="刘艺峰")
    duplicate = Author.objects.get(name="刘艺锋")  # the same correspondent, mis-typed on another day
    total = Contribution.objects.filter(author__in=[survivor, duplicate]).count()
    merge_authors(survivor, [duplicate])
    assert not Author.objects.filter(name="刘艺锋").exists()
    assert Contribution.objects.filter(author=survivor).count() == total

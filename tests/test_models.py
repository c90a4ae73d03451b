"""Database constraints hold on both engines."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from articles.choices import Role, StaffRole
from articles.models import ArticleDistrict, Author, Contribution, District, Issue, Page, PageStaff, Section
from tests.factories import ArticleFactory, AuthorFactory, IssueFactory, PageFactory

pytestmark = pytest.mark.django_db


def assert_integrity_error(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_issue_date_is_unique():
    IssueFactory(date=dt.date(2023, 2, 9))
    assert_integrity_error(lambda: Issue.objects.create(date=dt.date(2023, 2, 9)))


def test_issue_number_is_unique_when_known_but_may_be_missing_many_times():
    IssueFactory(number=23211)
    assert_integrity_error(lambda: IssueFactory(number=23211))
    Issue.objects.create(date=dt.date(2001, 1, 1), number=None)
    Issue.objects.create(date=dt.date(2001, 1, 2), number=None)
    assert Issue.objects.filter(number__isnull=True).count() == 2


def test_page_number_is_unique_within_an_issue_only():
    page = PageFactory(number=3)
    assert_integrity_error(lambda: Page.objects.create(issue=page.issue, number=3))
    other_issue = IssueFactory()
    assert Page.objects.create(issue=other_issue, number=3).pk


def test_contribution_is_unique_per_article_author_role():
    article = ArticleFactory()
    author = AuthorFactory(name="邹怡敏")
    Contribution.objects.create(article=article, author=author, role=Role.REPORTER)
    assert_integrity_error(lambda: Contribution.objects.create(article=article, author=author, role=Role.REPORTER))
    # The same person may hold a second role on the same article (reporter and photographer).
    assert Contribution.objects.create(article=article, author=author, role=Role.PHOTOGRAPHER).pk


def test_page_staff_is_unique_per_page_person_role():
    page = PageFactory()
    person = AuthorFactory(name="吴楚")
    PageStaff.objects.create(page=page, person=person, role=StaffRole.EDITOR)
    assert_integrity_error(lambda: PageStaff.objects.create(page=page, person=person, role=StaffRole.EDITOR))


def test_article_district_link_is_unique():
    article = ArticleFactory()
    district = District.objects.get(slug="lukou")
    ArticleDistrict.objects.create(article=article, district=district)
    assert_integrity_error(lambda: ArticleDistrict.objects.create(article=article, district=district))


@pytest.mark.parametrize(
    "model, field, value",
    [(Author, "name", "王娜"), (Section, "name", "城市·观察"), (District, "slug", "lukou")],
)
def test_names_and_slugs_are_unique(model, field, value):
    existing = model.objects.filter(**{field: value}).first()
    if existing is None:
        if model is Author:
            AuthorFactory(name=value)
        else:
            Section.objects.create(name=value, slug="chengshi-guancha")
    duplicate = {
        Author: lambda: Author.objects.create(name="王娜", slug="another"),
        Section: lambda: Section.objects.create(name="城市·观察", slug="another"),
        District: lambda: District.objects.create(name="另一个", short_name="另", slug="lukou", kind="county"),
    }[model]
    assert_integrity_error(duplicate)


def test_gazetteer_districts_are_loaded_by_migration():
    names = set(District.objects.values_list("name", flat=True))
    county_level = {"荷塘区", "芦淞区", "石峰区", "天元区", "渌口区", "醴陵市", "攸县", "茶陵县", "炎陵县"}
    assert county_level <= names
    assert "株洲市" in names  # the city-wide entry
    assert "株洲高新区" in District.objects.get(name="天元区").aliases


def test_article_display_title_and_paragraphs():
    article = ArticleFactory(headline="", kicker="引题", body="甲。\n\n乙。\n\n")
    assert article.display_title == "引题"
    assert article.paragraphs == ["甲。", "乙。"]


def test_article_position_is_unique_within_a_page_only():
    """Permalinks /yyyy/mm/dd/page/position/ name exactly one article."""
    first = ArticleFactory(position=1)
    ArticleFactory(page=PageFactory(issue=first.page.issue, number=first.page.number + 1), position=1)
    assert_integrity_error(lambda: ArticleFactory(page=first.page, position=1))


def test_text_hash_backfill_matches_the_importers_hash():
    import importlib

    from django.apps import apps

    from articles.importing.prepare import text_digest
    from articles.models import SourceFile

    migration = importlib.import_module("articles.migrations.0007_sourcefile_text_sha256")
    SourceFile.objects.create(path="old.txt", sha256="x", text="株洲日报\n第二行")
    SourceFile.objects.create(path="failed.txt", sha256="y")
    migration.backfill(apps, None)
    assert dict(SourceFile.objects.values_list("path", "text_sha256")) == {"old.txt": text_digest("株洲日报\n第二行"), "failed.txt": ""}


"""factory_boy factories for tests that need a few hand-made records."""

import datetime as dt

import factory

from articles import models
from articles.choices import Role


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Issue

    date = factory.Sequence(lambda n: dt.date(2023, 1, 1) + dt.timedelta(days=n))
    number = factory.Sequence(lambda n: 23000 + n)
    page_count = 8


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Section
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"栏目{n}")
    slug = factory.Sequence(lambda n: f"section-{n}")


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Page

    issue = factory.SubFactory(IssueFactory)
    number = factory.Sequence(lambda n: n % 8 + 1)
    section = factory.SubFactory(SectionFactory)
    section_label = factory.LazyAttribute(lambda page: page.section.name if page.section else "")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Article

    page = factory.SubFactory(PageFactory)
    position = factory.Sequence(lambda n: n + 1)
    published_on = factory.LazyAttribute(lambda article: article.page.issue.date)
    headline = factory.Sequence(lambda n: f"测试标题{n}")
    body = "第一段正文。\n\n第二段正文。"


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Author
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"作者{n}")
    slug = factory.Sequence(lambda n: f"author-{n}")


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Contribution

    article = factory.SubFactory(ArticleFactory)
    author = factory.SubFactory(AuthorFactory)
    role = Role.REPORTER

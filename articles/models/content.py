from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from articles.choices import Role, SetBy
from articles.models.issues import date_kwargs


class ArticleQuerySet(models.QuerySet):
    def for_listing(self):
        """What every article list shows, fetched in a fixed number of queries (no bodies)."""
        return self.select_related("page__issue", "page__section").prefetch_related("districts").defer("body", "raw_text", "byline_raw")

    def newest_first(self):
        # Matches the (published_on, id) index: a page of a long list reads ~20 index rows.
        return self.order_by("-published_on", "id")

    def search(self, query: str, **options):
        """Full-text search; the engine lives in articles.search."""
        from articles.search import (
            search_articles,  # import here: search imports models
        )

        return search_articles(query, queryset=self, **options)


class Article(models.Model):
    page = models.ForeignKey("articles.Page", on_delete=models.CASCADE, related_name="articles", verbose_name="版面")
    position = models.PositiveSmallIntegerField("版内顺序", help_text="从1开始,决定文章的永久链接")
    # Denormalised from page.issue.date: lists sort and filter on it at scale.
    published_on = models.DateField("出版日期", db_index=True)
    kicker = models.CharField("引题", max_length=300, blank=True)
    headline = models.CharField("主题", max_length=300, blank=True)
    subheadline = models.CharField("副题", max_length=300, blank=True)
    body = models.TextField("正文", blank=True, help_text="段落之间空一行")
    captions = models.JSONField("图片说明", default=list, blank=True)
    pull_quotes = models.JSONField("摘句", default=list, blank=True)
    byline_raw = models.TextField("署名原文", blank=True)
    source_file = models.ForeignKey(
        "articles.SourceFile", on_delete=models.SET_NULL, null=True, blank=True, related_name="articles", verbose_name="源文件"
    )
    source_index = models.PositiveIntegerField("源文件内序号", default=0)
    source_line_start = models.PositiveIntegerField("起始行", default=0)
    source_line_end = models.PositiveIntegerField("结束行", default=0)
    raw_text = models.TextField("原始文本", blank=True)
    needs_review = models.BooleanField("待审核", default=False, db_index=True)
    review_reasons = models.JSONField("审核原因", default=list, blank=True)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    edited_fields = models.JSONField(default=list, blank=True, help_text="编辑改过的字段:重新导入时保留")
    version = models.PositiveIntegerField(default=1, help_text="乐观锁:两位编辑同时保存时检测冲突")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    authors = models.ManyToManyField("articles.Author", through="Contribution", related_name="articles")
    districts = models.ManyToManyField("articles.District", through="ArticleDistrict", related_name="articles")

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["raw_text"])

    class Meta:
        verbose_name = "文章"
        verbose_name_plural = "文章"
        ordering = ["-published_on", "page__number", "position"]
        constraints = [
            # The permalink /yyyy/mm/dd/page/position/ names exactly one article.
            models.UniqueConstraint(fields=["page", "position"], name="article_position_unique_in_page"),
        ]
        indexes = [
            models.Index(fields=["-published_on", "id"], name="article_newest"),
            models.Index(fields=["source_file", "source_index"], name="article_source"),
            # What facets read of a sample of ~1,000 ids: a few index pages instead of ~1,000 table
            # pages, each ~10 KB article its own (search/facets.py names it on SQLite).
            models.Index(fields=["id", "published_on", "page"], name="article_facet_columns"),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.headline or self.kicker or self.subheadline or "(无标题)"

    @property
    def date_inferred(self) -> bool:
        """Its date is a guess: the issue has no printed date, or this file's pages joined a day by inference."""
        return self.page.issue.date_inferred or self.page.date_inferred

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n\n") if p.strip()]

    def get_absolute_url(self) -> str:
        issue_date = self.page.issue.date
        return reverse("article", kwargs={**date_kwargs(issue_date), "page": self.page.number, "position": self.position})


class Author(models.Model):
    """A person named in a byline or page header."""

    name = models.CharField("姓名", max_length=50, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "作者"
        verbose_name_plural = "作者"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("author_detail", kwargs={"slug": self.slug})


class Contribution(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="contributions")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="contributions", verbose_name="作者")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    position = models.PositiveSmallIntegerField("顺序", default=0)
    set_by = models.CharField(max_length=10, choices=SetBy.choices, default=SetBy.IMPORTER)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "署名"
        verbose_name_plural = "署名"
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author", "role"], name="contribution_unique"),
        ]
        indexes = [models.Index(fields=["author", "role"], name="contribution_author_role")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.author}"

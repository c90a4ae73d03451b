from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from articles.choices import DistrictKind, PlaceKind, SetBy


class District(models.Model):
    """A county-level unit of Zhuzhou, a functional zone, or the city as a whole."""

    name = models.CharField("名称", max_length=50, unique=True)
    short_name = models.CharField("简称", max_length=20)
    slug = models.SlugField(max_length=50, unique=True, help_text="拼音,如 lukou")
    kind = models.CharField("类别", max_length=20, choices=DistrictKind.choices)
    aliases = models.JSONField("别名", default=list, blank=True, help_text="如 株洲高新区 → 天元区")
    position = models.PositiveSmallIntegerField("排序", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "区县"
        verbose_name_plural = "区县"
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("district_detail", kwargs={"slug": self.slug})


class Place(models.Model):
    """A town, street, park or landmark inside a district. Editors extend this list."""

    name = models.CharField("名称", max_length=50, unique=True)
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="places", verbose_name="所属区县")
    kind = models.CharField("类别", max_length=20, choices=PlaceKind.choices)
    aliases = models.JSONField("别名", default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "地名"
        verbose_name_plural = "地名"
        ordering = ["district__position", "name"]

    def __str__(self) -> str:
        return f"{self.name}({self.district.short_name})"


class ArticleDistrict(models.Model):
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="district_links")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="article_links", verbose_name="区县")
    set_by = models.CharField("来源", max_length=10, choices=SetBy.choices, default=SetBy.IMPORTER)
    score = models.FloatField("相关度", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "文章区县"
        verbose_name_plural = "文章区县"
        constraints = [
            models.UniqueConstraint(fields=["article", "district"], name="article_district_unique"),
        ]
        indexes = [models.Index(fields=["district", "article"], name="district_article")]

    def __str__(self) -> str:
        return f"{self.district}"

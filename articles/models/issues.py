import datetime as dt

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from articles.choices import StaffRole

WEEKDAYS = "一二三四五六日"


class Issue(models.Model):
    """One day's paper. The date is unique; an inferred date may gather several files."""

    date = models.DateField("出版日期", unique=True)
    number = models.PositiveIntegerField("期号", null=True, blank=True, help_text="第N期")
    page_count = models.PositiveSmallIntegerField("版数", null=True, blank=True, help_text="今日N版")
    date_inferred = models.BooleanField("日期为推断", default=False, db_index=True)
    date_confidence = models.FloatField("日期置信度", default=1.0)
    date_evidence = models.JSONField("日期依据", default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "期"
        verbose_name_plural = "期"
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["number"], condition=Q(number__isnull=False), name="issue_number_unique_when_known"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}" + (f" 第{self.number}期" if self.number else "")

    def get_absolute_url(self) -> str:
        return reverse("issue", kwargs=date_kwargs(self.date))

    @property
    def weekday_label(self) -> str:
        return "星期" + WEEKDAYS[self.date.weekday()]


class IssueDateRedirect(models.Model):
    """An issue's old date after an editor corrected it: old permalinks redirect."""

    old_date = models.DateField(unique=True)
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="date_redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "日期更正跳转"
        verbose_name_plural = "日期更正跳转"


class Section(models.Model):
    """A recurring page name (版名/栏目) such as 城市·观察."""

    name = models.CharField("版名", max_length=100, unique=True)
    slug = models.SlugField(max_length=120, unique=True, allow_unicode=False)

    class Meta:
        verbose_name = "栏目"
        verbose_name_plural = "栏目"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("section_detail", kwargs={"slug": self.slug})


class Page(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="pages", verbose_name="期")
    number = models.PositiveSmallIntegerField("版次")
    section = models.ForeignKey(Section, on_delete=models.SET_NULL, null=True, blank=True, related_name="pages", verbose_name="栏目")
    section_label = models.CharField("印刷版名", max_length=100, blank=True)
    header_raw = models.TextField("版头原文", blank=True)
    source_file = models.ForeignKey("articles.SourceFile", on_delete=models.SET_NULL, null=True, blank=True, related_name="pages")
    source_line_start = models.PositiveIntegerField(default=0)
    source_line_end = models.PositiveIntegerField(default=0)
    source_index = models.PositiveSmallIntegerField(default=0, help_text="该页在源文件中的顺序")
    # Per file, not per issue: a masthead file confirms the issue's date, not that a page
    # from a file without one belongs to it. Its number is provisional too (a front page takes 1).
    date_inferred = models.BooleanField("日期为推断", default=False, help_text="该版来自没有可靠报头的文件,所属日期由正文推断")
    extra_lines = models.JSONField("版面杂项", default=list, blank=True)
    edited_fields = models.JSONField(default=list, blank=True, help_text="编辑改过的字段:重新导入时保留")
    staff = models.ManyToManyField("articles.Author", through="PageStaff", related_name="staffed_pages")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "版面"
        verbose_name_plural = "版面"
        ordering = ["issue__date", "number"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "number"], name="page_number_unique_in_issue"),
        ]

    def __str__(self) -> str:
        return f"{self.issue.date:%Y-%m-%d} 第{self.number}版 {self.section_label}".strip()

    def get_absolute_url(self) -> str:
        return reverse("page", kwargs={**date_kwargs(self.issue.date), "page": self.number})


class PageStaff(models.Model):
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="staff_entries")
    person = models.ForeignKey("articles.Author", on_delete=models.CASCADE, related_name="page_roles")
    role = models.CharField("职务", max_length=20, choices=StaffRole.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "版面责任人"
        verbose_name_plural = "版面责任人"
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["page", "person", "role"], name="page_staff_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.person}"


def date_kwargs(day: dt.date) -> dict[str, str]:
    """URL kwargs for a date: zero-padded, matching the permalink patterns."""
    return {"year": f"{day.year:04d}", "month": f"{day.month:02d}", "day": f"{day.day:02d}"}

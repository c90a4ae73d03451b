from django.conf import settings
from django.db import models

from articles.choices import ImportStatus


class SourceFile(models.Model):
    """One raw text file the importer read. Every imported record points back here."""

    path = models.CharField("路径", max_length=500, unique=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    # The same text in another encoding (GB18030, BOM, CRLF) is the same file: compared on this.
    text_sha256 = models.CharField("文本摘要", max_length=64, blank=True, db_index=True, help_text="解码、去BOM、换行统一后的 sha256")
    size = models.PositiveBigIntegerField("字节数", default=0)
    encoding = models.CharField("编码", max_length=20, blank=True)
    status = models.CharField("状态", max_length=12, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    error_message = models.TextField("错误信息", blank=True)
    text = models.TextField("解码后的原文", blank=True, help_text="行号以此为准")
    imported_at = models.DateTimeField("导入时间", null=True, blank=True, db_index=True)  # the newest files first: index_unannounced()

    class Meta:
        verbose_name = "源文件"
        verbose_name_plural = "源文件"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.path

    def lines(self, start: int, end: int) -> str:
        """The source lines start..end (1-based, inclusive)."""
        if not start:
            return ""
        return "\n".join(self.text.split("\n")[start - 1 : end])


class RemovedArticle(models.Model):
    """An imported article an editor folded into another (or deleted).

    Re-importing its source file must not bring it back: the importer matches the file's
    articles against these on the importer's own text and skips the ones an editor removed.
    """

    source_file = models.ForeignKey(SourceFile, on_delete=models.CASCADE, related_name="removed_articles", verbose_name="源文件")
    source_index = models.PositiveIntegerField("源文件内序号")
    raw_text = models.TextField("原始文本")
    title = models.CharField("标题", max_length=300, blank=True)
    merged_into = models.ForeignKey("articles.Article", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="并入文章")
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="操作人")
    reason = models.CharField("原因", max_length=300, blank=True)
    removed_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "编辑移除的文章"
        verbose_name_plural = "编辑移除的文章"
        ordering = ["-removed_at"]

    def __str__(self) -> str:
        return self.title or f"{self.source_file} #{self.source_index}"

    @classmethod
    def record(cls, article, user=None, reason: str = "", merged_into=None) -> "RemovedArticle | None":
        """Remember an imported article before it is removed; editor-made articles need no record."""
        if article.source_file_id is None:
            return None
        return cls.objects.create(
            source_file_id=article.source_file_id, source_index=article.source_index, raw_text=article.raw_text,
            title=article.display_title[:300], merged_into=merged_into, reason=reason[:300],
            removed_by=user if getattr(user, "is_authenticated", False) else None,
        )

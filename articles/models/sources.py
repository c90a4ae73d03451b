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
    imported_at = models.DateTimeField("导入时间", null=True, blank=True)

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

"""SourceFile.text_sha256: duplicates are found by text too, so a GB18030 or BOM+CRLF copy is one file."""

import hashlib

from django.db import migrations, models


def backfill(apps, schema_editor):
    SourceFile = apps.get_model("articles", "SourceFile")
    batch = []
    # SourceFile.text is already the decoded, BOM-free, LF-only text the importer hashes.
    for source in SourceFile.objects.exclude(text="").only("pk", "text").iterator(chunk_size=200):
        source.text_sha256 = hashlib.sha256(source.text.encode("utf-8")).hexdigest()
        batch.append(source)
        if len(batch) >= 200:
            SourceFile.objects.bulk_update(batch, ["text_sha256"])
            batch = []
    SourceFile.objects.bulk_update(batch, ["text_sha256"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_article_position_unique")]

    operations = [
        migrations.AddField(
            model_name="sourcefile",
            name="text_sha256",
            field=models.CharField(blank=True, db_index=True, help_text="解码、去BOM、换行统一后的 sha256", max_length=64, verbose_name="文本摘要"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]

"""Page.date_inferred: whether the file a page came from had a readable masthead."""

from django.db import migrations, models

FIELD = dict(default=False, help_text="该版来自没有可靠报头的文件,所属日期由正文推断", verbose_name="日期为推断")


def backfill(apps, schema_editor):
    # Until now only whole issues were marked; their pages all came from files without a masthead.
    Page = apps.get_model("articles", "Page")
    Page.objects.filter(issue__date_inferred=True).update(date_inferred=True)


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_sourcefile_text_sha256")]

    operations = [
        migrations.AddField(model_name="historicalpage", name="date_inferred", field=models.BooleanField(**FIELD)),
        migrations.AddField(model_name="page", name="date_inferred", field=models.BooleanField(**FIELD)),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]

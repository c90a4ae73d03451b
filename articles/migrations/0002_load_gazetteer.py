from django.db import migrations

from articles.importing.gazetteer import sync_gazetteer


def load(apps, schema_editor):
    sync_gazetteer(apps.get_model("articles", "District"), apps.get_model("articles", "Place"))


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

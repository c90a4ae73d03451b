"""Editors merge articles and authors instead of deleting them, and may see what was merged away.

Deleting an author deleted their bylines, and a deleted article had no undo; merging keeps every
word and byline, so the `editors` group loses delete on both (superusers keep it).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REVOKED = ["delete_article", "delete_author"]
GRANTED = ["view_removedarticle"]


def _permissions(apps, codenames):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return list(Permission.objects.filter(content_type__app_label="articles", codename__in=codenames))


def forward(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name="editors").first()
    if group:
        group.permissions.remove(*_permissions(apps, REVOKED))
        group.permissions.add(*_permissions(apps, GRANTED))


def backward(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name="editors").first()
    if group:
        group.permissions.remove(*_permissions(apps, GRANTED))
        group.permissions.add(*_permissions(apps, REVOKED))


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_removed_article")]
    operations = [migrations.RunPython(forward, backward)]

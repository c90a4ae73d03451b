"""The `editors` group: view and change the archive's content, nothing about users or groups."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# model -> actions editors may take on it
EDITOR_PERMISSIONS = {
    "issue": ["view", "change"],
    "page": ["view", "change"],
    "article": ["view", "change", "add", "delete"],  # split adds, merge deletes
    "author": ["view", "change", "add", "delete"],  # merge deletes duplicates
    "contribution": ["view", "change", "add", "delete"],
    "articledistrict": ["view", "change", "add", "delete"],
    "district": ["view", "change"],
    "place": ["view", "change", "add", "delete"],
    "section": ["view", "change", "add"],
    "pagestaff": ["view", "change", "add", "delete"],
    "sourcefile": ["view"],
    "issuedateredirect": ["view"],
}


def create_group(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="editors")
    codenames = [f"{action}_{model}" for model, actions in EDITOR_PERMISSIONS.items() for action in actions]
    group.permissions.set(Permission.objects.filter(content_type__app_label="articles", codename__in=codenames))


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="editors").delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_search_index"), ("auth", "0012_alter_user_first_name_max_length"), ("contenttypes", "0002_remove_content_type_name")]
    operations = [migrations.RunPython(create_group, remove_group)]

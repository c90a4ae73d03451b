"""Before (page, position) becomes unique: give any second article at the same place the next free position.

Duplicates could only come from an older importer re-numbering a page around an editor's split;
the lowest id keeps the permalink, the others move to the end of their page.
"""

from django.db import migrations
from django.db.models import Count, Max


def dedupe_positions(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    clashes = Article.objects.values("page_id", "position").annotate(n=Count("id")).filter(n__gt=1)
    for clash in clashes:
        rows = list(Article.objects.filter(page_id=clash["page_id"], position=clash["position"]).order_by("id"))
        last = Article.objects.filter(page_id=clash["page_id"]).aggregate(m=Max("position"))["m"]
        for article in rows[1:]:
            last += 1
            Article.objects.filter(pk=article.pk).update(position=last)


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_editors_group")]

    operations = [migrations.RunPython(dedupe_positions, migrations.RunPython.noop)]

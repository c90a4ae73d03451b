from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_article_position_dedupe")]

    operations = [
        # The unique constraint's own index serves the (page, position) lookups the plain index did.
        migrations.RemoveIndex(model_name="article", name="article_page_position"),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.UniqueConstraint(fields=("page", "position"), name="article_position_unique_in_page"),
        ),
    ]

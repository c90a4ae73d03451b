from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "报纸档案"

    def ready(self):
        from articles import cache
        from articles.search import indexing

        cache.connect()
        indexing.connect()

from django.urls import path

from articles.views import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
]

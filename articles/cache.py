"""Page cache for views that change only when the data changes.

Every import and every editor save bumps a "data version" in the shared cache
(on the articles_changed signal and on model saves); cached pages are keyed on it,
so readers see a correction on the very next request.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse

VERSION_KEY = "archive:data-version"
_deferred = threading.local()


def _fresh_version() -> int:
    # A version lost from the cache (the file cache culls at random, Redis may evict) restarts
    # from the clock, above every version used before: pages cached under those never match again.
    return time.time_ns() // 1000


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)
        version = cache.get(VERSION_KEY) or _fresh_version()
    return version


def bump_data_version(**_kwargs) -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, _fresh_version(), timeout=None)


@contextmanager
def bumps_deferred():
    """Model saves in this thread don't bump the version: the caller announces its changes in
    batches (an import, every few files and when it ends), and each announcement bumps it."""
    previous, _deferred.active = getattr(_deferred, "active", False), True
    try:
        yield
    finally:
        _deferred.active = previous


def bump_after_commit(**_kwargs) -> None:
    """One bump per transaction, however many rows it saves (imports save thousands)."""
    if getattr(_deferred, "active", False):
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(func is bump_data_version for _, func, _ in connection.run_on_commit):
        return
    transaction.on_commit(bump_data_version)


def connect() -> None:
    from articles import models
    from articles.signals import articles_changed

    articles_changed.connect(bump_data_version, dispatch_uid="cache-articles-changed")
    for model in (models.Article, models.Issue, models.Page, models.Section, models.District, models.Author, models.Contribution, models.ArticleDistrict):
        post_save.connect(bump_after_commit, sender=model, dispatch_uid=f"cache-save-{model.__name__}")
        post_delete.connect(bump_after_commit, sender=model, dispatch_uid=f"cache-delete-{model.__name__}")


def cached_view(view):
    """Cache a GET view's rendered page, keyed on URL, font-size cookie and data version."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        raw = f"{request.get_full_path()}|{request.COOKIES.get('fontsize', '')}|{data_version()}"
        key = "archive:page:" + hashlib.sha256(raw.encode()).hexdigest()
        hit = cache.get(key)
        if hit is not None:
            content, status, content_type = hit
            response = HttpResponse(content, status=status, content_type=content_type)
            response["X-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            if hasattr(response, "render"):
                response.render()
            cache.set(key, (response.content, response.status_code, response["Content-Type"]), settings.PAGE_CACHE_SECONDS)
            response["X-Cache"] = "miss"
        return response

    return wrapper

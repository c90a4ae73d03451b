"""Per-client rate limit for search, counted in the shared cache (all workers see one count)."""

from __future__ import annotations

import functools
import ipaddress
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(s|m|h|d)\s*$")
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int] | None:
    """"120/m" -> (120, 60); "off" -> None."""
    if rate.strip().lower() in ("off", "0", "none", ""):
        return None
    match = _RATE.match(rate)
    if not match or int(match.group(1)) < 1:
        raise ImproperlyConfigured(f"SEARCH_RATE_LIMIT={rate!r} is not a rate like 120/m, 10/s or off")
    return int(match.group(1)), _PERIODS[match.group(2)]


def client_ip(request) -> str | None:
    """The client's address, for the search limit and for django-axes (AXES_CLIENT_IP_CALLABLE).

    REMOTE_ADDR, unless TRUSTED_PROXY_COUNT proxies sit in front: then the X-Forwarded-For entry the
    outermost trusted proxy appended (the count-th from the right). Entries left of it come from the
    client and can be forged, so the left-most one is never used.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote  # did not pass through every trusted proxy: nothing in the header is trustworthy
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote


def over_limit(request, scope: str) -> int:
    """Seconds to wait if this request is over the limit, else 0. Counts the request."""
    rate = parse_rate(settings.SEARCH_RATE_LIMIT)
    if rate is None:
        return 0
    limit, period = rate
    window = int(time.time() // period)
    key = f"ratelimit:{scope}:{client_ip(request) or 'unknown'}:{window}"
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=period + 1)
        count = 1
    if count > limit:
        return max(1, int(period - time.time() % period))
    return 0


def rate_limited(scope: str, too_many):
    """Decorator: answer `too_many(request, retry_after)` when the client is over the limit."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            wait = over_limit(request, scope)
            if wait:
                response = too_many(request, wait)
                response["Retry-After"] = str(wait)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator

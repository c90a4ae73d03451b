"""Reader preferences that work without JavaScript (字号)."""

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

from articles.context_processors import FONT_SIZES

YEAR = 365 * 24 * 3600


def font_size(request):
    """?size=larger|smaller|<name>&next=/path — remember the reader's font size in a cookie."""
    current = request.COOKIES.get("fontsize", "medium")
    index = FONT_SIZES.index(current) if current in FONT_SIZES else 1
    wanted = request.GET.get("size", "")
    if wanted == "larger":
        index = min(index + 1, len(FONT_SIZES) - 1)
    elif wanted == "smaller":
        index = max(index - 1, 0)
    elif wanted in FONT_SIZES:
        index = FONT_SIZES.index(wanted)
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie("fontsize", FONT_SIZES[index], max_age=YEAR, samesite="Lax", secure=request.is_secure())
    return response

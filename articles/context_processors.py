"""Template context every page needs."""

FONT_SIZES = ("small", "medium", "large", "xlarge")


def reader(request):
    size = request.COOKIES.get("fontsize", "medium")
    return {"font_size": size if size in FONT_SIZES else "medium"}

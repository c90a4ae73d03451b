"""Template context every page needs."""

FONT_SIZES = ("small", "medium", "large", "xlarge")
FONT_SIZE_LABELS = {"small": "小", "medium": "标准", "large": "大", "xlarge": "特大"}


def reader(request):
    size = request.COOKIES.get("fontsize", "medium")
    size = size if size in FONT_SIZES else "medium"
    return {"font_size": size, "font_size_label": FONT_SIZE_LABELS[size]}

"""Search, behind one small function (see service.py):

    result = search_articles("芦淞 养老", filters={"year": 2023}, order="newest", page=1)
    result.count, result.hits, result.facets, result.histogram, result.message

The names below load lazily, so the import's parsing worker can use the pure modules
(tokens, documents) without setting up Django.
"""

_SERVICE_NAMES = {"search_articles", "SearchResult", "Hit", "ORDERS", "MAX_PAGE_SIZE", "MAX_RESULTS", "apply_filters"}


def __getattr__(name: str):
    if name in _SERVICE_NAMES:
        from articles.search import service

        return getattr(service, name)
    raise AttributeError(f"module 'articles.search' has no attribute {name!r}")

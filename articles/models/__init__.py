"""The archive's data model, one module per concern."""

from articles.models.content import Article, Author, Contribution
from articles.models.districts import ArticleDistrict, District, Place
from articles.models.issues import Issue, IssueDateRedirect, Page, PageStaff, Section
from articles.models.sources import RemovedArticle, SourceFile

__all__ = [
    "Article",
    "ArticleDistrict",
    "Author",
    "Contribution",
    "District",
    "Issue",
    "IssueDateRedirect",
    "Page",
    "PageStaff",
    "Place",
    "RemovedArticle",
    "Section",
    "SourceFile",
]

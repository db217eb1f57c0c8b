"""newsearch: search news archives — ranked passages with the matches highlighted.

The public API (see ``newsearch.api``)::

    import newsearch
    newsearch.index_corpus("corpus", "index")
    with newsearch.open_index("index") as ix:
        for hit in ix.search("regime of silence").hits:
            print(hit.title, hit.passages[0].text)
"""

from .api import DEFAULT_CORPUS, DEFAULT_INDEX, Index, check_query, index_corpus, index_exists, open_index
from .models import (
    Article,
    CorpusNotFound,
    Entity,
    Hit,
    IndexLocked,
    IndexNotFound,
    NewsearchError,
    Passage,
    QueryError,
    Quote,
    SchemaMismatch,
    SearchResults,
    Skipped,
    Span,
    UpdateSummary,
)

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_CORPUS",
    "DEFAULT_INDEX",
    "Article",
    "CorpusNotFound",
    "Entity",
    "Hit",
    "Index",
    "IndexLocked",
    "IndexNotFound",
    "NewsearchError",
    "Passage",
    "QueryError",
    "Quote",
    "SchemaMismatch",
    "SearchResults",
    "Skipped",
    "Span",
    "UpdateSummary",
    "check_query",
    "index_corpus",
    "index_exists",
    "open_index",
]

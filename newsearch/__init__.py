"""newsearch: search news archives — ranked passages with the matches highlighted.

The public API (see ``newsearch.api``)::

    import newsearch
    newsearch.index_corpus("corpus", "index")
    with newsearch.open_index("index") as ix:
        for hit in ix.search("regime of silence").hits:
            print(hit.title, hit.passages[0].text)
"""

from .api import (
    DEFAULT_CORPUS,
    DEFAULT_INDEX,
    Diagnosis,
    Index,
    Progress,
    check_query,
    diagnose,
    index_corpus,
    index_exists,
    install_nlp_data,
    open_index,
    source_for,
    watch,
)
from .models import (
    Article,
    ArticleNotFound,
    ArticleView,
    CorpusNotFound,
    Entity,
    FacetValue,
    Health,
    Hit,
    IndexLocked,
    IndexNotFound,
    MassRemoval,
    NewsearchError,
    Pair,
    Passage,
    QueryError,
    Quote,
    QuoteHit,
    SchemaMismatch,
    SearchResults,
    SemanticUnavailable,
    Skipped,
    SourceMismatch,
    SourceMissing,
    Span,
    StoryGroup,
    UpdateSummary,
    Version,
)

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_CORPUS",
    "DEFAULT_INDEX",
    "Article",
    "ArticleNotFound",
    "ArticleView",
    "CorpusNotFound",
    "Diagnosis",
    "Entity",
    "FacetValue",
    "Health",
    "Hit",
    "Index",
    "Progress",
    "IndexLocked",
    "IndexNotFound",
    "MassRemoval",
    "NewsearchError",
    "Pair",
    "Passage",
    "QueryError",
    "Quote",
    "QuoteHit",
    "SchemaMismatch",
    "SearchResults",
    "SemanticUnavailable",
    "Skipped",
    "SourceMismatch",
    "SourceMissing",
    "Span",
    "StoryGroup",
    "UpdateSummary",
    "Version",
    "check_query",
    "diagnose",
    "index_corpus",
    "index_exists",
    "install_nlp_data",
    "open_index",
    "source_for",
    "watch",
]

"""newsearch: search news archives — ranked passages with the matches highlighted.

The public API (see ``newsearch.api``)::

    import newsearch
    newsearch.index_corpus("corpus", "index")
    with newsearch.open_index("index") as ix:
        for hit in ix.search("regime of silence").hits:
            print(hit.title, hit.passages[0].text)
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the names below are imported on first use (see __getattr__)
    from .api import (
        DEFAULT_CORPUS,
        DEFAULT_INDEX,
        Diagnosis,
        Index,
        check_index,
        check_query,
        diagnose,
        index_corpus,
        index_exists,
        install_model,
        install_nlp_data,
        is_current,
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
        IndexCheck,
        IndexDamaged,
        IndexLocked,
        IndexNotFound,
        MassRemoval,
        NewsearchError,
        Pair,
        Passage,
        Progress,
        QueryError,
        QueryTooSlow,
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
    "IndexCheck",
    "IndexDamaged",
    "IndexLocked",
    "IndexNotFound",
    "MassRemoval",
    "NewsearchError",
    "Pair",
    "Passage",
    "Progress",
    "QueryError",
    "QueryTooSlow",
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
    "check_index",
    "check_query",
    "diagnose",
    "index_corpus",
    "index_exists",
    "install_model",
    "install_nlp_data",
    "is_current",
    "open_index",
    "source_for",
    "watch",
]


def __getattr__(name: str) -> object:
    """The public names are imported on first use, from ``models`` (cheap) or ``api``: importing
    ``newsearch`` imports nothing else, so a command (or a worker process) pays only for the
    modules it needs."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    models = import_module(".models", __name__)
    value = getattr(models, name) if hasattr(models, name) else getattr(import_module(".api", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

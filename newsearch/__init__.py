"""newsearch: search news archives — ranked passages with the matches highlighted.

The public API (see ``newsearch.api``)::

    import newsearch
    newsearch.index_corpus("corpus", "index")
    with newsearch.open_index("index") as ix:
        for hit in ix.search("regime of silence").hits:
            print(hit.title, hit.passages[0].text)
"""

import sys
import types
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


def _defer_whoosh_variations(name: str = "whoosh.lang.morph_en") -> None:
    """Stand in for ``whoosh.lang.morph_en`` until something uses it.

    ``whoosh.query`` imports ``variations`` from it for Whoosh's ``Variations`` query, which
    newsearch never builds, and importing the module compiles some 25 large regular
    expressions: about 13 ms of every search process, for nothing. The stand-in's
    ``variations`` (and any other attribute) imports the real module on first use and hands
    over to it, so Whoosh behaves as before (``tests/test_cli_process.py`` checks both).
    """
    if name in sys.modules:
        return
    stand_in = types.ModuleType(name, "Stands in for whoosh.lang.morph_en until it is used (see newsearch).")

    def real() -> types.ModuleType:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        from importlib import import_module

        return import_module(name)

    def variations(word: str) -> object:
        return real().variations(word)

    def attribute_of_the_real_module(attribute: str) -> object:
        if attribute.startswith("__"):  # the import system asks for ``__path__`` and the like
            raise AttributeError(attribute)
        return getattr(real(), attribute)

    stand_in.variations = variations  # type: ignore[attr-defined]
    stand_in.__getattr__ = attribute_of_the_real_module  # type: ignore[attr-defined]
    sys.modules[name] = stand_in


_defer_whoosh_variations()

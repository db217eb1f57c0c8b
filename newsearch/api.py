"""The public, typed surface of newsearch: build an index, open it, search it.

    >>> import newsearch
    >>> newsearch.index_corpus("corpus", "index")          # build or update
    >>> with newsearch.open_index("index") as ix:
    ...     results = ix.search("regime of silence", limit=10)
    ...     for hit in results.hits:
    ...         print(hit.title, hit.passages[0].text)

The CLI (``newsearch.cli``) and any server are thin clients of exactly these calls. No Whoosh
object crosses this module: results are frozen dataclasses from ``newsearch.models``, built
before the searcher is released.
"""

from __future__ import annotations

import os
from pathlib import Path

from whoosh import index as whoosh_index

from .indexer import Progress, check_schema, index_exists, update_index
from .models import SearchResults, UpdateSummary
from .search import Mode, clean_query, parse_query, run_search, weighting

DEFAULT_INDEX = "index"
DEFAULT_CORPUS = "corpus"


def index_corpus(
    corpus: str | os.PathLike = DEFAULT_CORPUS,
    index: str | os.PathLike = DEFAULT_INDEX,
    *,
    full: bool = False,
    analyse: bool = True,
    progress: Progress | None = None,
) -> UpdateSummary:
    """Build or incrementally update the index at ``index`` from the article files in ``corpus``.

    Only new and changed files are read; deleted files are removed. ``full=True`` rebuilds from
    scratch. ``analyse=False`` skips the NLP stage (quotes, entities). ``progress(done, total)``
    is called after each file that had to be read. Raises ``CorpusNotFound`` or ``IndexLocked``.
    """
    return update_index(Path(corpus), Path(index), full=full, with_nlp=analyse, progress=progress)


def check_query(query: str) -> None:
    """Raise ``QueryError`` if ``query`` is malformed (empty, unbalanced quotes or parentheses,
    a bare ``field:``) — without touching any index, so callers can fail fast."""
    clean_query(query)


def open_index(index: str | os.PathLike = DEFAULT_INDEX, corpus: str | os.PathLike | None = None) -> Index:
    """Open the index at ``index`` for searching.

    With ``corpus``, the index is first built (if missing) or brought up to date; the summary of
    that run is ``Index.last_update``. Raises ``IndexNotFound`` or ``SchemaMismatch``.
    """
    summary = None
    if corpus is not None:
        summary = index_corpus(corpus, index)
    return Index(Path(index), last_update=summary)


class Index:
    """An open newsearch index. Use as a context manager, or call ``close()``."""

    def __init__(self, path: Path, last_update: UpdateSummary | None = None) -> None:
        meta = check_schema(path)
        self.path = path
        self.corpus = Path(meta.corpus)
        self.nlp_backends = dict(meta.nlp)
        self.last_update = last_update
        self._whoosh = whoosh_index.open_dir(str(path))
        self._searcher = self._whoosh.searcher(weighting=weighting())

    def search(self, query: str, *, limit: int = 10, mode: Mode = "all", passages: int = 3) -> SearchResults:
        """Rank the articles matching ``query`` and return the best ``limit``, with passages.

        ``mode="all"`` (the default) requires every term, as people expect of short queries;
        ``mode="any"`` ranks articles matching any term (for long, natural-language queries).
        Raises ``QueryError`` for a query that cannot be understood.
        """
        if limit < 1:
            raise ValueError("limit must be at least 1")
        parsed = parse_query(query, self._whoosh.schema, mode)
        self._see_latest_commit()
        total, hits = run_search(self._searcher, parsed, str(self.corpus), limit, passages)
        return SearchResults(query=query, total=total, hits=tuple(hits), parsed=str(parsed.query))

    def _see_latest_commit(self) -> None:
        """Search the newest committed generation. (Not ``Searcher.refresh()``: in whoosh3 3.54
        its reader reuse re-adds segments a merge removed, so documents are counted twice.)"""
        if self._whoosh.latest_generation() != self._searcher.reader().generation():
            stale, self._searcher = self._searcher, self._whoosh.searcher(weighting=weighting())
            stale.close()

    def explain(self, query: str, *, mode: Mode = "all") -> str:
        """The query as Whoosh will run it (for ``newsearch query --explain``)."""
        return str(parse_query(query, self._whoosh.schema, mode).query)

    def __len__(self) -> int:
        """The number of articles in the index."""
        return self._searcher.doc_count()

    def close(self) -> None:
        self._searcher.close()
        self._whoosh.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


__all__ = ["DEFAULT_CORPUS", "DEFAULT_INDEX", "Index", "check_query", "index_corpus", "index_exists", "open_index"]

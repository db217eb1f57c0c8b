"""newsearch itself, driven through its public API only, like any application embedding it."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import newsearch
from newsearch.embedding_store import STORE_FILE
from bench.corpora import Corpus, write_corpus
from bench.engines import Excerpt, Ranked, ShownHit, directory_bytes
from bench.queries import Mode


class NewsearchEngine:
    """``index_corpus(analyse=False)`` then ``Index.search``; every hit comes with its passages.

    NLP analysis (quotes, entities) is skipped: no baseline does it, and it does not change
    ranking. Story collapsing is off: the baselines list every article, and the TIME
    judgments are of articles, not stories. newsearch reads a directory, so a corpus whose
    titles are dropped (TIME) is first written to ``workdir`` as the other engines see it;
    speed runs use the original files.
    """

    name = "newsearch"
    semantic = False
    reuse_embeddings = False  # relevance runs set it: see ``reused_embeddings``

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.index_dir = workdir / "newsearch-index"
        self.index = None

    def build(self, corpus: Corpus) -> None:
        source = corpus.directory
        if corpus.drop_titles:
            source = write_corpus(corpus.docs, self.workdir / "corpus")
        with reused_embeddings(self.index_dir) if self.semantic and self.reuse_embeddings else nullcontext():
            newsearch.index_corpus(source, self.index_dir, full=True, analyse=False, semantic=self.semantic)
        self.index = newsearch.open_index(self.index_dir)

    def search(self, query: str, k: int, mode: Mode = "any") -> list[Ranked]:
        return [Ranked(hit.id, hit.score) for hit in self._hits(query, k, mode, passages=0)]

    def search_with_snippets(self, query: str, k: int, mode: Mode = "any") -> list[ShownHit]:
        return [
            ShownHit(hit.id, hit.score, tuple(map(passage_excerpt, hit.passages)))
            for hit in self._hits(query, k, mode, passages=3)
        ]

    def index_bytes(self) -> int | None:
        return directory_bytes(self.index_dir)

    def close(self) -> None:
        if self.index is not None:
            self.index.close()
            self.index = None

    def _hits(self, query: str, k: int, mode: Mode, passages: int):
        if not query.strip() or self.index is None:
            return ()
        found = self.index.search(query, limit=k, mode=mode, passages=passages, collapse=False)
        return found.hits


def passage_excerpt(passage) -> Excerpt:
    """A ``newsearch.Passage`` as an excerpt. Highlights are absolute body offsets, so they
    are shifted by the passage start: wrong offsets show up as unmatched marked words."""
    marked = tuple(
        passage.text[h.start - passage.start : h.end - passage.start] for h in passage.highlights
    )
    return Excerpt(passage.text, marked)


class SemanticNewsearchEngine(NewsearchEngine):
    """newsearch with semantic ranking: the index built with ``semantic=True`` (articles
    embedded), so that searches mix word matching with closeness in meaning."""

    name = "newsearch-semantic"
    semantic = True


# Embeddings of earlier runs, shared by every collection: the index's store keys a row by content
# hash and model (``embeddings.model_id``), so a row is right wherever that content is indexed.
EMBEDDING_CACHE = Path(__file__).parent / "out" / STORE_FILE


@contextmanager
def reused_embeddings(index_dir: Path, cache: Path = EMBEDDING_CACHE) -> Iterator[None]:
    """Build a semantic index in ``index_dir`` starting from ``cache``'s embeddings, and add the
    ones it made to ``cache`` afterwards (also when interrupted), so that relevance runs embed a
    collection once (LISA's 5,999 abstracts take many CPU minutes), not once a run. Never for
    timed builds: the embedding is part of what they time."""
    index_dir.mkdir(parents=True, exist_ok=True)
    store = index_dir / STORE_FILE
    if cache.exists() and not store.exists():
        shutil.copyfile(cache, store)
    try:
        yield
    finally:
        if store.exists():
            keep_embeddings(store, cache)


def keep_embeddings(store: Path, cache: Path) -> None:
    """Add ``store``'s embeddings to ``cache`` (a copy of it if there is no cache yet); rows the
    cache has are kept as they are (the same key is the same embedding)."""
    cache.parent.mkdir(parents=True, exist_ok=True)
    if not cache.exists():
        shutil.copyfile(store, cache)
        return
    connection = sqlite3.connect(cache, timeout=60, isolation_level=None)
    try:
        connection.execute("ATTACH DATABASE ? AS built", (str(store),))
        connection.execute("INSERT OR IGNORE INTO main.embeddings SELECT * FROM built.embeddings")
    finally:
        connection.close()

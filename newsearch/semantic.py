"""Hybrid ranking, for indexes built with ``--semantic``: word-matching scores mixed with how
close in meaning each matching article is to the query.

Word matching cannot find an article that tells the story in other words ("arrears" for
"debts", "a regiment withdrawn" for "forces reduced"); a sentence embedding (``embeddings``)
can, but it is blind to the exact names and numbers word matching is good at. Each ranking is
turned into z-scores over the articles the query matched (its mean 0, its spread 1), and they
are added, closeness weighing a little more (``SEMANTIC_SHARE``). The set of matching articles
does not change, only their order. A semantic search skips feedback (``FEEDBACK``): closeness in
meaning already brings in the words a question's topic is written in, which is what feedback is for.

An article's closeness is the cosine similarity of its closest window to the query. The
windows' embeddings are kept beside the index (``embedding_store``), by content hash. Which
of a segment's articles have one is read once per segment reader and store version, their
embeddings once per reader and number of them embedded (``segment_cache``): while an index is
being embedded, a search reads only which articles are, until all of its matches are.

A search ranks by meaning only when every article it matches has its embedding: while an
index is still being embedded (``indexer.embed_articles``), a query whose matches are not all
embedded yet is ranked by words alone, rather than ranking the embedded ones against the
others by a closeness the others do not have. ``fuse`` says which it did.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass

import numpy as np

from . import segment_cache
from .archive import as_text
from .embedding_store import EmbeddingStore
from .embeddings import DIMENSIONS
from .scoring import Ranking, by_segment

# The embedding's weight in the mix; word matching has the rest. 0.6 and no feedback ranked both
# TIME and LISA higher than the equal mix with feedback, in both measures (docs/BENCHMARKS.md,
# issue 18's note); 0.7 ranked TIME lower than 0.6, and 0.8 lower than the equal mix.
SEMANTIC_SHARE = 0.6
FEEDBACK = False  # whether a semantic search is re-ranked by feedback before the mix


@dataclass(frozen=True, eq=False)
class Meaning:
    """A query's embedding (unit length; or its ``Future``, while the embedding thread computes
    it: ``vector`` waits for it), and the articles' embeddings to compare it with: those by
    ``model`` in ``store``."""

    embedding: np.ndarray | Future
    store: EmbeddingStore
    model: str

    @property
    def vector(self) -> np.ndarray:
        return self.embedding.result() if isinstance(self.embedding, Future) else self.embedding


def fuse(searcher, ranking: Ranking, meaning: Meaning) -> Ranking | None:
    """``ranking`` re-ordered by ``(1 - SEMANTIC_SHARE) z(word scores) + SEMANTIC_SHARE
    z(closeness)`` (so a score is 0 for an average match); None when some article of it has no
    embedding yet (rank by words, then)."""
    closeness = closeness_to(searcher, meaning, ranking.docnums)
    if closeness is None:
        return None
    mixed = (1 - SEMANTIC_SHARE) * _standardised(ranking.scores) + SEMANTIC_SHARE * _standardised(closeness)
    return Ranking.ordered(mixed, ranking.docnums)


def closeness_to(searcher, meaning: Meaning, docnums: np.ndarray) -> np.ndarray | None:
    """The cosine similarity of each article's closest window to the query, or None when some
    of them have no embedding (yet)."""
    closeness = np.zeros(len(docnums))
    version = meaning.store.version()
    for reader, inside, local in by_segment(searcher, docnums):
        embedded = _embedded(reader, meaning.store, meaning.model, version)
        if not embedded[local].all():
            return None
        # Embeddings depend on the content alone, so the same number of them is the same ones.
        windows, first_window, window_count = segment_cache.CACHE.get(
            reader, ("embeddings", meaning.model, int(embedded.sum())), lambda: _read(reader, meaning)
        )
        # An article's windows are consecutive rows: the best of each run. (Articles without
        # windows take up no rows, so each run ends where the next stored article's begins.)
        stored = window_count > 0
        per_document = np.full(len(window_count), -1.0)
        if stored.any():
            similarity = windows @ meaning.vector.astype(np.float32)
            per_document[stored] = np.maximum.reduceat(similarity, first_window[stored])
        closeness[inside] = per_document[local]
    return closeness


def _read(reader, meaning: Meaning) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A segment's window embeddings (float32, one row a window), and each document's first
    window and window count (0: none stored)."""
    hashes = _hashes(reader)
    found = meaning.store.windows(meaning.model, (sha.decode() for sha in hashes if sha))
    stored = [found.get(sha.decode(), b"") for sha in hashes]
    counts = np.array([len(value) // (2 * DIMENSIONS) for value in stored], dtype=np.int64)
    first = np.concatenate(([0], np.cumsum(counts)[:-1])) if len(counts) else counts
    joined = b"".join(stored)
    windows = np.frombuffer(joined, dtype=np.float16).reshape(-1, DIMENSIONS).astype(np.float32)
    return windows, first, counts


def _hashes(reader) -> np.ndarray:
    return segment_cache.CACHE.get(reader, "sha256", lambda: (content_hashes(reader),))[0]


def content_hashes(reader) -> np.ndarray:
    """Each document's content hash (ASCII bytes), by document number within the segment (b""
    for none). A hash held by one document names it in its term info (its first and last
    document are the same); only copies' hashes need their postings read."""
    hashes = np.zeros(reader.doc_count_all(), dtype="S64")
    for term, info in reader.iter_field("sha256"):
        first = info.min_id()
        if first == info.max_id():
            hashes[first] = as_text(term).encode()
        else:
            hashes[list(reader.postings("sha256", term).all_ids())] = as_text(term).encode()
    return hashes


def _embedded(reader, store: EmbeddingStore, model: str, version: int) -> np.ndarray:
    """Which of the segment's documents have an embedding by ``model`` (a mask by docnum)."""

    def read() -> tuple[np.ndarray]:
        done = {sha.encode() for sha in store.embedded(model)}
        return (np.array([sha in done for sha in _hashes(reader)], dtype=bool),)

    return segment_cache.CACHE.get(reader, ("embedded", model, version), read)[0]


def embedded_articles(searcher, store: EmbeddingStore, model: str) -> int:
    """How many of the searcher's articles have an embedding by ``model`` in ``store``."""
    version, count = store.version(), 0
    for leaf, _ in searcher.leaf_searchers():
        reader = leaf.reader()
        embedded = _embedded(reader, store, model, version)
        count += int(embedded[list(reader.all_doc_ids())].sum())
    return count


def _standardised(values: np.ndarray) -> np.ndarray:
    spread = values.std() if len(values) else 0
    return (values - values.mean()) / spread if spread > 0 else np.zeros_like(values, dtype=np.float64)

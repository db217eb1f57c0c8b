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
windows' embeddings are stored in the index (the ``embedding`` column) and read once per
segment reader (``segment_cache``).
"""

from __future__ import annotations

import numpy as np

from . import segment_cache
from .embeddings import DIMENSIONS
from .scoring import Ranking, by_segment

# The embedding's weight in the mix; word matching has the rest. 0.6 and no feedback ranked both
# TIME and LISA higher than the equal mix with feedback, in both measures (docs/BENCHMARKS.md,
# issue 18's note); 0.7 ranked TIME lower than 0.6, and 0.8 lower than the equal mix.
SEMANTIC_SHARE = 0.6
FEEDBACK = False  # whether a semantic search is re-ranked by feedback before the mix
EMBEDDING_FIELD = "embedding"


def fuse(searcher, ranking: Ranking, query_vector: np.ndarray) -> Ranking:
    """``ranking`` re-ordered by ``(1 - SEMANTIC_SHARE) z(word scores) + SEMANTIC_SHARE
    z(closeness)``; a ranking of fewer than two articles is left as it is."""
    if len(ranking) < 2:
        return ranking
    closeness = closeness_to(searcher, query_vector, ranking.docnums)
    mixed = (1 - SEMANTIC_SHARE) * _standardised(ranking.scores) + SEMANTIC_SHARE * _standardised(closeness)
    return Ranking.ordered(mixed, ranking.docnums)


def closeness_to(searcher, query_vector: np.ndarray, docnums: np.ndarray) -> np.ndarray:
    """The cosine similarity of each article's closest window to ``query_vector`` (an article
    stored without an embedding counts as -1, the farthest there is)."""
    closeness = np.full(len(docnums), -1.0)
    for reader, inside, local in by_segment(searcher, docnums):
        windows, first_window, window_count = segment_cache.CACHE.get(reader, EMBEDDING_FIELD, lambda: _read(reader))
        per_document = np.full(len(window_count), -1.0)
        stored = window_count > 0
        if stored.any():
            # An article's windows are consecutive rows: the best of each run. (Articles without
            # windows take up no rows, so each run ends where the next stored article's begins.)
            similarity = windows @ query_vector.astype(np.float32)
            per_document[stored] = np.maximum.reduceat(similarity, first_window[stored])
        closeness[inside] = per_document[local]
    return closeness


def _read(reader) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A segment's window embeddings (float32, one row a window), and each document's first
    window and window count."""
    column = reader.column_reader(EMBEDDING_FIELD)
    stored = [column[docnum] for docnum in range(reader.doc_count_all())]
    counts = np.array([len(value) // (2 * DIMENSIONS) for value in stored], dtype=np.int64)
    first = np.concatenate(([0], np.cumsum(counts)[:-1])) if len(counts) else counts
    joined = b"".join(stored)
    windows = np.frombuffer(joined, dtype=np.float16).reshape(-1, DIMENSIONS).astype(np.float32)
    return windows, first, counts


def _standardised(values: np.ndarray) -> np.ndarray:
    spread = values.std()
    return (values - values.mean()) / spread if spread > 0 else np.zeros_like(values, dtype=np.float64)

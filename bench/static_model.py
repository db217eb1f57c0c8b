"""A static embedding model distilled from the installed MiniLM (the Model2Vec recipe), a
candidate measured by ``bench.embedding_cost`` (issue 22) and not adopted: on TIME it adds
nothing to word ranking (see docs/BENCHMARKS.md, the embedding cost section).

Every vocabulary token goes through MiniLM alone (``[CLS] token [SEP]``, mean-pooled); the
vectors are centred, reduced by PCA and weighted by a Zipf-prior SIF weight; a text's
embedding is the normalised mean of its tokens' rows: no model run per article.
"""

from __future__ import annotations

import numpy as np

from newsearch import embeddings

FIRST_WORD = 999  # token ids below are [PAD], [unused…], [UNK], [CLS], [SEP], [MASK]
MOST_FREQUENT = 1996  # "the": from here on, BERT's vocabulary lists whole words, most frequent first
DISTIL_BATCH = 512  # vocabulary tokens encoded together


def token_outputs(model: embeddings.Encoder) -> np.ndarray:
    """MiniLM's embedding of each vocabulary token alone (``[CLS] token [SEP]``, mean-pooled,
    not normalised), one row a token id."""
    vocabulary = model.word.shape[0]
    rows = [
        model.encode([[embeddings._CLS, token, embeddings._SEP] for token in range(first, min(first + DISTIL_BATCH, vocabulary))], unit=False)
        for first in range(0, vocabulary, DISTIL_BATCH)
    ]
    return np.concatenate(rows)


def distil(outputs: np.ndarray, dimensions: int, sif: float) -> np.ndarray:
    """The static table (the Model2Vec recipe): the tokens' MiniLM embeddings, centred and
    reduced to their ``dimensions`` principal components, each token's row weighted by
    ``sif / (sif + p)`` where ``p`` is its probability under a Zipf prior on its rank (BERT's
    vocabulary lists single characters and symbols, then words by frequency from id 1996 on), so
    that frequent tokens count less in an article's mean. Special and unused tokens get zero rows."""
    mean, axes = principal_axes(outputs, dimensions)
    words = outputs[FIRST_WORD:].astype(np.float64)
    table = np.zeros((len(outputs), dimensions), np.float64)
    table[FIRST_WORD:] = (words - mean) @ axes.T
    # Rank 1 for "the" (id 1996) and for every single character and symbol before it.
    rank = np.maximum(np.arange(FIRST_WORD, len(outputs), dtype=np.float64) - MOST_FREQUENT + 1, 1)
    probability = (1 / rank) / (1 / rank).sum()
    table[FIRST_WORD:] *= (sif / (sif + probability))[:, None]
    return table.astype(np.float32)


def principal_axes(outputs: np.ndarray, dimensions: int) -> tuple[np.ndarray, np.ndarray]:
    """The mean of the word tokens' MiniLM embeddings and their first ``dimensions`` principal
    axes (one a row; each axis's sign fixed so that equal inputs give equal tables)."""
    words = outputs[FIRST_WORD:].astype(np.float64)
    mean = words.mean(axis=0)
    _, _, axes = np.linalg.svd(words - mean, full_matrices=False)
    axes = axes[:dimensions]
    return mean, axes * np.where(axes.sum(axis=1) < 0, -1.0, 1.0)[:, None]


class StaticModel:
    """A text's embedding as the normalised mean of its tokens' rows in a static table: no
    model run, so an article costs its tokenisation and one sum."""

    def __init__(self, tokenizer, table: np.ndarray) -> None:
        self.tokenizer, self.table = tokenizer, table

    def embed(self, text: str) -> np.ndarray:
        """``text``'s embedding, unit length (all zeros for a text without a word)."""
        return self.embed_windows(text, None)[0]

    def embed_windows(self, text: str, size: int | None) -> np.ndarray:
        """One unit-length embedding per window of ``size`` tokens of ``text`` (None: one for
        the whole text)."""
        ids = np.array(self.tokenizer.encode(text, add_special_tokens=False).ids, dtype=np.int64)
        step = size or max(len(ids), 1)
        sums = np.stack([self.table[ids[i : i + step]].sum(axis=0) for i in range(0, max(len(ids), 1), step)])
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        return np.divide(sums, norms, out=np.zeros_like(sums), where=norms > 0)

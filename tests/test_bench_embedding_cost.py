"""``bench embedding-cost`` re-ranks a word index's matches by each point's closeness: a search
under its patches must rank by meaning, or every point would measure word ranking."""

from __future__ import annotations

import numpy as np
import pytest

import newsearch

from .conftest import write_corpus

pytest.importorskip("rank_bm25", reason="bench dependency group not installed (uv run --all-groups pytest)")


def test_a_point_ranks_by_its_closeness(tmp_path):
    from bench.embedding_cost import _closeness, _query_embedding

    texts = {f"{i}.txt": f"Story {i}\n\nThe harbour reopened and shipping resumed, report {i}." for i in range(3)}
    newsearch.index_corpus(write_corpus(tmp_path / "corpus", texts), tmp_path / "index", analyse=False, semantic=False)
    with newsearch.open_index(tmp_path / "index") as index:
        order = sorted(index._searcher.document_numbers())
        ids = [index._searcher.stored_fields(d)["id"] for d in order]
        closest = ids.index("2.txt")
        vectors = [np.eye(4, dtype=np.float32)[[k]] for k in range(len(ids))]
        index.semantic = True  # as the bench does: the word index ranked as a semantic one
        with _closeness(order, vectors), _query_embedding(index, lambda query: np.eye(4, dtype=np.float32)[closest]):
            found = index.search("harbour shipping", mode="any", collapse=False)
    assert found.ranking == "semantic"
    assert found.hits[0].id == "2.txt"

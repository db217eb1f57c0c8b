"""The relevance bench embeds a collection once: a semantic index starts from the embeddings of
earlier runs (``bench/out/embeddings.sqlite3``) and adds its own to them. With the fake model."""

from __future__ import annotations

import pytest

import newsearch

from .conftest import write_corpus
from .test_embedding_phase import articles, fake_model, search, stored_embeddings  # noqa: F401 (a fixture)

pytest.importorskip("rank_bm25", reason="bench dependency group not installed (uv run --all-groups pytest)")


def test_a_second_run_embeds_only_what_no_run_embedded(tmp_path, fake_model):  # noqa: F811
    from bench.newsearch_engine import reused_embeddings

    cache = tmp_path / "out" / "embeddings.sqlite3"
    for run, count in (("first", 4), ("second", 4), ("larger", 6)):
        corpus = write_corpus(tmp_path / f"corpus-{run}", articles(count))
        with reused_embeddings(tmp_path / run, cache):
            newsearch.index_corpus(corpus, tmp_path / run, full=True, analyse=False, semantic=True)
        assert search(tmp_path / run).ranking == "semantic"
    assert fake_model == [f"Story {i:03d}" for i in (0, 1, 2, 3, 4, 5)]  # the second run embedded nothing
    assert stored_embeddings(cache.parent) == 6

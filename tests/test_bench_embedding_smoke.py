"""Smoke test of ``python -m bench embedding`` on a tiny corpus with the fake model: the three
builds run and the section has its row. No timings are checked; real figures come from
``python -m bench embedding`` on BBC and Reuters."""

from __future__ import annotations

import pytest

from .conftest import write_corpus
from .test_embedding_phase import articles, fake_model  # noqa: F401 (a fixture)

pytest.importorskip("rank_bm25", reason="bench dependency group not installed (uv run --all-groups pytest)")


@pytest.mark.parametrize("limit", [None, 2])
def test_embedding_section_has_its_row(tmp_path, fake_model, limit):  # noqa: F811
    from bench.embedding import measure, section

    corpus = write_corpus(tmp_path / "tiny", articles(5))
    timing = measure("tiny", corpus, limit)
    assert timing.articles == 5 and 0 < timing.searchable <= timing.embedded
    text = section(timing)
    assert "| tiny | 5 |" in text and "Targets (issue 22)" in text
    if limit is None:
        assert timing.ranking == "semantic" and "extrapolated" not in text
    else:
        assert "extrapolated from the first 2 articles" in text and "partly embedded" in text

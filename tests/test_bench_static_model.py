"""The static embedding model the embedding-cost bench measures (bench/static_model.py),
distilled from a tiny fake BERT written into tmp_path."""

from __future__ import annotations

import numpy as np
import pytest

from bench.static_model import FIRST_WORD, StaticModel, distil, token_outputs
from newsearch import embeddings

from .test_semantic import FAKE_WORDS, write_fake_model


@pytest.fixture
def model(tmp_path) -> StaticModel:
    directory = write_fake_model(tmp_path / "model")
    table = distil(token_outputs(embeddings.Encoder(directory)), 8, 1e-3)
    return StaticModel(embeddings._tokenizer(directory), table)


def test_the_table_is_distilled_from_the_model_deterministically(model, tmp_path):
    table = model.table
    assert table.shape == (FIRST_WORD + len(FAKE_WORDS), 8)
    assert not table[:FIRST_WORD].any()  # specials and unused tokens: zero rows
    assert np.abs(table[FIRST_WORD:]).sum(axis=1).min() > 0
    again = write_fake_model(tmp_path / "again")  # the same model, written again
    np.testing.assert_array_equal(distil(token_outputs(embeddings.Encoder(again)), 8, 1e-3), table)
    other = write_fake_model(tmp_path / "other", seed=1)
    assert not np.array_equal(distil(token_outputs(embeddings.Encoder(other)), 8, 1e-3), table)


def test_a_text_is_the_normalised_mean_of_its_tokens_rows(model):
    ids = model.tokenizer.encode("Peace talks, peace!", add_special_tokens=False).ids
    expected = model.table[ids].mean(axis=0)
    np.testing.assert_allclose(model.embed("Peace talks, peace!"), expected / np.linalg.norm(expected), rtol=1e-5)
    windows = model.embed_windows("peace talks war army truce", 2)
    assert windows.shape == (3, 8) and np.allclose(np.linalg.norm(windows, axis=1), 1)
    assert not model.embed("").any()  # no word: zeros, not NaN

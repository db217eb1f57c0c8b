"""Semantic ranking: the numpy MiniLM encoder, embeddings stored beside the index, and the
hybrid ranking a search of a semantic index makes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import newsearch
from newsearch import embeddings, indexer, semantic
from newsearch.cli import app

from .conftest import write_corpus

# Two articles that both match "peace talks to end the war": the football one by repeating
# "talks", the truce one by meaning (negotiations, ceasefire, fighting) with one word in common.
ARTICLES = {
    "football.txt": "Club news\n\nThe club held talks with sponsors about the new season. The talks went well, "
    "and more talks with the mayor about the stadium are planned before the season starts.",
    "truce.txt": "Negotiators meet\n\nEnvoys of the two armies met in Geneva to end the fighting. Their "
    "negotiations on a ceasefire resumed after the war had killed thousands.",
    "weather.txt": "Storm warning\n\nHeavy rain and wind are expected across the coast this weekend, forecasters said.",
    "markets.txt": "Shares fall\n\nStock markets fell sharply on Monday as investors worried about interest rates "
    "and the war in the region.",
}
QUERY = "peace talks to end the war"


@pytest.fixture(scope="module")
def semantic_index(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("semantic")
    corpus = write_corpus(root / "corpus", ARTICLES)
    newsearch.index_corpus(corpus, root / "index", analyse=False, semantic=True)
    return root / "index"


def test_embeddings_equal_sentence_transformers():
    # The first six dimensions of each text's embedding as sentence-transformers 6.3.0 (PyTorch)
    # computes them for all-MiniLM-L6-v2, and their cosine similarity.
    texts = [
        "The United States warned it would limit its U.N. payments if nations in arrears fail to pay up.",
        "Syrian activists say a regime of silence surrounds the Aleppo ceasefire.",
    ]
    expected = [
        [-0.024703, -0.0145239, -0.0134037, 0.0157427, -0.0285554, -0.0460859],
        [0.0550219, 0.0678213, 0.0381436, 0.0074151, -0.0090169, -0.0237652],
    ]
    vectors = np.stack([embeddings.encoder().embed_windows(text)[0] for text in texts])
    np.testing.assert_allclose(vectors[:, :6], expected, atol=1e-6)
    assert vectors[0] @ vectors[1] == pytest.approx(0.1093779, abs=1e-6)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)


def test_a_long_article_is_embedded_a_window_at_a_time():
    encoder = embeddings.encoder()
    text = "The ceasefire held in Aleppo. " * 200  # 6 tokens a sentence: 1,200 tokens
    windows = encoder.windows(text)
    assert len(windows) == 5  # 254 tokens a window, besides [CLS] and [SEP]
    assert sum(len(window) - 2 for window in windows) == 1200
    assert all(len(window) <= embeddings.MAX_TOKENS for window in windows)
    assert all(window[0] == 101 and window[-1] == 102 for window in windows)  # [CLS] ... [SEP]
    assert len(encoder.windows("word " * 10_000)) == embeddings.MAX_WINDOWS


def test_semantic_ranking_puts_the_article_that_means_the_query_first(semantic_index):
    with newsearch.open_index(semantic_index) as ix:
        assert ix.semantic
        by_words = ix.search(QUERY, mode="any", semantic=False, feedback=False)
        by_both = ix.search(QUERY, mode="any", feedback=False)
    assert [hit.id for hit in by_words.hits][:2] == ["football.txt", "truce.txt"]
    assert [hit.id for hit in by_both.hits][:2] == ["truce.txt", "football.txt"]
    # Only the order changes: the same articles match.
    assert {hit.id for hit in by_both.hits} == {hit.id for hit in by_words.hits}
    assert by_both.total == by_words.total


def test_a_semantic_search_is_not_reranked_by_feedback(semantic_index):
    # Closeness in meaning does feedback's work: the mix is the same with feedback asked for or not.
    question = "peace talks to end the war between the two armies"
    with newsearch.open_index(semantic_index) as ix:
        asked = ix.search(question, collapse=False)
        without = ix.search(question, collapse=False, feedback=False)
        by_words = ix.search(question, collapse=False, semantic=False)
        by_words_without = ix.search(question, collapse=False, semantic=False, feedback=False)
    assert [(h.id, h.score) for h in asked.hits] == [(h.id, h.score) for h in without.hits]
    # Word ranking alone still takes feedback.
    assert [h.score for h in by_words.hits] != [h.score for h in by_words_without.hits]


def test_closeness_is_the_best_window_across_segments_and_deletions(tmp_path, monkeypatch):
    monkeypatch.setattr(indexer, "PURGE_SHARE", 1.01)  # keep the deleted article in its segment
    corpus = write_corpus(tmp_path / "corpus", dict(list(ARTICLES.items())[:2]))
    index = tmp_path / "index"
    newsearch.index_corpus(corpus, index, analyse=False, semantic=True)
    write_corpus(corpus, dict(list(ARTICLES.items())[2:]))  # a second segment
    long_article = "Long read\n\n" + "Markets rallied on Friday. " * 150 + "The generals agreed a truce to end the war."
    write_corpus(corpus, {"long.txt": long_article})
    (corpus / "football.txt").unlink()  # a deletion in the first segment
    newsearch.index_corpus(corpus, index, analyse=False)
    with newsearch.open_index(index) as ix:
        meaning = ix._meaning("a truce to end the war")
        query = meaning.vector
        searcher = ix._searcher
        assert len(searcher.reader().leaf_readers()) >= 2
        docnums = np.array(sorted(searcher.document_numbers()), dtype=np.int64)
        got = semantic.closeness_to(searcher, meaning, docnums)
        closest_window = {}
        for docnum, closeness in zip(docnums.tolist(), got):
            fields = searcher.stored_fields(docnum)
            similarity = embeddings.encoder().embed_windows(f"{fields['title']}\n{fields['body']}") @ query
            assert closeness == pytest.approx(float(similarity.max()), abs=2e-3)  # stored as float16
            closest_window[fields["id"]] = (int(similarity.argmax()), len(similarity))
    assert sorted(closest_window) == ["long.txt", "markets.txt", "truce.txt", "weather.txt"]
    assert closest_window["long.txt"] == (2, 3)  # the truce is in its last window, not its first


def stored_closeness(index: Path) -> dict[str, float]:
    """Each article's closeness to QUERY as its stored embedding gives it."""
    with newsearch.open_index(index) as ix:
        searcher = ix._searcher
        docnums = np.array(sorted(searcher.document_numbers()), dtype=np.int64)
        closeness = semantic.closeness_to(searcher, ix._meaning(QUERY), docnums)
        return {searcher.stored_fields(d)["id"]: float(c) for d, c in zip(docnums.tolist(), closeness)}


def test_the_index_keeps_its_setting_and_switching_embeds_or_drops(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    index = tmp_path / "index"
    newsearch.index_corpus(corpus, index, analyse=False, semantic=True)
    write_corpus(corpus, {"extra.txt": "Late news\n\nThe envoys signed an accord."})
    update = newsearch.index_corpus(corpus, index, analyse=False)  # semantic=None: as it is
    assert update.added == ("extra.txt",) and not update.full_rebuild
    with newsearch.open_index(index) as ix:
        assert ix.semantic
    assert len(stored_closeness(index)) == 5 and min(stored_closeness(index).values()) > -1  # all embedded
    off = newsearch.index_corpus(corpus, index, analyse=False, semantic=False)
    assert not off.full_rebuild and not off.changed  # the words stay as they are
    assert off.notes == ("semantic ranking turned off: embeddings dropped",)
    with newsearch.open_index(index) as ix:
        assert not ix.semantic and ix.health().embedded == 0
        found = ix.search(QUERY, mode="any", feedback=False)
        assert found.hits[0].id == "football.txt" and found.ranking == "words"
    on = newsearch.index_corpus(corpus, index, analyse=False, semantic=True)
    assert not on.changed and on.embedded == 5
    with newsearch.open_index(index) as ix:
        assert ix.search(QUERY, mode="any", feedback=False).ranking == "semantic"


def test_a_full_rebuild_keeps_unchanged_articles_embeddings(tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    index = tmp_path / "index"
    newsearch.index_corpus(corpus, index, analyse=False, semantic=True)
    before = stored_closeness(index)
    embedded: list[str] = []
    real = embeddings.embed_article
    monkeypatch.setattr(embeddings, "embed_article", lambda title, body: embedded.append(title) or real(title, body))
    write_corpus(corpus, {"weather.txt": "Storm warning\n\nThe storm has passed; the ceasefire talks go on."})
    rebuilt = newsearch.index_corpus(corpus, index, analyse=False, full=True)
    assert rebuilt.full_rebuild and len(rebuilt.added) == 4
    assert embedded == ["Storm warning"]  # only the changed article went through the model
    after = stored_closeness(index)
    assert {k: v for k, v in after.items() if k != "weather.txt"} == {k: v for k, v in before.items() if k != "weather.txt"}
    assert after["weather.txt"] != before["weather.txt"]


def test_cli_builds_and_queries_a_semantic_index(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    index = str(tmp_path / "index")
    runner = CliRunner()
    built = runner.invoke(app, ["index", "--corpus", str(corpus), "--index", index, "--no-nlp", "--semantic", "--json"])
    assert built.exit_code == 0, built.output
    where = ["--index", index, "--corpus", str(corpus)]
    found = runner.invoke(app, ["query", QUERY, *where, "--any", "--no-feedback", "--json"])
    assert json.loads(found.stdout)["hits"][0]["id"] == "truce.txt"
    words = runner.invoke(app, ["query", QUERY, *where, "--any", "--no-feedback", "--no-semantic", "--json"])
    assert json.loads(words.stdout)["hits"][0]["id"] == "football.txt"
    assert "semantic ranking on, all 4 articles embedded" in runner.invoke(app, ["doctor", "--index", index]).stdout


def test_without_the_model_semantic_is_a_one_line_error_and_nothing_is_written(tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    index = tmp_path / "index"
    newsearch.index_corpus(corpus, index, analyse=False)
    before = sorted(path.name for path in index.iterdir())
    monkeypatch.setattr(embeddings, "MODEL_PACKAGE", "no_such_model_package")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "no-data"))  # nor one from `newsearch setup --model`
    monkeypatch.delenv("NEWSEARCH_MODEL", raising=False)
    result = CliRunner().invoke(app, ["index", "--corpus", str(corpus), "--index", str(index), "--semantic"])
    assert result.exit_code == 2
    assert "newsearch setup --model" in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(path.name for path in index.iterdir()) == before
    with newsearch.open_index(index) as ix:
        assert not ix.semantic and len(ix) == 4


def test_a_semantic_index_without_the_model_is_searched_and_updated_by_words(semantic_index, tmp_path, monkeypatch):
    # Last in the module: it adds a file to the shared fixture's corpus.
    monkeypatch.setattr(embeddings, "MODEL_PACKAGE", "no_such_model_package")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "no-data"))  # nor one from `newsearch setup --model`
    monkeypatch.delenv("NEWSEARCH_MODEL", raising=False)
    clear_models()
    try:
        with newsearch.open_index(semantic_index) as ix:
            found = ix.search(QUERY, mode="any", feedback=False)
            assert found.ranking == "words" and found.hits[0].id == "football.txt"
        corpus = Path(ix.corpus)
        assert newsearch.index_corpus(corpus, semantic_index, analyse=False).unchanged == 4
        write_corpus(corpus, {"late.txt": "Late news\n\nThe envoys signed an accord."})
        update = newsearch.index_corpus(corpus, semantic_index, analyse=False)
        assert update.added == ("late.txt",) and update.embedded == 0
        assert any("newsearch setup --model" in note for note in update.notes)
        with newsearch.open_index(semantic_index) as ix:
            assert len(ix) == 5 and ix.semantic
    finally:
        clear_models()


def clear_models() -> None:
    for cached in (embeddings.encoder, embeddings.model_id):
        cached.cache_clear()
    embeddings.forget_queries()


# --------------------------------------------------------------------------- what keys the cache


FAKE_WORDS = "the of and a to in war peace talks truce army rain storm club season market shares".split()


def write_fake_model(directory: Path, seed: int = 0, width: int = 24, depth: int = 2, positions: int = 16) -> Path:
    """A tiny BERT of MiniLM's layout (random weights, 12 heads, ``depth`` layers, ``width``
    dimensions, ``positions`` tokens at most) with a word-piece vocabulary of BERT's shape: specials and unused tokens
    below id 999, words from there."""
    from safetensors.numpy import save_file
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

    specials = {"[PAD]": 0, "[UNK]": 100, "[CLS]": 101, "[SEP]": 102, "[MASK]": 103}
    vocabulary = {f"[unused{i}]": i for i in range(999) if i not in specials.values()} | specials
    vocabulary.update({word: 999 + i for i, word in enumerate(FAKE_WORDS)})
    tokenizer = Tokenizer(models.WordPiece(vocabulary, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    directory.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(directory / "tokenizer.json"))
    (directory / "config.json").write_text(json.dumps({"num_attention_heads": 12}))
    rng = np.random.default_rng(seed)

    def random(*shape: int) -> np.ndarray:
        return rng.normal(0, 0.2, shape).astype(np.float32)

    weights = {
        "embeddings.word_embeddings.weight": random(999 + len(FAKE_WORDS), width),
        "embeddings.position_embeddings.weight": random(positions, width),
        "embeddings.token_type_embeddings.weight": random(2, width),
        "embeddings.LayerNorm.weight": np.ones(width, np.float32),
        "embeddings.LayerNorm.bias": np.zeros(width, np.float32),
    }
    for layer in range(depth):
        prefix = f"encoder.layer.{layer}."
        for name in ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"):
            weights[f"{prefix}{name}.weight"], weights[f"{prefix}{name}.bias"] = random(width, width), random(width)
        weights[f"{prefix}intermediate.dense.weight"], weights[f"{prefix}intermediate.dense.bias"] = random(4 * width, width), random(4 * width)
        weights[f"{prefix}output.dense.weight"], weights[f"{prefix}output.dense.bias"] = random(width, 4 * width), random(width)
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            weights[f"{prefix}{norm}.weight"], weights[f"{prefix}{norm}.bias"] = np.ones(width, np.float32), np.zeros(width, np.float32)
    save_file(weights, str(directory / "model.safetensors"))
    return directory


@pytest.fixture
def fake_model(tmp_path, monkeypatch):
    """The fake model installed in place of MiniLM."""
    directory = write_fake_model(tmp_path / "model")
    monkeypatch.setattr(embeddings, "model_dir", lambda: directory)
    monkeypatch.setattr(embeddings, "DIMENSIONS", 24)
    clear_models()
    yield directory
    clear_models()


def test_the_cache_key_changes_with_the_model_and_the_code(fake_model, monkeypatch):
    key = embeddings.model_id()
    assert key == embeddings.model_id()
    # The fake model embeds like the real one: windows of its width, unit length.
    stored = np.frombuffer(embeddings.embed_article("Truce", "The army and the war."), dtype=np.float16)
    assert stored.shape == (24,) and np.linalg.norm(stored.astype(np.float32)) == pytest.approx(1, abs=1e-2)
    write_fake_model(fake_model, seed=1)  # other weights, same file names
    embeddings.model_id.cache_clear()
    changed_model = embeddings.model_id()
    assert changed_model != key
    monkeypatch.setattr(embeddings, "MAX_WINDOWS", 2)  # less of each article embedded
    embeddings.model_id.cache_clear()
    fewer_windows = embeddings.model_id()
    monkeypatch.setattr(embeddings, "EMBEDDING_VERSION", embeddings.EMBEDDING_VERSION + 1)
    embeddings.model_id.cache_clear()
    assert len({key, changed_model, fewer_windows, embeddings.model_id()}) == 4


def test_a_repeated_query_is_not_embedded_again(monkeypatch):
    first = embeddings.embed_query("a truce to end the war")
    monkeypatch.setattr(embeddings, "encoder", lambda: pytest.fail("embedded again"))
    again = embeddings.embed_query("a truce to end the war")
    np.testing.assert_array_equal(again, first)
    assert not again.flags.writeable  # kept for the next search: nobody may change it


def test_content_hashes_name_every_article_copies_included(tmp_path):
    copies = ARTICLES | {"copy-of-truce.txt": ARTICLES["truce.txt"], "another-copy.txt": ARTICLES["truce.txt"]}
    corpus = write_corpus(tmp_path / "corpus", copies)
    newsearch.index_corpus(corpus, tmp_path / "index", analyse=False)
    with newsearch.open_index(tmp_path / "index") as ix:
        searcher = ix._searcher
        for leaf, _ in searcher.leaf_searchers():
            reader = leaf.reader()
            hashes = semantic.content_hashes(reader)
            stored = {docnum: fields["sha256"] for docnum, fields in reader.iter_docs()}
            assert {docnum: hashes[docnum].decode() for docnum in stored} == stored
            assert len(stored) == len(copies) and len(set(stored.values())) == len(ARTICLES)

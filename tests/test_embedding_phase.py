"""Searchable first, meaning after (#22): the words of an index are committed before any
article is embedded; embedding follows in the same run (interruptible, resumable) or in idle
time under ``watch``; a search ranks by meaning once every article it matches is embedded,
and says which ranking it used.

A fake model stands in for MiniLM (a hashed bag of words, a few milliseconds an article):
what is tested is the machinery around the model, not the model.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import newsearch
from newsearch import embeddings, indexer
from newsearch.cli import app
from newsearch.embedding_store import STORE_FILE
from newsearch.models import SearchResults
from newsearch.render import results_json

from .conftest import SHIPPED_CORPUS, write_corpus

runner = CliRunner()

FAKE_MODEL = textwrap.dedent(
    """
    import time, zlib
    from pathlib import Path
    import numpy as np
    from newsearch import embeddings

    def vector(text):
        counts = np.zeros(embeddings.DIMENSIONS, np.float32)
        for word in text.lower().split():
            counts[zlib.crc32(word.encode()) % embeddings.DIMENSIONS] += 1
        counts[0] += 1e-3
        return counts / np.linalg.norm(counts)

    def install(log=None, delay=0.0):
        def embed_article(title, body):
            time.sleep(delay)
            if log is not None:
                with open(log, "a") as handle:
                    handle.write(title + "\\n")
            return vector(f"{title} {body}").astype(np.float16).tobytes()

        embeddings.model_dir = lambda: Path(".")
        embeddings.embed_article = embed_article
        embeddings.embed_query = vector
    """
)


def articles(count: int) -> dict[str, str]:
    return {f"{i:03d}.txt": f"Story {i:03d}\n\nThe harbour reopened, report {i}, shipping resumed." for i in range(count)}


@pytest.fixture
def fake_model(monkeypatch) -> list[str]:
    """The fake model in this process; the titles it embedded, in order."""
    namespace: dict = {}
    exec(FAKE_MODEL, namespace)
    embedded: list[str] = []
    for name in ("model_dir", "embed_article", "embed_query"):
        monkeypatch.setattr(embeddings, name, getattr(embeddings, name))  # restored afterwards
    namespace["install"]()
    real = embeddings.embed_article
    monkeypatch.setattr(embeddings, "embed_article", lambda title, body: embedded.append(title) or real(title, body))
    return embedded


def stored_embeddings(index: Path) -> int:
    try:
        with sqlite3.connect(f"file:{index / STORE_FILE}?mode=ro", uri=True) as connection:
            return connection.execute("SELECT count(*) FROM embeddings").fetchone()[0]
    except sqlite3.Error:
        return 0


def search(index: Path, query: str = "harbour shipping", **options) -> SearchResults:
    with newsearch.open_index(index) as ix:
        return ix.search(query, feedback=False, **options)


# --------------------------------------------------------------------------- in the same run


def test_words_are_committed_before_anything_is_embedded(tmp_path, fake_model, monkeypatch):
    corpus, index = write_corpus(tmp_path / "corpus", articles(12)), tmp_path / "index"
    seen: list[tuple[int, str]] = []
    real = embeddings.embed_article

    def embed_and_look(title, body):
        if not seen:  # the first article through the model: every word is searchable already
            found = search(index)
            seen.append((found.total, found.ranking))
        return real(title, body)

    monkeypatch.setattr(embeddings, "embed_article", embed_and_look)
    summary = newsearch.index_corpus(corpus, index, analyse=False, semantic=True)
    assert seen == [(12, "words")]
    assert summary.embedded == 12 and len(summary.added) == 12
    assert 0 < summary.searchable_seconds <= summary.seconds
    assert search(index).ranking == "semantic"


def test_ctrl_c_while_embedding_keeps_the_words_and_the_finished_batches(tmp_path, fake_model, monkeypatch):
    corpus, index = write_corpus(tmp_path / "corpus", articles(12)), tmp_path / "index"
    monkeypatch.setattr(indexer, "EMBED_BATCH", 4)
    real = embeddings.embed_article

    def interrupted(title, body):
        if title == "Story 006":
            raise KeyboardInterrupt
        return real(title, body)

    monkeypatch.setattr(embeddings, "embed_article", interrupted)
    with pytest.raises(KeyboardInterrupt):
        newsearch.index_corpus(corpus, index, analyse=False, semantic=True)
    assert stored_embeddings(index) == 4  # the first batch; the second was cut short
    found = search(index)
    assert found.total == 12 and found.ranking == "words"  # searchable, by words meanwhile
    monkeypatch.setattr(embeddings, "embed_article", real)
    fake_model.clear()
    again = newsearch.index_corpus(corpus, index, analyse=False)  # semantic=None: as the index is
    assert not again.changed and again.embedded == 8
    assert fake_model == [f"Story {i:03d}" for i in range(4, 12)]  # nothing embedded twice
    assert search(index).ranking == "semantic"


KILLED_RUN = FAKE_MODEL + textwrap.dedent(
    """
    import sys
    import newsearch
    from newsearch import indexer
    indexer.EMBED_BATCH = 5
    install(log=sys.argv[3], delay=0.05)
    newsearch.index_corpus(sys.argv[1], sys.argv[2], analyse=False, semantic=True)
    """
)


def test_a_killed_embedding_run_keeps_what_it_embedded_and_the_next_run_goes_on(tmp_path, fake_model):
    corpus, index, log = write_corpus(tmp_path / "corpus", articles(40)), tmp_path / "index", tmp_path / "log"
    process = subprocess.Popen([sys.executable, "-c", KILLED_RUN, str(corpus), str(index), str(log)])
    deadline = time.monotonic() + 60
    while stored_embeddings(index) < 10 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    process.kill()
    process.wait()
    kept = stored_embeddings(index)
    assert 10 <= kept < 40 and kept % 5 == 0  # whole batches only
    assert len(log.read_text().splitlines()) < 40  # killed mid-way
    found = search(index)
    assert found.total == 40 and found.ranking == "words"
    again = newsearch.index_corpus(corpus, index, analyse=False)
    assert again.embedded == 40 - kept and not again.changed
    assert fake_model == [f"Story {i:03d}" for i in range(kept, 40)]  # the rest, each once
    assert stored_embeddings(index) == 40
    assert search(index).ranking == "semantic"
    assert newsearch.index_corpus(corpus, index, analyse=False).embedded == 0


TERMINATED_CLI = FAKE_MODEL + textwrap.dedent(
    """
    import sys
    from newsearch import indexer
    from newsearch.cli import app
    indexer.EMBED_BATCH = 5
    install(delay=0.05)
    app(["index", "--corpus", sys.argv[1], "--index", sys.argv[2], "--no-nlp", "--semantic"], prog_name="newsearch")
    """
)


def test_sigterm_while_embedding_stops_cleanly_and_the_next_run_goes_on(tmp_path, fake_model):
    corpus, index = write_corpus(tmp_path / "corpus", articles(40)), tmp_path / "index"
    command = [sys.executable, "-c", TERMINATED_CLI, str(corpus), str(index)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while stored_embeddings(index) < 10 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    process.terminate()
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted; what was committed is kept" in stderr and "Traceback" not in stderr
    kept = stored_embeddings(index)
    assert 10 <= kept < 40
    again = newsearch.index_corpus(corpus, index, analyse=False)
    assert again.embedded == 40 - kept and len(fake_model) == 40 - kept


# --------------------------------------------------------------------------- which ranking


def test_ranking_turns_semantic_once_every_matching_article_is_embedded(tmp_path, fake_model):
    corpus = write_corpus(tmp_path / "corpus", {**articles(6), "zzz.txt": "Late\n\nThe harbour froze over."})
    index = tmp_path / "index"
    indexer.update_index(corpus, index, with_nlp=False, semantic=True, embed=False)
    assert stored_embeddings(index) == 0
    with newsearch.open_index(index) as ix:
        assert results_json(ix.search("harbour", feedback=False))["ranking"] == "words"
        assert ix.health().embedded == 0
        assert indexer.embed_articles(index, limit=6) == (6, 1)  # all but zzz.txt
        assert ix.health().embedded == 6
        # The same searcher, later embeddings: seen without a commit of the words.
        assert results_json(ix.search("shipping", feedback=False))["ranking"] == "semantic"  # 000-005 only
        partly = ix.search("harbour", feedback=False)  # zzz.txt is not embedded yet
        assert partly.ranking == "words" and partly.total == 7
        assert indexer.embed_articles(index) == (1, 0)
        whole = ix.search("harbour", feedback=False)
        assert results_json(whole)["ranking"] == "semantic" and whole.total == 7
        assert all(abs(hit.score) < 5 for hit in whole.hits)  # z-scores
        assert ix.search("harbour", feedback=False, semantic=False).ranking == "words"


def test_the_http_json_says_which_ranking(tmp_path, fake_model):
    pytest.importorskip("fastapi", reason="the serve extra (FastAPI, uvicorn) is not installed")
    pytest.importorskip("httpx", reason="httpx (FastAPI's TestClient) is not installed")
    from fastapi.testclient import TestClient

    from newsearch.serve import create_app

    corpus, index = write_corpus(tmp_path / "corpus", articles(3)), tmp_path / "index"
    indexer.update_index(corpus, index, with_nlp=False, semantic=True, embed=False)
    with TestClient(create_app(index)) as client:
        assert client.get("/api/search", params={"q": "harbour"}).json()["ranking"] == "words"
        health = client.get("/api/health").json()
        assert health["semantic"] and health["embedded"] == 0 and health["articles"] == 3
        indexer.embed_articles(index)
        assert client.get("/api/search", params={"q": "harbour"}).json()["ranking"] == "semantic"
        assert client.get("/api/health").json()["embedded"] == 3
    # A plain server never writes: no embeddings file for an index without one.
    words_only = tmp_path / "words"
    indexer.update_index(corpus, words_only, with_nlp=False, semantic=False)
    with TestClient(create_app(words_only)) as client:
        assert client.get("/api/search", params={"q": "harbour"}).json()["ranking"] == "words"
    assert not (words_only / STORE_FILE).exists()


def test_explain_and_doctor_say_which_ranking(tmp_path, fake_model):
    corpus, index = write_corpus(tmp_path / "corpus", articles(3)), tmp_path / "index"
    indexer.update_index(corpus, index, with_nlp=False, semantic=True, embed=False)
    where = ["--index", str(index)]
    doctor = runner.invoke(app, ["doctor", *where]).stdout
    assert "semantic ranking on, 0 of 3 articles embedded" in doctor
    explained = runner.invoke(app, ["query", "harbour", *where, "--explain", "--json", "-q"])
    assert "ranking: semantic" in explained.stderr  # the query's own update embedded them
    assert json.loads(explained.stdout)["ranking"] == "semantic"
    assert "all 3 articles embedded" in runner.invoke(app, ["doctor", *where]).stdout
    words = runner.invoke(app, ["query", "harbour", *where, "--explain", "--no-semantic", "-q"])
    assert "ranking: words" in words.stderr


# --------------------------------------------------------------------------- on by default


def test_a_new_index_embeds_by_default_and_no_semantic_builds_without(tmp_path, fake_model, monkeypatch):
    monkeypatch.delenv("NEWSEARCH_SEMANTIC", raising=False)
    corpus = write_corpus(tmp_path / "corpus", articles(3))
    built = runner.invoke(app, ["index", "--corpus", str(corpus), "--index", str(tmp_path / "on"), "--no-nlp", "--json"])
    assert built.exit_code == 0, built.output
    assert json.loads(built.stdout)["embedded"] == 3
    found = runner.invoke(app, ["query", "harbour", "--index", str(tmp_path / "on"), "--json"])
    assert json.loads(found.stdout)["ranking"] == "semantic"
    fake_model.clear()
    off = runner.invoke(app, ["index", "--corpus", str(corpus), "--index", str(tmp_path / "off"), "--no-nlp", "--no-semantic"])
    assert off.exit_code == 0 and fake_model == []
    assert stored_embeddings(tmp_path / "off") == 0
    found = runner.invoke(app, ["query", "harbour", "--index", str(tmp_path / "off"), "--json"])
    assert json.loads(found.stdout)["ranking"] == "words" and fake_model == []  # it stays without
    assert "semantic ranking off" in runner.invoke(app, ["doctor", "--index", str(tmp_path / "off")]).stdout


def test_without_the_model_everything_works_by_words_and_says_so_once(tmp_path, monkeypatch):
    monkeypatch.delenv("NEWSEARCH_SEMANTIC", raising=False)
    monkeypatch.setattr(embeddings, "MODEL_PACKAGE", "no_such_model_package")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "no-data"))  # nor one from `newsearch setup --model`
    monkeypatch.delenv("NEWSEARCH_MODEL", raising=False)
    corpus = write_corpus(tmp_path / "corpus", articles(3))
    where = ["--index", str(tmp_path / "index"), "--corpus", str(corpus)]
    first = runner.invoke(app, ["query", "harbour", *where, "--json"])
    assert first.exit_code == 0 and json.loads(first.stdout)["ranking"] == "words"
    assert first.stderr.count("newsearch setup --model") == 1 and "Traceback" not in first.output
    second = runner.invoke(app, ["query", "harbour", *where, "--json"])
    assert second.exit_code == 0 and "semantic" not in second.stderr  # said once, not on every search
    write_corpus(corpus, {"new.txt": "New\n\nThe harbour is busy."})
    update = runner.invoke(app, ["index", *where, "--no-nlp"])
    assert update.exit_code == 0 and update.stdout.count("newsearch setup --model") == 1
    assert "searches rank by words" in runner.invoke(app, ["doctor", "--index", str(tmp_path / "index")]).stdout


def test_serve_updates_the_words_but_does_not_wait_for_embeddings(tmp_path, fake_model, monkeypatch):
    pytest.importorskip("fastapi", reason="the serve extra (FastAPI, uvicorn) is not installed")
    from newsearch import serve

    monkeypatch.setattr(serve, "run_server", lambda application, host, port: None)
    corpus, index = write_corpus(tmp_path / "corpus", articles(3)), tmp_path / "index"
    indexer.update_index(corpus, index, with_nlp=False, semantic=True, embed=False)
    write_corpus(corpus, {"new.txt": "New\n\nThe harbour is busy."})
    served = runner.invoke(app, ["serve", "--index", str(index), "-q"])
    assert served.exit_code == 0, served.output
    assert search(index, "harbour").total == 4 and fake_model == []  # the new article's words, no embedding


# --------------------------------------------------------------------------- watch


def test_watch_embeds_in_idle_time(tmp_path, fake_model, monkeypatch):
    from newsearch import watcher

    monkeypatch.setattr(watcher, "IDLE_SLICE", 2)
    corpus, index = write_corpus(tmp_path / "corpus", articles(5)), tmp_path / "index"
    indexer.update_index(corpus, index, with_nlp=False, semantic=True, embed=False)
    stop, updates = threading.Event(), []
    thread = threading.Thread(
        target=watcher.watch_corpus,
        args=(corpus, index, updates.append),
        kwargs={"stop": stop, "with_nlp": False, "debounce_ms": 50, "force_polling": True},
    )
    thread.start()
    try:
        assert wait_for(lambda: stored_embeddings(index) == 5)
        assert fake_model == [f"Story {i:03d}" for i in range(5)]
        write_corpus(corpus, {"new.txt": "New\n\nThe harbour is busy."})
        assert wait_for(lambda: stored_embeddings(index) == 6)
    finally:
        stop.set()
        thread.join(30)
    assert any(update.added == ("new.txt",) and update.embedded == 0 for update in updates)  # words first
    done = [update for update in updates if update.embedded]
    assert [update.embedded for update in done] == [5, 1] and "searches rank by meaning" in done[0].notes[0]
    assert search(index).ranking == "semantic"


def wait_for(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


# --------------------------------------------------------------------------- the README's first command


def test_the_readme_first_command_ranks_by_meaning_once_embedded(tmp_path, fake_model, monkeypatch):
    """``newsearch query "regime of silence"`` on the shipped corpus, with the defaults (the
    fake model: the real one takes a minute of CPU here; ``docs/BENCHMARKS.md`` times it)."""
    monkeypatch.delenv("NEWSEARCH_SEMANTIC", raising=False)
    monkeypatch.chdir(tmp_path)
    shutil.copytree(SHIPPED_CORPUS, tmp_path / "corpus")
    found = runner.invoke(app, ["query", "regime of silence", "--json"])
    assert found.exit_code == 0, found.output
    document = json.loads(found.stdout)
    assert document["ranking"] == "semantic" and document["hits"][0]["id"].startswith("aleppo-ceasefire")

"""Two writers: two ``newsearch index`` runs, ``watch`` plus ``index``. One waits for the other or
fails in one line (exit status 2); nothing is lost: in the end the index holds every article
of the corpus once, and passes the integrity check."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import newsearch
from newsearch.indexer import write_lock
from tests.reliability.faults_common import run_indexer

LOCKED = "is being written by another newsearch process; try again when it ends"


def many(corpus: Path, count: int, start: int = 0, word: str = "harbour") -> None:
    corpus.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + count):
        (corpus / f"{i:04d}.txt").write_text(f"Story {i}\n\nuniq{i} {word} news of the day.\n")


def articles(index: Path) -> list[str]:
    with newsearch.open_index(index) as ix:
        hits = ix.search("news", limit=10_000, collapse=False, passages=0, feedback=False).hits
    return sorted(hit.id for hit in hits)


def cli_index(corpus: Path, index: Path) -> subprocess.Popen:
    arguments = [sys.executable, "-m", "newsearch", "index", "--corpus", str(corpus), "--index", str(index), "--no-nlp"]
    return subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_index_runs_one_waits_or_fails_in_one_line_and_nothing_is_lost(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    many(corpus, 150)
    first = run_indexer(corpus, index, batch_size=5)  # many commits: a long run
    while not (index / "newsearch.json").exists() and first.poll() is None:
        time.sleep(0.02)
    second = cli_index(corpus, index)
    _, errors = second.communicate(timeout=300)
    assert first.wait(timeout=300) == 0
    assert second.returncode == 0 or (second.returncode == 2 and errors.strip().endswith(LOCKED) and errors.count("\n") == 1), errors
    assert articles(index) == [f"{i:04d}.txt" for i in range(150)]
    assert newsearch.check_index(index).intact


def test_watch_catches_up_after_another_writer_held_the_index_through_a_burst(tmp_path, monkeypatch):
    """Regression: files that arrived while another process held the index for longer than the
    lock wait were left out until the next file arrived."""
    monkeypatch.setattr("newsearch.indexer.LOCK_TIMEOUT", 0.3)
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    many(corpus, 5)
    stop, updates = threading.Event(), []
    watcher = threading.Thread(target=newsearch.watch, args=(corpus, index, updates.append), kwargs={"stop": stop, "analyse": False})
    watcher.start()
    try:
        deadline = time.monotonic() + 60
        while not updates and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.5)  # the watcher's catch-up run is done
        with write_lock(index):  # another writer, for longer than the watcher waits for the lock
            many(corpus, 5, start=5)
            time.sleep(3)
        deadline = time.monotonic() + 30
        while len(articles(index)) < 10 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert articles(index) == [f"{i:04d}.txt" for i in range(10)]
    finally:
        stop.set()
        watcher.join(30)


def test_watch_and_repeated_index_runs_lose_nothing(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    many(corpus, 20)
    newsearch.index_corpus(corpus, index, analyse=False)
    stop = threading.Event()
    watcher = threading.Thread(target=newsearch.watch, args=(corpus, index), kwargs={"stop": stop, "analyse": False})
    watcher.start()
    try:
        for burst in range(4):
            many(corpus, 15, start=20 + 15 * burst)
            (corpus / f"{burst:04d}.txt").unlink()
            run = cli_index(corpus, index)
            _, errors = run.communicate(timeout=120)
            assert run.returncode == 0 or (run.returncode == 2 and LOCKED in errors), errors
        expected = [f"{i:04d}.txt" for i in range(4, 80)]
        deadline = time.monotonic() + 30
        while articles(index) != expected and time.monotonic() < deadline:
            time.sleep(0.2)
        assert articles(index) == expected
    finally:
        stop.set()
        watcher.join(30)
    assert newsearch.check_index(index).intact

"""Killing the indexer, a second indexer, stale locks, and searching while the index is written."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

import newsearch
from newsearch.indexer import write_lock
from newsearch.state import STATE_FILE

FILES = 300
INDEXER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from newsearch.indexer import update_index
    update_index(Path(sys.argv[1]), Path(sys.argv[2]), with_nlp=False, batch_size=int(sys.argv[3]))
    """
)


def many_articles(corpus: Path, count: int = FILES, start: int = 0) -> Path:
    corpus.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + count):
        (corpus / f"{i:04d}.txt").write_text(f"Story {i}\n\nuniq{i} shared words about the harbour.\n")
    return corpus


def start_indexer(corpus: Path, index: Path, batch_size: int = 20) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", INDEXER, str(corpus), str(index), str(batch_size)])


def committed_generation(index: Path) -> int:
    """The generation of the indexer's last state update (-1: none yet)."""
    try:
        with sqlite3.connect(f"file:{index / STATE_FILE}?mode=ro", uri=True) as connection:
            row = connection.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else -1
    except sqlite3.Error:
        return -1


def kill_when(process: subprocess.Popen, ready) -> set[int]:
    """SIGKILL ``process`` once ``ready()``; return the pids of the workers it had started."""
    deadline = time.monotonic() + 60
    while not ready() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    workers = children_of(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    return workers


def children_of(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.add(int(stat.parent.name))
    return children


def all_exit(pids: set[int], wait: float = 15.0) -> bool:
    """True once none of ``pids`` is alive (a killed indexer's workers exit by themselves)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if not any(Path(f"/proc/{pid}").exists() for pid in pids):
            return True
        time.sleep(0.2)
    return False


def count(index: Path, query: str = "harbour") -> int:
    with newsearch.open_index(index) as ix:
        return ix.search(query, limit=1).total


@pytest.mark.parametrize("commits_before_kill", [0, 1, 4, 9])
def test_sigkill_leaves_a_searchable_index_and_a_rerun_completes_it(tmp_path, commits_before_kill):
    corpus, index = many_articles(tmp_path / "corpus"), tmp_path / "index"
    process = start_indexer(corpus, index)
    workers = kill_when(process, lambda: committed_generation(index) >= commits_before_kill)

    if newsearch.index_exists(index):
        assert 0 <= count(index) <= FILES  # whatever was committed answers queries
    assert all_exit(workers), "the killed indexer's worker processes were left running"
    summary = newsearch.index_corpus(corpus, index, analyse=False)
    assert count(index) == FILES
    assert len(summary.added) + summary.unchanged == FILES
    for i in (0, FILES // 2, FILES - 1):  # every article exactly once
        assert count(index, f"uniq{i}") == 1


def test_second_indexer_waits_briefly_then_fails_clearly(make_corpus, tmp_path, monkeypatch):
    corpus, index = make_corpus({"a.txt": "A\n\napple"}), tmp_path / "ix"
    monkeypatch.setattr("newsearch.indexer.LOCK_TIMEOUT", 0.3)
    with write_lock(index):
        started = time.monotonic()
        with pytest.raises(newsearch.IndexLocked, match="another newsearch process"):
            newsearch.index_corpus(corpus, index, analyse=False)
        assert time.monotonic() - started >= 0.3


def test_lock_of_a_killed_indexer_is_recovered(make_corpus, tmp_path):
    corpus, index = make_corpus({"a.txt": "A\n\napple"}), tmp_path / "ix"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from newsearch.indexer import write_lock\n"
            "with write_lock(Path(sys.argv[1])):\n    print('locked', flush=True); time.sleep(60)",
            str(index),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert newsearch.index_corpus(corpus, index, analyse=False).added == ("a.txt",)


def test_searches_during_commits_see_old_or_new_never_an_error(tmp_path):
    corpus, index = many_articles(tmp_path / "corpus", 50), tmp_path / "index"
    newsearch.index_corpus(corpus, index, analyse=False)
    many_articles(corpus, 250, start=50)
    writer = start_indexer(corpus, index, batch_size=10)
    seen, errors = [], []

    def search_until_done() -> None:
        with newsearch.open_index(index) as ix:
            while writer.poll() is None:
                try:
                    seen.append(ix.search("harbour", limit=3).total)
                except Exception as error:  # noqa: BLE001 - any error fails the test
                    errors.append(error)

    reader = threading.Thread(target=search_until_done)
    reader.start()
    reader.join(timeout=120)
    assert writer.wait() == 0
    assert errors == []
    assert seen and all(50 <= total <= 300 for total in seen), (min(seen), max(seen), len(seen))
    assert seen == sorted(seen)  # commits only ever add here
    assert count(index) == 300

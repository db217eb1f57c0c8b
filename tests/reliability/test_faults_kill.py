"""SIGKILL at random points of a build and of an incremental update.

After each kill: the index opens (or, killed before its first commit, there is none yet); what
it answers is a committed state (articles of the old or the new corpus, never a duplicate); the
integrity check finds nothing wrong. A re-run then ends with exactly the articles, stories and
quotes of an unkilled run, and an intact index.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import newsearch
from newsearch.indexer import update_index
from tests.reliability.faults_common import committed_generation, kill_after, run_indexer, seeded, snapshot, trials, write_version

BUILD_TRIALS, UPDATE_TRIALS = 2, 2


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """Unkilled runs and their snapshots: a build of version 1 (kept as ``built``), its update
    to version 2, and its rebuild from version 2 with --full (story ids depend on the order
    articles are added in, which differs). The corpus is left at version 2."""
    root = tmp_path_factory.mktemp("reference")
    corpus, index = root / "corpus", root / "index"
    old = set(write_version(corpus, 1))
    update_index(corpus, index, batch_size=10)
    shutil.copytree(index, root / "built")
    shutil.copytree(index, root / "rebuilt")
    new = set(write_version(corpus, 2))
    update_index(corpus, index, batch_size=5)
    update_index(corpus, root / "rebuilt", batch_size=5, full=True)
    return {
        "build": snapshot(root / "built"),
        "update": snapshot(index),
        "full": snapshot(root / "rebuilt"),
        "built": root / "built",
        "corpus": corpus,
        "old": old,
        "new": new,
    }


def assert_consistent_after_kill(index: Path, old: set[str], new: set[str], where: str) -> None:
    """The killed index, as a reader sees it: opens, holds each article at most once, only
    articles of the old or new corpus, and passes the integrity check."""
    if not newsearch.index_exists(index):  # killed before anything was committed
        with pytest.raises(newsearch.IndexNotFound):
            newsearch.open_index(index)
        return
    seen = snapshot(index)
    assert len(seen.ids) == len(set(seen.ids)), f"{where}: an article indexed twice"
    assert set(seen.ids) <= old | new, f"{where}: articles of neither corpus"
    check = newsearch.check_index(index)
    assert check.intact, f"{where}: {check.problems}"


def kill_point(rng) -> tuple[int, float, int]:
    """After how many commits, and how many seconds after it, to kill; and the batch size."""
    return rng.randrange(1, 5), rng.uniform(0, 0.4), rng.choice((3, 5, 10))


def test_kills_during_a_build_then_a_rerun_completes_it(reference, tmp_path):
    rng = seeded("kill-build")
    corpus = tmp_path / "corpus"
    files = write_version(corpus, 1)
    for trial in range(trials(BUILD_TRIALS)):
        index = tmp_path / f"index{trial}"
        commits, seconds, batch = kill_point(rng)
        where = f"build trial {trial}: batches of {batch}, killed {seconds:.2f} s after commit {commits}"
        killed = kill_after(run_indexer(corpus, index, batch), index, commits, seconds)
        generation = committed_generation(index)
        assert_consistent_after_kill(index, set(), set(files), where)
        newsearch.index_corpus(corpus, index)
        assert snapshot(index) == reference["build"], where
        assert newsearch.check_index(index).intact, where
        print(where, f"(killed at generation {generation})" if killed else "(ended before the kill)")


def test_kills_during_an_update_then_a_rerun_completes_it(reference, tmp_path):
    rng = seeded("kill-update")
    corpus, old, new = reference["corpus"], reference["old"], reference["new"]
    for trial in range(trials(UPDATE_TRIALS)):
        index = tmp_path / f"index{trial}"
        shutil.copytree(reference["built"], index)  # version 1, built from the corpus now at version 2
        full = trial % 2 == 1  # every other trial kills a --full rebuild of the index
        commits, seconds, batch = kill_point(rng)
        where = f"update trial {trial}: {'--full, ' if full else ''}batches of {batch}, killed {seconds:.2f} s after commit {commits}"
        killed = kill_after(run_indexer(corpus, index, batch, full=full), index, commits, seconds)
        generation = committed_generation(index)
        assert_consistent_after_kill(index, old, new, where)
        newsearch.index_corpus(corpus, index)
        assert snapshot(index) == reference["full" if full else "update"], where
        assert newsearch.check_index(index).intact, where
        print(where, f"(killed at generation {generation})" if killed else "(ended before the kill)")


def test_an_index_without_articles_answers_every_call(tmp_path):
    """Regression (found by the kill trials: a build killed after its first, empty, commit):
    Whoosh's reader of an index without articles has no columns to read."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    newsearch.index_corpus(corpus, tmp_path / "index")
    with newsearch.open_index(tmp_path / "index") as ix:
        for options in ({}, {"collapse": False}, {"sort": "newest"}, {"facets": 5, "timeline": True}):
            assert ix.search("harbour", **options).total == 0
        assert ix.quotes("harbour") == () and ix.stories() == [] and ix.health().articles == 0
    assert newsearch.check_index(tmp_path / "index").intact

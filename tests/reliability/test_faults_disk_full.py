"""A full disk during an update: ENOSPC injected at the write calls Whoosh and our metadata
writer make, SQLite's own "database or disk is full", and a real size-limited tmpfs (mounted
only where the test may mount one, as root here; skipped elsewhere).

Every time: one line saying the disk is full (exit status 2 from the CLI), the index as last
committed (it opens, passes the integrity check, holds articles of the old or new corpus once
each), and a re-run with space again ends with exactly the articles of an unfaulted update.
"""

from __future__ import annotations

import builtins
import errno
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import whoosh.filedb.filestore
from typer.testing import CliRunner

import newsearch
import newsearch.files
from newsearch.cli import app
from newsearch.state import IndexState
from tests.reliability.faults_common import seeded, snapshot, trials, write_version

ENOSPC_TRIALS = 8


class Disk:
    """The space left for files opened for writing by Whoosh and ``newsearch.files`` (SQLite
    writes through its own calls; see ``sqlite_full``)."""

    def __init__(self) -> None:
        self.free: float = float("inf")
        self.written = 0

    def open(self, path, mode="r", *args, **kwargs):
        handle = builtins.open(path, mode, *args, **kwargs)
        return handle if "r" in mode and "+" not in mode else _Limited(handle, self)


class _Limited:
    def __init__(self, handle, disk: Disk) -> None:
        self._handle, self._disk = handle, disk

    def write(self, data) -> int:
        if len(data) > self._disk.free:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), self._handle.name)
        self._disk.free -= len(data)
        self._disk.written += len(data)
        return self._handle.write(data)

    def __getattr__(self, name):
        return getattr(self._handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self._handle.close()


@pytest.fixture
def disk(monkeypatch) -> Disk:
    disk = Disk()
    monkeypatch.setattr(whoosh.filedb.filestore, "open", disk.open, raising=False)
    monkeypatch.setattr(newsearch.files, "open", disk.open, raising=False)
    return disk


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """Version 1 indexed (``built``), the corpus then at version 2, and what an unfaulted
    update to it gives."""
    root = tmp_path_factory.mktemp("disk")
    corpus = root / "corpus"
    old = set(write_version(corpus, 1))
    newsearch.index_corpus(corpus, root / "built", analyse=False)
    new = set(write_version(corpus, 2))
    shutil.copytree(root / "built", root / "updated")
    newsearch.index_corpus(corpus, root / "updated", analyse=False)
    return {"corpus": corpus, "built": root / "built", "old": old, "new": new, "expected": snapshot(root / "updated")}


def assert_as_last_committed(index: Path, old: set[str], new: set[str], where: str) -> None:
    seen = snapshot(index)
    assert len(seen.ids) == len(set(seen.ids)), where
    assert set(seen.ids) <= old | new, where
    check = newsearch.check_index(index)
    assert check.intact, (where, check.problems)


def assert_no_stray_files(index: Path) -> None:
    """Only the committed segments' files are left (Whoosh cleans a failed commit's at the next)."""
    with newsearch.open_index(index):
        pass
    names = {path.name for path in index.iterdir()}
    assert not [name for name in names if name.endswith(".tmp")], names


def test_disk_full_at_random_points_of_an_update(versions, disk, tmp_path):
    corpus, old, new = versions["corpus"], versions["old"], versions["new"]
    shutil.copytree(versions["built"], tmp_path / "measure")
    newsearch.index_corpus(corpus, tmp_path / "measure", analyse=False)
    needed = disk.written  # bytes an unfaulted update writes through these calls
    rng = seeded("disk-full")
    failed = 0
    for trial in range(trials(ENOSPC_TRIALS)):
        index = tmp_path / f"index{trial}"
        shutil.copytree(versions["built"], index)
        disk.free = int(rng.uniform(0, needed))
        where = f"trial {trial}: {disk.free:,} of {needed:,} bytes free"
        try:
            newsearch.index_corpus(corpus, index, analyse=False)
        except newsearch.NewsearchError as error:
            failed += 1
            assert str(error).startswith(f"no space left on the device of index {index}; it is as last committed"), where
            assert "\n" not in str(error)
        disk.free = float("inf")
        assert_as_last_committed(index, old, new, where)
        newsearch.index_corpus(corpus, index, analyse=False)
        assert snapshot(index) == versions["expected"], where
        assert_no_stray_files(index)
    if trials(ENOSPC_TRIALS) == ENOSPC_TRIALS:
        assert failed == ENOSPC_TRIALS  # every budget below what the update needs fails it


def test_sqlite_full_while_saving_the_state_after_a_commit(versions, monkeypatch, tmp_path):
    """The Whoosh commit succeeds, the state transaction after it does not: the next run sees a
    state of an older generation and rebuilds it from the index."""
    index = tmp_path / "index"
    shutil.copytree(versions["built"], index)
    opened = IndexState.__init__

    def nearly_full(self, index_dir, **kwargs):
        opened(self, index_dir, **kwargs)
        pages = self._connection.execute("PRAGMA page_count").fetchone()[0]
        self._connection.execute(f"PRAGMA max_page_count = {pages}")

    monkeypatch.setattr(IndexState, "__init__", nearly_full)
    with pytest.raises(newsearch.NewsearchError, match="no space left on the device"):
        newsearch.index_corpus(versions["corpus"], index, analyse=False)
    monkeypatch.setattr(IndexState, "__init__", opened)
    check = newsearch.check_index(index)
    assert check.intact and any("other generation" in note for note in check.notes), check
    newsearch.index_corpus(versions["corpus"], index, analyse=False)
    assert snapshot(index) == versions["expected"]
    assert newsearch.check_index(index).notes == ()


def test_the_cli_says_the_disk_is_full_in_one_line_with_exit_status_2(versions, disk, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(versions["built"], index)
    disk.free = 3000
    result = CliRunner().invoke(app, ["index", "--index", str(index), "--no-nlp"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"newsearch: error: no space left on the device of index {index}")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    disk.free = float("inf")
    assert_as_last_committed(index, versions["old"], versions["new"], "cli")


@pytest.fixture
def small_tmpfs(tmp_path):
    """A 1 MB tmpfs at ``tmp_path / "small"`` (skipped where mounting is not allowed)."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_real_full_file_system(versions, small_tmpfs):
    """Version 1 fits in 1 MB; 400 more articles do not. Then the file system grows."""
    index = small_tmpfs / "index"
    shutil.copytree(versions["built"], index)
    corpus = versions["corpus"].parent / "big-corpus"
    shutil.copytree(versions["corpus"], corpus)
    for i in range(400):
        (corpus / f"extra-{i:03d}.txt").write_text(f"Extra {i}\n\n" + f"words{i} about the harbour wall " * 60)
    with pytest.raises(newsearch.NewsearchError, match="no space left on the device"):
        newsearch.index_corpus(corpus, index, analyse=False, replace=True)
    assert newsearch.check_index(index).intact
    subprocess.run(["mount", "-o", "remount,size=16m", str(small_tmpfs)], check=True)
    summary = newsearch.index_corpus(corpus, index, analyse=False, replace=True)
    with newsearch.open_index(index) as ix:
        assert len(ix) == len(list(corpus.glob("*.txt")))
    assert newsearch.check_index(index).intact, summary

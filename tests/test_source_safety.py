"""An index is only ever updated from its own source, and never emptied by accident.

The scenario these guard against: an index built from one archive, then a command run without
``--corpus`` from a directory that happens to hold a ``./corpus``, which used to "update" the
index to mirror that folder and so removed every article of the archive.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import newsearch
from newsearch import MassRemoval, SourceMismatch, SourceMissing

from .conftest import write_corpus

ARCHIVE = {f"story-{n:02}.txt": f"Archive story {n}\n\nThe gadget number {n} was launched today." for n in range(12)}
LOCAL = {"local.txt": "Local note\n\nA regime of silence."}


def newsearch_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``newsearch ARGS`` in a real process, from ``cwd``, with NEWSEARCH_* unset unless given."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NEWSEARCH_") or k == "NEWSEARCH_NLTK_DATA"}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "newsearch", *args], cwd=cwd, env=environment, capture_output=True, text=True
    )


def article_ids(index: Path) -> set[str]:
    with newsearch.open_index(index) as ix:
        return {hit.id for hit in ix.search("gadget OR regime", limit=100, collapse=False, passages=0).hits}


@pytest.fixture
def workplace(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A directory holding ``./corpus`` (a few local notes), an archive elsewhere, and an index
    of the archive: (working directory, archive, index)."""
    cwd = tmp_path / "work"
    write_corpus(cwd / "corpus", LOCAL)
    archive = write_corpus(tmp_path / "archive", ARCHIVE)
    index = tmp_path / "archive-index"
    newsearch.index_corpus(archive, index, analyse=False)
    return cwd, archive, index


def test_query_without_corpus_keeps_the_index_and_updates_it_from_its_own_source(workplace):
    cwd, archive, index = workplace
    (archive / "story-new.txt").write_text("A new story\n\nAnother gadget launched.", encoding="utf-8")
    for command in (["query", "gadget launched"], ["quotes"], ["stories"], ["index"]):
        done = newsearch_cli(*command, "--index", str(index), cwd=cwd)
        assert done.returncode in (0, 1), done.stderr
    assert article_ids(index) == set(ARCHIVE) | {"story-new.txt"}  # nothing of ./corpus, nothing lost


def test_another_corpus_is_refused_naming_both_sources_and_the_way_to_do_it(workplace):
    cwd, archive, index = workplace
    for how in ({"args": ["--corpus", "corpus"]}, {"env": {"NEWSEARCH_CORPUS": "corpus"}}):
        done = newsearch_cli("query", "gadget", "--index", str(index), *how.get("args", []), cwd=cwd, env=how.get("env"))
        assert done.returncode == 2
        message = done.stderr.strip()
        assert "\n" not in message and "Traceback" not in message
        assert str(archive) in message and "corpus" in message and "--replace" in message
    assert article_ids(index) == set(ARCHIVE)


def test_a_moved_or_unmounted_source_leaves_the_index_searchable_as_it_is(workplace):
    cwd, archive, index = workplace
    archive.rename(archive.with_name("archive-moved"))
    found = newsearch_cli("query", "gadget", "--index", str(index), cwd=cwd)
    assert found.returncode == 0 and "Archive story" in found.stdout
    assert "is gone" in found.stderr and "searching it as it is" in found.stderr
    updated = newsearch_cli("index", "--index", str(index), cwd=cwd)
    assert updated.returncode == 2 and "--replace" in updated.stderr
    assert article_ids(index) == set(ARCHIVE)


def test_an_empty_source_does_not_empty_the_index(workplace):
    cwd, archive, index = workplace
    for file in archive.iterdir():  # what an unmounted mount point looks like
        file.unlink()
    refused = newsearch_cli("index", "--index", str(index), cwd=cwd)
    assert refused.returncode == 2 and "not updated" in refused.stderr and "--allow-mass-removal" in refused.stderr
    searched = newsearch_cli("query", "gadget", "--index", str(index), cwd=cwd)
    assert searched.returncode == 0 and "not updated" in searched.stderr
    full = newsearch_cli("index", "--full", "--index", str(index), cwd=cwd)
    assert full.returncode == 2  # a rebuild from an empty source is a removal too
    assert article_ids(index) == set(ARCHIVE)


def test_replace_points_the_index_at_another_source(workplace):
    cwd, archive, index = workplace
    done = newsearch_cli("index", "--corpus", "corpus", "--index", str(index), "--replace", "--json", cwd=cwd)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["removed"]) == len(ARCHIVE)
    assert article_ids(index) == {"local.txt"}
    # ... and from now on it is that source which the index follows
    assert newsearch_cli("query", "regime", "--index", str(index), "--corpus", "corpus", cwd=cwd).returncode == 0
    assert newsearch.source_for(index) == (cwd / "corpus").resolve()


def test_mass_removal_guard_and_its_override(workplace):
    cwd, archive, index = workplace
    for name in list(ARCHIVE)[:7]:  # more than half, but not more than 10: an ordinary update
        (archive / name).unlink()
    assert len(newsearch.index_corpus(None, index, analyse=False).removed) == 7
    big = write_corpus(cwd.parent / "big", {f"b{n:02}.txt": f"Big {n}\n\ngadget {n}" for n in range(30)})
    big_index = cwd.parent / "big-index"
    newsearch.index_corpus(big, big_index, analyse=False)
    for n in range(16):
        (big / f"b{n:02}.txt").unlink()
    with pytest.raises(MassRemoval, match="16 of the 30 articles"):
        newsearch.index_corpus(None, big_index, analyse=False)
    assert len(article_ids(big_index)) == 30
    forced = newsearch_cli("index", "--index", str(big_index), "--allow-mass-removal", cwd=cwd)
    assert forced.returncode == 0, forced.stderr
    assert len(article_ids(big_index)) == 14


def test_api_follows_the_same_rule(workplace):
    cwd, archive, index = workplace
    with pytest.raises(SourceMismatch, match="--replace"):
        newsearch.open_index(index, corpus=cwd / "corpus")
    with pytest.raises(SourceMismatch):
        newsearch.index_corpus(cwd / "corpus", index, full=True)
    assert newsearch.source_for(index) == archive.resolve()
    assert newsearch.index_corpus(archive, index).changed is False  # its own source, named: fine
    archive.rename(archive.with_name("elsewhere"))
    with pytest.raises(SourceMissing):
        newsearch.index_corpus(None, index)
    summary = newsearch.index_corpus(archive.with_name("elsewhere"), index, replace=True, analyse=False)
    assert not summary.changed  # the same articles, moved: nothing read again
    assert article_ids(index) == set(ARCHIVE)


def test_watch_refuses_another_source_and_skips_a_mass_removal(workplace):
    cwd, archive, index = workplace
    with pytest.raises(SourceMismatch):
        newsearch.watch(cwd / "corpus", index)
    big = write_corpus(cwd.parent / "big", {f"b{n:02}.txt": f"Big {n}\n\ngadget {n}" for n in range(30)})
    big_index = cwd.parent / "big-index"
    newsearch.index_corpus(big, big_index, analyse=False)
    for n in range(20):
        (big / f"b{n:02}.txt").unlink()
    summaries, stop = [], threading.Event()

    def on_update(summary):
        summaries.append(summary)
        stop.set()

    watcher = threading.Thread(target=newsearch.watch, args=(None, big_index, on_update), kwargs={"stop": stop})
    watcher.start()
    watcher.join(timeout=60)
    assert not watcher.is_alive()
    assert not summaries[0].changed and "not updated" in summaries[0].notes[0]
    assert len(article_ids(big_index)) == 30


def test_an_unreadable_file_keeps_its_indexed_version(workplace, monkeypatch):
    cwd, archive, index = workplace
    target = archive / "story-03.txt"
    target.write_text("Archive story 3\n\nThe gadget was recalled.", encoding="utf-8")
    real_read = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path == target:  # tests run as root, where chmod does not bite: inject the error
            raise PermissionError(13, "Permission denied", str(path))
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    summary = newsearch.index_corpus(None, index, analyse=False)
    assert [s.path for s in summary.skipped] == ["story-03.txt"] and not summary.removed
    monkeypatch.undo()
    assert "story-03.txt" in article_ids(index)
    assert newsearch.index_corpus(None, index, analyse=False).updated == ("story-03.txt",)  # tried again

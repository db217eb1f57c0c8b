"""Updating an index: new, changed, deleted and skipped files; nothing else is read twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import pytest

import newsearch
from newsearch.indexer import META_FILE
from newsearch.state import STATE_FILE


def search_ids(index, query: str) -> list[str]:
    with newsearch.open_index(index) as ix:
        return sorted(hit.id for hit in ix.search(query).hits)


def test_update_adds_changes_and_removes(make_corpus, tmp_path):
    corpus = make_corpus({"a.txt": "A\n\napple", "b.txt": "B\n\nbanana", "c.txt": "C\n\ncherry"})
    index = tmp_path / "ix"
    first = newsearch.index_corpus(corpus, index, analyse=False)
    assert first.added == ("a.txt", "b.txt", "c.txt") and first.full_rebuild

    (corpus / "b.txt").write_text("B\n\nblueberry")
    (corpus / "c.txt").unlink()
    (corpus / "d.txt").write_text("D\n\ndate")
    second = newsearch.index_corpus(corpus, index, analyse=False)
    assert (second.added, second.updated, second.removed, second.unchanged) == (("d.txt",), ("b.txt",), ("c.txt",), 1)
    assert search_ids(index, "blueberry") == ["b.txt"]
    assert search_ids(index, "banana") == [] and search_ids(index, "cherry") == []


def test_nothing_changed_reads_no_file(make_corpus, tmp_path, monkeypatch):
    corpus = make_corpus({"a.txt": "A\n\napple"})
    index = tmp_path / "ix"
    newsearch.index_corpus(corpus, index, analyse=False)
    monkeypatch.setattr("newsearch.indexer.load", lambda file, fields=None: (_ for _ in ()).throw(AssertionError(file)))
    summary = newsearch.index_corpus(corpus, index, analyse=False)
    assert not summary.changed and summary.unchanged == 1


def test_touched_but_identical_file_is_not_reindexed(make_corpus, tmp_path):
    corpus = make_corpus({"a.txt": "A\n\napple"})
    index = tmp_path / "ix"
    newsearch.index_corpus(corpus, index, analyse=False)
    os.utime(corpus / "a.txt", ns=(1, 1))
    summary = newsearch.index_corpus(corpus, index, analyse=False)
    assert not summary.changed and summary.unchanged == 1


def test_bad_files_are_skipped_with_reasons_and_the_rest_indexed(make_corpus, tmp_path):
    corpus = make_corpus({"good.txt": "G\n\ngood words", "empty.txt": "", "bin.txt": b"\x00\x01"})
    summary = newsearch.index_corpus(corpus, tmp_path / "ix", analyse=False)
    assert summary.added == ("good.txt",)
    assert {(s.path, s.reason) for s in summary.skipped} == {
        ("empty.txt", "empty file"),
        ("bin.txt", "binary file (contains NUL bytes)"),
    }


def test_article_that_turns_binary_is_removed(make_corpus, tmp_path):
    corpus = make_corpus({"a.txt": "A\n\napple"})
    index = tmp_path / "ix"
    newsearch.index_corpus(corpus, index, analyse=False)
    (corpus / "a.txt").write_bytes(b"\x00garbage")
    summary = newsearch.index_corpus(corpus, index, analyse=False)
    assert summary.removed == ("a.txt",) and search_ids(index, "apple") == []


def test_lost_manifest_is_rebuilt_from_the_index(make_corpus, tmp_path):
    corpus = make_corpus({"a.txt": "A\n\napple", "b.txt": "B\n\nbanana"})
    index = tmp_path / "ix"
    newsearch.index_corpus(corpus, index, analyse=False)
    (index / STATE_FILE).unlink()
    summary = newsearch.index_corpus(corpus, index, analyse=False)
    assert not summary.changed and summary.unchanged == 2


def test_full_rebuild_starts_from_scratch(make_corpus, tmp_path):
    corpus = make_corpus({"a.txt": "A\n\napple"})
    index = tmp_path / "ix"
    newsearch.index_corpus(corpus, index, analyse=False)
    summary = newsearch.index_corpus(corpus, index, full=True, analyse=False)
    assert summary.full_rebuild and summary.added == ("a.txt",)
    assert search_ids(index, "apple") == ["a.txt"]


def test_full_rebuild_reuses_cached_analysis(make_corpus, tmp_path, monkeypatch):
    corpus = make_corpus({"a.txt": "A\n\n“We will stay,” John Kerry said in Geneva."})
    index = tmp_path / "ix"
    newsearch.index_corpus(corpus, index)
    monkeypatch.setattr("newsearch.indexer.analyse", lambda article: (_ for _ in ()).throw(AssertionError("analysed")))
    summary = newsearch.index_corpus(corpus, index, full=True)
    assert summary.added == ("a.txt",)
    with newsearch.open_index(index) as ix:
        [hit] = ix.search("stay").hits
    assert hit.quotes and hit.quotes[0].text == "We will stay,"


def test_index_of_an_older_schema_is_refused_for_search_and_rebuilt_by_update(make_corpus, tmp_path):
    corpus = make_corpus({"a.txt": "A\n\napple"})
    index = tmp_path / "ix"
    newsearch.index_corpus(corpus, index, analyse=False)
    meta = json.loads((index / META_FILE).read_text())
    (index / META_FILE).write_text(json.dumps({**meta, "schema_version": 0}))
    with pytest.raises(newsearch.SchemaMismatch, match="newsearch index --full"):
        newsearch.open_index(index)
    summary = newsearch.index_corpus(corpus, index, analyse=False)
    assert summary.full_rebuild and summary.added == ("a.txt",)
    assert any("schema 0 is outdated" in note for note in summary.notes)
    assert search_ids(index, "apple") == ["a.txt"]


def test_watch_indexes_files_as_they_arrive_until_stopped(make_corpus, tmp_path):
    corpus, index = make_corpus({"a.txt": "A\n\napple"}), tmp_path / "ix"
    summaries, stop = [], threading.Event()

    def on_update(summary) -> None:
        summaries.append(summary)
        if sum(len(s.added) for s in summaries) >= 3:
            stop.set()

    watcher = threading.Thread(
        target=newsearch.watch, args=(corpus, index, on_update), kwargs={"stop": stop, "analyse": False}
    )
    watcher.start()
    deadline = time.monotonic() + 20
    while not summaries and time.monotonic() < deadline:
        time.sleep(0.05)
    (corpus / "b.txt").write_text("B\n\nbanana")
    (corpus / "c.txt").write_text("C\n\ncherry")
    watcher.join(timeout=30)
    stop.set()
    assert summaries[0].added == ("a.txt",)
    assert search_ids(index, "banana") == ["b.txt"]
    assert sum(len(s.added) for s in summaries) == 3  # the burst was indexed, nothing twice


def test_a_rewrite_added_later_joins_the_existing_story_and_keeps_its_id(make_corpus, tmp_path):
    from .conftest import SEED_ORIGINAL, SEED_REWRITE

    corpus = make_corpus({"original.txt": SEED_ORIGINAL.read_bytes(), "other.txt": "Other\n\nA different story."})
    index = tmp_path / "ix"
    newsearch.index_corpus(corpus, index, analyse=False)
    (corpus / "zz-rewrite.txt").write_bytes(SEED_REWRITE.read_bytes())
    assert newsearch.index_corpus(corpus, index, analyse=False).added == ("zz-rewrite.txt",)
    with newsearch.open_index(index) as ix:
        [hit] = ix.search("regime of silence").hits
        [story] = ix.stories()
    assert hit.story == story.id == "original.txt"
    assert [v.id for v in story.versions] == ["original.txt", "zz-rewrite.txt"]


def test_story_state_is_rebuilt_from_the_index_when_lost(make_corpus, tmp_path):
    from .conftest import SEED_ORIGINAL, SEED_REWRITE

    corpus = make_corpus({"a.txt": SEED_ORIGINAL.read_bytes(), "b.txt": SEED_REWRITE.read_bytes()})
    index = tmp_path / "ix"
    newsearch.index_corpus(corpus, index, analyse=False)
    (index / STATE_FILE).write_bytes(b"not a database")
    (corpus / "c.txt").write_bytes(SEED_REWRITE.read_bytes().replace(b"Aleppo", b"Halab"))
    newsearch.index_corpus(corpus, index, analyse=False)
    with newsearch.open_index(index) as ix:
        [story] = ix.stories()
    assert story.id == "a.txt" and [v.id for v in story.versions] == ["a.txt", "b.txt", "c.txt"]


def test_optimize_merges_segments_after_small_updates(make_corpus, tmp_path):
    from newsearch.indexer import _segment_count
    from whoosh import index as whoosh_index

    corpus, index = make_corpus({"a.txt": "A\n\napple"}), tmp_path / "ix"
    newsearch.index_corpus(corpus, index, analyse=False)
    for name in "bcdefg":
        (corpus / f"{name}.txt").write_text(f"{name}\n\nword{name}")
        newsearch.index_corpus(corpus, index, analyse=False)
    assert _segment_count(whoosh_index.open_dir(str(index))) > 1
    summary = newsearch.index_corpus(corpus, index, analyse=False, optimize=True)
    assert _segment_count(whoosh_index.open_dir(str(index))) == 1 and not summary.changed
    assert search_ids(index, "wordg") == ["g.txt"]
    assert not newsearch.index_corpus(corpus, index, analyse=False).changed  # manifest still current


UPDATE_IN_A_FRESH_PROCESS = """
import json, sys
import newsearch
summary = newsearch.index_corpus(sys.argv[1], sys.argv[2], analyse=sys.argv[3] == "nlp")
print(json.dumps({"added": summary.added, "modules": sorted(m for m in ("nltk", "scipy", "numpy") if m in sys.modules)}))
"""


def update_in_a_fresh_process(corpus, index, nlp: bool, cache_dir) -> dict:
    env = {**os.environ, "NEWSEARCH_CACHE_DIR": str(cache_dir)}
    args = [sys.executable, "-c", UPDATE_IN_A_FRESH_PROCESS, str(corpus), str(index), "nlp" if nlp else "plain"]
    done = subprocess.run(args, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_updates_import_only_what_they_need(make_corpus, tmp_path):
    """NLTK's own code (and scipy, which it imports) is only needed to fill the model cache;
    "nothing changed" needs neither the story code (numpy) nor NLP."""
    if not os.environ.get("NEWSEARCH_NLTK_DATA"):
        pytest.skip("NLTK data not available")
    corpus, index, cache = make_corpus({"a.txt": "A\n\nMr. Smith met John Kerry in Geneva."}), tmp_path / "ix", tmp_path / "cache"
    update_in_a_fresh_process(corpus, index, True, cache)  # fills the model cache (imports NLTK)
    (corpus / "b.txt").write_text("B\n\nSergei Lavrov flew to Aleppo. He said: \"It is over.\"")
    added = update_in_a_fresh_process(corpus, index, True, cache)
    assert added == {"added": ["b.txt"], "modules": ["numpy"]}
    assert update_in_a_fresh_process(corpus, index, True, cache) == {"added": [], "modules": []}


def test_updated_articles_do_not_pile_up_as_deleted_copies(make_corpus, tmp_path):
    # Every article replaced once, a few at a time: Whoosh only marks an old copy deleted, so
    # without a merge policy for them the index kept each article twice.
    files = {f"{n:02}.txt": f"Story {n}\n\nThe harbour reopened on day {n} after the storm." for n in range(40)}
    corpus = make_corpus(files)
    index = tmp_path / "ix"
    newsearch.index_corpus(corpus, index, analyse=False)
    names = sorted(files)
    for start in range(0, len(names), 8):
        for name in names[start : start + 8]:
            (corpus / name).write_text(files[name] + " Updated.", encoding="utf-8")
        newsearch.index_corpus(corpus, index, analyse=False)

    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(index))
    try:
        assert ix.doc_count() == 40
        assert ix.doc_count_all() <= 40 * 1.25  # kept documents, deleted ones included
    finally:
        ix.close()
    assert search_ids(index, '"reopened on day 7"') == ["07.txt"]


def test_phrases_and_highlights_far_into_a_long_article(make_corpus, tmp_path):
    # Positions are stored as variable-length gaps: a gap of 128 or more takes two bytes.
    filler = " ".join(f"word{n}" for n in range(300))
    corpus = make_corpus({"long.txt": f"Long\n\nregime {filler} regime of silence {filler} silence"})
    index = tmp_path / "ix"
    newsearch.index_corpus(corpus, index, analyse=False)
    with newsearch.open_index(index) as ix:
        hits = ix.search('"regime of silence"').hits
        assert [hit.id for hit in hits] == ["long.txt"]
        body = ix.article("long.txt").body
        marked = [body[span.start : span.end] for passage in hits[0].passages for span in passage.highlights]
        assert marked == ["regime", "of", "silence"]

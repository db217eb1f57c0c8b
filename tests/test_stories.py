"""Near-duplicate stories: signatures, the assignment rules, and the persistent state."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from newsearch.state import IndexState
from newsearch.stories import (
    SIGNATURE_PARAMS,
    THRESHOLD,
    StoryIndex,
    numbers_agree,
    same_story,
    signature,
    similarity,
)

from .conftest import SEED_ORIGINAL, SEED_REWRITE, SHIPPED_CORPUS


def body_of(path: Path) -> str:
    """The body of a shipped article: everything after the title line."""
    return path.read_bytes().decode("utf-8", errors="replace").partition("\n")[2].strip()


ORIGINAL = body_of(SEED_ORIGINAL)
REWRITE = body_of(SEED_REWRITE)
# Two different BBC articles about the same thing: Patricia Hewitt on maternity pay.
MATERNITY_PAY = body_of(SHIPPED_CORPUS / "bbc/politics/001.txt")
CAREER_SEXISM = body_of(SHIPPED_CORPUS / "bbc/politics/003.txt")
OTHERS = {
    f"bbc/{name}": body_of(SHIPPED_CORPUS / "bbc" / name)
    for name in ("business/001.txt", "business/003.txt", "sport/001.txt", "tech/001.txt", "entertainment/002.txt")
}


def lightly_edited(body: str) -> str:
    """A syndicated copy: a new first sentence, the last paragraph dropped."""
    paragraphs = body.split("\n\n")
    return "\n\n".join(["Reporting by our correspondent in London.", *paragraphs[1:-1]])


def index_of(bodies: dict[str, str]) -> StoryIndex:
    index = StoryIndex()
    for article_id, body in bodies.items():
        index.assign(article_id, signature(body))
    return index


def save(index: StoryIndex, directory: Path, generation: int = 1) -> None:
    """Write what changed in ``index`` to the state file in ``directory``."""
    with IndexState(directory) as state:
        state.write(generation, SIGNATURE_PARAMS, {}, index.take_changes())


def stored(bodies: dict[str, str]):
    """A signature loader over the bodies an index holds (as the indexer's reads its stored fields)."""
    return lambda ids: {article_id: signature(bodies[article_id]) for article_id in ids}


def reload(directory: Path, bodies: dict[str, str]) -> StoryIndex:
    with IndexState(directory) as state:
        return StoryIndex.from_rows(state.all_story_rows(), stored(bodies))


# --------------------------------------------------------------------------- signatures


def test_exact_copies_ignore_spacing_case_and_quote_style():
    copy = ORIGINAL.upper().replace(" ", "   ").replace("\u201c", '"').replace("\u201d", '"')
    assert signature(copy).exact == signature(ORIGINAL).exact
    assert similarity(signature(copy), signature(ORIGINAL)) == 1.0


def test_signature_is_small_and_picklable():
    sig = signature(ORIGINAL)
    assert pickle.loads(pickle.dumps(sig)) == sig
    assert len(sig.minhash) == 512


def test_the_seed_rewrite_is_above_the_threshold():
    assert similarity(signature(ORIGINAL), signature(REWRITE)) >= THRESHOLD


def test_articles_on_the_same_subject_are_below_the_threshold():
    assert similarity(signature(MATERNITY_PAY), signature(CAREER_SEXISM)) < THRESHOLD / 2


def notice(company: str, amount: str, due: str, coupon: str, day: str) -> str:
    """A Reuters convertible-debt notice: one template, different facts each time."""
    return (
        f"NEW YORK, March {day} - {company} is raising {amount} mln dlrs through an offering of "
        f"convertible subordinated debentures due {due} with a {coupon} pct coupon and par pricing, "
        "said sole manager Drexel Burnham Lambert Inc.\n\nThe debentures are non-callable for two years. "
        "A rating was not available."
    )


def test_a_template_with_other_facts_is_another_story():
    first = signature(notice("Computer Products Inc", "35", "1997", "9-1/2", "19"))
    second = signature(notice("Essex Chemical Corp", "60", "2012", "6-3/4", "26"))
    assert similarity(first, second) >= THRESHOLD
    assert not numbers_agree(first, second) and not same_story(first, second)
    index = StoryIndex()
    index.assign("a.txt", first)
    assert index.assign("b.txt", second) == "b.txt"


def test_numbers_only_count_when_both_bodies_have_some():
    assert numbers_agree(signature(ORIGINAL), signature(REWRITE))
    assert numbers_agree(signature("Prices rose 3 pct."), signature("Prices fell 5 pct and 7 pct in 1987."))
    assert same_story(signature(ORIGINAL), signature(REWRITE))


def test_a_body_without_words_is_nobodys_duplicate():
    empty = signature("  \n\n -- ")
    assert empty.empty and similarity(empty, empty) == 0.0
    index = index_of({"a.txt": "", "b.txt": "..."})
    assert index.story_of("a.txt") == "a.txt" and index.story_of("b.txt") == "b.txt"


# --------------------------------------------------------------------------- assignment


def test_exact_copies_share_a_story():
    index = index_of({**OTHERS, "copy1.txt": ORIGINAL, "copy2.txt": " ".join(ORIGINAL.split())})
    assert index.story_of("copy2.txt") == index.story_of("copy1.txt") == "copy1.txt"
    assert index.members("copy1.txt") == ("copy1.txt", "copy2.txt")


def test_the_seed_pair_shares_a_story():
    index = index_of({**OTHERS, "original.txt": ORIGINAL, "rewrite.txt": REWRITE})
    assert index.story_of("rewrite.txt") == "original.txt"
    [story] = index.stories()
    assert story.id == "original.txt" and story.members == ("original.txt", "rewrite.txt")
    assert story.pairs[0].similarity >= THRESHOLD


def test_unrelated_articles_on_the_same_subject_stay_apart():
    index = index_of({"maternity.txt": MATERNITY_PAY, "sexism.txt": CAREER_SEXISM})
    assert index.story_of("maternity.txt") != index.story_of("sexism.txt")
    assert index.stories() == []


def test_a_new_near_duplicate_joins_the_existing_story_and_keeps_its_id(tmp_path: Path):
    bodies = {**OTHERS, "original.txt": ORIGINAL, "maternity.txt": MATERNITY_PAY}
    index = index_of(bodies)
    before = {article_id: index.story_of(article_id) for article_id in [*OTHERS, "original.txt", "maternity.txt"]}
    save(index, tmp_path)

    later = reload(tmp_path, bodies)
    assert later.assign("rewrite.txt", signature(REWRITE)) == "original.txt"
    assert later.assign("copy.txt", signature(lightly_edited(MATERNITY_PAY))) == "maternity.txt"
    assert {article_id: later.story_of(article_id) for article_id in before} == before


def test_the_most_similar_story_wins():
    index = index_of({"a.txt": MATERNITY_PAY, "b.txt": ORIGINAL})
    assert index.assign("c.txt", signature(lightly_edited(ORIGINAL))) == "b.txt"


def test_reassigning_an_article_replaces_it():
    index = index_of({"a.txt": ORIGINAL, "b.txt": REWRITE})
    assert index.assign("b.txt", signature(MATERNITY_PAY)) == "b.txt"
    assert index.members("a.txt") == ("a.txt",) and len(index) == 2


def test_removing_the_founder_keeps_the_story_id(tmp_path: Path):
    bodies = {**OTHERS, "original.txt": ORIGINAL, "rewrite.txt": REWRITE, "copy.txt": ORIGINAL}
    index = index_of(bodies)
    index.remove("original.txt")
    index.remove("no-such-article.txt")
    assert index.story_of("rewrite.txt") == index.story_of("copy.txt") == "original.txt"
    assert "original.txt" not in index

    save(index, tmp_path)
    loaded = reload(tmp_path, bodies)
    assert loaded.members("original.txt") == ("copy.txt", "rewrite.txt")
    assert all(loaded.story_of(article_id) == article_id for article_id in OTHERS)
    # The founder comes back as something else: the living story keeps the id, it gets another.
    assert loaded.assign("original.txt", signature(MATERNITY_PAY)) == "original.txt~2"
    # ... and a copy of the story still finds it after the reload.
    assert loaded.assign("again.txt", signature(lightly_edited(ORIGINAL))) == "original.txt"


def test_an_emptied_story_frees_its_id():
    index = index_of({"a.txt": ORIGINAL})
    index.remove("a.txt")
    assert index.members("a.txt") == () and len(index) == 0
    assert index.assign("a.txt", signature(MATERNITY_PAY)) == "a.txt"


def test_round_trip_keeps_signatures_and_stories(tmp_path: Path):
    bodies = {**OTHERS, "original.txt": ORIGINAL, "rewrite.txt": REWRITE, "empty.txt": ""}
    index = index_of(bodies)
    save(index, tmp_path)
    loaded = reload(tmp_path, bodies)
    assert len(loaded) == len(index)
    assert loaded.stories() == index.stories()
    assert loaded.signature_of("rewrite.txt") == signature(REWRITE)
    assert loaded.story_of("empty.txt") == "empty.txt"


def test_only_changes_are_written_and_the_saved_state_follows_them(tmp_path: Path):
    index = index_of({**OTHERS, "original.txt": ORIGINAL, "rewrite.txt": REWRITE})
    save(index, tmp_path)
    assert index.take_changes().added == ()  # saved: nothing left to write
    index.remove("bbc/sport/001.txt")
    index.assign("rewrite.txt", signature(MATERNITY_PAY))  # replaced: its old row goes
    index.assign("copy.txt", signature(lightly_edited(ORIGINAL)))
    changes = index.take_changes()
    assert list(changes.removed) == ["bbc/sport/001.txt", "rewrite.txt"]
    assert [row.id for row in changes.added] == ["rewrite.txt", "copy.txt"]
    with IndexState(tmp_path) as state:
        state.write(2, SIGNATURE_PARAMS, {}, changes)
    bodies = {**OTHERS, "original.txt": ORIGINAL, "rewrite.txt": MATERNITY_PAY, "copy.txt": lightly_edited(ORIGINAL)}
    loaded = reload(tmp_path, bodies)
    assert loaded.stories() == index.stories() and len(loaded) == len(index)
    assert loaded.assign("again.txt", signature(ORIGINAL)) == index.assign("again.txt", signature(ORIGINAL))


def test_the_rows_an_update_needs_assign_exactly_as_the_whole_state(tmp_path: Path):
    """A small update loads only ``rows_needed``; every assignment must be the same as with
    every row loaded: joining a copy's story, founding ``id~2`` when a living story has the
    id, exact copies whose first holder decides, and removals that empty a story."""
    bodies = {**OTHERS, "original.txt": ORIGINAL, "rewrite.txt": REWRITE, "copy.txt": ORIGINAL,
              "maternity.txt": MATERNITY_PAY, "sexism.txt": CAREER_SEXISM}
    whole = index_of(bodies)
    whole.remove("original.txt")  # the story "original.txt" lives on without its founder
    save(whole, tmp_path)
    removed = ["sexism.txt", "bbc/tech/001.txt"]
    texts = {
        "original.txt": "Back as something else: an unrelated article reusing the id.",
        "edited.txt": lightly_edited(ORIGINAL),
        "maternity.txt": CAREER_SEXISM,  # changed
        "sexism.txt": CAREER_SEXISM,  # removed above, back again
        "new.txt": "A story nobody has told before, in a few words.",
        "empty.txt": "",
    }
    assigned = [(article_id, signature(text)) for article_id, text in texts.items()]
    with IndexState(tmp_path) as state:
        some = StoryIndex.from_rows(state.story_rows(StoryIndex.rows_needed(removed, assigned)), stored(bodies))
    assert len(some) < len(whole)
    for article_id in removed:
        some.remove(article_id)
        whole.remove(article_id)
    stories = [(some.assign(i, sig), whole.assign(i, sig)) for i, sig in assigned]
    assert [mine for mine, _ in stories] == [theirs for _, theirs in stories]
    assert stories[0][0] == "original.txt~2" and stories[1][0] == "original.txt"
    with IndexState(tmp_path) as state:
        state.write(2, SIGNATURE_PARAMS, {}, some.take_changes())
    now = {**bodies, **texts}
    assert reload(tmp_path, now).stories() == whole.stories()


def test_a_state_from_another_generation_is_stale(tmp_path: Path):
    save(index_of({"a.txt": ORIGINAL}), tmp_path, generation=3)
    with IndexState(tmp_path) as state:
        assert state.is_current(3) and not state.is_current(4)
        assert state.signature_params() == SIGNATURE_PARAMS


@pytest.mark.parametrize("content", [b"", b"\x00\xff garbage", b"SQLite format 3\x00" + b"\x01" * 200])
def test_a_corrupt_or_missing_state_file_is_empty_and_stale(tmp_path: Path, content: bytes):
    if content:
        (tmp_path / "state.sqlite3").write_bytes(content)
    with IndexState(tmp_path) as state:
        assert not state.is_current(0) and len(state.manifest()) == 0 and state.all_story_rows() == []


def test_signatures_do_not_depend_on_the_process():
    """Signatures are computed in worker processes and stored, so they must not depend on
    Python's per-process string hashing."""
    code = "import sys; from newsearch.stories import signature; print(signature(sys.stdin.read()).minhash.hex())"
    runs = {
        subprocess.run(
            [sys.executable, "-c", code],
            input=ORIGINAL,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert runs == {signature(ORIGINAL).minhash.hex()}


FORMAT_1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE files (id TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, sha256 TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE articles (slot INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, story TEXT NOT NULL, exact TEXT NOT NULL,
                       minhash BLOB NOT NULL, numbers BLOB NOT NULL);
CREATE TABLE bands (key INTEGER NOT NULL, slot INTEGER NOT NULL, PRIMARY KEY (key, slot)) WITHOUT ROWID;
"""


def test_a_state_of_the_previous_format_is_rebuilt_and_updates_go_on(make_corpus, tmp_path: Path):
    """A state file written by the previous version (signatures and band keys saved, format 1)
    is emptied and rebuilt from the index by the next update; stories come out the same."""
    import sqlite3

    from newsearch import index_corpus, open_index

    corpus = make_corpus({"original.txt": f"Original\n\n{ORIGINAL}", **{f"other-{n}.txt": f"Other\n\n{b}" for n, b in enumerate(OTHERS.values())}})
    index = tmp_path / "index"
    index_corpus(corpus, index, analyse=False, semantic=False)
    with IndexState(index) as state:
        generation = state._meta()["generation"]
    (index / "state.sqlite3").unlink()
    with sqlite3.connect(index / "state.sqlite3") as old:
        old.executescript(FORMAT_1)
        old.executemany("INSERT INTO meta VALUES (?, ?)", [("format", "1"), ("generation", generation), ("signature", SIGNATURE_PARAMS)])
        old.execute("INSERT INTO articles VALUES (1, 'original.txt', 'original.txt', 'x', ?, x'')", (bytes(512),))
    with IndexState(index) as state:  # opened by this version: emptied, not current
        assert not state.is_current(int(generation)) and state.all_story_rows() == []
    (corpus / "rewrite.txt").write_text(f"Rewrite\n\n{REWRITE}", encoding="utf-8")
    index_corpus(corpus, index, analyse=False, semantic=False)
    with open_index(index) as opened:
        assert [(group.id, [v.id for v in group.versions]) for group in opened.stories()] == [
            ("original.txt", ["original.txt", "rewrite.txt"])
        ]
    with IndexState(index) as state:
        assert {row.id: row.story for row in state.all_story_rows()}["rewrite.txt"] == "original.txt"


def test_the_state_keeps_band_hashes_not_signatures(tmp_path: Path):
    """What a saved story row costs: its id, its story only when another article founded it,
    and 128 bytes of band hashes (the 512-byte MinHash is computed again from the text)."""
    import sqlite3

    save(index_of({"original.txt": ORIGINAL, "rewrite.txt": REWRITE, "empty.txt": ""}), tmp_path)
    with sqlite3.connect(tmp_path / "state.sqlite3") as connection:
        rows = connection.execute("SELECT id, story, length(bands) FROM articles ORDER BY slot").fetchall()
    assert rows == [("original.txt", None, 128), ("rewrite.txt", "original.txt", 128), ("empty.txt", None, 0)]


def test_a_state_written_from_scratch_is_packed_when_closed(tmp_path: Path):
    """A full build writes the state in bulk, a batch per commit; closing it packs the pages
    (bulk-written B-tree pages are left about a tenth empty)."""
    import random
    import sqlite3

    from newsearch.state import ManifestEntry, StoryChanges, StoryRow

    rng = random.Random(1)
    rows = [StoryRow(f"{n}.txt", f"{n}.txt", rng.randbytes(128)) for n in range(4000)]
    with IndexState(tmp_path) as state:
        for batch, start in enumerate(range(0, len(rows), 1000)):
            chunk = rows[start : start + 1000]
            manifest = {row.id: ManifestEntry(100, 1, rng.randbytes(32).hex()) for row in chunk}
            state.write(batch + 1, SIGNATURE_PARAMS, manifest, StoryChanges((), tuple(chunk)), replace=batch == 0)
    with sqlite3.connect(tmp_path / "state.sqlite3") as connection:
        unused, size = connection.execute("SELECT sum(unused), sum(pgsize) FROM dbstat").fetchone()
    assert unused / size < 0.07  # written in bulk and not packed: 0.12
    with IndexState(tmp_path) as state:
        assert [row.id for row in state.all_story_rows()] == [row.id for row in rows] and len(state.manifest()) == 4000

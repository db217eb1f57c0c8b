"""Corruption: a truncated or garbled segment, a damaged or missing table of contents, segment,
``newsearch.json`` or ``state.sqlite3``, an index directory deleted while open.

Never silently wrong results: each search answers exactly as the intact index would, or fails
with one line naming the fix (``newsearch index --full``, exit status 2); ``newsearch doctor``
gives the verdict (exit status 1 when damaged), and the fix it names repairs the index.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import newsearch
from newsearch.cli import app
from tests.reliability.faults_common import seeded, snapshot, trials, write_version

GARBLE_TRIALS = 40

runner = CliRunner()


def cli(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def intact(tmp_path_factory):
    """An index of version 1 of the test corpus, its source, and what it answers."""
    root = tmp_path_factory.mktemp("intact")
    corpus = root / "corpus"
    write_version(corpus, 1)
    newsearch.index_corpus(corpus, root / "index")
    query = cli("query", "harbour", "--index", str(root / "index"), "--json", "--limit", "100")
    assert query.exit_code == 0
    return {"index": root / "index", "corpus": corpus, "snapshot": snapshot(root / "index"), "json": json.loads(query.stdout)}


@pytest.fixture
def copy(intact, tmp_path) -> Path:
    shutil.copytree(intact["index"], tmp_path / "index")
    return tmp_path / "index"


def segment(index: Path) -> Path:
    [found] = index.glob("MAIN_*.seg")
    return found


def toc(index: Path) -> Path:
    [found] = index.glob("_MAIN_*.toc")
    return found


def truncate(path: Path, share: float) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * share)])


DAMAGE = {
    "segment cut to 10%": lambda ix: truncate(segment(ix), 0.1),
    "segment cut to 99%": lambda ix: truncate(segment(ix), 0.99),
    "segment deleted": lambda ix: segment(ix).unlink(),
    "table of contents cut short": lambda ix: truncate(toc(ix), 0.5),
    "newsearch.json garbage": lambda ix: (ix / "newsearch.json").write_text("{not json"),
    "newsearch.json deleted": lambda ix: (ix / "newsearch.json").unlink(),
}
SOURCE_LOST = {"newsearch.json garbage", "newsearch.json deleted"}


def test_an_index_without_its_table_of_contents_is_rebuilt_from_its_source(intact, copy):
    """With no table of contents there is no Whoosh index; newsearch.json still names the source,
    so a query builds the index again from it, saying so (the library's ``open_index`` raises
    ``IndexDamaged``)."""
    toc(copy).unlink()
    with pytest.raises(newsearch.IndexDamaged, match="its table of contents is missing"):
        newsearch.open_index(copy)
    query = cli("query", "harbour", "--index", str(copy), "--json", "--limit", "100")
    assert query.exit_code == 0 and f"building index {copy} from {intact['corpus']}" in query.stderr
    assert json.loads(query.stdout) == intact["json"]


@pytest.mark.parametrize("damage", DAMAGE)
def test_damage_fails_in_one_line_naming_the_fix_which_repairs_it(intact, copy, damage):
    DAMAGE[damage](copy)
    source = "DIR" if damage in SOURCE_LOST else str(intact["corpus"])
    fix = f"run `newsearch index --full --corpus {source} --index {copy}`"

    query = cli("query", "harbour", "--index", str(copy), "--json")
    assert query.exit_code == 2, query.stdout
    assert query.stderr.startswith(f"newsearch: error: index {copy} is damaged (")
    assert query.stderr.rstrip("\n").endswith(fix) and query.stderr.count("\n") == 1, query.stderr
    assert query.stdout == ""

    doctor = cli("doctor", "--index", str(copy))
    assert doctor.exit_code == 1, doctor.stdout
    assert f"integrity: DAMAGED: " in doctor.stdout and f"run `newsearch index --full --index {copy}`" in doctor.stdout

    if damage in SOURCE_LOST:  # the source is unknown: never guessed (./corpus), it must be named
        update = cli("index", "--index", str(copy))
        assert update.exit_code == 2 and fix in update.stderr
    repair = cli("index", "--full", "--corpus", str(intact["corpus"]), "--index", str(copy))
    assert repair.exit_code == 0, repair.stderr
    again = cli("query", "harbour", "--index", str(copy), "--json", "--limit", "100")
    assert again.exit_code == 0 and json.loads(again.stdout) == intact["json"]
    assert cli("doctor", "--index", str(copy)).exit_code == 0


@pytest.mark.parametrize("damage", ["garbage", "deleted"])
def test_a_damaged_state_file_is_rebuilt_from_the_index(intact, copy, damage):
    """The state is derived from the index: searches answer exactly as before, doctor notes it,
    the next update rebuilds it."""
    state = copy / "state.sqlite3"
    state.write_bytes(b"garbage" * 1000) if damage == "garbage" else state.unlink()
    doctor = cli("doctor", "--index", str(copy))
    assert doctor.exit_code == 0 and "integrity note: state.sqlite3 is" in doctor.stdout
    assert snapshot(copy) == intact["snapshot"]
    assert cli("index", "--index", str(copy)).exit_code == 0
    assert newsearch.check_index(copy).notes == ()
    assert snapshot(copy) == intact["snapshot"]


def test_garbled_segments_fail_searches_and_are_flagged_by_the_check(intact, tmp_path):
    """One bit flipped at a random place of the segment, many times. Whoosh keeps no checksums
    and a search reads only what it needs, so a flipped bit in a term of the dictionary used to
    make a search answer without an article (2 of 700 trials); searches now check the CRC-32
    of a segment file written since it last matched, so every one fails with ``IndexDamaged``
    naming the fix. ``check_index`` (doctor) flags every one too."""
    rng = seeded("garble")
    count = trials(GARBLE_TRIALS)
    outcomes = {"right": 0, "failed clearly": 0, "wrong": 0}
    for trial in range(count):
        index = tmp_path / f"index{trial}"
        shutil.copytree(intact["index"], index)
        data = bytearray(segment(index).read_bytes())
        where = rng.randrange(len(data))
        data[where] ^= 1 << rng.randrange(8)
        segment(index).write_bytes(bytes(data))
        try:
            outcome = "right" if snapshot(index) == intact["snapshot"] else "wrong"
        except newsearch.IndexDamaged as error:
            assert "run `newsearch index --full" in str(error)
            outcome = "failed clearly"
        except newsearch.ArticleNotFound:  # found by a search, not by its id
            outcome = "wrong"
        except Exception as error:  # noqa: BLE001 - anything else is a finding
            raise AssertionError(f"trial {trial}, byte {where}: {type(error).__name__}: {error}") from error
        outcomes[outcome] += 1
        check = newsearch.check_index(index)
        assert not check.intact and "does not match its checksum" in check.problems[0], (trial, where, check)
        shutil.rmtree(index)
    print(f"garbled: {count} single-bit flips: {outcomes}; all {count} flagged by the check")
    assert outcomes["failed clearly"] == count, outcomes


def test_searches_read_a_segment_file_again_only_when_it_changed(intact, copy, monkeypatch):
    """The first search of a copied index reads its segment files once (their inodes are new);
    later searches only compare sizes and times; a file written to is read again."""
    from newsearch import checksums

    read = []
    real = checksums.checksum
    monkeypatch.setattr(checksums, "checksum", lambda path: read.append(Path(path).name) or real(path))
    assert snapshot(copy) == intact["snapshot"]
    assert segment(copy).name in read
    read.clear()
    assert snapshot(copy) == intact["snapshot"]
    assert read == []
    data = segment(copy).read_bytes()
    segment(copy).write_bytes(data)  # the same bytes, written again: read again, and still intact
    assert snapshot(copy) == intact["snapshot"]
    assert read == [segment(copy).name]


def test_an_index_deleted_while_open_says_so_and_its_rebuild_is_seen(intact, tmp_path):
    """Regression: an index rebuilt while open restarts at the same generation numbers; the open
    ``Index`` used to keep answering from the deleted files."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(intact["corpus"], corpus)
    newsearch.index_corpus(corpus, index, analyse=False)
    with newsearch.open_index(index) as ix:
        before = ix.health().generation
        shutil.rmtree(index)
        with pytest.raises(newsearch.IndexDamaged, match=r"is gone .*run `newsearch index --full"):
            ix.search("harbour")
        for extra in corpus.glob("0[0-4]*.txt"):
            extra.unlink()
        newsearch.index_corpus(corpus, index, analyse=False)
        assert ix.health().generation == before  # the same number, another index
        assert ix.search("harbour", limit=1).total == len(list(corpus.glob("*.txt")))


def test_quote_search_reads_the_checked_generation_as_searches_do(intact, tmp_path, monkeypatch):
    """Regression: ``Index.quotes`` opened a searcher of its own on the newest generation, whose
    files were never checked against their checksums."""
    from newsearch import checksums

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(intact["corpus"], corpus)
    newsearch.index_corpus(corpus, index, analyse=False)
    with newsearch.open_index(index) as ix:
        (corpus / "new.txt").write_text("Harbour news\n\nThe harbour opened again.\n", encoding="utf-8")
        newsearch.index_corpus(corpus, index, analyse=False)  # a new generation, not yet opened
        monkeypatch.setattr(checksums, "verify", lambda path, segment_ids: sorted(segment_ids)[:1])
        with pytest.raises(newsearch.IndexDamaged, match="does not match its checksum"):
            ix.quotes("harbour")

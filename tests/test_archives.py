"""Dated, sourced archives end to end: dumps and metadata tables indexed incrementally, then
searched by time and source, sorted by date, charted over time, as a user sees them."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import newsearch
from newsearch import QueryError
from newsearch.cli import app

from .conftest import SHARED

runner = CliRunner()

RECORDS = [
    {"id": "r1", "title": "Cocoa crop improves", "body": "Cocoa harvest in Bahia improved after rain.",
     "date": "1987-03-02T10:00:00Z", "source": "Reuters", "places": ["brazil"], "topics": ["cocoa"]},
    {"id": "r2", "title": "Cocoa prices fall", "body": "Cocoa prices fell in London trading.",
     "date": "1987-03-20", "source": "Reuters", "places": ["uk"], "author": ["Ann Lee", "Bo Chan"]},
    {"id": "r3", "title": "Cocoa pact talks", "body": "Cocoa producers met in Geneva about the pact.",
     "published": "Apr 2, 1987", "publisher": "AP", "places": ["switzerland"]},
    {"id": "r4", "title": "Cocoa without a date", "body": "Cocoa traders said little."},
    {"id": "r5", "title": "Oil output", "body": "Oil output rose in March.", "date": "1987-03-10", "source": "AP"},
]


def jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


@pytest.fixture
def archive(tmp_path: Path) -> tuple[Path, Path]:
    """A JSON Lines dump as the corpus, and its index (built without NLP)."""
    dump = tmp_path / "news.jsonl"
    dump.write_text(jsonl(RECORDS), encoding="utf-8")
    index = tmp_path / "ix"
    newsearch.index_corpus(dump, index, analyse=False)
    return dump, index


def search(index: Path, query: str, **options) -> newsearch.SearchResults:
    with newsearch.open_index(index) as ix:
        return ix.search(query, **{"passages": 0, "collapse": False, **options})


def ids(results: newsearch.SearchResults) -> list[str]:
    return [hit.id for hit in results.hits]


# --------------------------------------------------------------------------- what a hit says


def test_hits_carry_date_source_author_url_and_the_other_fields(archive):
    _, index = archive
    hits = {hit.id: hit for hit in search(index, "cocoa").hits}
    assert (hits["r1"].date, hits["r1"].source) == ("1987-03-02T10:00:00Z", "Reuters")
    assert dict(hits["r1"].metadata) == {"places": ("brazil",), "topics": ("cocoa",)}
    assert hits["r2"].author == "Ann Lee, Bo Chan"
    assert (hits["r3"].date, hits["r3"].source) == ("1987-04-02", "AP")  # other names, lenient date
    assert (hits["r4"].date, hits["r4"].source, hits["r4"].url) == (None, None, None)
    assert hits["r1"].path.endswith("news.jsonl")


def test_json_hits_have_the_documented_fields(archive):
    dump, index = archive
    done = runner.invoke(app, ["query", "cocoa", "--index", str(index), "--json", "--no-collapse"])
    assert done.exit_code == 0, done.output
    hits = {hit["id"]: hit for hit in json.loads(done.stdout)["hits"]}
    assert hits["r1"]["date"] == "1987-03-02T10:00:00Z" and hits["r3"]["date"] == "1987-04-02"
    assert hits["r4"]["date"] is None and hits["r4"]["url"] is None
    assert hits["r1"]["metadata"] == {"places": ["brazil"], "topics": ["cocoa"]}
    assert hits["r2"]["author"] == "Ann Lee, Bo Chan"


# --------------------------------------------------------------------------- filters


def test_since_and_until_are_inclusive_and_leave_undated_articles_out(archive):
    _, index = archive
    assert sorted(ids(search(index, "cocoa", since="1987-03-01", until="1987-03-20"))) == ["r1", "r2"]
    assert sorted(ids(search(index, "cocoa", until="1987-03"))) == ["r1", "r2"]  # the whole of March
    assert sorted(ids(search(index, "cocoa", since="1987-03-02T10:00"))) == ["r1", "r2", "r3"]
    assert sorted(ids(search(index, "cocoa", since="1987-03-02T10:01"))) == ["r2", "r3"]
    with pytest.raises(QueryError, match="--since"):
        search(index, "cocoa", since="last week")


def test_source_filter_is_a_case_insensitive_exact_match_and_repeatable(archive):
    _, index = archive
    assert sorted(ids(search(index, "cocoa", sources=["reuters"]))) == ["r1", "r2"]
    assert sorted(ids(search(index, "cocoa", sources=["REUTERS", "ap"]))) == ["r1", "r2", "r3"]
    assert ids(search(index, "cocoa", sources=["reut"])) == []


@pytest.mark.parametrize(
    "query, expected",
    [
        ("cocoa date:1987-03", ["r1", "r2"]),
        ("cocoa date:1987-03-20", ["r2"]),
        ("cocoa date:>1987-03-02", ["r2", "r3"]),  # after that day
        ("cocoa date:>=1987-03-02", ["r1", "r2", "r3"]),
        ("cocoa date:<1987-04", ["r1", "r2"]),
        ("cocoa date:[1987-03-15 to 1987-04-30]", ["r2", "r3"]),
        ("cocoa date:[1987-03-15 TO]", ["r2", "r3"]),
        ("cocoa source:ap", ["r3"]),
        ("cocoa source:AP OR source:reuters", ["r1", "r2", "r3"]),
        ("cocoa NOT source:reuters", ["r3", "r4"]),
        ('cocoa author:"bo chan"', ["r2"]),
        ("cocoa meta_places:brazil", ["r1"]),
        ("source:ap", ["r3", "r5"]),  # filters alone: every article of the source
        ("date:1987-03 source:reuters", ["r1", "r2"]),
    ],
)
def test_query_syntax_for_dates_and_sources(archive, query, expected):
    _, index = archive
    assert sorted(ids(search(index, query, limit=20))) == expected


def test_filters_do_not_change_scores_and_hold_in_a_ranked_query(archive):
    _, index = archive
    # (feedback off: it re-ranks by words of the best matches, which the filter changes)
    plain = {hit.id: hit.score for hit in search(index, "cocoa prices in london", feedback=False).hits}
    filtered = {hit.id: hit.score for hit in search(index, "cocoa prices in london date:1987-03", feedback=False).hits}
    assert set(filtered) == {"r1", "r2"}  # a ranked (any-word) query still requires the filter
    assert all(filtered[key] == plain[key] for key in filtered)


def test_bad_dates_in_a_query_are_one_line_errors(archive):
    _, index = archive
    for query in ("cocoa date:soon", "cocoa date:1987-13", "cocoa date:[ to ]"):
        done = runner.invoke(app, ["query", query, "--index", str(index)])
        assert done.exit_code == 2 and "Traceback" not in done.output, (query, done.output)
    done = runner.invoke(app, ["query", "cocoa", "--index", str(index), "--since", "yesterday"])
    assert done.exit_code == 2 and "--since" in done.stderr


# --------------------------------------------------------------------------- sorting, timeline, facets


def test_sort_newest_and_oldest_put_undated_last(archive):
    _, index = archive
    assert ids(search(index, "cocoa", sort="newest")) == ["r3", "r2", "r1", "r4"]
    assert ids(search(index, "cocoa", sort="oldest")) == ["r1", "r2", "r3", "r4"]
    assert ids(search(index, "cocoa", sort="newest", limit=2)) == ["r3", "r2"]  # newest of all matches
    done = runner.invoke(app, ["query", "cocoa", "--index", str(index), "--sort", "latest"])
    assert done.exit_code == 2 and "newest" in done.stderr


def test_a_collapsed_story_is_placed_by_its_best_matching_version(tmp_path):
    story = "The cocoa board met in Accra on Monday and agreed a new price for farmers this season."
    records = [
        {"id": "early", "title": "Cocoa board sets price", "body": story, "date": "1987-01-05"},
        {"id": "late", "title": "Board meets", "body": story + " Cocoa cocoa.", "date": "1987-06-01"},
        {"id": "other", "title": "Cocoa news", "body": "Some cocoa news from Ghana today.", "date": "1987-03-01"},
    ]
    dump = tmp_path / "s.jsonl"
    dump.write_text(jsonl(records), encoding="utf-8")
    newsearch.index_corpus(dump, tmp_path / "ix", analyse=False)
    results = search(tmp_path / "ix", "cocoa", sort="newest", collapse=True)
    story = next(hit for hit in results.hits if hit.versions)
    assert {story.id, *(v.id for v in story.versions)} == {"early", "late"} and len(results.hits) == 2
    assert story.id == "early"  # its title says cocoa: the best-matching version ...
    assert ids(results) == ["other", "early"]  # ... placed by its own date, though "late" is newer


def test_timeline_counts_every_match_with_undated_apart(archive):
    _, index = archive
    results = search(index, "cocoa", limit=1, timeline=True)
    timeline = results.timeline
    assert timeline.bucket == "day" and timeline.undated == 1
    assert sum(c.count for c in timeline.counts) + timeline.undated == results.total == 4
    assert timeline.counts[0].start == "1987-03-02" and timeline.counts[-1].start == "1987-04-02"
    assert len(timeline.counts) == 32  # empty days included
    done = runner.invoke(app, ["query", "cocoa", "--index", str(index), "--timeline", "--json"])
    assert json.loads(done.stdout)["timeline"]["undated"] == 1
    chart = runner.invoke(app, ["query", "cocoa", "--index", str(index), "--timeline"])
    assert "4 matches by day" in chart.stdout and "1987-03-20" in chart.stdout and "1 undated" in chart.stdout


def test_source_facet(archive):
    _, index = archive
    facets = search(index, "cocoa OR oil", facets=10).facets
    assert [(f.value, f.count) for f in facets["sources"]] == [("AP", 2), ("Reuters", 2)]


# --------------------------------------------------------------------------- incremental updates of a dump


def test_a_dump_updates_incrementally(archive, monkeypatch):
    dump, index = archive
    with open(dump, "a", encoding="utf-8") as out:
        out.write(json.dumps({"id": "r6", "title": "Cocoa again", "body": "More cocoa.", "date": "1987-05-01"}) + "\n")
    summary = newsearch.index_corpus(None, index)
    assert (summary.added, summary.updated, summary.removed, summary.unchanged) == (("r6",), (), (), 5)
    lines = dump.read_text(encoding="utf-8").splitlines()
    changed = json.loads(lines[1]) | {"body": "Cocoa prices rose in London trading."}
    dump.write_text("\n".join([lines[0], json.dumps(changed), *lines[3:]]) + "\n", encoding="utf-8")  # r3 gone
    summary = newsearch.index_corpus(None, index)
    assert (summary.added, summary.updated, summary.removed) == ((), ("r2",), ("r3",))
    assert ids(search(index, "cocoa rose")) == ["r2"]
    from newsearch import indexer

    monkeypatch.setattr(indexer, "read_dump", lambda *a, **k: (_ for _ in ()).throw(AssertionError("dump re-read")))
    assert not newsearch.index_corpus(None, index).changed  # unchanged dump: not read at all


def test_bad_records_are_reported_with_line_numbers_and_lose_nothing(archive):
    dump, index = archive
    good = dump.read_text(encoding="utf-8")
    bad = [
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"id": "nobody", "title": "No body"}),
        json.dumps({"id": "r1", "title": "Duplicate", "body": "Again."}),
        json.dumps({"id": "r7", "title": "Cocoa later", "body": "Cocoa.", "date": "the day after"}),
    ]
    dump.write_text(good + "\n".join(bad) + "\n", encoding="utf-8")
    summary = newsearch.index_corpus(None, index)
    skipped = {s.path: s.reason for s in summary.skipped}
    assert set(skipped) == {"news.jsonl:6", "news.jsonl:7", "news.jsonl:8", "news.jsonl:9"}
    assert "duplicate id 'r1'" in skipped["news.jsonl:9"]
    assert summary.added == ("r7",) and not summary.removed
    assert [(w.path, "unparseable date" in w.reason) for w in summary.warnings] == [("r7", True)]
    assert search(index, "cocoa later").hits[0].date is None
    done = runner.invoke(app, ["index", "--index", str(index), "--full"])
    assert "skipped news.jsonl:6" in done.stdout and "warning r7" in done.stdout


def test_gzipped_and_csv_dumps_in_a_folder_with_prefixed_ids(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.jsonl.gz").write_bytes(gzip.compress(jsonl(RECORDS[:2]).encode()))
    (corpus / "b.csv").write_bytes(
        "\ufeffid,headline,text,pubdate,outlet\r\nc1,Cocoa in CSV,\"Cocoa, from a CSV.\",1987-03-05,UPI\r\n".encode()
    )
    (corpus / "note.txt").write_text("A note\n\nCocoa in a text file.", encoding="utf-8")
    newsearch.index_corpus(corpus, tmp_path / "ix", analyse=False)
    hits = {hit.id: hit for hit in search(tmp_path / "ix", "cocoa").hits}
    assert set(hits) == {"a.jsonl.gz#r1", "a.jsonl.gz#r2", "b.csv#c1", "note.txt"}
    assert (hits["b.csv#c1"].title, hits["b.csv#c1"].source, hits["b.csv#c1"].date) == ("Cocoa in CSV", "UPI", "1987-03-05")
    assert hits["b.csv#c1"].path == str((corpus / "b.csv").resolve()) and hits["note.txt"].date is None


def test_a_field_mapping_is_remembered_and_a_new_one_rebuilds(tmp_path):
    dump = tmp_path / "d.jsonl"
    dump.write_text(json.dumps({"key": "k1", "story": "Cocoa story.", "when": "1987-03-01"}) + "\n", encoding="utf-8")
    index = tmp_path / "ix"
    done = runner.invoke(app, ["index", "--corpus", str(dump), "--index", str(index), "--no-nlp",
                               "--field", "id=key", "--field", "body=story", "--field", "date=when"])
    assert done.exit_code == 0, done.output
    assert [(h.id, h.date) for h in search(index, "cocoa").hits] == [("k1", "1987-03-01")]
    assert not newsearch.index_corpus(None, index, analyse=False).changed  # mapping kept
    assert newsearch.index_corpus(None, index, analyse=False, fields={"id": "key", "body": "story"}).full_rebuild
    bad = runner.invoke(app, ["index", "--index", str(index), "--field", "bodystory"])
    assert bad.exit_code == 2 and "OURS=THEIRS" in bad.stderr


def test_metadata_table_gives_files_their_dates_and_an_edited_row_reindexes(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "texts").mkdir(parents=True)
    (corpus / "texts" / "a.txt").write_text("Vote count\n\nThe vote count went on.", encoding="utf-8")
    (corpus / "metadata.tsv").write_text("filename\tpublisher\tpublication_date\na\tnyt\t2016-10-05\n", encoding="utf-8")
    index = tmp_path / "ix"
    newsearch.index_corpus(corpus, index, analyse=False)
    assert [(h.source, h.date) for h in search(index, "vote").hits] == [("nyt", "2016-10-05")]
    (corpus / "metadata.tsv").write_text("filename\tpublisher\tpublication_date\na\tpolitico\t2016-10-06\n", encoding="utf-8")
    assert newsearch.index_corpus(None, index, analyse=False).updated == ("texts/a.txt",)
    assert [(h.source, h.date) for h in search(index, "vote", sources=["POLITICO"]).hits] == [("politico", "2016-10-06")]


def test_stories_list_versions_by_date_and_quote_hits_carry_dates(tmp_path):
    body = (
        'The talks in Geneva ended on Friday. "We have reached an agreement on every point," '
        "said Maria Lopez, the chief negotiator, after the final session with the delegations."
    )
    records = [
        {"id": "copy-b", "title": "Talks end", "body": body, "date": "1987-03-03", "source": "AP"},
        {"id": "copy-a", "title": "Talks ended", "body": body, "date": "1987-03-04", "source": "Reuters"},
    ]
    dump = tmp_path / "t.jsonl"
    dump.write_text(jsonl(records), encoding="utf-8")
    with newsearch.open_index(tmp_path / "ix", corpus=dump) as ix:
        [story] = ix.stories()
        assert [(v.id, v.date, v.source) for v in story.versions] == [("copy-b", "1987-03-03", "AP"), ("copy-a", "1987-03-04", "Reuters")]
        quotes = ix.quotes("agreement")
        assert {(q.article_id, q.date, q.source) for q in quotes} == {("copy-b", "1987-03-03", "AP"), ("copy-a", "1987-03-04", "Reuters")}
    listed = runner.invoke(app, ["stories", "--index", str(tmp_path / "ix")])
    assert "first published  Talks end  1987-03-03  AP" in listed.stdout
    assert listed.stdout.index("1987-03-03") < listed.stdout.index("1987-03-04")


# --------------------------------------------------------------------------- the shared archives


REUTERS = SHARED / "corpora" / "reuters.jsonl"
POLNEAR = SHARED / "corpora" / "polnear"


@pytest.mark.skipif(not POLNEAR.is_dir(), reason="needs ../shared/corpora/polnear")
def test_polnear_folder_with_its_metadata_has_seven_sources_and_source_filters(tmp_path):
    index = tmp_path / "ix"
    done = subprocess.run(
        [sys.executable, "-m", "newsearch", "index", "--corpus", str(POLNEAR), "--index", str(index), "--no-nlp", "--json"],
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["added"]) == 294
    results = search(index, "trump OR clinton", facets=10)
    assert len(results.facets["sources"]) == 7
    breitbart = search(index, "source:breitbart", limit=100)
    assert breitbart.total == 42 and {hit.source for hit in breitbart.hits} == {"breitbart"}
    assert all(hit.date and hit.date.startswith(("2015", "2016")) for hit in breitbart.hits)


PAGE = """<!doctype html><html><head><title>Harbour reopens | The Daily Port</title>
<meta property="article:published_time" content="2016-10-05T14:03:00+02:00">
<meta name="author" content="Jo Reed"><meta property="og:site_name" content="The Daily Port">
<script>var tracking = "harbour";</script></head><body>
<nav><a href="/">Home</a> <a href="/sport">Sport</a></nav>
<article><h1>Harbour reopens</h1>
<p>The harbour reopened on Wednesday after a week of repairs to the sea wall, the port authority said.</p>
<p>Fishing boats returned to their berths by the afternoon, and the ferry resumes its timetable tomorrow.</p>
</article><footer>Copyright 2024 The Daily Port. All rights reserved.</footer></body></html>"""


def test_html_pages_in_a_folder_are_articles_with_their_date_and_source(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "harbour.html").write_text(PAGE, encoding="utf-8")
    newsearch.index_corpus(corpus, tmp_path / "ix", analyse=False)
    [hit] = search(tmp_path / "ix", "harbour").hits
    assert (hit.id, hit.title, hit.date, hit.source, hit.author) == (
        "harbour.html", "Harbour reopens", "2016-10-05T12:03:00Z", "The Daily Port", "Jo Reed"
    )
    with newsearch.open_index(tmp_path / "ix") as ix:
        assert ix.search("tracking").total == 0 and ix.search("copyright").total == 0  # script, footer dropped


def test_watch_picks_up_records_appended_to_a_dump(archive):
    import threading

    dump, index = archive
    summaries, stop = [], threading.Event()

    def on_update(summary):
        summaries.append(summary)
        if summary.added:
            stop.set()
        elif len(summaries) == 1:  # the first update, at start: now a record arrives
            with open(dump, "a", encoding="utf-8") as out:
                out.write(json.dumps({"id": "r9", "title": "Late cocoa", "body": "Cocoa, late."}) + "\n")

    watcher = threading.Thread(target=newsearch.watch, args=(None, index, on_update), kwargs={"stop": stop, "analyse": False})
    watcher.start()
    watcher.join(timeout=60)
    stop.set()
    assert summaries[-1].added == ("r9",)


def test_a_table_cell_reading_none_or_nan_is_missing(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Vote\n\nThe vote count went on.", encoding="utf-8")
    (corpus / "metadata.csv").write_text("filename,publisher,author,credit\na,nyt,None,NaN\n", encoding="utf-8")
    (corpus / "d.csv").write_text("id,text,author,score\nx,Vote tally.,null,N/A\n", encoding="utf-8")
    newsearch.index_corpus(corpus, tmp_path / "ix", analyse=False)
    hits = {hit.id: hit for hit in search(tmp_path / "ix", "vote OR tally").hits}
    assert (hits["a.txt"].source, hits["a.txt"].author, hits["a.txt"].metadata) == ("nyt", None, ())
    assert (hits["d.csv#x"].author, hits["d.csv#x"].metadata) == (None, ())

"""newsearch.sources: a corpus (folder or single dump) -> candidates -> Articles, with the
records and rows that are not articles reported with their line numbers."""

from __future__ import annotations

import gzip
import json
import os
import pickle
import time
from pathlib import Path

import pytest

from newsearch.models import Article, CorpusNotFound, Skipped
from newsearch.sources import Candidate, load, read_dump, scan

from .conftest import SHARED

REUTERS = SHARED / "corpora" / "reuters.jsonl"
POLNEAR = SHARED / "corpora" / "polnear"


def jsonl(*records: dict | str) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def records_of(corpus: Path, fields=None, *, single: bool = False):
    """{id: Article} and problems of every dump of a corpus."""
    found = scan(corpus)
    articles, problems = {}, list(found.problems)
    for dump in found.dumps:
        records = read_dump(dump, fields, single=single)
        problems.extend(records.problems)
        for candidate in records.candidates:
            item = load(candidate, fields)
            if isinstance(item, Article):
                articles[item.id] = item
            else:
                problems.append(item)
    return articles, problems


def articles_of(corpus: Path, **options) -> dict[str, Article | Skipped]:
    found = scan(corpus, **options)
    return {c.id: load(c) for c in found.files}


# --------------------------------------------------------------------------- scanning


def test_scan_finds_files_and_dumps_sorted_and_skips_hidden_and_other_files(make_corpus):
    corpus = make_corpus(
        {
            "b.txt": "B\n\nbody",
            "a/page.html": "<html><body><p>x</p></body></html>",
            "a/old.htm": "<p>x</p>",
            "dumps/2016.jsonl": jsonl({"id": "1", "body": "x"}),
            "dumps/2017.jsonl.gz": gzip.compress(jsonl({"id": "1", "body": "x"}).encode()),
            "t.csv": "id,body\n1,x\n",
            "t.csv.gz": gzip.compress(b"id,body\n1,x\n"),
            "t.tsv": "id\tbody\n1\tx\n",
            "README.md": "not an article",
            ".hidden.txt": "A\n\nB",
            ".git/x.jsonl": "{}",
        }
    )
    found = scan(corpus)
    assert [(c.id, c.kind) for c in found.files] == [("a/old.htm", "html"), ("a/page.html", "html"), ("b.txt", "txt")]
    assert [(d.id, d.kind) for d in found.dumps] == [
        ("dumps/2016.jsonl", "jsonl"),
        ("dumps/2017.jsonl.gz", "jsonl"),
        ("t.csv", "csv"),
        ("t.csv.gz", "csv"),
        ("t.tsv", "tsv"),
    ]
    assert found.problems == ()
    assert all(c.sha256 is None and c.payload == b"" for c in found.files)


def test_scan_survives_a_symlink_loop(make_corpus):
    corpus = make_corpus({"a/x.txt": "T\n\nbody"})
    os.symlink(corpus / "a", corpus / "a" / "loop")
    assert [c.id for c in scan(corpus).files] == ["a/x.txt"]


def test_missing_corpus_raises_with_the_fix(tmp_path):
    with pytest.raises(CorpusNotFound, match="--corpus"):
        scan(tmp_path / "nope")
    (tmp_path / "notes.md").write_text("x")
    with pytest.raises(CorpusNotFound, match="--corpus"):
        scan(tmp_path / "notes.md")


def test_a_single_file_is_a_corpus(make_corpus):
    corpus = make_corpus({"one.txt": "Title\n\nBody.", "dump.jsonl": jsonl({"id": "r1", "body": "x"})})
    assert [c.id for c in scan(corpus / "one.txt").files] == ["one.txt"]
    single = scan(corpus / "dump.jsonl")
    assert single.files == () and [d.id for d in single.dumps] == ["dump.jsonl"]
    assert [c.id for c in read_dump(single.dumps[0], single=True).candidates] == ["r1"]


# --------------------------------------------------------------------------- txt files (as before)


def test_txt_files_load_as_before(make_corpus):
    corpus = make_corpus(
        {
            "a.txt": "\n\nThe title\n\nFirst paragraph.\n\nSecond paragraph.\n",
            "pounds.txt": "Price\n\nIt cost £15.8m.\n".encode("latin-1"),
            "win.txt": "\ufeffTitle\r\n\r\nLine one.\r\n\r\nLine two.\r\n".encode(),
            "empty.txt": "",
            "image.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "same.txt": "\n\nThe title\n\nFirst paragraph.\n\nSecond paragraph.\n",
        }
    )
    items = articles_of(corpus)
    a = items["a.txt"]
    assert (a.title, a.body) == ("The title", "First paragraph.\n\nSecond paragraph.")
    assert [a.body[p.start : p.end] for p in a.paragraphs] == ["First paragraph.", "Second paragraph."]
    assert (items["pounds.txt"].body, items["pounds.txt"].encoding) == ("It cost £15.8m.", "cp1252")
    assert (items["win.txt"].title, items["win.txt"].body) == ("Title", "Line one.\n\nLine two.")
    assert items["empty.txt"] == Skipped("empty.txt", "empty file")
    assert items["image.txt"] == Skipped("image.txt", "binary file (contains NUL bytes)")
    assert a.sha256 == items["same.txt"].sha256
    assert (a.date, a.source, a.metadata, a.notes) == (None, None, (), ())


# --------------------------------------------------------------------------- metadata table

TABLE_TSV = (
    "filename\tpublisher\tpublication_date\tauthor\ttitle\tlevel\n"
    "aleppo\tnyt\t2016-10-05\tAnne Barnard\tCeasefire\t14\n"
    "deep.txt\tpolitico\tsoon\t\tDeep\t\n"
    "ghost\tbreitbart\t2016-01-01\tX\tGhost\t1\n"
)


def test_metadata_tsv_fills_date_source_author_and_keeps_other_columns(make_corpus):
    corpus = make_corpus(
        {"aleppo.txt": "Its own title\n\nBody.", "sub/dir/deep.txt": "Deep\n\nBody.", "metadata.tsv": TABLE_TSV}
    )
    found = scan(corpus)
    assert [c.id for c in found.files] == ["aleppo.txt", "sub/dir/deep.txt"]
    assert found.dumps == ()  # the table is not a dump
    assert found.problems == (Skipped("metadata.tsv:4", "metadata row names no file: 'ghost'"),)
    items = {c.id: load(c) for c in found.files}
    aleppo = items["aleppo.txt"]
    assert (aleppo.title, aleppo.date, aleppo.source, aleppo.author) == (
        "Its own title",
        "2016-10-05",
        "nyt",
        "Anne Barnard",
    )
    assert aleppo.metadata == (("level", "14"),)
    deep = items["sub/dir/deep.txt"]
    assert (deep.source, deep.date, deep.author) == ("politico", None, None)
    assert deep.notes == ("unparseable date 'soon': indexed without a date",)


def test_metadata_csv_and_metadata_given_by_path(make_corpus, tmp_path):
    csv_table = 'file,source,date,url\n"aleppo.txt","The ""Times""",1987/02/26,http://x.example/a\n'
    corpus = make_corpus({"aleppo.txt": "T\n\nBody.", "metadata.csv": csv_table})
    article = articles_of(corpus)["aleppo.txt"]
    assert (article.source, article.date, article.url) == ('The "Times"', "1987-02-26", "http://x.example/a")

    elsewhere = tmp_path / "meta" / "table.tsv"
    elsewhere.parent.mkdir()
    elsewhere.write_text("id\toutlet\naleppo\tReuters\n")
    plain = make_corpus({"aleppo.txt": "T\n\nBody."}, name="plain")
    assert articles_of(plain, metadata=elsewhere)["aleppo.txt"].source == "Reuters"
    inside = make_corpus({"aleppo.txt": "T\n\nBody.", "extra/rows.tsv": "id\toutlet\naleppo\tAP\n"}, name="inside")
    found = scan(inside, metadata=inside / "extra" / "rows.tsv")
    assert found.dumps == () and load(found.files[0]).source == "AP"


def test_editing_a_metadata_row_changes_the_hash_and_mtime(make_corpus):
    corpus = make_corpus(
        {"aleppo.txt": "T\n\nBody.", "other.txt": "T\n\nBody.", "metadata.tsv": "filename\tsource\naleppo\tnyt\n"}
    )
    before = articles_of(corpus)
    assert before["other.txt"].sha256 != before["aleppo.txt"].sha256  # same bytes, but one has a row
    table = corpus / "metadata.tsv"
    table.write_text("filename\tsource\naleppo\twash-post\n")
    later = time.time_ns() + 10**9
    os.utime(table, ns=(later, later))
    found = {c.id: c for c in scan(corpus).files}
    after = {i: load(c) for i, c in found.items()}
    assert after["aleppo.txt"].source == "wash-post"
    assert after["aleppo.txt"].sha256 != before["aleppo.txt"].sha256
    assert after["other.txt"].sha256 == before["other.txt"].sha256
    assert found["aleppo.txt"].mtime_ns == later > found["other.txt"].mtime_ns


def test_bad_metadata_tables_are_problems_not_errors(make_corpus, tmp_path):
    corpus = make_corpus({"a.txt": "T\n\nB", "metadata.tsv": "name\tsource\na\tnyt\n"})
    assert scan(corpus).problems == (
        Skipped("metadata.tsv", "metadata table has no file-name column (filename, file, file_name, path, id)"),
    )
    rows = make_corpus({"a.txt": "T\n\nB", "metadata.tsv": "filename\tsource\na\tnyt\textra\na\tap\n"}, name="rows")
    assert scan(rows).problems == (Skipped("metadata.tsv:2", "3 fields where the header has 2"),)
    both = make_corpus(
        {"a.txt": "T\n\nB", "metadata.tsv": "file\tsource\na\tnyt\n", "metadata.csv": "file"}, name="both"
    )
    assert scan(both).problems == (Skipped("metadata.csv", "ignored: metadata.tsv is the metadata table"),)
    assert scan(both).dumps == ()
    missing = scan(make_corpus({"a.txt": "T\n\nB"}, name="m"), metadata=tmp_path / "nope.tsv")
    assert [p.reason.startswith("unreadable metadata table") for p in missing.problems] == [True]


@pytest.mark.skipif(not POLNEAR.is_dir(), reason="needs ../shared/corpora/polnear")
def test_polnear_texts_all_get_a_publisher_and_a_date():
    found = scan(POLNEAR)
    assert found.problems == ()
    articles = [load(c) for c in found.files]
    assert 280 <= len(articles) <= 300
    assert all(isinstance(a, Article) and a.source and a.date for a in articles)
    assert len({a.source for a in articles}) == 7
    assert all(len(a.date) == 10 and a.date.startswith(("2015", "2016")) for a in articles)


# --------------------------------------------------------------------------- JSON Lines


def test_jsonl_records_become_articles_with_fields_and_metadata(make_corpus):
    record = {
        "id": "reuters-1",
        "headline": "Cocoa review",
        "text": "First para.\r\n\r\nSecond para.",
        "published": "Thu, 26 Feb 1987 15:01:01 -0500",
        "Publisher": "Reuters",
        "authors": ["Ann", "Bob"],
        "url": "http://x.example/1",
        "places": ["usa", "uruguay"],
        "topics": [],
        "words": 4,
        "wire": None,
        "empty": "",
    }
    corpus = make_corpus({"dumps/1987.jsonl": jsonl(record)})
    articles, problems = records_of(corpus)
    assert problems == []
    article = articles["dumps/1987.jsonl#reuters-1"]
    assert (article.title, article.body) == ("Cocoa review", "First para.\n\nSecond para.")
    assert [article.body[p.start : p.end] for p in article.paragraphs] == ["First para.", "Second para."]
    assert (article.date, article.source, article.author, article.url) == (
        "1987-02-26T20:01:01Z",
        "Reuters",
        "Ann, Bob",
        "http://x.example/1",
    )
    assert article.metadata == (("places", ("usa", "uruguay")), ("words", "4"))
    assert (article.encoding, article.path) == ("utf-8", str(corpus / "dumps" / "1987.jsonl"))
    assert article == pickle.loads(pickle.dumps(article))


def test_bad_jsonl_lines_are_problems_with_their_line_numbers(make_corpus):
    corpus = make_corpus(
        {
            "d.jsonl": b"\xef\xbb\xbf"
            + jsonl(
                {"id": "a", "body": "fine"},  # 1
                "{not json",  # 2
                "",  # 3 (blank: ignored)
                '["a", "list"]',  # 4
                {"id": "b", "title": "no body"},  # 5
                {"id": "a", "body": "again"},  # 6
                {"id": "c", "body": "  "},  # 7
            ).encode()
            + b'{"id": "d", "body": "caf\xe9"}\r\n'  # 8
            + b'{"id": "e", "body": "last", "date": "soon"}\r\n'  # 9
        }
    )
    articles, problems = records_of(corpus)
    assert sorted(articles) == ["d.jsonl#a", "d.jsonl#e"]
    assert articles["d.jsonl#a"].body == "fine"
    assert [p.path for p in problems] == ["d.jsonl:2", "d.jsonl:4", "d.jsonl:5", "d.jsonl:6", "d.jsonl:7", "d.jsonl:8"]
    reasons = [p.reason for p in problems]
    assert reasons[0].startswith("invalid JSON")
    assert reasons[1] == "not a JSON object (an array)"
    assert reasons[2] == reasons[4] == "no body (body/text/content missing or empty)"
    assert reasons[3] == "duplicate id 'a' (first on line 1)"
    assert reasons[5].startswith("not valid UTF-8")
    late = articles["d.jsonl#e"]
    assert (late.date, late.notes) == (None, ("unparseable date 'soon': indexed without a date",))


def test_ids_are_prefixed_in_a_folder_bare_for_a_single_dump_and_fall_back_to_the_line(make_corpus):
    corpus = make_corpus({"dumps/a.jsonl": jsonl({"id": "x", "body": "b"}, {"body": "no id here"})})
    found = scan(corpus)
    assert [c.id for c in read_dump(found.dumps[0]).candidates] == ["dumps/a.jsonl#L2", "dumps/a.jsonl#x"]
    dump = scan(corpus / "dumps" / "a.jsonl").dumps[0]
    records = read_dump(dump, single=True)
    assert [(c.id, c.line, c.kind) for c in records.candidates] == [("L2", 2, "record"), ("x", 1, "record")]
    article = load(records.candidates[0])
    assert (article.id, article.title, article.body) == ("L2", "no id here", "no id here")


def test_a_record_hash_changes_with_the_record_only(make_corpus):
    first, second = {"id": "a", "body": "one"}, {"id": "b", "body": "two"}
    corpus = make_corpus({"d.jsonl": jsonl(first, second)})

    def hashes():
        return {c.id: c.sha256 for c in read_dump(scan(corpus).dumps[0]).candidates}

    before = hashes()
    (corpus / "d.jsonl").write_text(jsonl(first, {"id": "b", "body": "two, edited"}, {"id": "c", "body": "new"}))
    after = hashes()
    assert after["d.jsonl#a"] == before["d.jsonl#a"]
    assert after["d.jsonl#b"] != before["d.jsonl#b"]
    candidate = read_dump(scan(corpus).dumps[0]).candidates[0]
    assert load(candidate).sha256 == candidate.sha256
    assert candidate.mtime_ns == (corpus / "d.jsonl").stat().st_mtime_ns


def test_gzipped_jsonl_and_a_field_mapping(make_corpus):
    data = jsonl({"key": "k1", "story_text": "The story.", "text": "a teaser", "when": "2016-10-05 14:03"})
    corpus = make_corpus({"a.jsonl.gz": gzip.compress(data.encode())})
    fields = {"id": "key", "body": "story_text", "date": "WHEN"}
    articles, problems = records_of(corpus, fields)
    assert problems == []
    article = articles["a.jsonl.gz#k1"]
    assert (article.body, article.date, article.metadata) == (
        "The story.",
        "2016-10-05T14:03:00Z",
        (("text", "a teaser"),),
    )
    with pytest.raises(ValueError, match="unknown field 'bdy'"):
        read_dump(scan(corpus).dumps[0], {"bdy": "x"})


def test_a_broken_gzip_dump_is_a_problem(make_corpus):
    corpus = make_corpus({"a.jsonl.gz": b"not gzip at all"})
    records = read_dump(scan(corpus).dumps[0])
    assert records.candidates == () and records.problems[0].path == "a.jsonl.gz"
    assert records.problems[0].reason.startswith("unreadable dump")


# --------------------------------------------------------------------------- CSV / TSV


def test_csv_rows_with_quoted_newlines_bom_crlf_and_bad_rows(make_corpus):
    rows = (
        "\ufeffid,title,body,date,source,tags\r\n"  # 1
        'a,First,"Para one.\r\n\r\nPara two.",1987-02-26,AP,x\r\n'  # 2-4
        "b,Second,too,many,fields,here,extra\r\n"  # 5
        "\r\n"  # 6 (blank: ignored)
        "c,No body,,2016-01-01,AP,\r\n"  # 7
        "a,Dup,again,,,\r\n"  # 8
        "d,Last,Fine.,never,AP,\r\n"  # 9
    )
    for name, data in (("t.csv", rows.encode()), ("t.csv.gz", gzip.compress(rows.encode()))):
        corpus = make_corpus({name: data}, name=name)
        articles, problems = records_of(corpus)
        assert sorted(articles) == [f"{name}#a", f"{name}#d"]
        a = articles[f"{name}#a"]
        assert (a.title, a.body, a.date, a.source, a.metadata) == (
            "First",
            "Para one.\n\nPara two.",
            "1987-02-26",
            "AP",
            (("tags", "x"),),
        )
        assert [(p.path, p.reason) for p in problems] == [
            (f"{name}:5", "7 fields where the header has 6"),
            (f"{name}:7", "no body (body/text/content missing or empty)"),
            (f"{name}:8", "duplicate id 'a' (first on line 2)"),
        ]
        assert articles[f"{name}#d"].notes == ("unparseable date 'never': indexed without a date",)


def test_tsv_rows_and_invalid_utf8_rows(make_corpus):
    data = 'id\theadline\tcontent\n1\t"Quoted" start\tBody one.\n2\tBad\tcaf\xe9\n'.encode("latin-1")
    corpus = make_corpus({"t.tsv": data})
    articles, problems = records_of(corpus)
    assert articles["t.tsv#1"].title == '"Quoted" start'
    assert problems == [Skipped("t.tsv:3", "not valid UTF-8")]


def test_csv_payload_is_json_of_the_row(make_corpus):
    corpus = make_corpus({"t.csv": "id,body\n1,x\n"})
    candidate = read_dump(scan(corpus).dumps[0]).candidates[0]
    assert json.loads(candidate.payload) == {"id": "1", "body": "x"}
    assert isinstance(candidate, Candidate) and candidate.size == len(candidate.payload)


# --------------------------------------------------------------------------- HTML

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="{charset}">
<title>Ceasefire holds in Aleppo | The Daily Planet</title>
<meta property="og:title" content="Ceasefire holds in Aleppo">
<meta property="og:site_name" content="The Daily Planet">
<link rel="canonical" href="https://planet.example/world/2016/10/05/ceasefire">
<meta name="author" content="Lois Lane">
{published}
<script>var tracking = "TRACKING-SCRIPT";</script>
</head><body>
<div class="cookie-banner" id="cookie-consent">We use cookies to improve your experience. Accept all cookies.</div>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World news</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<article>
<h1>Ceasefire holds in Aleppo</h1>
<p>The ceasefire in the Syrian city of Aleppo held through its first night, residents said on Wednesday, as aid convoys waited at the edge of the city for permission to enter.</p>
<p>“It is quiet for the first time in weeks,” said one doctor in the eastern districts, who asked not to be named because he feared for his safety. Café owners reopened.</p>
<p>The United Nations said it was ready to deliver food and medicine to more than 250,000 people as soon as the warring parties guaranteed safe passage for its trucks.</p>
<p>Diplomats in Geneva cautioned that previous truces had collapsed within days, and that the regime of silence would be tested in the coming week.</p>
</article>
<aside class="related"><h3>Related stories</h3><ul><li><a href="/a">Five things to know about the Syrian war</a></li><li><a href="/b">Celebrity chef opens new restaurant</a></li></ul></aside>
<div class="newsletter">Sign up for our newsletter to get the best stories every morning.</div>
<footer><p>© 2024 The Daily Planet. All rights reserved. Privacy policy.</p></footer>
</body></html>
"""
PUBLISHED = '<meta property="article:published_time" content="2016-10-05T14:03:00+02:00">'


def test_html_page_keeps_the_article_and_drops_the_page_around_it(make_corpus):
    corpus = make_corpus({"world/aleppo.html": PAGE.format(charset="utf-8", published=PUBLISHED)})
    article = articles_of(corpus)["world/aleppo.html"]
    assert article.title == "Ceasefire holds in Aleppo"
    paragraphs = [article.body[p.start : p.end] for p in article.paragraphs]
    assert len(paragraphs) == 4
    assert paragraphs[0].startswith("The ceasefire in the Syrian city of Aleppo")
    assert paragraphs[3].endswith("the regime of silence would be tested in the coming week.")
    for junk in (
        "TRACKING",
        "cookies",
        "World news",
        "Related stories",
        "Celebrity chef",
        "newsletter",
        "All rights reserved",
    ):
        assert junk not in article.body
    assert (article.date, article.source, article.author, article.url) == (
        "2016-10-05T12:03:00Z",
        "The Daily Planet",
        "Lois Lane",
        "https://planet.example/world/2016/10/05/ceasefire",
    )


def test_html_date_comes_from_the_page_never_from_the_footer_or_today(make_corpus):
    undated = PAGE.format(charset="utf-8", published="").replace("/2016/10/05", "")
    corpus = make_corpus(
        {"undated.html": undated, "latin.htm": PAGE.format(charset="windows-1252", published="").encode("cp1252")}
    )
    items = articles_of(corpus)
    assert items["undated.html"].date is None
    latin = items["latin.htm"]
    assert "Café owners" in latin.body and latin.encoding == "cp1252"
    assert latin.date == "2016-10-05"  # from the canonical url, as a day


def test_html_without_article_text_is_skipped(make_corpus):
    corpus = make_corpus(
        {"empty.html": "<html><head><title>Nothing</title></head><body><nav><a href='/'>Home</a></nav></body></html>"}
    )
    item = articles_of(corpus)["empty.html"]
    assert isinstance(item, Skipped) and "no article text" in item.reason


def test_importing_newsearch_does_not_import_trafilatura():
    import subprocess
    import sys

    code = "import sys, newsearch, newsearch.sources; print('trafilatura' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# --------------------------------------------------------------------------- the real archives


@pytest.mark.skipif(not REUTERS.is_file(), reason="needs ../shared/corpora/reuters.jsonl")
def test_reuters_jsonl_archive():
    found = scan(REUTERS)
    started = time.perf_counter()
    records = read_dump(found.dumps[0], single=True)
    seconds = time.perf_counter() - started
    assert records.problems == ()
    assert len(records.candidates) == 19043
    assert seconds < 5
    by_id = {c.id: c for c in records.candidates}
    day_only = load(by_id["reuters-17192"])
    assert len(day_only.date) == 10 and day_only.notes == ()
    first = load(by_id["reuters-1"])
    assert first.date == "1987-02-26T15:01:01Z" and first.source == "Reuters"
    assert dict(first.metadata)["places"] == ("el-salvador", "usa", "uruguay")
    dates = sorted(json.loads(c.payload)["date"][:10] for c in records.candidates)
    assert (dates[0], dates[-1]) == ("1987-02-26", "1987-10-20")


def test_a_metadata_row_overrides_what_a_page_says(make_corpus):
    page = PAGE.format(charset="utf-8", published=PUBLISHED)
    corpus = make_corpus({"aleppo.html": page, "metadata.csv": "filename,publisher,section\naleppo.html,Planet Wire,world\n"})
    article = articles_of(corpus)["aleppo.html"]
    assert (article.title, article.source, article.date) == ("Ceasefire holds in Aleppo", "Planet Wire", "2016-10-05T12:03:00Z")
    assert article.metadata == (("section", "world"),)

"""Property tests (issue #21, "Hostile input"): whatever a user or an archive throws at
newsearch, the query parser, every loader, the passages and the JSON writer answer with a
result or one of our values (``QueryError``, ``Skipped``), never an exception of their own.

Fixed examples in CI (see ``hostile.py``; ``NEWSEARCH_HYPOTHESIS_LONG=1`` for a long random run).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

import newsearch
from newsearch.models import Article, Hit, Passage, QueryError, Skipped
from newsearch.nlp.sentences import sentence_spans
from newsearch.passages import choose_passages, mark
from newsearch.render import hit_json
from newsearch.schema import build_schema
from newsearch.search import parse_query
from newsearch.sources import Candidate, DumpFile, load, read_dump
from newsearch.text import news_analyzer, normalise

from .hostile import build_index, hostile_settings

QUERY_EXAMPLES, LOADER_EXAMPLES, HTML_EXAMPLES, PASSAGE_EXAMPLES, JSON_EXAMPLES = 300, 150, 60, 200, 200

# Query text: anything, and the syntax people (and attackers) type, mixed.
SYNTAX = st.sampled_from(
    ['"', "“", "”", "(", ")", "*", "?", "~", "^", ":", "title:", "date:", "since:", "source:", "AND", "OR", "NOT",
     "[", "]", "TO", "{", "}", "-", "+", "\\", "'", "\x00", "\u202e", "🎉", "aleppo", "geneva", "talk*", "*o", " "]
)
QUERIES = st.one_of(st.text(max_size=200), st.lists(st.one_of(SYNTAX, st.text(max_size=5)), max_size=40).map(" ".join))


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    return build_index(tmp_path_factory.mktemp("properties"))


@pytest.fixture(scope="module")
def opened(index):
    with newsearch.open_index(index) as ix:
        yield ix


@hostile_settings(QUERY_EXAMPLES)
@given(query=QUERIES)
def test_any_query_gives_results_or_a_query_error(opened, query):
    try:
        results = opened.search(query, limit=5)
    except QueryError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert results.total >= len(results.hits)
    for hit in results.hits:
        json.dumps(hit_json(hit), ensure_ascii=False).encode("utf-8")


def _candidate(path: Path, kind: str) -> Candidate:
    stat = path.stat()
    return Candidate(path.name, str(path), stat.st_size, stat.st_mtime_ns, kind=kind)


def _check_loaded(loaded) -> None:
    assert isinstance(loaded, (Article, Skipped)), loaded
    if isinstance(loaded, Skipped):
        assert loaded.reason and "\n" not in loaded.reason
        return
    assert (loaded.title + loaded.body).strip() and "\x00" not in loaded.title + loaded.body
    assert all(0 <= p.start <= p.end <= len(loaded.body) for p in loaded.paragraphs)
    (loaded.title + loaded.body).encode("utf-8")  # indexable: no lone surrogates


@hostile_settings(LOADER_EXAMPLES)
@given(data=st.one_of(st.binary(max_size=600), st.text(max_size=300).map(lambda t: t.encode("utf-8"))))
def test_any_bytes_as_a_txt_file_load_as_an_article_or_a_skip(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("txt") / "any.txt"
    path.write_bytes(data)
    _check_loaded(load(_candidate(path, "txt")))


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=40)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=6,
)
RECORDS = st.dictionaries(
    st.sampled_from(["id", "title", "headline", "body", "text", "date", "published", "author", "url", "source", "x"]),
    JSON_VALUES,
    max_size=6,
)
JSONL_LINES = st.one_of(
    RECORDS.map(json.dumps),
    st.text(max_size=80),
    st.binary(max_size=80).map(lambda b: b.decode("latin-1")),
    st.just('{"id": "s", "body": "lone \\ud800 surrogate"}'),
)


def _dump_articles(path: Path, kind: str) -> None:
    stat = path.stat()
    records = read_dump(DumpFile(path.name, str(path), stat.st_size, stat.st_mtime_ns, kind))
    for problem in records.problems:
        assert isinstance(problem, Skipped) and problem.reason
    for candidate in records.candidates:
        _check_loaded(load(candidate))


@hostile_settings(LOADER_EXAMPLES)
@given(lines=st.lists(JSONL_LINES, min_size=1, max_size=4))
def test_any_jsonl_line_loads_as_an_article_or_a_skip(tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("jsonl") / "dump.jsonl"
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogateescape"))
    _dump_articles(path, "jsonl")


@hostile_settings(LOADER_EXAMPLES)
@given(
    rows=st.lists(st.lists(st.text(max_size=30), max_size=5), max_size=4),
    raw=st.binary(max_size=60),
    kind=st.sampled_from(["csv", "tsv"]),
)
def test_any_csv_row_loads_as_an_article_or_a_skip(tmp_path_factory, rows, raw, kind):
    text = io.StringIO()
    writer = csv.writer(text, delimiter="\t" if kind == "tsv" else ",")
    writer.writerow(["id", "title", "body", "date"])
    for row in rows:
        writer.writerow(row)
    path = tmp_path_factory.mktemp("csv") / f"dump.{kind}"
    path.write_bytes(text.getvalue().encode("utf-8") + raw)
    _dump_articles(path, kind)


HTML_PIECES = st.sampled_from(
    ["<html>", "<head>", "<title>", "</title>", "<body>", "<article>", "<p>", "</p>", "<script>", "</script>",
     "<meta charset='utf-16'>", "<meta charset=\"x-nonsense\">", '<meta property="article:published_time" content="',
     '">', "<!--", "-->", "<![CDATA[", "&amp;", "&#0;", "&#xD800;", "<nav>", "<table><tr><td>", "\x00", "\ufeff",
     "Aleppo talks went on for hours. ", "The regime of silence held. ", "<", ">", "\"", "'"]
)


@hostile_settings(HTML_EXAMPLES)
@given(pieces=st.lists(st.one_of(HTML_PIECES, st.text(max_size=20)), max_size=30), raw=st.binary(max_size=20))
def test_any_html_loads_as_an_article_or_a_skip(tmp_path_factory, pieces, raw):
    path = tmp_path_factory.mktemp("html") / "page.html"
    path.write_bytes("".join(pieces).encode("utf-8", "surrogateescape") + raw)
    _check_loaded(load(_candidate(path, "html")))


WORDS = ["Aleppo", "aleppo's", "talks", "talked", "regime", "of", "silence", "Geneva", "U.S.", "ceasefire", "cease-fire",
         "the", "Lavrov", "said", "“quoted”", "'", "\n\n", ". ", ", ", "é", "ﬁre", "Ａｌｅｐｐｏ", "🎉", " ", "\u0301"]


@hostile_settings(PASSAGE_EXAMPLES)
@given(
    body=st.lists(st.sampled_from(WORDS), min_size=1, max_size=60).map(" ".join),
    query=st.lists(st.sampled_from(["aleppo", "talk", "regime", "silence", "geneva", "ceasefire", "fire", "us", "said",
                                    '"regime of silence"', "talk*", "lavrov", "é"]), min_size=1, max_size=4).map(" ".join),
)
def test_every_highlight_lies_inside_its_passage_and_covers_a_query_word(body, query):
    body = normalise(body)
    parsed = parse_query(query, build_schema(), "any")
    matches = mark(body, parsed.body_patterns)
    analyzer = news_analyzer()
    wanted = {token.text for token in analyzer(query.replace('"', " "))}
    for passage in choose_passages(body, matches, sentence_spans(body), top=3):
        assert passage.text == body[passage.start : passage.end]
        for highlight in passage.highlights:
            assert passage.start <= highlight.start < highlight.end <= passage.end
            covered = {token.text for token in analyzer(body[highlight.start : highlight.end])}
            assert covered & wanted or any(w.endswith("*") for w in query.split()), (body[highlight.start : highlight.end], query)


@hostile_settings(JSON_EXAMPLES)
@given(title=st.text(max_size=60), text=st.text(max_size=200))
def test_any_article_text_round_trips_through_the_json_writer(title, text):
    # What can reach the writer: article text as a loader gives it (no lone surrogates: see
    # test_any_jsonl_line_loads_as_an_article_or_a_skip).
    title, text = (value.encode("utf-8", "replace").decode("utf-8") for value in (title, text))
    passage = Passage(text=text, start=0, end=len(text), highlights=())
    hit = Hit(id=title or "id", path="p", title=title, score=1.0, passages=(passage,))
    written = json.dumps(hit_json(hit), ensure_ascii=False).encode("utf-8")
    read = json.loads(written.decode("utf-8"))
    assert (read["title"], read["passages"][0]["text"]) == (title, text)

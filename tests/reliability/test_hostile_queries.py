"""Hostile queries over the API, the CLI and HTTP (issue #21): each gives results or one clear
line (``QueryError``; exit status 2 with ``newsearch: error: …``; HTTP 400 with our error JSON),
never a traceback, never a hang; an expensive query is bounded and says so."""

from __future__ import annotations

import itertools
import json
import urllib.parse
from pathlib import Path

import pytest
from typer.testing import CliRunner

import newsearch
from newsearch.cli import app as cli
from newsearch.search import MAX_EXPANSION, MAX_NESTING, MAX_QUERY_CHARS

from .hostile import ARTICLES, build_index

pytest.importorskip("fastapi", reason="the serve extra (FastAPI, uvicorn) is not installed: uv sync")
from fastapi.testclient import TestClient  # noqa: E402

from newsearch.serve import Limits, create_app  # noqa: E402

runner = CliRunner()

# More distinct words starting with "q" than a prefix may stand for.
Q_WORDS = ["q" + "".join(letters) for letters in itertools.product("bcdfghjklmnp", repeat=3)]
assert len(Q_WORDS) > MAX_EXPANSION

# name -> (query, what every face gives: "results" or the start of the error message)
QUERIES = {
    "10,000 characters (one 9,992-letter word)": ("harbour " + "x" * (MAX_QUERY_CHARS - 8), "results"),
    "10,001 characters": ("harbour " + "x" * (MAX_QUERY_CHARS - 7), "query too long"),
    "1,500 terms": (" ".join(f"w{number}" for number in range(1500)) + " harbour", "results"),
    "lone *": ("*", "`*` alone stands for every word"),
    "leading wildcard": ("*arbour", "results"),
    "a filter on a lone *": ("source:*", "`*` alone stands for every word"),
    "prefix expanding to every q-word": ("q*", "`q*` stands for more than 1,000 words"),
    "wildcard expanding to every word": ("*e*", "results"),
    "parentheses 32 deep": ("(" * MAX_NESTING + "harbour" + ")" * MAX_NESTING, "results"),
    "parentheses 33 deep": ("(" * (MAX_NESTING + 1) + "harbour" + ")" * (MAX_NESTING + 1), "parentheses nested 33 deep"),
    "parentheses 4,000 deep": ("(" * 4000 + "harbour" + ")" * 4000, "parentheses nested 4000 deep"),
    "unbalanced parentheses": ("((harbour)", "unbalanced parentheses"),
    "control characters": ("harbour\x01\x02\x1b[31m\x7f", "results"),
    "NUL alone": ("\x00", "query '\\x00' has no words"),
    "NUL in a word": ("har\x00bour", "results"),
    "right-to-left text": ("\u202eharbour \u05e0\u05de\u05dc \u0645\u064a\u0646\u0627\u0621", "results"),
    "emoji": ("🎉 harbour 👩‍👩‍👧", "results"),
    "only emoji": ("🎉👩‍👩‍👧", "query '🎉👩\\u200d👩\\u200d👧' has no words"),
    "unbalanced quotes": ('"harbour', "unbalanced quotes"),
    "bare field": ("title:", "`title:` needs a value"),
}
HTTP_QUERY_CHARS = Limits().query_chars


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    articles = {**ARTICLES, "q-words.txt": "Q words\n\n" + " ".join(Q_WORDS) + "\n"}
    return build_index(tmp_path_factory.mktemp("queries"), articles)


@pytest.fixture(scope="module")
def client(index):
    with TestClient(create_app(index), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.mark.parametrize("name", QUERIES)
def test_hostile_query_over_the_api_the_cli_and_http(index, client, name):
    query, expected = QUERIES[name]
    with newsearch.open_index(index) as ix:
        try:
            results = ix.search(query)
            outcome = "results"
        except newsearch.QueryError as error:
            outcome = str(error)
    assert outcome.startswith(expected) and "\n" not in outcome, outcome

    done = runner.invoke(cli, ["query", query, "--index", str(index), "--json"])
    assert "Traceback" not in done.output and done.exception is None or isinstance(done.exception, SystemExit)
    if expected == "results":
        assert done.exit_code in (0, 1) and json.loads(done.stdout)["total"] == results.total
    else:
        assert done.exit_code == 2 and done.stderr == f"newsearch: error: {outcome}\n" and not done.stdout

    response = client.get("/api/search?" + urllib.parse.urlencode({"q": query}))
    assert response.headers["content-type"] == "application/json" and "Traceback" not in response.text
    if len(query) > HTTP_QUERY_CHARS:
        assert (response.status_code, response.json()) == (400, {"error": f"query too long: at most {HTTP_QUERY_CHARS} characters"})
    elif expected == "results":
        assert response.status_code == 200 and response.json()["total"] == results.total
    else:
        assert (response.status_code, response.json()) == (400, {"error": outcome})


@pytest.mark.parametrize(
    ("options", "exit_code", "message"),
    [
        (["--limit", "0"], 2, "Invalid value for '--limit'"),
        (["--limit", "-1"], 2, "Invalid value for '--limit'"),
        (["--limit", "99999999999999999999"], 0, None),
        (["--offset", "-1"], 2, "Invalid value for '--offset'"),
        (["--offset", "99999999999999999999"], 1, None),
        (["--limit", "many"], 2, "Invalid value for '--limit'"),
    ],
)
def test_limits_and_offsets_over_the_cli(index, options, exit_code, message):
    done = runner.invoke(cli, ["query", "harbour", "--index", str(index), "--json", *options])
    assert done.exit_code == exit_code and "Traceback" not in done.output
    if message:
        assert message in done.stderr
    else:
        assert json.loads(done.stdout)["hits"] == ([] if exit_code else json.loads(done.stdout)["hits"])


@pytest.mark.parametrize(
    ("arguments", "outcome"),
    [
        ({"limit": 0}, "limit must be at least 1"),
        ({"limit": -1}, "limit must be at least 1"),
        ({"offset": -1}, "offset must be 0 or more"),
        ({"limit": 10**30}, 1),
        ({"offset": 10**30}, 0),
        ({"limit": 10**30, "offset": 10**30}, 0),
    ],
)
def test_limits_and_offsets_over_the_api(index, arguments, outcome):
    """Out-of-range numbers are ``QueryError`` (a ``NewsearchError``, like every other bad
    request) saying which and what was given."""
    with newsearch.open_index(index) as ix:
        if isinstance(outcome, str):
            with pytest.raises(newsearch.QueryError, match=outcome):
                ix.search("harbour", **arguments)
        else:
            assert len(ix.search("harbour", **arguments).hits) == outcome


@pytest.mark.parametrize(
    ("query_string", "error"),
    [
        ("q=harbour&limit=0", "limit: Input should be greater than or equal to 1"),
        ("q=harbour&limit=-5", "limit: Input should be greater than or equal to 1"),
        ("q=harbour&limit=101", "limit at most 100; page with offset"),
        ("q=harbour&limit=99999999999999999999999", "limit at most 100; page with offset"),
        ("q=harbour&offset=-1", "offset: Input should be greater than or equal to 0"),
        ("q=harbour&offset=1001", "page too deep: offset at most 1000; narrow the query (since, until, source) instead"),
        ("q=harbour&limit=ten", "limit: Input should be a valid integer, unable to parse string as an integer"),
        ("q=", "q: String should have at least 1 character"),
        ("", "q: Field required"),
        ("q=%FF%FE", None),
        ("q=%00", "query '\\x00' has no words to search for; try e.g. `newsearch query aleppo`"),
        ("q=%", None),
        ("q=harbour&mode=evil", "mode: Input should be 'auto', 'any' or 'all'"),
    ],
)
def test_limits_offsets_and_odd_parameters_over_http(client, query_string, error):
    response = client.get("/api/search?" + query_string)
    assert response.headers["content-type"] == "application/json" and "Traceback" not in response.text
    if error is None:
        assert response.status_code in (200, 400) and set(response.json()) <= {"error", "query", "total", "offset", "hits"}
    else:
        assert (response.status_code, response.json()) == (400, {"error": error})


def test_a_query_over_the_servers_time_limit_is_cut_off_and_says_so(index):
    with TestClient(create_app(index, limits=Limits(seconds=0.0)), raise_server_exceptions=False) as client:
        response = client.get("/api/search?q=harbour")
    assert (response.status_code, response.json()) == (
        503,
        {"error": "the request took more than 0 s and was cut off; narrow the query"},
    )


def test_quote_search_is_bounded_too(tmp_path, monkeypatch):
    """``quotes`` reads the same query syntax over the quotes: the same caps apply (a lone
    ``*`` took 37 s on BBC's quotes), and a broad query marks only the articles it lists."""
    import newsearch.search as search

    index = build_index(tmp_path, analyse=True)
    monkeypatch.setattr(search, "MAX_EXPANSION", 2)  # "we will hold the line": *e* is 3 words
    with newsearch.open_index(index) as ix:
        assert [hit.quote.speaker for hit in ix.quotes("hol*")] == ["Sergei Lavrov"]
        for query, message in (("*", "`*` alone stands for every word"), ("*e*", "`*e*` stands for more than 2 words")):
            with pytest.raises(newsearch.QueryError, match=message):
                ix.quotes(query)
    done = runner.invoke(cli, ["quotes", "*", "--index", str(index)])
    assert done.exit_code == 2 and done.stderr.startswith("newsearch: error: `*` alone stands for every word")

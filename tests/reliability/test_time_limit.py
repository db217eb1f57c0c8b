"""The time limit of a search, over the API, the CLI and HTTP: a search past it stops at its next
check with ``QueryTooSlow`` (a ``QueryError``), one line naming the way out; nothing is asserted
about how fast anything runs — slowness is made by patching a stage to sleep."""

from __future__ import annotations

import threading
import time

import pytest
from typer.testing import CliRunner

import newsearch
import newsearch.search as search
from newsearch import time_limit
from newsearch.cli import app as cli

from .hostile import build_index

pytest.importorskip("fastapi", reason="the HTTP service needs the fastapi extra")
from fastapi.testclient import TestClient  # noqa: E402

from newsearch.serve import Limits, create_app  # noqa: E402

runner = CliRunner()
MANY = {  # eight articles on the harbour, each its own story (no words in common but that)
    f"{n:02d}.txt": f"Harbour {n}\n\nThe harbour " + " ".join(f"word{n}x{k}" for k in range(30)) + ".\n" for n in range(8)
}


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return build_index(tmp_path_factory.mktemp("limit"), MANY)


@pytest.fixture
def slow_passages(monkeypatch):
    """Each hit's passages take 0.1 s; the hits made are counted."""
    made = []
    real = search._hit

    def slow(*args, **kwargs):
        time.sleep(0.1)
        made.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(search, "_hit", slow)
    return made


def test_a_search_past_its_time_limit_stops_between_hits(index, slow_passages):
    with newsearch.open_index(index) as ix:
        assert len(ix.search("harbour", time_limit=None).hits) == 8  # no limit: every hit, 0.8 s
        slow_passages.clear()
        with pytest.raises(newsearch.QueryTooSlow, match=r"^the search took more than 0.25 s and was stopped; narrow"):
            ix.search("harbour", time_limit=0.25)
        assert len(slow_passages) < 8


def test_too_slow_is_a_query_error_and_the_default_limit_is_documented(index):
    assert issubclass(newsearch.QueryTooSlow, newsearch.QueryError)
    with newsearch.open_index(index) as ix:
        assert ix.search("harbour").total == 8  # within the default limit
        with pytest.raises(newsearch.QueryTooSlow):
            ix.search("harbour", time_limit=1e-9)
        with pytest.raises(newsearch.QueryTooSlow):
            ix.quotes("harbour", time_limit=1e-9)
        with pytest.raises(ValueError, match="more than 0 seconds"):
            ix.search("harbour", time_limit=0)
    assert "time_limit" in newsearch.Index.search.__doc__ and time_limit.DEFAULT_SECONDS == 30.0


def test_whooshs_collector_stops_at_the_deadline(index, monkeypatch):
    """Queries Whoosh scores itself (a phrase here) are collected under the deadline too: the
    collector reads the clock every ``CHECK_EVERY`` matches (here every match)."""
    from whoosh import collectors

    collected = []
    real = collectors.UnlimitedCollector.collect
    monkeypatch.setattr(time_limit, "CHECK_EVERY", 1)
    monkeypatch.setattr(
        collectors.UnlimitedCollector, "collect", lambda self, n: collected.append(n) or time.sleep(0.1) or real(self, n)
    )
    with newsearch.open_index(index) as ix:
        assert ix.search('"the harbour"', time_limit=None).total == 8
        collected.clear()
        with pytest.raises(newsearch.QueryTooSlow):
            ix.search('"the harbour"', time_limit=0.25)
        assert len(collected) < 8


def test_nested_limits_keep_the_sooner_deadline():
    with time_limit.limited(0.05):
        with time_limit.limited(60):
            time.sleep(0.1)
            with pytest.raises(newsearch.QueryTooSlow, match="more than 0.05 s"):
                time_limit.check()
    time_limit.check()  # no limit outside


def test_the_cli_takes_a_time_limit_and_0_means_none(index, slow_passages):
    stopped = runner.invoke(cli, ["query", "harbour", "--index", str(index), "--time-limit", "0.25"])
    assert stopped.exit_code == 2
    assert stopped.stderr.startswith("newsearch: error: the search took more than 0.25 s and was stopped")
    assert stopped.stderr.count("\n") == 1
    unlimited = runner.invoke(cli, ["query", "harbour", "--index", str(index), "--time-limit", "0", "--json"])
    assert unlimited.exit_code == 0 and '"total": 8' in unlimited.stdout
    for bad in ("-1", "soon", "nan"):
        refused = runner.invoke(cli, ["query", "harbour", "--index", str(index), "--time-limit", bad])
        assert refused.exit_code == 2 and "Invalid value for '--time-limit'" in refused.stderr


def test_over_http_a_search_cut_off_stops_itself_and_frees_its_thread(index, slow_passages):
    """Before, a search over the server's budget got its 503 and then ran on to the end."""
    with TestClient(create_app(index, limits=Limits(seconds=0.25)), raise_server_exceptions=False) as client:
        response = client.get("/api/search?q=harbour&limit=8")
        assert (response.status_code, response.json()) == (
            503,
            {"error": "the request took more than 0.25 s and was cut off; narrow the query"},
        )
        time.sleep(1.2)  # longer than the 8 hits would take
    assert len(slow_passages) < 8

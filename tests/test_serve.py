"""`newsearch serve`: every endpoint answers what the CLI prints with --json, errors are one line,
a real server on 127.0.0.1 answers and stops, and searches stay correct while another process
commits an update."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

import newsearch
from newsearch.cli import app as cli

from .conftest import SEED_ORIGINAL, SEED_REWRITE
from .test_crash_safety import many_articles, start_indexer

pytest.importorskip("fastapi", reason="the serve extra (FastAPI, uvicorn) is not installed: uv sync, or pip install 'newsearch[serve]'")
pytest.importorskip("httpx", reason="httpx (FastAPI's TestClient) is not installed")

from fastapi.testclient import TestClient  # noqa: E402

from newsearch.serve import Limits, create_app  # noqa: E402

runner = CliRunner()

ARTICLES = {
    SEED_ORIGINAL.name: SEED_ORIGINAL.read_bytes(),
    SEED_REWRITE.name: SEED_REWRITE.read_bytes(),
    "sub/harbour.txt": "Harbour reopens\n\nThe harbour of Tartus reopened on Monday, officials said.\n",
    "sub/odd #1.txt": "An odd name\n\nA file whose name has a space and a hash in it, about the harbour.\n",
    "script.txt": 'Script <b>\n\nAn article with <script>alert("x")</script> and <img onerror=alert(1)> in it, harbour.\n',
}


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    """The seed pair and three small articles, indexed with NLP (quotes, speakers, stories)."""
    root = tmp_path_factory.mktemp("serve")
    corpus = root / "corpus"
    for name, content in ARTICLES.items():
        path = corpus / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    newsearch.index_corpus(corpus, root / "ix")
    return root / "ix"


@pytest.fixture(scope="module")
def client(index):
    with TestClient(create_app(index), raise_server_exceptions=False) as test_client:
        yield test_client


def cli_json(index: Path, *arguments: str) -> dict:
    done = runner.invoke(cli, [*arguments, "--index", str(index), "--json", "-q"])
    assert done.exit_code in (0, 1), done.output
    return json.loads(done.stdout)


def get(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert "Traceback" not in response.text
    return response.json()


# --------------------------------------------------------------------------- the CLI's JSON


@pytest.mark.parametrize(
    ("url", "arguments"),
    [
        ("/api/search?q=regime+of+silence", ["query", "regime of silence"]),
        ("/api/search?q=%E2%80%9Cregime+of+silence%E2%80%9D&collapse=false", ["query", "“regime of silence”", "--no-collapse"]),
        ("/api/search?q=harbour&limit=2&offset=1", ["query", "harbour", "--limit", "2", "--offset", "1"]),
        ("/api/search?q=aleppo+ceasefire+talks+kerry&mode=any&feedback=false&facets=true&passages=1",
         ["query", "aleppo ceasefire talks kerry", "--any", "--no-feedback", "--facets", "--passages", "1"]),
        ("/api/search?q=harbour&mode=all&sort=oldest&timeline=true&semantic=false",
         ["query", "harbour", "--all", "--sort", "oldest", "--timeline", "--no-semantic"]),
        ("/api/search?q=nothingmatchesthis", ["query", "nothingmatchesthis"]),
        ("/api/quotes?q=ceasefire", ["quotes", "ceasefire"]),
        ("/api/quotes?speaker=kerry&limit=3", ["quotes", "--speaker", "kerry", "--limit", "3"]),
        ("/api/stories", ["stories"]),
    ],
)
def test_endpoints_answer_what_the_cli_prints(client, index, url, arguments):
    assert get(client, url) == cli_json(index, *arguments)


def test_one_story_is_what_newsearch_story_prints(client, index):
    story = cli_json(index, "stories")["stories"][0]
    expected = cli_json(index, "story", story["id"])
    assert expected["story"] == story["id"] and [v["id"] for v in expected["versions"]] == [v["id"] for v in story["versions"]]
    assert get(client, f"/api/stories/{story['id']}") == expected
    for version in story["versions"]:
        assert get(client, "/api/stories/" + urllib.parse.quote(version["id"])) == expected


def test_article_with_the_query_marked(client, index):
    hit = cli_json(index, "query", "harbour tartus")["hits"][0]
    article = get(client, "/api/articles/" + urllib.parse.quote(hit["id"]) + "?q=harbour+tartus")
    assert article["id"] == hit["id"] == "sub/harbour.txt" and article["title"] == hit["title"]
    marked = [article["body"][start:end] for start, end in article["highlights"]]
    assert marked == ["harbour", "Tartus"]
    for passage in hit["passages"]:
        assert all(span in article["highlights"] for span in passage["highlights"])


def test_article_ids_with_a_hash_and_a_space_are_percent_encoded(client):
    article = get(client, "/api/articles/" + urllib.parse.quote("sub/odd #1.txt"))
    assert article["title"] == "An odd name" and article["highlights"] == []


def test_health(client, index):
    health = get(client, "/api/health")
    assert health["articles"] == len(ARTICLES) and health["semantic"] is False
    assert health["source"].endswith("corpus") and health["last_update"].endswith("Z")


# --------------------------------------------------------------------------- errors and bounds


def test_a_bad_query_is_400_with_the_cli_message(client, index):
    done = runner.invoke(cli, ["query", '"regime of', "--index", str(index)])
    assert done.exit_code == 2
    message = done.stderr.strip().removeprefix("newsearch: error: ")
    assert get(client, "/api/search?q=%22regime+of", 400) == {"error": message}


@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        ("/api/search?q=" + "a" * 1001, 400, "query too long: at most 1000 characters"),
        ("/api/search?q=aleppo&offset=1001", 400, "page too deep"),
        ("/api/search?q=aleppo&limit=101", 400, "limit at most 100"),
        ("/api/search?q=aleppo&sort=sideways", 400, "sort"),
        ("/api/search?q=aleppo&since=yesterday", 400, "yesterday"),
        ("/api/search", 400, "q: "),
        ("/api/articles/no/such/article.txt", 404, "no article 'no/such/article.txt'"),
        ("/api/stories/nope", 404, "no story or article 'nope'"),
        ("/api/nowhere", 404, "Not Found"),
    ],
)
def test_errors_are_one_line(client, url, status, says):
    document = get(client, url, status)
    assert list(document) == ["error"] and says in document["error"] and "\n" not in document["error"]


def test_an_internal_error_says_so_and_nothing_more(index, monkeypatch, caplog):
    def broken(self, *args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(newsearch.Index, "health", broken)
    with TestClient(create_app(index), raise_server_exceptions=False) as client:
        assert get(client, "/api/health", 500) == {"error": "internal error"}
    assert "secret detail" in caplog.text  # in the server's log only


def test_a_slow_request_is_cut_off(index, monkeypatch):
    release = threading.Event()

    def slow(self, *args, **kwargs):
        release.wait(10)
        raise RuntimeError("finished late")

    monkeypatch.setattr(newsearch.Index, "stories", slow)
    try:
        with TestClient(create_app(index, limits=Limits(seconds=0.5)), raise_server_exceptions=False) as client:
            started = time.monotonic()
            document = get(client, "/api/stories", 503)
            assert time.monotonic() - started < 5
            assert "more than 0.5 s" in document["error"]
            assert get(client, "/api/health")["articles"] == len(ARTICLES)  # the other Index serves on
    finally:
        release.set()


def test_openapi_lists_the_endpoints_with_their_parameters(client):
    spec = get(client, "/openapi.json")
    assert {"/api/search", "/api/quotes", "/api/stories", "/api/stories/{id}", "/api/articles/{id}", "/api/health"} <= set(spec["paths"])
    parameters = {p["name"]: p for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "limit", "offset", "mode", "collapse", "facets", "semantic", "feedback", "since", "until", "source", "sort",
            "timeline", "passages"} <= set(parameters)
    assert all(p.get("description") for p in parameters.values())
    assert "%23" in spec["paths"]["/api/articles/{id}"]["get"]["parameters"][0]["description"]


# --------------------------------------------------------------------------- the page


def test_the_page_searches_and_shows_articles_escaped(client):
    response = client.get("/?q=regime+of+silence")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "regime of silence" in response.text
    quotes = client.get("/?view=quotes&q=ceasefire")
    assert quotes.status_code == 200
    article = client.get("/articles/script.txt?q=harbour")
    assert article.status_code == 200 and "<script>alert" not in article.text and "&lt;script&gt;" in article.text
    missing = client.get("/articles/nope.txt")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    bad = client.get('/?q="regime+of')
    assert bad.status_code == 400 and "unbalanced quotes" in bad.text and "Traceback" not in bad.text


# --------------------------------------------------------------------------- the command


def test_serve_without_the_extra_exits_2_with_one_line(index, monkeypatch):
    for name in [m for m in sys.modules if m == "fastapi" or m.startswith(("fastapi.", "newsearch.serve"))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.delattr(newsearch, "serve", raising=False)
    monkeypatch.setitem(sys.modules, "fastapi", None)  # import fastapi -> ImportError
    done = runner.invoke(cli, ["serve", "--index", str(index)])
    assert done.exit_code == 2
    assert done.stderr.strip() == "newsearch: error: newsearch serve needs the serve extra (FastAPI, uvicorn): pip install 'newsearch[serve]'"


@pytest.mark.parametrize(("host", "warned"), [("0.0.0.0", True), ("127.0.0.1", False), ("localhost", False)])
def test_binding_wider_than_localhost_warns(index, monkeypatch, host, warned):
    import newsearch.serve

    served = []
    monkeypatch.setattr(newsearch.serve, "run_server", lambda app, host, port: served.append((host, port)))
    done = runner.invoke(cli, ["serve", "--index", str(index), "--host", host, "--port", "8123", "-q"])
    assert done.exit_code == 0, done.output
    assert served == [(host, 8123)]
    warning = f"newsearch: warning: listening on {host}:8123: the archive is reachable from the network, without authentication"
    assert (warning in done.stderr) is warned


# --------------------------------------------------------------------------- a real server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, timeout: float = 30) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


class Server:
    """``python -m newsearch serve`` on a free port of 127.0.0.1, up until stopped."""

    def __init__(self, index: Path, *extra: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "newsearch", "serve", "--index", str(index), "--port", str(self.port), "-q", *extra]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited {self.process.returncode}: {self.process.stderr.read().decode()}")
            try:
                if fetch(self.base + "/api/health", timeout=2)[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("server not up within a minute")

    def stop(self) -> str:
        self.process.terminate()
        try:
            _, err = self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate(timeout=15)
        return err.decode()


def test_a_real_server_answers_and_stops(index):
    server = Server(index)
    try:
        server.wait_ready()
        expected = cli_json(index, "query", "regime of silence")
        for _ in range(5):
            assert fetch(server.base + "/api/search?q=regime+of+silence") == (200, expected)
        assert fetch(server.base + "/api/search?q=%22regime")[0] == 400
        with urllib.request.urlopen(server.base + "/?q=aleppo", timeout=30) as page:
            assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    finally:
        log = server.stop()
    assert server.process.returncode is not None and "Traceback" not in log


def test_searches_stay_correct_while_another_process_commits(tmp_path):
    """Threads search through a real server while an indexer adds articles in batches (one
    commit each): every answer is 200 and its total lies between the old and the new count."""
    corpus = many_articles(tmp_path / "corpus", count=100)
    index = tmp_path / "ix"
    newsearch.index_corpus(corpus, index, analyse=False)
    server = Server(index)
    try:
        server.wait_ready()
        many_articles(corpus, count=200, start=100)
        indexer = start_indexer(corpus, index, batch_size=20)
        answers, stop = [], threading.Event()

        def search() -> None:
            # Until the indexer is done (a fixed count could end before its first commit on a
            # loaded machine), at most 5,000 searches a thread.
            for _ in range(5000):
                if stop.is_set():
                    return
                answers.append(fetch(server.base + "/api/search?q=harbour&limit=3&passages=1"))

        threads = [threading.Thread(target=search) for _ in range(4)]
        for thread in threads:
            thread.start()
        try:
            assert indexer.wait(timeout=120) == 0
        finally:
            time.sleep(0.3)  # a few searches of the final generation too
            stop.set()
            for thread in threads:
                thread.join(60)
        assert answers and all(status == 200 for status, _ in answers), [a for a in answers if a[0] != 200][:3]
        totals = [document["total"] for _, document in answers]
        assert all(100 <= total <= 300 for total in totals)
        assert len(set(totals)) > 1  # commits were seen while serving, without a restart
        assert fetch(server.base + "/api/search?q=harbour")[1]["total"] == 300
        assert fetch(server.base + "/api/health")[1]["articles"] == 300
    finally:
        log = server.stop()
    assert "Traceback" not in log


def test_serve_watch_indexes_new_articles_while_serving(tmp_path):
    corpus = many_articles(tmp_path / "corpus", count=3)
    index = tmp_path / "ix"
    server = Server(index, "--corpus", str(corpus), "--watch")
    try:
        server.wait_ready()
        assert fetch(server.base + "/api/health")[1]["articles"] == 3
        many_articles(corpus, count=2, start=3)
        deadline = time.monotonic() + 60
        while fetch(server.base + "/api/health")[1]["articles"] != 5 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert fetch(server.base + "/api/search?q=uniq4")[1]["hits"][0]["id"] == "0004.txt"
    finally:
        log = server.stop()
    assert "Traceback" not in log


def test_import_newsearch_does_not_import_the_web_stack():
    code = "import sys, newsearch, newsearch.cli; print(sorted(m for m in ('fastapi', 'uvicorn', 'starlette') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr

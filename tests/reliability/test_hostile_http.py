"""The HTTP service under hostile clients (issue #21), on a real server on 127.0.0.1: requests
that are not HTTP, oversized and malformed requests, slow clients, many connections at once.
Every answer is a correct result or our error JSON, the server keeps serving the others, and
its memory stays bounded. Loops are bounded; nothing leaves the loopback interface."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from .hostile import build_index

pytest.importorskip("fastapi", reason="the serve extra (FastAPI, uvicorn) is not installed: uv sync")

from ..test_serve import Server, fetch  # noqa: E402

MALFORMED = {"error": "malformed HTTP request"}
# name -> raw request; every one is answered 400 with our error JSON by the server itself.
NOT_HTTP = {
    "garbage bytes": b"\x00\x01\x02\xff garbage\r\n\r\n",
    "request line of 200 KB": b"GET /api/search?q=" + b"a" * 200_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    "bytes that are not UTF-8 in the path": b"GET /articles/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
    "no request line": b"\r\n\r\n\r\n",
    "header without a colon": b"GET /api/health HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n",
    "NUL in a header": b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n",
    "negative content length": b"GET /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
}
# name -> (raw request, status): requests the app answers, with our error JSON.
ODD_BUT_HTTP = {
    "POST with a 10 MB body announced": (b"POST /api/search?q=a HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n" + b"a" * 65536, 405),
    "query of 1,001 characters": (b"GET /api/search?q=" + b"a" * 1001 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    "percent-encoding that is not UTF-8": (b"GET /api/search?q=%ZZ%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n", 200),
    "path traversal": (b"GET /api/articles/%2e%2e/%2e%2e/app.py HTTP/1.1\r\nHost: x\r\n\r\n", 404),
    "unknown API path": (b"GET /api/" + b"x" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 404),
    "5,000 headers": (b"GET /api/health HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(5000)) + b"\r\n", 200),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    index = build_index(tmp_path_factory.mktemp("http"))
    server = Server(index)
    try:
        server.wait_ready()
    except AssertionError:
        server.stop()  # not left running when it is slow to start
        raise
    yield server
    log = server.stop()
    assert "Traceback" not in log and "internal error" not in log


def send(server, request: bytes, timeout: float = 30) -> tuple[int, dict]:
    """Send ``request`` raw (closing the connection after it) and read the one answer."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as connection:
        if b"\r\nHost:" in request and b"Connection:" not in request:
            request = request.replace(b"\r\nHost: x\r\n", b"\r\nHost: x\r\nConnection: close\r\n", 1)
        try:
            connection.sendall(request)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before reading it all
        answer = b""
        try:
            while chunk := connection.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    assert b"content-type: application/json" in head.lower(), head
    return status, json.loads(body)


@pytest.mark.parametrize("name", NOT_HTTP)
def test_what_is_not_http_gets_our_error_json(server, name):
    assert send(server, NOT_HTTP[name]) == (400, MALFORMED)


@pytest.mark.parametrize("name", ODD_BUT_HTTP)
def test_odd_requests_get_a_result_or_our_error_json(server, name):
    request, expected = ODD_BUT_HTTP[name]
    status, document = send(server, request)
    assert status == expected
    assert set(document) == {"error"} if status >= 400 else "error" not in document


def test_slow_clients_and_many_connections_do_not_stop_the_others(server):
    """200 connections open at once: 100 idle, 100 trickling a request a byte at a time; the
    server answers 20 searches in between, correctly, and then closes nothing it should not."""
    expected = fetch(server.base + "/api/search?q=harbour")
    idle = [socket.create_connection(("127.0.0.1", server.port), timeout=10) for _ in range(100)]
    slow = [socket.create_connection(("127.0.0.1", server.port), timeout=10) for _ in range(100)]
    try:
        request = b"GET /api/search?q=harbour HTTP/1.1\r\nHost: x\r\n"
        for step in range(20):
            for connection in slow:
                connection.sendall(request[step : step + 1])
            assert fetch(server.base + "/api/search?q=harbour", timeout=30) == expected
        for connection in slow:  # the slow ones finish their request: each is answered
            connection.sendall(request[20:] + b"Connection: close\r\n\r\n")
        answered = 0
        for connection in slow:
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
            head, _, body = answer.partition(b"\r\n\r\n")
            answered += head.startswith(b"HTTP/1.1 200") and json.loads(body) == expected[1]
        assert answered == len(slow)
    finally:
        for connection in idle + slow:
            connection.close()
    assert fetch(server.base + "/api/health")[0] == 200


def test_concurrent_hostile_and_honest_clients_get_results_or_our_errors(server):
    """8 threads × 25 requests, honest and hostile mixed: each answer is the right result, or
    our error JSON (400 for the hostile ones, 503 when the pool is busy past the time budget)."""
    expected = fetch(server.base + "/api/search?q=harbour")[1]
    hostile = ["/api/search?q=" + urllib.parse.quote("(" * 40 + "x" + ")" * 40), "/api/search?q=*",
               "/api/search?q=" + "a" * 999, "/api/search?q=harbour&limit=0", "/api/articles/nothing-here"]
    wrong: list[str] = []

    def client(number: int) -> None:
        for step in range(25):
            if (number + step) % 2:
                status, document = fetch(server.base + "/api/search?q=harbour")
                if not (status == 200 and document == expected or status == 503 and set(document) == {"error"}):
                    wrong.append(f"honest: {status} {document}")
            else:
                url = hostile[(number + step) % len(hostile)]
                status, document = fetch(server.base + url)
                if not (status in (200, 400, 404, 503) and (status == 200 or set(document) == {"error"})):
                    wrong.append(f"{url}: {status} {document}")

    threads = [threading.Thread(target=client, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not wrong, wrong[:5]


def test_memory_stays_bounded_under_hostile_requests(server):
    """The server's resident memory after 400 hostile requests is within 50 MB of what it was
    after the first 40 (a leak of even 150 KB a request would show)."""
    psutil = pytest.importorskip("psutil", reason="psutil is not installed (bench group)")
    process = psutil.Process(server.process.pid)
    requests = [
        "/api/search?q=" + urllib.parse.quote("(" * 40 + "harbour" + ")" * 40),
        "/api/search?q=*",
        "/api/search?q=" + "a" * 1001,
        "/api/search?q=harbour&limit=100&offset=1000",
        "/api/articles/" + "x" * 3000,
        "/api/search?q=" + urllib.parse.quote("harbour \x00\u202e 🎉"),
    ]

    def hammer(count: int) -> None:
        for number in range(count):
            fetch(server.base + requests[number % len(requests)])
            if number % 10 == 0:
                send(server, NOT_HTTP["request line of 200 KB"])

    hammer(40)
    before = process.memory_info().rss
    hammer(400)
    grown = process.memory_info().rss - before
    assert grown < 50 * 2**20, f"grew {grown / 2**20:.1f} MB"

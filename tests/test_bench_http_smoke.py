"""Smoke test of ``python -m bench http`` on a tiny generated dump with 1-second phases: the
section has its parts, its rows and its checks. No timings are checked; real figures come from
``python -m bench http`` on Reuters."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("psutil", reason="bench dependency group not installed (uv run --all-groups pytest)")
pytest.importorskip("rank_bm25", reason="bench dependency group not installed (uv run --all-groups pytest)")
pytest.importorskip("httpx", reason="httpx (dev group) not installed")
pytest.importorskip("fastapi", reason="the serve extra (fastapi, uvicorn) is not installed")
pytest.importorskip("uvicorn", reason="the serve extra (fastapi, uvicorn) is not installed")

WORDS = (
    "cocoa coffee grain wheat oil crude bank rates dollar yen shares profit merger strike "
    "tanker gulf exports imports harvest drought bonds treasury tariff steel copper gold"
).split()


def tiny_dump(directory):
    """30 dated stories as ``tiny.jsonl``."""
    lines = []
    for n in range(30):
        title = f"{WORDS[n % len(WORDS)].upper()} {WORDS[(n * 7 + 3) % len(WORDS)].upper()} REPORT"
        body = " ".join(WORDS[(n + k * 5) % len(WORDS)] for k in range(14)) + ".\n\nSecond paragraph here."
        date = f"1987-0{2 + n % 3}-{1 + n % 27:02d}T10:00:00Z"
        lines.append(json.dumps({"id": f"tiny-{n}", "date": date, "source": "Reuters", "title": title, "body": body}))
    dump = directory / "tiny.jsonl"
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dump


def test_http_section_has_both_phases_baseline_and_memory(tmp_path, monkeypatch):
    from bench.http_load import Settings, run

    monkeypatch.setenv("NEWSEARCH_CACHE_DIR", str(tmp_path / "cache"))
    markdown = run(Settings(seconds=1.0, clients=(1, 4), queries=5, records=20, batch=10), tiny_dump(tmp_path))

    assert "over 30 Reuters stories" in markdown
    assert markdown.count("| clients | requests | req/s |") == 2  # idle, updating
    assert markdown.count("\n| 1 | ") == 2 and markdown.count("\n| 4 | ") == 2
    assert "**Idle**" in markdown and "**While updating**" in markdown
    assert "Commits seen by the server during the load:" in markdown
    assert "| in-process `Index.search` |" in markdown and "| HTTP / in-process |" in markdown
    for when in ("at start", "after the idle phase", "after the update phase"):
        assert when in markdown, when
    assert "were not 200" not in markdown and "outside [before, after]" not in markdown
    assert "failed or added fewer" not in markdown and "logged errors" not in markdown

"""Smoke test of ``python -m bench archives`` on a tiny generated archive (a .jsonl dump and the
same articles as .txt files): the section has its parts, its rows and its ratios. No timings are
checked; real figures come from ``python -m bench archives`` on Reuters."""

from __future__ import annotations

import json

import pytest

pytest.importorskip(
    "rank_bm25", reason="bench dependency group not installed (uv run --all-groups pytest)"
)
pytest.importorskip(
    "psutil", reason="bench dependency group not installed (uv run --all-groups pytest)"
)

WORDS = (
    "cocoa coffee grain wheat oil crude bank rates dollar yen shares profit merger strike "
    "tanker gulf exports imports harvest drought bonds treasury tariff steel copper gold"
).split()


def tiny_archive(directory):
    """30 dated stories (February to April 1987) as ``tiny.jsonl`` and as ``tiny/<n>.txt``."""
    dump, folder = directory / "tiny.jsonl", directory / "tiny"
    folder.mkdir()
    lines = []
    for n in range(30):
        title = f"{WORDS[n % len(WORDS)].upper()} {WORDS[(n * 7 + 3) % len(WORDS)].upper()} REPORT"
        body = " ".join(WORDS[(n + k * 5) % len(WORDS)] for k in range(14)) + ".\n\nSecond paragraph here."
        date = f"1987-0{2 + n % 3}-{1 + n % 27:02d}T10:00:00Z"
        lines.append(json.dumps({"id": f"tiny-{n}", "date": date, "source": "Reuters", "title": title, "body": body}))
        (folder / f"{n}.txt").write_text(f"{title}\n\n{body}", encoding="utf-8")
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dump, folder


def test_archives_section_has_builds_updates_and_latency(tmp_path, monkeypatch):
    from bench.archives import CASES, VARIANTS, Settings, run

    monkeypatch.setenv("NEWSEARCH_CACHE_DIR", str(tmp_path / "cache"))
    dump, folder = tiny_archive(tmp_path)
    markdown = run(Settings(repeats=1, build_repeats=1, queries=5, nlp=False), dump, folder)

    assert "30 stories" in markdown
    assert "**Full builds**" in markdown and "Build time dump / folder:" in markdown
    assert "| `tiny.jsonl` (one dump) |" in markdown and "| `tiny/` (.txt files) |" in markdown
    for case, (_, _, nlp) in CASES.items():
        assert (f"| {case} |" in markdown) is not nlp, case
    assert "Unexpected summaries" not in markdown
    for variant in VARIANTS:
        assert f"| {variant} |" in markdown, variant
    assert "Checks that failed" not in markdown

"""Smoke test of ``python -m bench story-diffs`` on a generated two-version story (as a folder of
.txt files and as a JSON Lines dump): the section has its parts and rows. No timings are checked;
real figures come from ``python -m bench story-diffs`` on BBC and Reuters."""

from __future__ import annotations

import json

import pytest

pytest.importorskip(
    "rank_bm25", reason="bench dependency group not installed (uv run --all-groups pytest)"
)

FIRST = (
    "Talks on the steel tariff end\n\n"
    "Ministers ended two days of talks on the steel tariff in Brussels on Friday. "
    "\"We are close to a deal on steel,\" said Anna Berg, the trade minister. "
    "Hundreds of jobs depend on the outcome, officials said. "
    "The talks resume next week in Geneva."
)
SECOND = (
    "Steel tariff deal reached\n\n"
    "Ministers ended two days of talks on the steel tariff in Brussels on Friday. "
    "\"We are close to a deal on steel,\" said Anna Berg, the trade minister. "
    "At least 2,500 jobs depend on the outcome, officials said. "
    "The talks resume next week in Geneva."
)


def test_story_diffs_section_has_timings_counts_and_sample(tmp_path, monkeypatch):
    from bench.story_diffs import KINDS, run

    monkeypatch.setenv("NEWSEARCH_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "tiny"
    folder.mkdir()
    (folder / "a.txt").write_text(FIRST, encoding="utf-8")
    (folder / "b.txt").write_text(SECOND, encoding="utf-8")
    (folder / "c.txt").write_text("An unrelated article\n\nNothing here is like the others at all.", encoding="utf-8")
    dump = tmp_path / "tiny.jsonl"
    records = [{"id": name, "title": text.split("\n")[0], "body": text.split("\n\n", 1)[1]} for name, text in (("a", FIRST), ("b", SECOND))]
    dump.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")

    markdown = run(folder, dump, reuters_nlp=False)

    assert "### Time to diff a story" in markdown and "| bbc | `story_changes`, ms per story | 1 |" in markdown
    assert "**1 stories** with two or more versions" in markdown and "**1 consecutive version pairs**" in markdown
    for label, _ in KINDS:
        assert f"| {label} |" in markdown, label
    assert "| headline changed | 1 (100%) | 1 (100%) |" in markdown
    assert "| **no change at all** |" in markdown and "report a change" in markdown
    assert "### Sample of 1 BBC pairs, reviewed" in markdown
    assert "a.txt 'Talks on the steel tariff end' → b.txt 'Steel tariff deal reached'" in markdown
    assert "headline changed" in markdown and "not reviewed" in markdown
    assert "NLP off" in markdown

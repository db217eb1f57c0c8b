"""Smoke test of the benchmark harness (bench/): every engine builds, answers, and is measured.

Real figures come from ``python -m bench all``; this only checks that the harness runs, on a
handful of TIME topics, without any timing assertion.
"""

from __future__ import annotations

import pytest

from bench.report import CORPORA  # ../shared/corpora next to the repository, or $NEWSEARCH_SHARED

TIME = CORPORA / "time"

pytest.importorskip(
    "rank_bm25", reason="bench dependency group not installed (uv run --all-groups pytest)"
)
pytest.importorskip(
    "ir_measures", reason="bench dependency group not installed (uv run --all-groups pytest)"
)
pytestmark = pytest.mark.skipif(not TIME.is_dir(), reason=f"shared corpora not found at {CORPORA}")


TOPICS = 5
SAMPLE = 40  # articles besides the judged ones, so that ranking has something to reject


def sample_ids(topics) -> frozenset[str]:
    """The articles judged for ``topics`` and the first ``SAMPLE`` others, as engine ids."""
    qids = {t.qid for t in topics}
    judged = {
        line.split()[2] + ".txt"
        for line in (TIME / "qrels.txt").read_text().splitlines()
        if line.split()[0] in qids
    }
    others = sorted(path.name for path in (TIME / "docs").glob("*.txt"))[:SAMPLE]
    return frozenset(judged | set(others))


@pytest.fixture(scope="module")
def relevance():
    from bench.corpora import time_corpus, time_topics
    from bench.engines import ENGINE_NAMES
    from bench.relevance import measure_relevance

    topics = time_topics()[:TOPICS]
    corpus = time_corpus(only=sample_ids(topics))
    return measure_relevance(ENGINE_NAMES, topics, depth=20, corpus=corpus)


def test_every_engine_returns_results(relevance):
    from bench.engines import ENGINE_NAMES

    assert [r.engine for r in relevance] == list(ENGINE_NAMES)
    assert all(r.returned > 0 for r in relevance)


def test_metrics_are_computed_and_in_range(relevance):
    from bench.metrics import MEASURES

    for result in relevance:
        assert set(result.scores) == set(MEASURES)
        assert all(0.0 <= value <= 1.0 for value in result.scores.values()), result
        assert result.scores["Recall@100"] > 0, f"{result.engine} found no relevant article"


def test_relevance_markdown_has_a_row_per_engine_and_the_ratio(relevance):
    from bench.corpora import time_topics
    from bench.relevance import relevance_markdown

    articles = len(sample_ids(time_topics()[:TOPICS]))
    markdown = relevance_markdown(relevance, topics=TOPICS, articles=articles)
    assert f"{articles} articles, {TOPICS} topics" in markdown
    assert all(f"| {r.engine} |" in markdown for r in relevance)
    assert "newsearch / best baseline" in markdown
    assert "| newsearch, odd topics |" in markdown and "| newsearch, even topics |" in markdown


def test_speed_harness_times_queries_and_rates_excerpts(tmp_path):
    from bench.corpora import time_corpus, time_topics
    from bench.engines import make_engine
    from bench.passages import passage_quality
    from bench.queries import Query, normalise_query
    from bench.speed import time_queries

    topics = time_topics()[:TOPICS]
    queries = [Query(normalise_query(t.text), "any") for t in topics]
    engine = make_engine("fts5", tmp_path)
    try:
        engine.build(time_corpus(only=sample_ids(topics)))
        latency, shown = time_queries(engine, queries)
    finally:
        engine.close()
    assert 0 < latency.p50_ms <= latency.p95_ms
    assert all(excerpts for _, excerpts in shown)
    quality = passage_quality(shown)
    assert quality is not None and quality.queries == len(queries)
    assert 0.0 <= quality.excerpts_with_all <= 1.0
    assert quality.marked_precision is not None and 0.0 <= quality.marked_precision <= 1.0

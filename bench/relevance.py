"""Relevance on the TIME test collection: every engine, the 83 verbose topics, OR ("any") mode."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.corpora import Corpus, Topic, time_corpus, time_docid, time_qrels_path, time_topics
from bench.engines import BASELINES, Ranked, make_engine, tie_break
from bench.metrics import MEASURES, evaluate
from bench.queries import normalise_query
from bench.report import markdown_table, write_section

DEPTH = 100  # ranks retrieved per topic: MAP and Recall are measured to this depth


@dataclass(frozen=True, slots=True)
class EngineRelevance:
    engine: str
    scores: dict[str, float]  # measure name -> mean over all topics
    returned: int  # total hits returned over all topics


def rank_topics(
    engine_name: str, corpus: Corpus, topics: Sequence[Topic], depth: int, workdir: Path
) -> dict[str, list[Ranked]]:
    """Build ``engine_name`` over ``corpus`` and rank every topic, ties broken by docid."""
    engine = make_engine(engine_name, workdir)
    try:
        engine.build(corpus)
        return {
            t.qid: tie_break(engine.search(normalise_query(t.text), depth, "any")) for t in topics
        }
    finally:
        engine.close()


def measure_relevance(
    engines: Sequence[str],
    topics: Sequence[Topic] | None = None,
    depth: int = DEPTH,
    corpus: Corpus | None = None,
) -> list[EngineRelevance]:
    """Relevance of each engine on TIME: by default all 83 topics over all 423 articles (the
    smoke test passes a few topics, a sample of the articles and a smaller depth)."""
    corpus, topics = corpus or time_corpus(), topics or time_topics()
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-relevance-") as tmp:
        for name in engines:
            rankings = rank_topics(name, corpus, topics, depth, Path(tmp) / name)
            scores = evaluate(
                rankings, time_qrels_path(), docid=time_docid, qids={t.qid for t in topics}
            )
            results.append(EngineRelevance(name, scores, sum(map(len, rankings.values()))))
    return results


def relevance_markdown(results: Sequence[EngineRelevance], topics: int, articles: int) -> str:
    header = ["engine", *MEASURES, "hits returned"]
    rows = [[r.engine, *r.scores.values(), r.returned] for r in results]
    parts = [
        f"TIME collection: {articles} articles, {topics} topics, {DEPTH} ranks per topic. "
        "Queries lower-cased, punctuation dropped (the text every engine receives; lower case "
        "also keeps AND/OR/NOT from being parsed as operators), terms OR-ed. Synthetic titles "
        "are dropped for every engine: only bodies are indexed. Measures from `ir_measures` "
        "(trec_eval definitions); ties broken by (-score, docid). newsearch-semantic is newsearch "
        "with an index built by `newsearch index --semantic`: the same matches, ranked by an "
        "equal-weight mix of the z-scored word-matching score and the closeness in meaning "
        "(all-MiniLM-L6-v2) of each article's closest window to the query.",
        markdown_table(header, rows),
    ]
    ratio = ratio_row(results)
    if ratio:
        parts.append(ratio)
    return "\n\n".join(parts)


def ratio_row(results: Sequence[EngineRelevance]) -> str:
    """Each newsearch variant divided by the best baseline, measure by measure (>1 means
    newsearch is better)."""
    ours = [r for r in results if r.engine not in BASELINES]
    baselines = [r for r in results if r.engine in BASELINES]
    if not ours or not baselines:
        return ""
    rows = []
    for variant in ours:
        cells = []
        for measure in MEASURES:
            best = max(baselines, key=lambda r: r.scores[measure])
            value = variant.scores[measure] / best.scores[measure] if best.scores[measure] else float("nan")
            cells.append(f"{value:.3f} (vs {best.engine})")  # 3 places: 1.046 must not read as 1.05
        rows.append([variant.engine, *cells])
    return markdown_table(["newsearch / best baseline", *MEASURES], rows)


def run_relevance(engines: Sequence[str], topic_count: int | None = None) -> list[EngineRelevance]:
    """The ``python -m bench relevance`` command: measure, print and write the section."""
    topics = time_topics()[:topic_count] if topic_count else time_topics()
    corpus = time_corpus()
    results = measure_relevance(engines, topics, corpus=corpus)
    markdown = relevance_markdown(results, len(topics), len(corpus.docs))
    print(markdown)
    write_section("relevance", "Relevance (TIME)", markdown)
    return results

"""Relevance on the TIME and LISA test collections: every engine, every topic, OR ("any") mode."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from bench.corpora import RELEVANCE_COLLECTIONS, Collection, Corpus, Topic, time_collection
from bench.engines import BASELINES, Ranked, make_engine, tie_break
from bench.metrics import MEASURES, evaluate_per_query
from bench.queries import normalise_query
from bench.report import markdown_table, write_section

DEPTH = 100  # ranks retrieved per topic: MAP and Recall are measured to this depth
DIFF_AGAINST = "fts5"  # per-query differences are shown against this baseline
DIFF_MEASURE = "nDCG@10"
DIFF_SHOWN = 6  # the biggest wins and losses listed per collection


@dataclass(frozen=True, slots=True)
class EngineRelevance:
    engine: str
    scores: dict[str, float]  # measure name -> mean over all topics
    returned: int  # total hits returned over all topics
    per_query: dict[str, dict[str, float]] = field(default_factory=dict)  # measure -> qid -> value


def query_for(engine_name: str, text: str) -> str:
    """What an engine is asked. newsearch gets the topic as written (ALL CAPS, punctuation and
    all), as a user would type it: its parser reads a long question in capitals as words (its
    AND/OR/NOT too) and ordinary punctuation as punctuation. The baselines get it lower-cased,
    words only, as before: Whoosh's parser would read AND/OR/NOT as operators and FTS5's
    ``:``, ``(`` and ``"`` as syntax (each word is quoted for FTS5 in any case)."""
    return text if engine_name.startswith("newsearch") else normalise_query(text)


def rank_topics(
    engine_name: str, corpus: Corpus, topics: Sequence[Topic], depth: int, workdir: Path
) -> dict[str, list[Ranked]]:
    """Build ``engine_name`` over ``corpus`` and rank every topic, ties broken by docid."""
    engine = make_engine(engine_name, workdir)
    if getattr(engine, "semantic", False):
        engine.reuse_embeddings = True  # embedded once, kept in bench/out for the next run
    try:
        engine.build(corpus)
        return {
            t.qid: tie_break(engine.search(query_for(engine_name, t.text), depth, "any")) for t in topics
        }
    finally:
        engine.close()


def measure_relevance(
    engines: Sequence[str],
    topics: Sequence[Topic] | None = None,
    depth: int = DEPTH,
    corpus: Corpus | None = None,
    collection: Collection | None = None,
) -> list[EngineRelevance]:
    """Relevance of each engine on ``collection`` (default TIME): by default all its topics over
    all its articles (the smoke test passes a few topics, a sample of the articles and a
    smaller depth)."""
    collection = collection or time_collection()
    corpus, topics = corpus or collection.corpus, topics or collection.topics
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-relevance-") as tmp:
        for name in engines:
            rankings = rank_topics(name, corpus, topics, depth, Path(tmp) / name)
            per_query = evaluate_per_query(
                rankings, collection.qrels, docid=collection.docid, qids={t.qid for t in topics}
            )
            scores = {m: sum(v.values()) / len(v) for m, v in per_query.items()}
            results.append(EngineRelevance(name, scores, sum(map(len, rankings.values())), per_query))
            print(collection.name, name, {m: round(v, 3) for m, v in scores.items()}, flush=True)
    return results


INTRO = (
    "Both collections are **tuning collections**: newsearch's ranking choices (issue 18) were "
    "made looking at them, so these figures flatter it; they are to be re-checked on "
    "collections nobody here has seen. Each engine ranks the top {depth} articles for every "
    "topic, terms OR-ed. newsearch gets each topic *as written* (in capitals, with its "
    "punctuation: a question of more than three words typed in capitals reads AND/OR/NOT as "
    "words); the baselines get it lower-cased, words only (their parsers would read AND/OR/NOT, "
    "`(`, `:` and `\"` as syntax). Measures from `ir_measures` (trec_eval definitions); ties "
    "broken by (-score, docid). newsearch-semantic is newsearch with an index built by "
    "`newsearch index --semantic`: the same matches, ranked by a mix of the z-scored "
    "word-matching score (0.4, no feedback) and the z-scored closeness in meaning "
    "(all-MiniLM-L6-v2; 0.6) of each article's closest window to the query; its embeddings "
    "are made once and kept in `bench/out/embeddings.sqlite3` for later runs."
)

ABOUT = {
    "TIME": "TIME: {articles} articles, {topics} topics (1963 news; one-sentence questions). Its "
    "title lines are synthetic, so every engine indexes bodies only.",
    "LISA": "LISA: {articles} articles, {topics} topics: library-science abstracts with their titles; long "
    "questions of 2–6 sentences (\"I am interested in …\") ending in a list of key phrases. "
    "FTS5 weighs a title word twice a body word, as newsearch does.",
}


def relevance_markdown(
    results: Sequence[EngineRelevance], topics: int, articles: int, name: str = "TIME"
) -> str:
    header = ["engine", *MEASURES, "hits returned"]
    rows = [[r.engine, *r.scores.values(), r.returned] for r in results]
    about = ABOUT.get(name, "{name}: {articles} articles, {topics} topics.")
    parts = [f"### {name}", about.format(name=name, articles=articles, topics=topics), markdown_table(header, rows)]
    ratio = ratio_row(results)
    if ratio:
        parts.append(ratio)
    halves = ratio_by_half(results)
    if halves:
        parts.append(halves)
    diffs = per_query_differences(results)
    if diffs:
        parts.append(diffs)
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


HALVES = {"odd": 1, "even": 0}


def ratio_by_half(results: Sequence[EngineRelevance]) -> str:
    """The ratio of ``ratio_row`` on the odd- and the even-numbered topics apart (each half
    against its own best baseline): a change that holds on both halves is less likely to be
    fitted to a few topics than one carried by either."""
    ours = [r for r in results if r.engine not in BASELINES and r.per_query]
    baselines = [r for r in results if r.engine in BASELINES and r.per_query]
    if not ours or not baselines:
        return ""
    rows = []
    for variant in ours:
        for half, remainder in HALVES.items():
            cells = []
            for measure in ("MAP", "nDCG@10"):

                def on_half(engine: EngineRelevance) -> float:
                    values = [v for q, v in engine.per_query[measure].items() if int(q) % 2 == remainder]
                    return sum(values) / len(values)

                best = max(baselines, key=on_half)
                cells.append(f"{on_half(variant) / on_half(best):.3f} (vs {best.engine})" if on_half(best) else "nan")
            rows.append([f"{variant.engine}, {half} topics", *cells])
    return markdown_table(["newsearch / best baseline, by half", "MAP", "nDCG@10"], rows)


def per_query_differences(results: Sequence[EngineRelevance]) -> str:
    """Per topic, each newsearch variant against FTS5 in nDCG@10 (and AP): how many topics it
    wins, ties and loses, and the biggest wins and losses, so losses can be read, not just
    averaged."""
    against = next((r for r in results if r.engine == DIFF_AGAINST and r.per_query), None)
    ours = [r for r in results if r.engine not in BASELINES and r.per_query]
    if against is None or not ours:
        return ""
    rows = []
    for variant in ours:
        ndcg, theirs = variant.per_query[DIFF_MEASURE], against.per_query[DIFF_MEASURE]
        ap, their_ap = variant.per_query["MAP"], against.per_query["MAP"]
        delta = {q: ndcg[q] - theirs[q] for q in ndcg}
        wins = sum(d > 1e-9 for d in delta.values())
        losses = sum(d < -1e-9 for d in delta.values())
        ordered = sorted(delta, key=lambda q: (delta[q], q))

        def shown(qids: list[str]) -> str:
            return ", ".join(
                f"{q}: {theirs[q]:.2f}→{ndcg[q]:.2f} (AP {their_ap[q]:.2f}→{ap[q]:.2f})" for q in qids
            ) or "none"

        worst = [q for q in ordered if delta[q] < -1e-9][:DIFF_SHOWN]
        best = [q for q in reversed(ordered) if delta[q] > 1e-9][:DIFF_SHOWN]
        rows.append([variant.engine, f"{wins} / {len(delta) - wins - losses} / {losses}", shown(worst), shown(best)])
    header = [
        f"vs {DIFF_AGAINST}, per topic ({DIFF_MEASURE})",
        "wins / ties / losses",
        f"biggest losses (topic: {DIFF_AGAINST}→newsearch)",
        "biggest wins",
    ]
    return markdown_table(header, rows)


def run_relevance(engines: Sequence[str], topic_count: int | None = None) -> list[EngineRelevance]:
    """The ``python -m bench relevance`` command: measure every collection, print and write the
    section."""
    parts, everything = [INTRO.format(depth=DEPTH)], []
    for make in RELEVANCE_COLLECTIONS.values():
        collection = make()
        if topic_count:
            collection = replace(collection, topics=collection.topics[:topic_count])
        results = measure_relevance(engines, collection=collection)
        parts.append(relevance_markdown(results, len(collection.topics), len(collection.corpus.docs), collection.name))
        everything += results
    markdown = "\n\n".join(parts)
    print(markdown)
    write_section("relevance", "Relevance (TIME and LISA)", markdown)
    return everything

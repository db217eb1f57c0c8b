"""Relevance measures, through ir_measures (trec_eval's definitions), not written by hand."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path

import ir_measures
from ir_measures import AP, P, R, ScoredDoc, nDCG

from bench.engines import Ranked

MEASURES = {"MAP": AP, "nDCG@10": nDCG @ 10, "P@10": P @ 10, "Recall@100": R @ 100}


def scored_docs(
    rankings: Mapping[str, Sequence[Ranked]], docid: Callable[[str], str] = str
) -> Iterable[ScoredDoc]:
    """A run for ir_measures, scored by rank so ties keep the order the engine (after
    ``tie_break``) gave; trec_eval would otherwise reorder equal scores by docid itself."""
    for qid, ranked in rankings.items():
        for rank, hit in enumerate(ranked):
            yield ScoredDoc(qid, docid(hit.id), float(len(ranked) - rank))


def evaluate(
    rankings: Mapping[str, Sequence[Ranked]],
    qrels_path: Path,
    docid: Callable[[str], str] = str,
    qids: Collection[str] | None = None,
) -> dict[str, float]:
    """Mean of each measure in ``MEASURES`` over the queries ``qids`` (default: all in the qrels).

    ``docid`` maps an engine's document id to the qrels' one. A query the engine returned
    nothing for still counts (as 0; trec_eval would skip it), so engines are compared over
    the same queries.
    """
    per_query = evaluate_per_query(rankings, qrels_path, docid, qids)
    return {name: sum(values.values()) / len(values) for name, values in per_query.items()}


def evaluate_per_query(
    rankings: Mapping[str, Sequence[Ranked]],
    qrels_path: Path,
    docid: Callable[[str], str] = str,
    qids: Collection[str] | None = None,
) -> dict[str, dict[str, float]]:
    """Each measure of ``MEASURES`` for each judged query of ``qids``: measure -> qid -> value
    (0 for a query the engine returned nothing for)."""
    qrels = [
        q
        for q in ir_measures.read_trec_qrels(str(qrels_path))
        if qids is None or q.query_id in qids
    ]
    run = list(scored_docs(rankings, docid))
    per_query = {name: {} for name in MEASURES}
    by_measure = {measure: name for name, measure in MEASURES.items()}
    for metric in ir_measures.iter_calc(list(MEASURES.values()), qrels, run):
        per_query[by_measure[metric.measure]][metric.query_id] = metric.value
    qids = sorted({q.query_id for q in qrels}, key=lambda q: (len(q), q))
    return {name: {q: values.get(q, 0.0) for q in qids} for name, values in per_query.items()}

"""Ranking ablation on TIME and LISA: what each change to newsearch's ranking does, step by step.

``python -m bench.tuning`` builds a newsearch index of each relevance collection (as ``bench
relevance`` does: no NLP; TIME's synthetic titles dropped), ranks every topic under each variant
and writes the ``tuning`` section of docs/BENCHMARKS.md. A variant changes the module settings of
``newsearch.search`` for the length of its run (a bench may; an application would not), so the
rows compare settings on one index and one query set. The first rows are cumulative, from the
ranking before issue 5 to the final one; the rest change one setting of the final ranking.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from math import log
from pathlib import Path
from typing import Literal
from unittest import mock

import numpy as np
from whoosh import index as whoosh_index, query as wq, scoring
from whoosh.analysis import LowercaseFilter, StemFilter

import newsearch
from newsearch import indexer, nlp, schema as newsearch_schema, search, semantic
from newsearch.embedding_store import EmbeddingStore
from newsearch.embeddings import embed_query, model_id
from newsearch.scoring import Ranking, Scored, by_segment, term_scores
from newsearch.text import AcronymFilter, NewsTokenizer
from bench.corpora import RELEVANCE_COLLECTIONS, Collection, write_corpus
from bench.engines import Ranked, tie_break
from bench.metrics import evaluate_per_query
from bench.newsearch_engine import reused_embeddings
from bench.queries import normalise_query
from bench.relevance import DEPTH
from bench.report import markdown_table, use_shared_nltk_data, write_section


IdfKind = Literal["whoosh", "lucene", "classic"]


@dataclass(frozen=True)
class Variant:
    """One row: ``settings`` patched into ``newsearch.search``; ``mode`` and ``feedback`` as
    ``Index.search`` takes them; ``idf`` picks Whoosh's own idf, Lucene's ``log(1 + (N - n +
    0.5) / (n + 0.5))`` or the classic one newsearch uses; ``pairs`` adds a proximity clause
    (consecutive words within ``pairs[0]`` positions, boost ``pairs[1]``); ``snowball`` indexes
    with Snowball's English stemmer ("Porter2") instead of the original Porter; ``analysed``
    ranks on an index built with NLP (quotes and entities), for the rows that search those
    fields."""

    label: str
    settings: dict[str, object] = field(default_factory=dict)
    mode: str = "any"
    feedback: bool = True
    idf: IdfKind = "classic"
    pairs: tuple[int, float] | None = None
    snowball: bool = False
    analysed: bool = False
    semantic_share: float | None = None
    lowercase: bool = False  # the query lower-cased, words only (as the baselines get it)
    # Other functions replaced for the row: (module, name, replacement), e.g. Whoosh's ``bm25``.
    patches: tuple[tuple[object, str, object], ...] = ()

    @property
    def index_kind(self) -> tuple[bool, bool, bool]:
        return self.snowball, self.analysed, self.semantic_share is not None


def with_fields(extra: dict[str, float]) -> dict[str, object]:
    """Settings that add ``extra`` fields, with their weights, to the fields ranked queries search."""
    return {
        "DEFAULT_FIELDS": (*search.DEFAULT_FIELDS, *extra),
        "FIELD_BOOSTS": {**search.FIELD_BOOSTS, **extra},
    }


def snowball_analyzer():
    """newsearch's analyzer with Whoosh's Snowball English stemmer in place of Porter."""
    return NewsTokenizer() | AcronymFilter() | LowercaseFilter() | StemFilter(lang="en", cachesize=-1)


def snowball_words(text: str) -> list[tuple[str, int, int]]:
    """``text.news_words`` with the Snowball analyzer, for feedback and marking on its index."""
    return [(t.text, t.startchar, t.endchar) for t in snowball_analyzer()(text, chars=True)]


ENTITY_FIELDS = ("people", "organisations", "places")
NO_STOPS = {"STOP_WORDS": frozenset()}
NEVER = re.compile(r"(?!)")  # a pattern that matches nothing: turns a query rewrite off
BEFORE_18 = {"_FRAMING": NEVER, "_POSSESSIVE": NEVER, "FEEDBACK_MAX_TERMS": 10**6, "QUERY_TERM_FREQUENCY": "never"}
NO_QTF = {"QUERY_TERM_FREQUENCY": "never"}
# Robertson and Zaragoza's BM25F (``scoring.DocumentBM25F``) in place of Whoosh's per-field one.
BM25F = {"RANKING": "bm25f"}
STEPS = (
    Variant("before: Whoosh idf, every word, no feedback", {**NO_STOPS, **BEFORE_18}, feedback=False, idf="whoosh"),
    Variant("+ probabilistic idf, Lucene's log(1 + ...)", {**NO_STOPS, **BEFORE_18}, feedback=False, idf="lucene"),
    Variant("+ stop words left out of ranked queries", BEFORE_18, feedback=False, idf="lucene"),
    Variant("+ RM3 feedback (5 docs, 20 words, 0.3)", BEFORE_18, idf="lucene"),
    Variant("+ classic probabilistic idf, floor 0.1 (final before #18)", BEFORE_18),
    Variant("  the same, queries lower-cased (as the bench gave them before #18)", BEFORE_18, lowercase=True),
    Variant("+ possessive 's dropped from query words (#18)", {**BEFORE_18, "_POSSESSIVE": search._POSSESSIVE}),
    Variant("+ question framing left out (#18)", {**NO_QTF, "FEEDBACK_MAX_TERMS": 10**6}),
    Variant("+ no feedback for queries over 20 words (#18)", NO_QTF),
    Variant("+ those long requests weigh a repeated word 1 + ln(times) (#18) = final"),
)


def bm25_plus(delta: float):
    """Whoosh's ``bm25`` with Lv and Zhai's lower bound (BM25+): ``delta * idf`` more for any
    occurrence, so a long document's match is never worth next to nothing."""

    def score(idf, tf, fl, avgfl, B, K1):
        return BM25(idf, tf, fl, avgfl, B, K1) + delta * idf

    return score


def bm25_l(delta: float):
    """Lv and Zhai's BM25L: ``delta`` added to the length-normalised count before saturation."""

    def score(idf, tf, fl, avgfl, B, K1):
        normalised = tf / ((1 - B) + B * fl / avgfl) + delta
        return idf * (K1 + 1) * normalised / (K1 + normalised)

    return score


BM25 = scoring.bm25


def twice(rerank):
    """Feedback run again on the ranking feedback gave (a second round of RM3)."""
    return lambda searcher, query, ranking: rerank(searcher, query, rerank(searcher, query, ranking))


def keeping_first(count: int):
    """Feedback that re-ranks only below the first pass's best ``count`` (they stay on top, in order)."""
    rerank = search.rerank

    def rerank_below(searcher, query, ranking):
        reranked = rerank(searcher, query, ranking)
        top, rest = ranking.docnums[:count], ~np.isin(reranked.docnums, ranking.docnums[:count])
        above = reranked.scores.max() + 1 + np.arange(len(top))[::-1]
        return Ranking(np.concatenate((above, reranked.scores[rest])), np.concatenate((top, reranked.docnums[rest])))

    return rerank_below


def per_field_b(**b: float):
    """newsearch's weighting with a field's own b in Whoosh's per-field BM25F (``title=0.35``)."""
    return lambda: search.ProbabilisticBM25(B=search.BM25_B, K1=search.BM25_K1, **{f"{name}_B": v for name, v in b.items()})
LINEAR_QTF = {"QUERY_TERM_FREQUENCY": "always", "query_term_weight": float}  # weight = times said
ONE_CHANGE = (
    Variant("final, query-term frequency on every ranked query (rejected, #18)", {"QUERY_TERM_FREQUENCY": "always"}),
    Variant("final, no query-term frequency", NO_QTF),
    Variant("final, query-term frequency linear, every ranked query (rejected, #18)", LINEAR_QTF),
    Variant("final, query-term frequency linear, long requests", {"query_term_weight": float}),
    Variant("final, framing kept", {"_FRAMING": NEVER}),
    Variant("final, feedback for queries up to 15 words", {"FEEDBACK_MAX_TERMS": 15}),
    Variant("final, feedback for queries up to 25 words", {"FEEDBACK_MAX_TERMS": 25}),
    Variant("final, queries lower-cased", lowercase=True),
    Variant("final, k1 0.9", {"BM25_K1": 0.9}),
    Variant("final, k1 1.5", {"BM25_K1": 1.5}),
    Variant("final, b 0.6", {"BM25_B": 0.6}),
    Variant("final, b 0.9", {"BM25_B": 0.9}),
    Variant("final, idf floor 1e-6 (as FTS5)", {"IDF_FLOOR": 1e-6}),
    Variant("final, Lucene's idf", idf="lucene"),
    Variant("final, OR coordination 0.9", {"OR_COORDINATION": 0.9}),
    Variant("final, title weight 1", {"FIELD_BOOSTS": {"title": 1.0, "body": 1.0}}),
    Variant("final, title weight 3 (rejected: TIME has no titles to confirm it)", {"FIELD_BOOSTS": {"title": 3.0, "body": 1.0}}),
    Variant("final, title weight 3, query-term frequency always", {"FIELD_BOOSTS": {"title": 3.0, "body": 1.0}, "QUERY_TERM_FREQUENCY": "always"}),
    Variant("final, stop words kept", NO_STOPS),
    Variant("final, no feedback", feedback=False),
    Variant("final, feedback on every ranked query", {"FEEDBACK_MAX_TERMS": 10**6}),
    Variant("final, feedback 10 docs", {"FEEDBACK_DOCS": 10}),
    Variant("final, feedback share 0.5", {"FEEDBACK_SHARE": 0.5}),
    Variant("final, + word pairs within 3 positions, boost 0.25", pairs=(3, 0.25)),
    Variant("final, + word pairs within 8 positions, boost 0.1 (rejected, #18)", pairs=(8, 0.1)),
    Variant("final, BM25+ (lower bound 0.5 idf; rejected, #18)", patches=((scoring, "bm25", bm25_plus(0.5)),)),
    Variant("final, BM25+ (lower bound 0.25 idf)", patches=((scoring, "bm25", bm25_plus(0.25)),)),
    Variant("final, BM25L (delta 0.25; rejected, #18)", patches=((scoring, "bm25", bm25_l(0.25)),)),
    Variant("final, true BM25F: title weight 2, b 0.75 in both (rejected, #18)", BM25F),
    Variant("final, true BM25F, title weight 1", {**BM25F, "FIELD_BOOSTS": {"title": 1.0, "body": 1.0}}),
    Variant("final, true BM25F, title weight 3", {**BM25F, "FIELD_BOOSTS": {"title": 3.0, "body": 1.0}}),
    Variant("final, true BM25F, title b 0.5", {**BM25F, "FIELD_B": {"title": 0.5}}),
    Variant("final, true BM25F, title b 1.0", {**BM25F, "FIELD_B": {"title": 1.0}}),
    Variant("final, true BM25F, body b 0.6", {**BM25F, "FIELD_B": {"body": 0.6}}),
    Variant("final, true BM25F, k1 2.0", {**BM25F, "BM25_K1": 2.0}),
    Variant("final, true BM25F, no feedback", BM25F, feedback=False),
    Variant("final, feedback 10 words (#18)", {"FEEDBACK_TERMS": 10}),
    Variant("final, feedback 30 words (#18)", {"FEEDBACK_TERMS": 30}),
    Variant("final, feedback 50 words (rejected, #18: TIME −0.001 nDCG@10)", {"FEEDBACK_TERMS": 50}),
    Variant("final, feedback 3 docs (#18)", {"FEEDBACK_DOCS": 3}),
    Variant("final, feedback 7 docs (#18)", {"FEEDBACK_DOCS": 7}),
    Variant("final, feedback share 0.2 (#18)", {"FEEDBACK_SHARE": 0.2}),
    Variant("final, feedback share 0.4 (#18)", {"FEEDBACK_SHARE": 0.4}),
    Variant("final, feedback twice (RM3 on its own re-ranking; #18)", patches=((search, "rerank", twice(search.rerank)),)),
    Variant("final, feedback re-scores only the best 30 (#18)", {"RERANK_DEPTH": 30}),
    Variant("final, feedback re-scores only the best 100 (#18)", {"RERANK_DEPTH": 100}),
    Variant("final, feedback keeps the first pass's best 1 (#18)", patches=((search, "rerank", keeping_first(1)),)),
    Variant("final, feedback keeps the first pass's best 3 (#18)", patches=((search, "rerank", keeping_first(3)),)),
    Variant("final, title b 0.25 (#18)", patches=((search, "weighting", per_field_b(title=0.25)),)),
    Variant("final, title b 0.35 (rejected, #18: TIME has no titles to confirm it)", patches=((search, "weighting", per_field_b(title=0.35)),)),
    Variant("final, title b 0.5 (#18)", patches=((search, "weighting", per_field_b(title=0.5)),)),
)
# Rows measured on TIME alone before issue 18 (Snowball stemming, quotes and entity fields) need
# an index of their own (NLP) per collection; they are run with ``--all-rows``.
EXPENSIVE = (
    Variant("final, on an index built with NLP (same fields)", analysed=True),
    Variant("final, + quotes field, weight 0.1", with_fields({"quotes": 0.1}), analysed=True),
    Variant("final, + entity fields, weight 0.1", with_fields(dict.fromkeys(ENTITY_FIELDS, 0.1)), analysed=True),
    Variant("final, Snowball stemming instead of Porter", {"news_words": snowball_words}, snowball=True),
)


def rrf_fuse(k: int):
    """``semantic.fuse`` with reciprocal rank fusion (Cormack et al.: ``1 / (k + rank)`` of each
    ranking, weighted by the shares) in place of the z-scores' sum."""

    def fuse(searcher, ranking, meaning):
        closeness = semantic.closeness_to(searcher, meaning, ranking.docnums)
        if closeness is None:
            return None
        mixed = (1 - semantic.SEMANTIC_SHARE) * _reciprocal_ranks(ranking.scores, k)
        mixed += semantic.SEMANTIC_SHARE * _reciprocal_ranks(closeness, k)
        return Ranking.ordered(mixed, ranking.docnums)

    return fuse


def _reciprocal_ranks(values: np.ndarray, k: int) -> np.ndarray:
    ranks = np.empty(len(values))
    ranks[np.argsort(-values, kind="stable")] = np.arange(1, len(values) + 1)
    return 1 / (k + ranks)


def head_fuse(depth: int):
    """``semantic.fuse`` on the best ``depth`` articles by words only; the rest follow in word order."""
    fuse = semantic.fuse

    def fuse_head(searcher, ranking, meaning):
        fused = fuse(searcher, ranking.head(depth), meaning)
        if fused is None or len(ranking) <= depth:
            return fused
        tail = ranking.tail(depth)
        below = fused.scores.min() - 1 - np.arange(len(tail)) * 1e-9
        return fused.then(Ranking(below, tail.docnums))

    return fuse_head


def closeness_of_best(windows: int):
    """``semantic.closeness_to`` with an article's closeness the mean of its ``windows`` closest
    windows' (an article of fewer windows: the mean of those it has)."""

    def closeness_to(searcher, meaning, docnums):
        closeness = np.zeros(len(docnums))
        for reader, inside, local in by_segment(searcher, docnums):
            vectors, first, count = semantic._read(reader, meaning)
            similarity = vectors @ meaning.vector.astype(np.float32)
            per_document = np.full(len(count), -1.0)
            for doc in np.flatnonzero(count):
                best = np.sort(similarity[first[doc] : first[doc] + count[doc]])[::-1][:windows]
                per_document[doc] = best.mean()
            closeness[inside] = per_document[local]
        return closeness

    return closeness_to


def feedback_from_fused():
    """Feedback on a semantic search from the best articles of the *mixed* ranking (each still
    weighted by its word score, as ``search.expansion`` weighs them), then mixed again: RM3's
    expanded word score mixed with closeness in meaning, its articles chosen by both."""
    run_search, fuse = search.run_search, semantic.fuse
    asked: list[wq.Query] = []

    def remember(searcher, parsed, *args, **kwargs):
        asked[:] = [parsed.query]
        return run_search(searcher, parsed, *args, **kwargs)

    def fuse_twice(searcher, ranking, meaning):
        fused = fuse(searcher, ranking, meaning)
        query = asked[0]
        if fused is None or search.too_long_for_feedback(query):
            return fused
        word_score = dict(zip(ranking.docnums.tolist(), ranking.scores.tolist()))
        top = sorted((Scored(word_score[d], d) for d in fused.docnums[: search.FEEDBACK_DOCS].tolist()), key=lambda s: -s.score)
        terms = search.expansion(searcher, query, top)
        keep = 1 - search.FEEDBACK_SHARE
        expanded = keep * ranking.scores + term_scores(searcher, terms, ranking.docnums)
        return fuse(searcher, Ranking.ordered(expanded, ranking.docnums), meaning)

    return ((search, "run_search", remember), (semantic, "fuse", fuse_twice))


def fuse_transformed(words=None, closeness=None):
    """``semantic.fuse`` with the word scores and/or the closeness transformed before z-scoring
    (``np.sqrt``: the best word scores' lead shrunk; ``np.square``: stretched)."""

    def fuse(searcher, ranking, meaning):
        close = semantic.closeness_to(searcher, meaning, ranking.docnums)
        if close is None:
            return None
        scores = words(ranking.scores) if words else ranking.scores
        close = closeness(close) if closeness else close
        share = semantic.SEMANTIC_SHARE
        mixed = (1 - share) * semantic._standardised(scores) + share * semantic._standardised(close)
        return Ranking.ordered(mixed, ranking.docnums)

    return fuse


def query_moved(best: int, weight: float):
    """Feedback in meaning (Rocchio on the query's embedding): the query's vector plus ``weight``
    times the mean of the closest windows of the mixed ranking's ``best`` articles, mixed again."""
    fuse = semantic.fuse

    def fuse_moved(searcher, ranking, meaning):
        fused = fuse(searcher, ranking, meaning)
        if fused is None:
            return None
        windows = []
        for reader, _, local in by_segment(searcher, fused.docnums[:best]):
            vectors, first, count = semantic._read(reader, meaning)
            for doc in local:
                own = vectors[first[doc] : first[doc] + count[doc]]
                windows.append(own[np.argmax(own @ meaning.vector.astype(np.float32))])
        moved = meaning.vector + weight * np.mean(windows, axis=0)
        return fuse(searcher, ranking, replace(meaning, vector=(moved / np.linalg.norm(moved)).astype(np.float32)))

    return fuse_moved


# Semantic ranking's rows need each collection's articles embedded (``--semantic-rows``; the
# embeddings are kept in bench/out, so only the first run embeds LISA's 5,999 abstracts).
SEMANTIC_FEEDBACK = ((semantic, "FEEDBACK", True),)
SEMANTIC = (
    Variant("final, + semantic mix 0.3, no feedback", semantic_share=0.3),
    Variant("final, + semantic mix 0.5, with feedback (before #18)", semantic_share=0.5, patches=SEMANTIC_FEEDBACK),
    Variant("final, + semantic mix 0.6, with feedback", semantic_share=0.6, patches=SEMANTIC_FEEDBACK),
    Variant("final, + semantic mix 0.5, no feedback", semantic_share=0.5),
    Variant("final, + semantic mix 0.6, no feedback (index --semantic; #18) = semantic final", semantic_share=0.6),
    Variant("final, + semantic mix 0.7, no feedback", semantic_share=0.7),
    Variant("semantic final, feedback from the mixed ranking's best (#22)", semantic_share=0.6, patches=feedback_from_fused()),
    Variant("semantic final, reciprocal rank fusion, k 60 (#22)", semantic_share=0.6, patches=((semantic, "fuse", rrf_fuse(60)),)),
    Variant("semantic final, closeness the mean of the best 2 windows (#22)", semantic_share=0.6, patches=((semantic, "closeness_to", closeness_of_best(2)),)),
    Variant("semantic final, only the best 100 by words re-ranked (#22)", semantic_share=0.6, patches=((semantic, "fuse", head_fuse(100)),)),
    Variant("semantic final, only the best 30 by words re-ranked (#22)", semantic_share=0.6, patches=((semantic, "fuse", head_fuse(30)),)),
    Variant("semantic final, word scores' square root mixed (#22)", semantic_share=0.6, patches=((semantic, "fuse", fuse_transformed(words=np.sqrt)),)),
    Variant("semantic final, word scores squared mixed (#22)", semantic_share=0.6, patches=((semantic, "fuse", fuse_transformed(words=np.square)),)),
    Variant("semantic final, exp(closeness / 0.1) mixed (#22)", semantic_share=0.6, patches=((semantic, "fuse", fuse_transformed(closeness=lambda c: np.exp(c / 0.1))),)),
    Variant("semantic final, query moved towards the best 3 (0.5; #22)", semantic_share=0.6, patches=((semantic, "fuse", query_moved(3, 0.5)),)),
    Variant("semantic final, query moved towards the best 5 (1.0; #22)", semantic_share=0.6, patches=((semantic, "fuse", query_moved(5, 1.0)),)),
    Variant("semantic closeness alone (mix 1.0)", semantic_share=1.0),
)


class LuceneIdfBM25(search.ProbabilisticBM25):
    """newsearch's BM25F with Lucene's idf, which never falls below ``log(1.5)``."""

    def idf(self, searcher, fieldname: str, text: str) -> float:
        parent = searcher.get_parent()
        containing, total = parent.doc_frequency(fieldname, text), parent.doc_count_all()
        return log(1 + (total - containing + 0.5) / (containing + 0.5))


def weighting_for(idf: IdfKind) -> scoring.WeightingModel:
    if idf == "whoosh":
        return scoring.BM25F(B=search.BM25_B, K1=search.BM25_K1)
    if idf == "lucene":
        return LuceneIdfBM25(B=search.BM25_B, K1=search.BM25_K1)
    return search.weighting()


def build_index(source: Path, workdir: Path, snowball: bool, analysed: bool, semantic: bool) -> Path:
    """A newsearch index of the TIME bodies in ``source``, optionally Snowball-stemmed, with
    NLP analysis (quotes and entities) or with embeddings (semantic)."""
    index = workdir / f"{'snowball' if snowball else 'porter'}{'-nlp' if analysed else ''}{'-semantic' if semantic else ''}"
    with ExitStack() as stack:
        if snowball:
            # Whoosh analyses the text with the index's (Snowball) schema, in this process: the
            # indexer's workers would stem with newsearch's own analyzer (``schema.pre_analyse``).
            stack.enter_context(mock.patch.object(newsearch_schema, "news_analyzer", snowball_analyzer))
            stack.enter_context(mock.patch.object(indexer, "pre_analyse", dict))
            stack.enter_context(mock.patch.object(indexer, "PARALLEL_THRESHOLD", len(list(source.rglob("*.txt"))) + 1))
        if semantic:
            stack.enter_context(reused_embeddings(index))
        newsearch.index_corpus(source, index, full=True, analyse=analysed, semantic=semantic)
    return index


@contextmanager
def patched(settings: dict[str, object]) -> Iterator[None]:
    with ExitStack() as stack:
        for name, value in settings.items():
            stack.enter_context(mock.patch.object(search, name, value))
        yield


def with_pairs(parsed: search.ParsedQuery, slop: int, boost: float) -> search.ParsedQuery:
    """The parsed query plus a sloppy phrase for each two consecutive body words."""
    words = [text for name, text in parsed.query.iter_all_terms() if name == "body"]
    pairs = [wq.Phrase("body", [a, b], slop=slop, boost=boost) for a, b in zip(words, words[1:]) if a != b]
    return replace(parsed, query=wq.Or([parsed.query, *pairs])) if pairs else parsed


def ranker(index: Path, variant: Variant) -> Callable[[str], list[Ranked]]:
    """Rank one query as ``Index.search`` would, under ``variant``."""
    ix = whoosh_index.open_dir(str(index))
    searcher = ix.searcher(weighting=weighting_for(variant.idf))
    store = EmbeddingStore(index)

    def rank(text: str) -> list[Ranked]:
        parsed = search.parse_query(text, ix.schema, variant.mode)
        if variant.pairs:
            parsed = with_pairs(parsed, *variant.pairs)
        meaning = None if variant.semantic_share is None else semantic.Meaning(embed_query(text), store, model_id())
        found = search.run_search(searcher, parsed, "", DEPTH, 0, False, 0, variant.feedback, meaning)
        return [Ranked(hit.id, hit.score) for hit in found.hits]

    return rank


def measure(variant: Variant, index: Path, collection: Collection) -> dict[str, dict[str, float]]:
    """Each measure of ``variant``'s ranking, topic by topic (measure -> qid -> value)."""
    topics = collection.topics
    share = semantic.SEMANTIC_SHARE if variant.semantic_share is None else variant.semantic_share
    with patched(variant.settings), mock.patch.object(semantic, "SEMANTIC_SHARE", share), ExitStack() as stack:
        for module, name, value in variant.patches:
            stack.enter_context(mock.patch.object(module, name, value))
        # Settings such as BM25_K1 are read when the searcher is made: make it inside the patch.
        rank = ranker(index, variant)
        rankings = {
            t.qid: tie_break(rank(normalise_query(t.text) if variant.lowercase else t.text)) for t in topics
        }
    return evaluate_per_query(rankings, collection.qrels, docid=collection.docid, qids={t.qid for t in topics})


def mean(values: dict[str, float]) -> float:
    return sum(values.values()) / len(values)


def ups_and_downs(row: dict[str, float], final: dict[str, float]) -> str:
    """How many topics the row ranks better and worse than the final ranking (AP)."""
    better = sum(row[q] > final[q] + 1e-9 for q in final)
    worse = sum(row[q] < final[q] - 1e-9 for q in final)
    return f"+{better} / −{worse}"


def tuning_markdown(rows: list[tuple[str, dict[str, dict[str, dict[str, float]]]]], names: list[str], final: int) -> str:
    intro = (
        "Each row ranks every topic of TIME (bodies only) and of LISA (titles and abstracts), "
        "given *as written* (in capitals) unless the row says otherwise, terms OR-ed as in the "
        "relevance section, with one setting of `newsearch.search` changed. Both are tuning "
        "collections: a change is kept only if it helps on both. The first rows are cumulative, "
        "from the ranking before issue 5 to the final one (the rows marked #18 are issue 18's); "
        "every later row changes one setting of the final ranking. Rows that search quotes or "
        "entities or stem with Snowball need indexes of their own (NLP); they are measured with "
        "`--all-rows` only (the TIME-only figures before issue 18 are in git history). The rows "
        "that mix in closeness in meaning (from \"+ semantic mix\" on; \"semantic final\" is "
        "the default semantic ranking) need each collection embedded; they are measured with "
        "`--semantic-rows` (embeddings kept in `bench/out` between runs). The topics columns "
        "count the topics a row ranks better / worse than the final word ranking (average "
        "precision), so that a change carried by one or two topics can be told from one that "
        "holds. Produced by `python -m bench.tuning --semantic-rows`."
    )
    header = [
        "variant",
        *(f"{name} {m}" for name in names for m in ("MAP", "nDCG@10")),
        *(f"{name} topics" for name in names),
    ]
    _, best = rows[final]
    table = markdown_table(
        header,
        [
            [
                label,
                *(mean(scores[name][m]) for name in names for m in ("MAP", "nDCG@10")),
                *(ups_and_downs(scores[name]["MAP"], best[name]["MAP"]) for name in names),
            ]
            for label, scores in rows
        ],
    )
    return f"{intro}\n\n{table}"


def run_tuning(
    all_rows: bool = False, semantic_rows: bool = False
) -> list[tuple[str, dict[str, dict[str, dict[str, float]]]]]:
    variants = (*STEPS, *ONE_CHANGE, *(EXPENSIVE if all_rows else ()), *(SEMANTIC if all_rows or semantic_rows else ()))
    collections = [make() for make in RELEVANCE_COLLECTIONS.values()]
    by_collection: dict[str, list[dict[str, dict[str, float]]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-tuning-") as tmp:
        for collection in collections:
            workdir = Path(tmp) / collection.name
            source = collection.corpus.directory
            if collection.corpus.drop_titles:
                source = write_corpus(collection.corpus.docs, workdir / "corpus")
            kinds = sorted({v.index_kind for v in variants})
            indexes = {kind: build_index(source, workdir, *kind) for kind in kinds}
            by_collection[collection.name] = []
            for variant in variants:
                scores = measure(variant, indexes[variant.index_kind], collection)
                by_collection[collection.name].append(scores)
                print(collection.name, variant.label, {k: round(mean(v), 3) for k, v in scores.items()}, flush=True)
    names = [c.name for c in collections]
    rows = [(v.label, {name: by_collection[name][i] for name in names}) for i, v in enumerate(variants)]
    markdown = tuning_markdown(rows, names, final=len(STEPS) - 1)
    print(markdown)
    write_section("tuning", "Ranking: what each change does (TIME and LISA)", markdown)
    return rows


if __name__ == "__main__":
    use_shared_nltk_data()
    run_tuning(all_rows="--all-rows" in sys.argv[1:], semantic_rows="--semantic-rows" in sys.argv[1:])

"""What embedding costs and what it buys: the quality/cost curve of semantic ranking (issue 22).

Each point of the curve is one way of embedding an article (MiniLM on the title and lead, on
the first N windows or on all of them, windows of 128 or 256 tokens; the static token table
distilled from MiniLM) and of embedding the query. Per point:

- cost: embedding time per article on a sample of BBC and of Reuters, as a ratio to the
  word-only build of the same sample in the same run (``(build + embedding) / build``: the
  time until the sample is fully embedded, embedding on one core);
- relevance: MAP and nDCG@10 of semantic ranking on TIME and LISA (both **tuning**
  collections), divided by the best baseline's in the same run.

Relevance is measured on one word index per collection, re-ranked for each point by the
library's own mix (``semantic.fuse``) with the point's closeness, so that LISA and TIME are
embedded once per point (and cached on disk, ``CACHE``) instead of indexed again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

import newsearch
from bench.corpora import RELEVANCE_COLLECTIONS, SPEED_CORPORA, Collection, Corpus
from bench.engines import BASELINES, Ranked, make_engine, tie_break
from bench.metrics import evaluate_per_query
from bench.queries import short_queries, verbose_queries
from bench.relevance import DEPTH, query_for, rank_topics
from bench.report import markdown_table, write_section
from bench.speed import K, Latency, percentile
from bench.static_model import StaticModel, distil, principal_axes
from bench.static_model import token_outputs as static_model_outputs
from newsearch import embeddings, semantic

ALL_WINDOWS = 16  # "all windows": as many as MiniLM embedded before issue 22
CACHE_BATCH = 32  # windows encoded together while filling the cache
CACHE = Path(os.environ.get("NEWSEARCH_BENCH_CACHE", Path.home() / ".cache" / "newsearch-bench"))


def article_text(title: str, body: str) -> str:
    """The text ``embeddings`` embeds for an article."""
    return f"{title}\n{body}" if title else body


def cache_path(name: str, texts: list[str], size: int, limit: int | None) -> Path:
    digest = hashlib.sha256("\0".join(texts).encode()).hexdigest()[:16]
    return CACHE / f"minilm-{name}-{size}x{limit or ALL_WINDOWS}-{digest}.npz"


def minilm_windows(name: str, texts: list[str], size: int, limit: int | None = None) -> list[np.ndarray]:
    """MiniLM's embedding of the windows of ``size`` tokens of each text (the first ``limit``;
    None: up to ``MAX_WINDOWS``), cached on disk by collection, window size and the texts' digest."""
    path = cache_path(name, texts, size, limit)
    if path.exists():
        stored = np.load(path)
        return np.split(stored["vectors"].astype(np.float32), np.cumsum(stored["counts"])[:-1])
    encoder = embeddings.encoder()
    windows = [encoder.windows(text, size, limit or ALL_WINDOWS) for text in texts]
    counts = np.array([len(w) for w in windows])
    flat = [window for text_windows in windows for window in text_windows]
    # Encoded across articles, windows of about the same length together (little padding).
    order = sorted(range(len(flat)), key=lambda i: len(flat[i]))
    encoded = np.zeros((len(flat), embeddings.encoder().word.shape[1]), np.float32)
    for start in range(0, len(order), CACHE_BATCH):
        chosen = order[start : start + CACHE_BATCH]
        encoded[chosen] = encoder.encode([flat[i] for i in chosen])
        if start // CACHE_BATCH % 50 == 0:
            print(f"{name} {size}: {start}/{len(flat)} windows", flush=True)
    vectors = np.split(encoded.astype(np.float16), np.cumsum(counts)[:-1])
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.npz")
    np.savez(partial, vectors=encoded.astype(np.float16), counts=counts)
    partial.replace(path)
    return [v.astype(np.float16).astype(np.float32) for v in vectors]


def token_outputs() -> np.ndarray:
    """MiniLM's embedding of each vocabulary token alone (``static_model.token_outputs``), cached
    by the model's digest: the expensive half of distilling a static table, shared by every
    table the curve tries."""
    directory = embeddings.model_dir()
    path = CACHE / f"token-outputs-{embeddings.model_digest(directory)[:16]}.npy"
    if path.exists():
        return np.load(path)
    outputs = static_model_outputs(embeddings.Encoder(directory))
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, outputs)
    return outputs


# --------------------------------------------------------------------------- the points


@dataclass(frozen=True, slots=True)
class Point:
    """One way of embedding articles and queries.

    ``model`` "minilm": MiniLM on windows of ``size`` tokens, the first ``windows`` of them
    (None: all, up to ``MAX_WINDOWS``); the query is MiniLM's embedding of its first window.
    ``model`` "static": the static table of ``dimensions`` and ``sif`` (``static_model.distil``),
    articles and queries alike; ``size``/``windows`` unused (one vector an article).
    """

    label: str
    model: str
    size: int = embeddings.MAX_TOKENS
    windows: int | None = None
    dimensions: int = 256
    sif: float = 1e-3
    query: str = "same"  # or "minilm": MiniLM's query embedding, projected onto the static table's axes


MINILM_POINTS = (
    Point("MiniLM 256 × all windows (before #22)", "minilm"),
    Point("MiniLM 256 × first 4 windows", "minilm", windows=4),
    Point("MiniLM 256 × first 2 windows", "minilm", windows=2),
    Point("MiniLM 256 × first window (title + lead)", "minilm", windows=1),
    Point("MiniLM 128 × first 4 windows", "minilm", size=128, windows=4),
    Point("MiniLM 128 × first window (title + lead)", "minilm", size=128, windows=1),
    Point("MiniLM 64 × first window (title + lead)", "minilm", size=64, windows=1),
    Point("MiniLM 32 × first window (title + lead)", "minilm", size=32, windows=1),
)
STATIC_POINTS = (
    Point("static 256d, SIF 1e-3", "static"),
    Point("static 256d, SIF 1e-4", "static", sif=1e-4),
    Point("static 256d, SIF 1e-5", "static", sif=1e-5),
    Point("static 256d, no frequency weight", "static", sif=1e9),
    Point("static 128d, SIF 1e-3", "static", dimensions=128),
    Point("static 384d (no PCA cut), SIF 1e-3", "static", dimensions=384),
    Point("static 256d × windows of 256", "static", windows=16),
    Point("static 256d, MiniLM query", "static", query="minilm"),
    Point("static 384d, MiniLM query", "static", dimensions=384, query="minilm"),
)
POINTS = MINILM_POINTS + STATIC_POINTS
CACHED_SIZES = {256: None, 128: 4, 64: 1, 32: 1}  # MiniLM window size -> windows cached (None: all)


@cache
def static_model(dimensions: int, sif: float) -> StaticModel:
    table = distil(token_outputs(), dimensions, sif)
    return StaticModel(embeddings._tokenizer(embeddings.model_dir()), table)


@cache
def _minilm_query(text: str) -> np.ndarray:
    """MiniLM's embedding of a query's first window, mean-pooled, not normalised."""
    return embeddings.encoder().encode(embeddings.encoder().windows(text, limit=1), unit=False)[0]


@cache
def _principal_axes(dimensions: int) -> tuple[np.ndarray, np.ndarray]:
    return principal_axes(token_outputs(), dimensions)


class Embedder:
    """A point's article and query embeddings, as ``embeddings.embed_article`` and
    ``embed_query`` compute them for the default."""

    def __init__(self, point: Point) -> None:
        self.point = point

    def articles(self, name: str, texts: list[str]) -> list[np.ndarray]:
        point = self.point
        if point.model == "static":
            model = static_model(point.dimensions, point.sif)
            return [model.embed_windows(text, point.size if point.windows else None)[: point.windows] for text in texts]
        cached = minilm_windows(name, texts, point.size, CACHED_SIZES[point.size])
        return [vectors[: point.windows] for vectors in cached]

    def cached(self, name: str, texts: list[str]) -> bool:
        """Whether this MiniLM point's windows of ``texts`` are in the cache already."""
        return cache_path(name, texts, self.point.size, CACHED_SIZES[self.point.size]).exists()

    def article(self, text: str, batch: int = embeddings._BATCH) -> np.ndarray:
        """One article embedded from scratch (what the cost is measured on)."""
        point = self.point
        if point.model == "static":
            model = static_model(point.dimensions, point.sif)
            return model.embed_windows(text, point.size if point.windows else None)[: point.windows].astype(np.float16)
        limit = point.windows or ALL_WINDOWS
        return embeddings.encoder().embed_windows(text, point.size, limit, batch).astype(np.float16)

    def query(self, text: str) -> np.ndarray:
        point = self.point
        if point.model == "minilm":
            return _minilm_query(text) / np.linalg.norm(_minilm_query(text))
        if point.query == "minilm":
            mean, axes = _principal_axes(point.dimensions)
            projected = (_minilm_query(text) - mean) @ axes.T
            return projected / np.linalg.norm(projected)
        return static_model(point.dimensions, point.sif).embed(text)


# --------------------------------------------------------------------------- relevance


@dataclass(frozen=True, slots=True)
class Relevance:
    """One point (or engine) on one collection: MAP and nDCG@10, and each divided by the best
    baseline's of the same run."""

    scores: dict[str, float]
    ratios: dict[str, float]


RELEVANCE_MEASURES = ("MAP", "nDCG@10")


def measure_points(
    collection: Collection, points: Sequence[Point], workdir: Path, cached_only: bool = False
) -> dict[str, Relevance]:
    """The baselines, newsearch by words, and newsearch with each point's semantic ranking, on
    ``collection``: the word index is built once and each point re-ranks its matches with the
    library's ``semantic.fuse``, fed with the point's closeness (the best window's cosine)."""
    qids = {t.qid for t in collection.topics}

    def evaluated(rankings: dict[str, list[Ranked]]) -> dict[str, float]:
        per_query = evaluate_per_query(rankings, collection.qrels, docid=collection.docid, qids=qids)
        return {m: sum(per_query[m].values()) / len(per_query[m]) for m in RELEVANCE_MEASURES}

    scores = {}
    for name in BASELINES:
        scores[name] = evaluated(rank_topics(name, collection.corpus, collection.topics, DEPTH, workdir / name))
    engine = make_engine("newsearch", workdir / "newsearch")
    engine.build(collection.corpus)
    try:
        search = lambda: {  # noqa: E731
            t.qid: tie_break(engine.search(query_for("newsearch", t.text), DEPTH, "any")) for t in collection.topics
        }
        scores["newsearch (words)"] = evaluated(search())
        searcher = engine.index._searcher
        order = sorted(searcher.document_numbers())
        ids = [searcher.stored_fields(d)["id"] for d in order]
        texts_by_id = {doc.id: article_text(doc.title, doc.body) for doc in collection.corpus.docs}
        engine.index.semantic = True  # bench only: the word index ranked as a semantic one
        for point in points:
            embedder = Embedder(point)
            if cached_only and point.model == "minilm" and not embedder.cached(collection.name, list(texts_by_id.values())):
                print(collection.name, point.label, "not cached: left out", flush=True)
                continue
            vectors = dict(zip(texts_by_id, embedder.articles(collection.name, list(texts_by_id.values()))))
            with _closeness(order, [vectors[i] for i in ids]), _query_embedding(engine.index, embedder.query):
                scores[point.label] = evaluated(search())
            print(collection.name, point.label, {m: round(v, 3) for m, v in scores[point.label].items()}, flush=True)
    finally:
        engine.close()
    best = {m: max(scores[b][m] for b in BASELINES) for m in RELEVANCE_MEASURES}
    return {name: Relevance(s, {m: s[m] / best[m] for m in RELEVANCE_MEASURES}) for name, s in scores.items()}


@contextmanager
def _closeness(docnums: list[int], vectors: list[np.ndarray]):
    """``semantic.closeness_to`` answered from ``vectors`` (one array of windows per docnum)."""
    matrix = np.concatenate(vectors).astype(np.float32)
    first = np.concatenate(([0], np.cumsum([len(v) for v in vectors])[:-1]))
    where = np.full(max(docnums) + 1, -1, dtype=np.int64)
    where[docnums] = np.arange(len(docnums))

    def closeness_to(searcher, meaning: semantic.Meaning, wanted: np.ndarray) -> np.ndarray:
        best = np.maximum.reduceat(matrix @ meaning.vector.astype(np.float32), first)
        return best[where[wanted]].astype(np.float64)

    real = semantic.closeness_to
    semantic.closeness_to = closeness_to
    try:
        yield
    finally:
        semantic.closeness_to = real


@contextmanager
def _query_embedding(index, embed):
    """``index``'s searches given the query embedding ``embed`` makes: the word index has no
    stored embeddings, so ``Index`` would not embed the query (closeness comes from
    ``_closeness``)."""
    index._meaning = lambda query: semantic.Meaning(embed(query), None, "bench")
    try:
        yield
    finally:
        del index._meaning


# --------------------------------------------------------------------------- cost


@dataclass(frozen=True, slots=True)
class Cost:
    """Embedding one article, on one core, against the word-only build (per article, of a
    sample of the corpus) in the same run: ``ratio`` = (build + embedding) / build, the time
    until the corpus is fully embedded as a multiple of the word-only build."""

    ms_per_article: float
    ratio: float


@dataclass(frozen=True, slots=True)
class Settings:
    points: tuple[Point, ...] = POINTS
    sample: int = 200  # articles each point's cost is measured on (MiniLM points: ``minilm_sample``)
    minilm_sample: int = 10
    queries: int = 200  # speed queries for the latency comparison
    build_sample: int = 300  # articles of each corpus built for real, word-only and semantic
    cached_only: bool = False  # MiniLM points not yet cached for a collection are left out


def sample_texts(corpus: Corpus, count: int) -> list[str]:
    """``count`` articles spread evenly over ``corpus``."""
    docs = corpus.docs
    step = max(len(docs) // count, 1)
    return [article_text(doc.title, doc.body) for doc in docs[::step][:count]]


def timed_build(directory: Path, index: Path, semantic: bool) -> float:
    started = time.perf_counter()
    newsearch.index_corpus(directory, index, full=True, analyse=False, semantic=semantic)
    return time.perf_counter() - started


def embedding_ms(embedder: Embedder, texts: list[str], batch: int = embeddings._BATCH) -> float:
    """Milliseconds per article to embed ``texts`` from scratch (on the calling thread)."""
    embedder.article(texts[0], batch)  # the model loaded, the caches warm
    started = time.perf_counter()
    for text in texts:
        embedder.article(text, batch)
    return (time.perf_counter() - started) * 1000 / len(texts)


def measure_costs(corpus: Corpus, build: Build, settings: Settings) -> dict[str, Cost]:
    """Each point's cost on ``corpus``, against the word-only build of ``build``'s sample;
    MiniLM's all-windows point also with one window a batch, and with two BLAS threads."""
    texts = sample_texts(corpus, settings.sample)
    build_ms = build.words_seconds * 1000 / build.articles

    def cost(ms: float) -> Cost:
        return Cost(ms, (build_ms + ms) / build_ms)

    costs = {}
    before = Embedder(MINILM_POINTS[0])
    sample = texts[: settings.minilm_sample]
    with threadpool_limits(1):
        for point in settings.points:
            chosen = sample if point.model == "minilm" else texts
            costs[point.label] = cost(embedding_ms(Embedder(point), chosen))
            print(corpus.name, point.label, f"{costs[point.label].ms_per_article:.2f} ms", flush=True)
        costs[f"{before.point.label}, 1 window a batch"] = cost(embedding_ms(before, sample, batch=1))
    with threadpool_limits(2):
        costs[f"{before.point.label}, 2 BLAS threads"] = cost(embedding_ms(before, sample))
    return costs


# --------------------------------------------------------------------------- the default, for real


@dataclass(frozen=True, slots=True)
class Build:
    corpus: str
    articles: int
    words_seconds: float
    semantic_seconds: float  # the default embedding, in the same build (its workers)
    word_latency: Latency  # ms, p50 / p95, semantic=False on the semantic index
    semantic_latency: Latency  # a repeated query's embedding is kept: this is the first round's
    query_embedding_ms: float  # MiniLM on a query, uncached, median


def measure_build(corpus: Corpus, workdir: Path, settings: Settings) -> Build:
    """A sample of the corpus built word-only and then with the default embedding
    (``semantic=True``), same run; then query latency on the semantic index with and without
    semantic ranking (the speed bench's short and verbose queries, drawn from the sample)."""
    step = max(len(corpus.files) // settings.build_sample, 1)
    chosen = corpus.files[::step][: settings.build_sample]
    sample = workdir / f"{corpus.name}-sample"
    for path in chosen:
        target = sample / path.relative_to(corpus.directory)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    words = timed_build(sample, workdir / f"{corpus.name}-words", semantic=False)
    index = workdir / f"{corpus.name}-semantic"
    embeddings.encoder()  # loaded before the clock starts
    semantic_seconds = timed_build(sample, index, semantic=True)
    docs = tuple(doc for doc in corpus.docs if corpus.directory / doc.id in set(chosen))
    queries = short_queries(docs, settings.queries) + verbose_queries(docs, settings.queries)
    with newsearch.open_index(index) as ix:
        latencies = {}
        for semantic_on in (False, False, True):  # words twice (the first warms up); semantic once (uncached)
            seconds = []
            for query in queries:
                started = time.perf_counter()
                ix.search(query.text, limit=K, mode=query.mode, passages=3, semantic=semantic_on)
                seconds.append(time.perf_counter() - started)
            latencies[semantic_on] = Latency(percentile(seconds, 50) * 1000, percentile(seconds, 95) * 1000)
    texts = [query.text for query in queries]
    return Build(
        corpus.name,
        len(chosen),
        words,
        semantic_seconds,
        latencies[False],
        latencies[True],
        _median_ms(lambda text: embeddings.encoder().embed_windows(text, limit=1), texts),
    )


def _median_ms(function, texts: list[str]) -> float:
    function(texts[0])
    seconds = []
    for text in texts:
        started = time.perf_counter()
        function(text)
        seconds.append(time.perf_counter() - started)
    return percentile(seconds, 50) * 1000


# --------------------------------------------------------------------------- the section

INTRO = (
    "How much model work per article semantic ranking needs (issue 22). Each row is one way of "
    "embedding articles and queries. **Cost**: milliseconds to embed one article on one core "
    "(MiniLM rows: the first {minilm} of {sample} articles spread over the corpus; static rows: "
    "all {sample}), and the time until the corpus is fully embedded — the word-only build of the "
    "whole corpus plus every article embedded on one core — as a multiple of that word-only "
    "build, measured in the same run. **Relevance**: MAP and nDCG@10 of semantic ranking ÷ the "
    "best baseline's (FTS5, rank_bm25, plain Whoosh) in the same run, on TIME and LISA, both "
    "**tuning** collections (the point below was chosen looking at them). Each row re-ranks the "
    "same word index's matches with the library's mix (`semantic.fuse`), its closeness computed "
    "from that row's vectors (the best window's cosine). MiniLM rows embed the query with MiniLM; "
    "static rows with the same table unless marked. The static table is distilled from the "
    "installed MiniLM (`bench/static_model.py`, the Model2Vec recipe: every vocabulary token through "
    "the model alone, PCA, a Zipf-prior SIF weight); an article is the normalised mean of its "
    "tokens' rows."
)


def run_embedding_cost(settings: Settings = Settings()) -> str:
    """The ``python -m bench embedding-cost`` command: measure, print and write the section."""
    return write_report(measure_relevance(settings), *measure_all_costs(settings), settings)


def measure_relevance(settings: Settings) -> dict[str, dict[str, Relevance]]:
    """Every point's relevance on TIME and LISA."""
    relevance = {}
    with tempfile.TemporaryDirectory(prefix="bench-embedding-cost-") as tmp:
        for make in RELEVANCE_COLLECTIONS.values():
            collection = make()
            relevance[collection.name] = measure_points(
                collection, settings.points, Path(tmp) / collection.name, settings.cached_only
            )
    return relevance


def measure_all_costs(settings: Settings) -> tuple[dict[str, dict[str, Cost]], list[Build]]:
    """Every point's cost on BBC and Reuters, and the default built for real on each."""
    costs, builds = {}, []
    with tempfile.TemporaryDirectory(prefix="bench-embedding-cost-") as tmp:
        for make in SPEED_CORPORA.values():
            corpus = make()
            build = measure_build(corpus, Path(tmp), settings)
            builds.append(build)
            costs[corpus.name] = measure_costs(corpus, build, settings)
    return costs, builds


def write_report(
    relevance: dict[str, dict[str, Relevance]],
    costs: dict[str, dict[str, Cost]],
    builds: list[Build],
    settings: Settings,
) -> str:
    markdown = curve_markdown(relevance, costs, settings) + ("\n\n" + builds_markdown(builds) if builds else "")
    print(markdown)
    write_section("embedding-cost", "Embedding: the quality/cost curve (BBC, Reuters; TIME and LISA)", markdown)
    return markdown


def curve_markdown(
    relevance: dict[str, dict[str, Relevance]], costs: dict[str, dict[str, Cost]], settings: Settings
) -> str:
    corpora, collections = list(costs), list(relevance)
    header = ["embedding"]
    header += [f"{c} ms/article, × build" for c in corpora]
    header += [f"{c} {m} ÷ best" for c in collections for m in RELEVANCE_MEASURES]
    labels = list(dict.fromkeys(["newsearch (words)", *(p.label for p in settings.points), *(l for c in corpora for l in costs[c])]))
    rows = []
    for label in labels:
        row: list[object] = [label]
        for corpus in corpora:
            found = costs[corpus].get(label)
            row.append(f"{found.ms_per_article:.1f}, {found.ratio:.2f}×" if found else ("0, 1.00×" if label.startswith("newsearch") else "—"))
        for collection in collections:
            found = relevance[collection].get(label)
            row += [f"{found.ratios[m]:.3f}" if found else "—" for m in RELEVANCE_MEASURES]
        rows.append(row)
    baselines = [
        [name, *(f"{relevance[c][name].scores[m]:.3f}" for c in collections for m in RELEVANCE_MEASURES)]
        for name in (*BASELINES, "newsearch (words)")
    ]
    scores = markdown_table(["engine", *(f"{c} {m}" for c in collections for m in RELEVANCE_MEASURES)], baselines)
    intro = INTRO.format(minilm=settings.minilm_sample, sample=settings.sample)
    return "\n\n".join([intro, markdown_table(header, rows), "The same run's baselines (absolute):", scores])


def builds_markdown(builds: Sequence[Build]) -> str:
    header = [
        "sample", "word-only build s", "semantic build s", "× word-only",
        "query p50 / p95 ms, words", "semantic", "× words (p50 / p95)", "MiniLM on a query, ms (median)",
    ]
    rows = [
        [
            f"{b.corpus}, {b.articles} articles", f"{b.words_seconds:.1f}", f"{b.semantic_seconds:.1f}",
            f"{b.semantic_seconds / b.words_seconds:.2f}",
            f"{b.word_latency.p50_ms:.1f} / {b.word_latency.p95_ms:.1f}",
            f"{b.semantic_latency.p50_ms:.1f} / {b.semantic_latency.p95_ms:.1f}",
            f"{b.semantic_latency.p50_ms / b.word_latency.p50_ms:.2f} / {b.semantic_latency.p95_ms / b.word_latency.p95_ms:.2f}",
            f"{b.query_embedding_ms:.1f}",
        ]
        for b in builds
    ]
    about = (
        f"The default (`{embeddings.model_id()}`), for real, on an evenly spread sample of each "
        "corpus: built word-only, then built with `semantic=True` (embedding in the build's own "
        "worker processes, one per core), same run; then query latency in process on that "
        "semantic index, `semantic=False` against semantic ranking (each query embedded afresh), "
        "the speed bench's short and verbose queries together, top 10 with 3 passages each."
    )
    return about + "\n\n" + markdown_table(header, rows)

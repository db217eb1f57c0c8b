"""Speed on BBC and Reuters: build time, index size, peak memory and warm query latency.

Each engine runs in its own freshly spawned process, so its peak RSS is its own and no
engine profits from another's warm caches or imports. Query latency is measured in that
process after the build, with ``K`` hits and their excerpts per query, as a results page.
This module is what those processes import, so it imports nothing an engine does not need
(NLTK alone would add about 110 MB to every engine's RSS); reporting is in ``speed_report``.
"""

from __future__ import annotations

import contextlib
import math
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import psutil

from bench.corpora import SPEED_CORPORA
from bench.engines import Engine, TopExcerpts, make_engine
from bench.queries import Query, short_queries, verbose_queries

K = 10  # hits per query, each with its excerpts
WARMUP = 20  # queries run once, untimed, before timing


@dataclass(frozen=True, slots=True)
class SpeedJob:
    """What one fresh process measures: ``queries`` is the size of each query set."""

    engine: str
    corpus: str
    queries: int


@dataclass(frozen=True, slots=True)
class Latency:
    p50_ms: float
    p95_ms: float


@dataclass(frozen=True, slots=True)
class SpeedResult:
    engine: str
    articles: int
    corpus_bytes: int
    build_seconds: float
    index_bytes: int | None  # None: the index lives in memory only
    rss_before_build: int  # interpreter, imports, the loaded corpus and query sets
    peak_rss: int
    short: Latency
    verbose: Latency
    top_excerpts: tuple[TopExcerpts, ...]  # of the short queries, for passage quality

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.build_seconds

    @property
    def index_ratio(self) -> float | None:
        return None if self.index_bytes is None else self.index_bytes / self.corpus_bytes


class PeakRss:
    """Peak RSS of this process and its worker processes while the ``with`` block runs.

    newsearch indexes with a pool of worker processes, so the process's own peak is not
    enough: a thread samples the RSS summed over the process tree every ``interval`` seconds.
    The process's own high-water mark (``VmHWM``) catches peaks between samples. It is used
    rather than ``ru_maxrss``, which survives ``exec``: a spawned child would report the
    parent's peak as its own.
    """

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.sampled = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak(self) -> int:
        return max(self.sampled, own_high_water_mark())

    def _sample(self) -> None:
        process = psutil.Process()
        while not self._stop.wait(self.interval):
            self.sampled = max(self.sampled, tree_rss(process))


def tree_rss(process: psutil.Process) -> int:
    """RSS of ``process`` and all its descendants, skipping any that exit meanwhile."""
    total = process.memory_info().rss
    for child in process.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            total += child.memory_info().rss
    return total


def own_high_water_mark() -> int:
    """This process's peak RSS since it was exec'd (Linux ``VmHWM``), else its current RSS."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return psutil.Process().memory_info().rss


def time_queries(
    engine: Engine, queries: Sequence[Query]
) -> tuple[Latency, tuple[TopExcerpts, ...]]:
    """Warm up, then time every query; also return what was shown for each top hit."""
    for query in queries[:WARMUP]:
        engine.search_with_snippets(query.text, K, query.mode)
    seconds, shown = [], []
    for query in queries:
        started = time.perf_counter()
        hits = engine.search_with_snippets(query.text, K, query.mode)
        seconds.append(time.perf_counter() - started)
        shown.append((query.text, hits[0].excerpts if hits else ()))
    latency = Latency(percentile(seconds, 50) * 1000, percentile(seconds, 95) * 1000)
    return latency, tuple(shown)


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: an observed value, no interpolation."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def measure_engine(job: SpeedJob) -> SpeedResult:
    """Everything measured for one engine; meant to run in a fresh process."""
    corpus = SPEED_CORPORA[job.corpus]()
    short, verbose = (
        short_queries(corpus.docs, job.queries),
        verbose_queries(corpus.docs, job.queries),
    )
    rss_before = psutil.Process().memory_info().rss
    with tempfile.TemporaryDirectory(prefix=f"bench-{job.engine}-") as tmp:
        engine = make_engine(job.engine, Path(tmp))
        try:
            with PeakRss() as rss:
                started = time.perf_counter()
                engine.build(corpus)
                build_seconds = time.perf_counter() - started
            short_latency, shown = time_queries(engine, short)
            verbose_latency, _ = time_queries(engine, verbose)
            index_bytes = engine.index_bytes()
        finally:
            engine.close()
    return SpeedResult(
        engine=job.engine,
        articles=len(corpus.docs),
        corpus_bytes=corpus.size_bytes,
        build_seconds=build_seconds,
        index_bytes=index_bytes,
        rss_before_build=rss_before,
        peak_rss=rss.peak,
        short=short_latency,
        verbose=verbose_latency,
        top_excerpts=shown,
    )


def measure_in_fresh_process(job: SpeedJob) -> SpeedResult:
    """``measure_engine`` in a new interpreter.

    Spawn, not fork: a forked child would inherit the parent's memory and imports. A spawned
    child re-imports the parent's main script, but not a package's ``__main__``, so run this
    through ``python -m bench`` to keep the child free of the harness's own imports.
    """
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(measure_engine, job).result()

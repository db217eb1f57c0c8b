"""Indexing at scale: full builds, incremental updates, query latency and segment merging.

    uv run python -m bench.indexing --corpus bbc       # writes section indexing-bbc
    uv run python -m bench.indexing --corpus reuters   # writes section indexing-reuters (~30 min)
    uv run python -m bench.indexing --quick            # smoke run: fewer repeats, prints only

Everything reads a temporary copy of the corpus (``copy2``: same sizes and mtimes), so that
updates can add files to it. Four parts:

1. **Full builds**, each in a freshly spawned process (peak RSS of the process tree, CPU
   seconds of the main process and of the workers it waited for): newsearch with and without
   NLP (its spawn pool feeding one writer), a prototype that hands the same documents to
   Whoosh's multiprocessing writer (``ix.writer(procs=N)``), and the FTS5 baseline.
2. **Incremental updates** on full no-NLP indexes of the corpus (and of slices of it): "nothing
   changed" and "add one new article" (NLP off and on), each a fresh ``python`` process running
   ``newsearch index`` timed from start to exit, as a user runs it. A second run of each case,
   the probe, wraps the indexer's steps in timers (nothing in ``newsearch`` is changed) to show
   where the time goes.
3. **Query latency** on the full index (NLP index when it was built): warm, in process, top 10
   with passages and highlights, story collapsing on (the defaults).
4. **Segment merging** (BBC only): 100 updates of one article each (NLP off), then the same
   index after ``optimize()``: segment count and query latency.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import psutil

from newsearch.indexer import BATCH_SIZE

from bench.report import CORPORA, ROOT, markdown_table, use_shared_nltk_data, write_section
from bench.speed import PeakRss, percentile

MB = 1024 * 1024
TARGET_ADD_ONE_S = 2.0  # on Reuters, from process start to exit
TARGET_NOTHING_S = 1.0
SLICES = {"bbc": (), "reuters": (5_000,)}  # smaller copies, to show how updates scale
STATE_FILES = ("state.sqlite3", "nlp-cache.sqlite3", "newsearch.json")
K = 10
WARMUP = 20


@dataclass(frozen=True, slots=True)
class Settings:
    corpus: str
    repeats: int  # per timing that is cheap enough to repeat; the median is reported
    build_repeats: int
    queries: int  # per query set (short and verbose)
    merge_runs: int
    nlp_build: bool

    @classmethod
    def make(cls, corpus: str, quick: bool) -> Settings:
        if quick:
            return cls(corpus, repeats=1, build_repeats=1, queries=30, merge_runs=10, nlp_build=False)
        build_repeats = 3 if corpus == "bbc" else 1
        return cls(corpus, repeats=3, build_repeats=build_repeats, queries=200, merge_runs=100, nlp_build=True)


# --------------------------------------------------------------------------- helpers


def in_fresh_process(function: Callable, *args):
    """``function(*args)`` in a newly spawned interpreter (own RSS, no warm imports)."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def copy_corpus(source: Path, target: Path, limit: int | None = None) -> Path:
    """The first ``limit`` articles (by path) of ``source``, copied with their mtimes."""
    for path in sorted(source.rglob("*.txt"))[:limit]:
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
    return target


def tree_bytes(path: Path, names: tuple[str, ...] | None = None) -> int:
    """Bytes of the files below ``path`` (only those called ``names``, if given)."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and (names is None or f.name in names))


def segment_count(index_dir: Path) -> int:
    from whoosh import index as whoosh_index

    return len(whoosh_index.open_dir(str(index_dir))._segments())


def median(values: list[float]) -> float:
    return statistics.median(values)


# --------------------------------------------------------------------------- full builds


@dataclass(frozen=True, slots=True)
class BuildJob:
    method: str
    corpus: Path
    target: Path


@dataclass(frozen=True, slots=True)
class BuildResult:
    method: str
    articles: int
    seconds: float
    main_cpu: float
    worker_cpu: float
    rss_before: int
    peak_rss: int
    index_bytes: int
    state_bytes: int  # newsearch's own files: state (manifest, stories), NLP cache, metadata
    segments: int | None

    @property
    def per_second(self) -> float:
        return self.articles / self.seconds


def build_newsearch(corpus: Path, target: Path, analyse: bool) -> int:
    import newsearch

    summary = newsearch.index_corpus(corpus, target, full=True, analyse=analyse)
    return len(summary.added)


def build_mpwriter(corpus: Path, target: Path) -> int:
    """Prototype: the documents newsearch writes without NLP (same schema, story ids,
    signatures), loaded in this process and handed to Whoosh's ``MpWriter``, which indexes
    them in ``procs`` sub-processes and merges their postings in one commit."""
    from whoosh import index as whoosh_index

    from newsearch.sources import load, scan
    from newsearch.indexer import _document
    from newsearch.models import Skipped
    from newsearch.nlp.sentences import sentence_spans
    from newsearch.schema import build_schema
    from newsearch.state import IndexState, Manifest, ManifestEntry
    from newsearch.stories import SIGNATURE_PARAMS, StoryIndex, signature

    target.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(target), build_schema())
    stories, manifest = StoryIndex(), Manifest()
    writer = ix.writer(procs=os.cpu_count() or 2)
    articles = 0
    for file in scan(corpus).files:
        article = load(file)
        if isinstance(article, Skipped):
            continue
        sig, sentences = signature(article.body), tuple(sentence_spans(article.body))
        writer.add_document(**_document(article, None, sig, sentences, corpus), story=stories.assign(article.id, sig))
        manifest[article.id] = ManifestEntry(article.size, article.mtime_ns, article.sha256)
        articles += 1
    writer.commit()
    with IndexState(target) as state:
        state.write(ix.latest_generation(), SIGNATURE_PARAMS, manifest.take_changes(), stories.take_changes())
    ix.close()
    return articles


def build_fts5(corpus: Path, target: Path) -> int:
    """The FTS5 baseline of ``bench.speed``; reading the files is timed too, as newsearch's is."""
    from bench.baselines import Fts5Engine
    from bench.corpora import Corpus

    docs = Corpus(corpus.name, corpus)
    target.mkdir(parents=True, exist_ok=True)
    engine = Fts5Engine(target)
    engine.build(docs)
    engine.close()
    return len(docs.docs)


BUILDERS: dict[str, Callable[[Path, Path], int]] = {
    "newsearch, no NLP": lambda corpus, target: build_newsearch(corpus, target, analyse=False),
    "newsearch, NLP": lambda corpus, target: build_newsearch(corpus, target, analyse=True),
    "Whoosh MpWriter prototype, no NLP": build_mpwriter,
    "FTS5 baseline": build_fts5,
}


def measure_build(job: BuildJob) -> BuildResult:
    """One build, timed; meant to run in a fresh process."""
    rss_before = psutil.Process().memory_info().rss
    before = os.times()
    with PeakRss() as rss:
        started = time.perf_counter()
        articles = BUILDERS[job.method](job.corpus, job.target)
        seconds = time.perf_counter() - started
    after = os.times()
    is_whoosh = any(job.target.glob("_MAIN_*.toc"))
    return BuildResult(
        method=job.method,
        articles=articles,
        seconds=seconds,
        main_cpu=(after.user + after.system) - (before.user + before.system),
        worker_cpu=(after.children_user + after.children_system) - (before.children_user + before.children_system),
        rss_before=rss_before,
        peak_rss=rss.peak,
        index_bytes=tree_bytes(job.target),
        state_bytes=tree_bytes(job.target, STATE_FILES),
        segments=segment_count(job.target) if is_whoosh else None,
    )


def run_builds(settings: Settings, corpus: Path, workdir: Path) -> dict[str, list[BuildResult]]:
    """Each method ``build_repeats`` times (NLP once), alternating methods; the last index of
    each method is kept in ``workdir / <n>``."""
    methods = [m for m in BUILDERS if settings.nlp_build or m != "newsearch, NLP"]
    results: dict[str, list[BuildResult]] = {m: [] for m in methods}
    for repeat in range(settings.build_repeats):
        for number, method in enumerate(methods):
            if method == "newsearch, NLP" and repeat:
                continue
            target = workdir / f"build-{number}"
            shutil.rmtree(target, ignore_errors=True)
            result = in_fresh_process(measure_build, BuildJob(method, corpus, target))
            results[method].append(result)
            print(f"  {method}: {result.seconds:.1f} s", flush=True)
    return results


def build_dir(workdir: Path, method: str) -> Path:
    return workdir / f"build-{list(BUILDERS).index(method)}"


# --------------------------------------------------------------------------- incremental updates

# Runs `newsearch index --json` in a fresh interpreter (the CLI's own code, as a user runs it):
# times importing the CLI, then the command, with each named step (module:qualified name)
# wrapped in a timer.
_UPDATE_PROBE = """
import importlib, io, json, sys, time
from contextlib import redirect_stdout
if sys.argv[3] == "nlp-no-scipy":
    sys.modules["scipy"] = None  # as installed with newsearch's own dependencies: `import nltk` skips scipy.stats
started = time.perf_counter()
from newsearch import cli
imported = time.perf_counter()
seconds = {}
def timed(label, function):
    def wrapper(*args, **kwargs):
        begun = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            seconds[label] = seconds.get(label, 0.0) + time.perf_counter() - begun
    return wrapper
for label, target in json.loads(sys.argv[4]).items():
    module, _, qualname = target.partition(":")
    owner = importlib.import_module(module)
    *path, name = qualname.split(".")
    for part in path:
        owner = getattr(owner, part)
    setattr(owner, name, timed(label, getattr(owner, name)))
nlp = "--no-nlp" if sys.argv[3] == "plain" else "--nlp"
output = io.StringIO()
with redirect_stdout(output):
    try:
        cli.app(["index", "--corpus", sys.argv[1], "--index", sys.argv[2], nlp, "--json", "--quiet"], prog_name="newsearch")
    except SystemExit as done:
        assert not done.code, done.code
summary = json.loads(output.getvalue())
print(json.dumps({"imports": imported - started, "inside": summary["seconds"],
                  "added": len(summary["added"]), "parts": seconds}))
"""
# The same command with nothing wrapped, for the wall time: wrapping the steps imports their
# modules up front, some of which (numpy, the NLP code) "nothing changed" never imports.
_UPDATE_RUN = """
import sys
if sys.argv[3] == "nlp-no-scipy":
    sys.modules["scipy"] = None
from newsearch.cli import app
nlp = "--no-nlp" if sys.argv[3] == "plain" else "--nlp"
app(["index", "--corpus", sys.argv[1], "--index", sys.argv[2], nlp, "--json", "--quiet"], prog_name="newsearch")
"""
# Python caches compiled modules (``__pycache__``), as it does for every user; this machine's
# environment sets PYTHONDONTWRITEBYTECODE, which would make each probe compile every module
# it imports from source (about 1 s more per process). The cache goes to bench/out.
PYCACHE = ROOT / "bench" / "out" / "pycache"

# Where an update spends its time. Disjoint: no step here calls another.
STEPS = {
    "stat scan (`sources.scan`)": "newsearch.indexer:scan",
    "open Whoosh index": "whoosh.index:open_dir",
    "manifest load": "newsearch.state:IndexState.manifest",
    "story rows load (all, or those a few new files need)": "newsearch.indexer:_stories_for",
    "NLP backends check (`backends`)": "newsearch.indexer:backends",
    "NLP `analyse` (incl. importing NLTK, loading models)": "newsearch.indexer:analyse",
    "NLP data check (`missing_message`)": "newsearch.nlp.entities:missing_message",
    "Whoosh writer (lock, TOC)": "whoosh.index:FileIndex.writer",
    "Whoosh `update_document`": "whoosh.writing:IndexWriter.update_document",
    "Whoosh commit (incl. merges)": "whoosh.writing:SegmentWriter.commit",
    "NLP cache write": "newsearch.result_cache:ResultCache.put_many",
    "state save (manifest and story rows, one SQLite transaction)": "newsearch.state:IndexState.write",
}


@dataclass(frozen=True, slots=True)
class UpdateRun:
    wall: float  # process start to exit, nothing wrapped
    inside: float  # inside index_corpus (from the probe, another run of the same case)
    imports: float  # importing the CLI (probe)
    added: int
    steps: dict[str, float]


# Update cases -> (probe mode, target seconds on Reuters). scipy is not a newsearch dependency
# (the dev group brings it, through ir-measures), but `import nltk` imports scipy.stats if present.
CASES = {
    "nothing changed": ("plain", TARGET_NOTHING_S),
    "add 1, NLP off": ("plain", TARGET_ADD_ONE_S),
    "add 1, NLP on": ("nlp", TARGET_ADD_ONE_S),
    "add 1, NLP on, no scipy": ("nlp-no-scipy", TARGET_ADD_ONE_S),
}


@dataclass(frozen=True, slots=True)
class IncrementalResult:
    articles: int
    runs: dict[str, tuple[UpdateRun, ...]]  # by case


def run_update(corpus: Path, index: Path, mode: str, new: NewArticles | None) -> UpdateRun:
    """Two runs of one case, each adding an article when ``new`` is given: a plain one for the
    wall time, then the probe, for the time inside and the steps."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)

    def run(code: str, *extra: str) -> tuple[float, dict]:
        if new is not None:
            new.add()
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", code, str(corpus), str(index), mode, *extra],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return time.perf_counter() - started, json.loads(done.stdout.strip().splitlines()[-1])

    wall, summary = run(_UPDATE_RUN)
    _, data = run(_UPDATE_PROBE, json.dumps(STEPS))
    assert len(summary["added"]) == data["added"], (summary, data)
    return UpdateRun(wall, data["inside"], data["imports"], data["added"], data["parts"])


class NewArticles:
    """Writes new, unique articles into ``corpus/bench-new/``: two articles' bodies under a
    new title, so the content (and its hash) is new and story matching has work to do."""

    def __init__(self, corpus: Path) -> None:
        self.sources = sorted(corpus.rglob("*.txt"))
        self.directory = corpus / "bench-new"
        self.count = 0

    def add(self) -> None:
        self.directory.mkdir(exist_ok=True)
        first, second = (self.sources[(self.count * 7919 + k * 104729) % len(self.sources)] for k in (1, 2))
        bodies = [p.read_text(encoding="utf-8", errors="replace").partition("\n")[2].strip() for p in (first, second)]
        text = f"Bench update {self.count}: new article\n\n" + "\n\n".join(bodies)
        (self.directory / f"new-{self.count:04d}.txt").write_text(text, encoding="utf-8")
        self.count += 1


def measure_incremental(corpus: Path, index: Path, repeats: int) -> IncrementalResult:
    """Each case of ``CASES`` ``repeats`` times; every "add 1" run adds one new article."""
    new = NewArticles(corpus)
    # Untimed: settle (the first run after a build may rewrite the state), then fill the
    # entity-model cache and the bytecode cache, also of what scipy's absence imports.
    run_update(corpus, index, "plain", None)
    run_update(corpus, index, "nlp", new)
    run_update(corpus, index, "nlp-no-scipy", new)
    runs: dict[str, tuple[UpdateRun, ...]] = {}
    for case, (mode, _) in CASES.items():
        adds = case.startswith("add")
        case_runs = []
        for _ in range(repeats):
            case_runs.append(run_update(corpus, index, mode, new if adds else None))
            assert case_runs[-1].added == int(adds), case_runs[-1]
        runs[case] = tuple(case_runs)
    return IncrementalResult(len(list(corpus.rglob("*.txt"))), runs)


# --------------------------------------------------------------------------- query latency


@dataclass(frozen=True, slots=True)
class LatencyResult:
    short_p50: float  # milliseconds
    short_p95: float
    verbose_p50: float
    verbose_p95: float


def measure_latency(index: Path, corpus_name: str, count: int) -> LatencyResult:
    """Warm, in-process latency of ``Index.search`` with its defaults (passages, collapse);
    the harness's short and verbose query sets. Meant to run in a fresh process."""
    import newsearch
    from bench.corpora import SPEED_CORPORA
    from bench.queries import short_queries, verbose_queries

    docs = SPEED_CORPORA[corpus_name]().docs
    figures = []
    with newsearch.open_index(index) as ix:
        for queries in (short_queries(docs, count), verbose_queries(docs, count)):
            for query in queries[:WARMUP]:
                ix.search(query.text, limit=K, mode=query.mode)
            seconds = []
            for query in queries:
                started = time.perf_counter()
                ix.search(query.text, limit=K, mode=query.mode)
                seconds.append(time.perf_counter() - started)
            figures += [percentile(seconds, 50) * 1000, percentile(seconds, 95) * 1000]
    return LatencyResult(*figures)


# --------------------------------------------------------------------------- segment merging


@dataclass(frozen=True, slots=True)
class MergeState:
    name: str
    segments: int
    index_bytes: int
    latency: LatencyResult


@dataclass(frozen=True, slots=True)
class MergeResult:
    runs: int
    run_seconds: tuple[float, ...]  # inside index_corpus, one new article each
    most_segments: int  # during the runs
    optimize_seconds: float
    states: tuple[MergeState, ...]


def many_updates(corpus: Path, index: Path, runs: int) -> tuple[list[float], int]:
    """``runs`` in-process updates adding one article each (NLP off): their seconds and the
    most segments seen after any of them. Meant to run in a fresh process."""
    import newsearch

    new, seconds, most = NewArticles(corpus), [], 0
    for _ in range(runs):
        new.add()
        seconds.append(newsearch.index_corpus(corpus, index, analyse=False).seconds)
        most = max(most, segment_count(index))
    return seconds, most


def optimize(index: Path) -> float:
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(index))
    started = time.perf_counter()
    ix.optimize()
    seconds = time.perf_counter() - started
    ix.close()
    return seconds


def measure_merging(settings: Settings, corpus: Path, index: Path, workdir: Path) -> MergeResult:
    """Copies of the freshly built no-NLP index and its corpus: as built, after the updates,
    and after ``optimize()``."""
    merge_corpus = shutil.copytree(corpus, workdir / "merge-corpus", copy_function=shutil.copy2)
    states = []

    def state(name: str, directory: Path) -> None:
        latency = in_fresh_process(measure_latency, directory, settings.corpus, settings.queries)
        states.append(MergeState(name, segment_count(directory), tree_bytes(directory), latency))

    updated = shutil.copytree(index, workdir / "merge-index")
    state("as built (full build)", updated)
    seconds, most = in_fresh_process(many_updates, merge_corpus, updated, settings.merge_runs)
    state(f"after {settings.merge_runs} one-article updates", updated)
    optimized = shutil.copytree(updated, workdir / "merge-optimized")
    optimize_seconds = optimize(optimized)
    state("then `optimize()`", optimized)
    return MergeResult(settings.merge_runs, tuple(seconds), most, optimize_seconds, tuple(states))


# --------------------------------------------------------------------------- report


def build_section(builds: dict[str, list[BuildResult]], corpus_bytes: int, repeats: int) -> str:
    medians = {m: sorted(rs, key=lambda r: r.seconds)[len(rs) // 2] for m, rs in builds.items()}
    plain = medians["newsearch, no NLP"]
    header = ["build", "runs", "s (median)", "articles/s", "vs newsearch no NLP", "main CPU s", "worker CPU s",
              "peak RSS MB (before)", "index MB", "index / corpus", "of which state + NLP cache MB",
              "segments"]
    rows = [
        [m, len(builds[m]), r.seconds, f"{r.per_second:,.0f}", f"{r.seconds / plain.seconds:.2f}", f"{r.main_cpu:.1f}",
         f"{r.worker_cpu:.1f}", f"{r.peak_rss / MB:.0f} ({r.rss_before / MB:.0f})", f"{r.index_bytes / MB:.1f}",
         f"{r.index_bytes / corpus_bytes:.2f}", f"{r.state_bytes / MB:.1f}",
         "n/a" if r.segments is None else r.segments]
        for m, r in medians.items()
    ]
    spread = "; ".join(f"{m}: " + ", ".join(f"{r.seconds:.1f}" for r in rs) for m, rs in builds.items() if len(rs) > 1)
    mp = medians["Whoosh MpWriter prototype, no NLP"]
    fts5 = medians["FTS5 baseline"]
    ratios = [
        ["newsearch no NLP / FTS5", plain.seconds / fts5.seconds],
        ["MpWriter prototype / newsearch no NLP", mp.seconds / plain.seconds],
    ]
    if "newsearch, NLP" in medians:
        ratios.insert(0, ["newsearch NLP / no NLP", medians["newsearch, NLP"].seconds / plain.seconds])
    return "\n".join([
        (f"**Full builds** ({os.cpu_count()} cores, each in a fresh process; the median run of {repeats} for the "
        "no-NLP builds, one NLP build with an empty NLP cache). CPU seconds: the main process, and the worker "
        "processes it waited for (newsearch's spawn pool, MpWriter's sub-writers). Peak RSS covers the process tree. "
        "FTS5 times reading the files too. The MpWriter prototype loads each file, computes its story signature "
        "and story in the main process and hands the same document as newsearch writes (no NLP) to "
        "`ix.writer(procs=2)`, one commit."),
        "",
        markdown_table(header, rows),
        "",
        f"All runs (s): {spread}." if spread else "",
        "",
        markdown_table(["ratio", "value"], ratios),
        "",
        ("**Why newsearch does not use `MpWriter`** (checked on BBC): its index holds the same documents, "
        "stored fields identical, and ranks exactly as newsearch's own index after `optimize()` (one "
        "segment either way; a multi-segment index scores a little differently). But it is not crash-safe "
        "the way the issue asks: (1) with Whoosh's default `fork` start method the sub-writers inherit the "
        "index's writer lock, and after a SIGKILL of the indexer they live on holding it, so every later "
        "`newsearch index` fails with \"being written by another process\"; with `spawn` the lock is free "
        "but the sub-writers still outlive the indexer, waiting on a job queue whose write end they hold "
        "themselves (newsearch's own pool has a watchdog for this, `indexer._start_worker`); (2) "
        "`MpWriter._commit` waits one second for each sub-writer's result and silently drops the "
        "documents of any that is late (`except queue.Empty: pass`); (3) it commits once per writer, so "
        f"committing in batches of {BATCH_SIZE:,} (a kill loses at most one batch) would start new "
        "sub-processes for every batch. Its speed-up came from running Whoosh's analysis in two "
        "processes; newsearch now tokenises and stems in its own worker processes, which are safe "
        "(`schema.pre_analyse`), and hands the writer the analysed words."),
    ])


def incremental_section(results: dict[str, IncrementalResult]) -> str:
    def med(runs, attribute: str) -> float:
        return median([getattr(r, attribute) for r in runs])

    header = ["corpus", "articles", "update", "wall s (process)", "inside `index_corpus` s", "importing the CLI s",
              "target"]
    rows = []
    for label, result in results.items():
        for case, runs in result.runs.items():
            target = CASES[case][1]
            wall = med(runs, "wall")
            verdict = f"< {target:g} s: {'met' if wall < target else '**not met**'}"
            rows.append([label, f"{result.articles:,}", case, wall, med(runs, "inside"), med(runs, "imports"), verdict])
    step_header = ["step (s, median)"] + [f"{label}: {case}" for label in results for case in CASES]
    step_rows = []
    for step in list(STEPS) + ["rest of `index_corpus`"]:
        row: list[object] = [step]
        for result in results.values():
            for runs in result.runs.values():
                if step == "rest of `index_corpus`":
                    row.append(median([r.inside - sum(r.steps.values()) for r in runs]))
                else:
                    row.append(median([r.steps.get(step, 0.0) for r in runs]))
        step_rows.append(row)
    runs = len(next(iter(results.values())).runs["nothing changed"])
    return "\n".join([
        (f"**Incremental updates** on a full no-NLP index of each corpus copy (median of {runs} fresh `python` "
        "processes each running `newsearch index --json`, timed from start to exit; the time inside and the "
        "imports come from a second run of each case that wraps the steps in timers. Python's bytecode cache "
        "is on, as for any user (this machine sets PYTHONDONTWRITEBYTECODE, which adds about a second of "
        "compiling to every process; the bench turns it off); each \"add 1\" writes a new article "
        "whose content is not in the NLP cache; the entity-model cache is filled, as after a user's first run). "
        "The targets are for Reuters. \"no scipy\": the probe hides scipy, as in an install with "
        "newsearch's own dependencies only (the dev group's ir-measures brings scipy, and `import nltk` imports "
        "`scipy.stats` whenever it is there)."),
        "",
        markdown_table(header, rows),
        "",
        ("Where the time goes (each step timed by wrapping the function in the probe process; the steps do not "
        "overlap; \"rest\" is the update's own Python: planning, reading and hashing the file, story assignment):"),
        "",
        markdown_table(step_header, step_rows),
    ])


def latency_section(latency: LatencyResult, index_kind: str, queries: int) -> str:
    return "\n".join([
        (f"**Query latency** on the full {index_kind} index: `Index.search` defaults (top {K}, 3 passages with "
        f"highlights, story collapsing on), warm, in one fresh process after {WARMUP} untimed queries; "
        f"{queries} queries per set from `bench/queries.py` (short: 2–3 title words, AND; verbose: 10–16 opening "
        "words, OR)."),
        "",
        markdown_table(
            ["queries", "p50 ms", "p95 ms"],
            [["short", latency.short_p50, latency.short_p95], ["verbose", latency.verbose_p50, latency.verbose_p95]],
        ),
    ])


def merge_section(result: MergeResult) -> str:
    header = ["index", "segments", "index MB", "short p50 ms", "short p95 ms", "verbose p50 ms", "verbose p95 ms"]
    rows = [
        [s.name, s.segments, f"{s.index_bytes / MB:.1f}", s.latency.short_p50, s.latency.short_p95,
         s.latency.verbose_p50, s.latency.verbose_p95]
        for s in result.states
    ]
    updated, optimized = result.states[1], result.states[2]
    seconds = result.run_seconds
    return "\n".join([
        ("**Segment merging.** Each commit uses Whoosh's default policy, `MERGE_SMALL`: segments are sorted by "
        "size and the smallest are merged, up to the first point (from the 5th segment on) where their total is "
        "below a Fibonacci number, `fib(i + 5)`; larger segments are left alone. A full build commits every "
        f"{BATCH_SIZE:,} articles, each commit merging small segments. Here: {result.runs} updates of one new article each "
        "(in one process, NLP off) on a copy of the full no-NLP index, then the same index after "
        f"`ix.optimize()` (all segments merged into one, {result.optimize_seconds:.1f} s)."),
        "",
        markdown_table(header, rows),
        "",
        (f"Per update (inside `index_corpus`): p50 {percentile(seconds, 50):.3f} s, "
        f"p95 {percentile(seconds, 95):.3f} s, "
        f"max {max(seconds):.3f} s; at most {result.most_segments} segments during the runs. After the updates / "
        f"after `optimize()`: short p50 {updated.latency.short_p50 / optimized.latency.short_p50:.2f}x, verbose p50 "
        f"{updated.latency.verbose_p50 / optimized.latency.verbose_p50:.2f}x."),
    ])


# --------------------------------------------------------------------------- main


def run(settings: Settings) -> str:
    from newsearch.nlp import backends

    source = CORPORA / settings.corpus
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-indexing-") as temporary:
        workdir = Path(temporary)
        os.environ.setdefault("NEWSEARCH_CACHE_DIR", str(workdir / "model-cache"))
        corpus = copy_corpus(source, workdir / "corpus")
        corpus_bytes = tree_bytes(corpus)
        print("full builds", flush=True)
        builds = run_builds(settings, corpus, workdir)
        plain_index = build_dir(workdir, "newsearch, no NLP")
        nlp_index = build_dir(workdir, "newsearch, NLP")
        latency_index = nlp_index if settings.nlp_build else plain_index
        print("query latency", flush=True)
        latency = in_fresh_process(measure_latency, latency_index, settings.corpus, settings.queries)
        merging = None
        if settings.corpus == "bbc":
            print("segment merging", flush=True)
            merging = measure_merging(settings, corpus, plain_index, workdir)
        print("incremental updates", flush=True)
        incremental = {}
        for size in SLICES[settings.corpus]:
            sliced = copy_corpus(source, workdir / f"slice-{size}", size)
            in_fresh_process(build_newsearch, sliced, workdir / f"slice-{size}-index", False)
            label = f"{settings.corpus} first {size:,}"
            incremental[label] = measure_incremental(sliced, workdir / f"slice-{size}-index", settings.repeats)
        incremental[settings.corpus] = measure_incremental(corpus, plain_index, settings.repeats)
    parts = [
        (f"{settings.corpus}: {builds['newsearch, no NLP'][0].articles:,} articles, {corpus_bytes / MB:.1f} MB. "
        f"NLP backends: `{json.dumps(backends())}`. 1-minute load average {load_before:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end (the machine is shared: compare ratios from one run)."),
        build_section(builds, corpus_bytes, settings.build_repeats),
        incremental_section(incremental),
        latency_section(latency, "NLP" if settings.nlp_build else "no-NLP", settings.queries),
    ]
    if merging is not None:
        parts.append(merge_section(merging))
    return "\n\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=sorted(SLICES), default="bbc")
    parser.add_argument("--quick", action="store_true", help="one run each, few queries; prints only")
    args = parser.parse_args()
    use_shared_nltk_data()
    markdown = run(Settings.make(args.corpus, args.quick))
    print(markdown)
    if not args.quick:
        write_section(f"indexing-{args.corpus}", f"Indexing: build, incremental, merges ({args.corpus})", markdown)


if __name__ == "__main__":
    main()

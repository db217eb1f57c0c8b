"""What semantic ranking adds to a query (issue 22), measured against word ranking in the same
run: warm latency in process, and the CPU time of a whole ``newsearch query`` process.

``python -m bench semantic-latency [--corpus bbc --corpus time] [--queries 200] [--runs 5]``
(section ``semantic-latency``). Each corpus is indexed with embeddings (``semantic=True``, NLP
off) into ``$NEWSEARCH_BENCH_CACHE/semantic-latency`` and kept there: a second run only checks
it is current (embedding BBC takes minutes).

1. **In process, warm**: one ``Index``, every query searched three ways in a row, in rotating
   order — by words (``semantic=False``), by meaning (the query embedded on the query-embedding
   thread while its words are matched), and by meaning with the query embedded first (as
   before this work) — top 10 hits with 3 passages each (as the speed benchmark). Recent
   queries' embeddings are forgotten before every search, so every semantic search runs the
   model. ``embed`` is the model run alone (on the calling thread), for scale.
2. **A CLI process**: ``newsearch query Q --json`` against ``--no-semantic``, alternating,
   ``--runs`` times each over a few queries, this code and ``--before`` (the commit this work
   started from, ``git archive``), with CPU seconds (user + system) from the OS.

BBC's queries are the speed benchmark's (title words, article openings); TIME's are its 83
topics (a tuning collection for ranking; here nothing is tuned, it is a timing).
"""

from __future__ import annotations

import json
import math
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.corpora import bbc_corpus, time_corpus, time_topics, write_corpus
from bench.embedding_cost import CACHE
from bench.queries import short_queries, verbose_queries
from bench.report import ROOT, markdown_table, write_section
from bench.wait import environment, extract, run_command

BEFORE = "4b174f9"  # main before this work (#22, query latency)
K = 10
PASSAGES = 3
WARMUP = 20
CLI_QUERIES = ("government plans", "the price of oil and the economy", "football cup final")


@dataclass(frozen=True, slots=True)
class InProcess:
    label: str
    queries: int
    words: tuple[float, ...]  # seconds per query
    semantic: tuple[float, ...]
    serial: tuple[float, ...]  # semantic, the query embedded before the search (as before this work)
    embed: tuple[float, ...]
    ranked_semantic: int  # queries whose results say "ranking": "semantic"


@dataclass(frozen=True, slots=True)
class Cli:
    version: str
    words_cpu: float  # median CPU seconds of a process
    semantic_cpu: float
    words_wall: float
    semantic_wall: float
    rankings: tuple[str, ...]


def semantic_index(name: str) -> Path:
    """The corpus's index with embeddings, built (or brought up to date) in the bench cache."""
    import newsearch

    home = CACHE / "semantic-latency" / name
    if name == "time":  # as every engine sees TIME: without its synthetic titles
        source = home / "corpus"
        if not source.exists():
            write_corpus(time_corpus().docs, source)
    else:
        source = bbc_corpus().directory
    newsearch.index_corpus(source, home / "index", analyse=False, semantic=True)
    return home / "index"


def query_sets(name: str, count: int) -> list[tuple[str, list[tuple[str, str]]]]:
    if name == "time":
        return [("TIME topics", [(topic.text, "auto") for topic in time_topics()])]
    docs = bbc_corpus().docs
    return [
        ("BBC short", [(query.text, query.mode) for query in short_queries(docs, count)]),
        ("BBC verbose", [(query.text, query.mode) for query in verbose_queries(docs, count)]),
    ]


def in_process(index: Path, label: str, queries: Sequence[tuple[str, str]], warmup: Sequence[tuple[str, str]]) -> InProcess:
    import newsearch
    from newsearch import embeddings

    times: dict[str, list[float]] = {"words": [], "semantic": [], "serial": []}
    embed: list[float] = []
    ranked = 0
    with newsearch.open_index(index) as ix:

        def search(text: str, mode: str, semantic: bool):
            return ix.search(text, limit=K, mode=mode, passages=PASSAGES, collapse=False, semantic=semantic)

        for text, mode in warmup:
            search(text, mode, False)
            search(text, mode, True)
        for number, (text, mode) in enumerate(queries):
            ways = ("words", "semantic", "serial")
            for way in ways[number % 3 :] + ways[: number % 3]:
                embeddings.forget_queries()
                started = time.perf_counter()
                if way == "serial":  # as before: the query embedded first, then the search
                    embeddings.embed_query(text)
                found = search(text, mode, way != "words")
                times[way].append(time.perf_counter() - started)
                ranked += way == "semantic" and found.ranking == "semantic"
        encoder = embeddings.encoder()
        for text, _ in queries:
            started = time.perf_counter()
            encoder.embed_windows(text, limit=1)
            embed.append(time.perf_counter() - started)
    return InProcess(label, len(queries), tuple(times["words"]), tuple(times["semantic"]), tuple(times["serial"]), tuple(embed), ranked)


def cli(index: Path, version: str, code: Path, runs: int) -> Cli:
    """Median CPU and wall seconds of ``newsearch query`` processes, words and semantic."""
    env = environment(code)
    env["NEWSEARCH_SEMANTIC"] = "on"
    cpu: dict[bool, list[float]] = {False: [], True: []}
    wall: dict[bool, list[float]] = {False: [], True: []}
    rankings: set[str] = set()

    def command(text: str, semantic: bool) -> list[str]:
        options = [] if semantic else ["--no-semantic"]
        return [sys.executable, "-m", "newsearch", "query", text, "--index", str(index), "--json", *options]

    for text in CLI_QUERIES:  # untimed: bytecode compiled, the model's digest known, the page cache warm
        run_command(command(text, True), env, ok=(0, 1), cwd=code)
    for run in range(runs):
        for text in CLI_QUERIES:
            for semantic in (True, False) if run % 2 else (False, True):
                ran = run_command(command(text, semantic), env, ok=(0, 1), cwd=code)
                cpu[semantic].append(ran.cpu)
                wall[semantic].append(ran.wall)
                if semantic:
                    rankings.add(json.loads(ran.stdout)["ranking"])
    median = statistics.median
    return Cli(version, median(cpu[False]), median(cpu[True]), median(wall[False]), median(wall[True]), tuple(sorted(rankings)))


def percentile(values: Sequence[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def run_semantic_latency(corpora: Sequence[str], count: int, runs: int, before: str = BEFORE) -> None:
    from threadpoolctl import threadpool_limits

    measured: list[InProcess] = []
    clis: list[tuple[str, Cli]] = []
    with tempfile.TemporaryDirectory(prefix="bench-semantic-latency-") as scratch:
        old_code = extract(before, Path(scratch) / "before")
        for name in corpora:
            print(f"semantic-latency: indexing {name} (embeddings kept in {CACHE}) ...", flush=True)
            index = semantic_index(name)
            sets = query_sets(name, count)
            for number, (label, queries) in enumerate(sets):
                print(f"semantic-latency: {label} ...", flush=True)
                warmup = sets[(number + 1) % len(sets)][1][:WARMUP] if len(sets) > 1 else queries[-WARMUP:]
                with threadpool_limits(1):  # as the CLI runs (one BLAS thread)
                    measured.append(in_process(index, label, queries, warmup))
            print(f"semantic-latency: CLI processes on {name} ...", flush=True)
            clis.append((name, cli(index, "this code", ROOT, runs)))
            clis.append((name, cli(index, f"before (`{before}`)", old_code, runs)))
    write_section("semantic-latency", "Semantic ranking: query latency and CLI cost (issue 22)", section(measured, clis, runs))


def section(measured: Sequence[InProcess], clis: Sequence[tuple[str, Cli]], runs: int) -> str:
    def ms(values: Sequence[float], pct: float) -> str:
        return f"{1000 * percentile(values, pct):.2f}"

    rows = [
        [
            m.label,
            m.queries,
            f"{ms(m.words, 50)} / {ms(m.words, 95)}",
            f"{ms(m.semantic, 50)} / {ms(m.semantic, 95)}",
            f"**{percentile(m.semantic, 50) / percentile(m.words, 50):.2f}x** / {percentile(m.semantic, 95) / percentile(m.words, 95):.2f}x",
            f"{percentile(m.serial, 50) / percentile(m.words, 50):.2f}x / {percentile(m.serial, 95) / percentile(m.words, 95):.2f}x",
            f"{ms(m.embed, 50)}",
            f"{m.ranked_semantic} of {m.queries}",
        ]
        for m in measured
    ]
    header = ["queries", "n", "words p50 / p95, ms", "semantic p50 / p95, ms", "semantic ÷ words (p50 / p95)", "embedding first, as before: ÷ words", "the query's embedding alone, p50 ms", "ranked semantic"]
    cli_rows = [
        [
            name,
            c.version,
            f"{c.words_cpu:.3f}",
            f"{c.semantic_cpu:.3f}",
            f"**{c.semantic_cpu / c.words_cpu:.2f}x**",
            f"{c.words_wall:.2f} / {c.semantic_wall:.2f}",
            ", ".join(c.rankings),
        ]
        for name, c in clis
    ]
    cli_header = ["index", "code", "words: CPU s a process", "semantic: CPU s a process", "semantic ÷ words (CPU)", "wall s (words / semantic)", "JSON ranking"]
    return "\n\n".join(
        [
            "Indexes built with embeddings (all-MiniLM-L6-v2, NLP off). **In process, warm**: one "
            f"`Index`, each query searched by words (`semantic=False`) and by meaning, "
            f"top {K} hits with {PASSAGES} passages each, one BLAS thread; query embeddings "
            "forgotten before every search, so every semantic query runs the model. Three ways, in "
            "rotating order: words; semantic (the query embedded on the query-embedding thread "
            "while the words are matched, waited for only to mix it in); and semantic with the "
            "query embedded first, then the search, as before this work. The embedding-alone "
            "column is that model run on its own. "
            "TIME's topics come from a tuning collection (for ranking; nothing is tuned here).",
            markdown_table(header, rows),
            f"**A CLI process** (`newsearch query Q --index … --json`, the index current, each of "
            f"{len(CLI_QUERIES)} queries {runs} times each way, alternating; medians). CPU seconds "
            "are user + system from the OS, the guide on a shared machine; `before` is the code "
            "this work started from, run on the same index.",
            markdown_table(cli_header, cli_rows),
            "Target (issue 22): semantic ≤ 1.5x word-only latency. The machine is shared with "
            "other jobs (2 cores): compare the ratios within a row; a query embedding overlaps "
            "the word search only when a core is free.",
        ]
    )

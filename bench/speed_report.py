"""The speed section of docs/BENCHMARKS.md: absolute figures, ratios, passage quality."""

from __future__ import annotations

from collections.abc import Sequence

from newsearch import segment_cache

from bench.engines import BASELINES
from bench.passages import passage_quality
from bench.report import markdown_table, write_section
from bench.speed import K, SpeedJob, SpeedResult, measure_in_fresh_process

MB = 1024 * 1024


def speed_table(results: Sequence[SpeedResult]) -> str:
    header = [
        "engine",
        "build s",
        "articles/s",
        "index MB",
        "index / corpus",
        "build peak RSS MB (before)",
        "short p50 ms",
        "short p95 ms",
        "verbose p50 ms",
        "verbose p95 ms",
    ]
    rows = [
        [
            r.engine,
            r.build_seconds,
            f"{r.articles_per_second:,.0f}",
            "n/a (memory)" if r.index_bytes is None else f"{r.index_bytes / MB:.1f}",
            "n/a" if r.index_ratio is None else f"{r.index_ratio:.2f}",
            f"{r.peak_rss / MB:.0f} ({r.rss_before_build / MB:.0f})",
            r.short.p50_ms,
            r.short.p95_ms,
            r.verbose.p50_ms,
            r.verbose.p95_ms,
        ]
        for r in results
    ]
    return markdown_table(header, rows)


def ratio_table(results: Sequence[SpeedResult]) -> str:
    """Each newsearch variant divided by each baseline: below 1 means newsearch is faster or smaller."""
    figures = {
        "build time": lambda r: r.build_seconds,
        "index size": lambda r: r.index_bytes,
        "peak RSS": lambda r: r.peak_rss,
        "short p50": lambda r: r.short.p50_ms,
        "short p95": lambda r: r.short.p95_ms,
        "verbose p50": lambda r: r.verbose.p50_ms,
        "verbose p95": lambda r: r.verbose.p95_ms,
    }
    rows = []
    for ours in (r for r in results if r.engine not in BASELINES):
        for base in (r for r in results if r.engine in BASELINES):
            cells = [ratio(figure(ours), figure(base)) for figure in figures.values()]
            rows.append([f"{ours.engine} / {base.engine}", *cells])
    return markdown_table(["ratio", *figures], rows) if rows else ""


def ratio(ours: float | None, theirs: float | None) -> str:
    return "n/a" if not ours or not theirs else f"{ours / theirs:.2f}"


def passage_table(results: Sequence[SpeedResult]) -> str:
    header = [
        "engine",
        "queries",
        "first excerpt has all words",
        "excerpts with all words",
        "marked words that are query words",
    ]
    rows = []
    for r in results:
        quality = passage_quality(r.top_excerpts)
        if quality is not None:
            precision = "n/a" if quality.marked_precision is None else quality.marked_precision
            rows.append(
                [
                    r.engine,
                    quality.queries,
                    quality.first_has_all,
                    quality.excerpts_with_all,
                    precision,
                ]
            )
    return markdown_table(header, rows)


def speed_markdown(corpus: str, results: Sequence[SpeedResult], queries: int) -> str:
    first = results[0]
    intro = (
        f"{corpus}: {first.articles:,} articles, {first.corpus_bytes / MB:.1f} MB. Each engine "
        "builds and queries in its own fresh process. Latency is warm, in process, "
        f"{queries} queries per set, top {K} hits with excerpts: newsearch passages with "
        'highlights, FTS5 `snippet()`, Whoosh `highlights("body")`; bm25 ranks only (no '
        "excerpts) and keeps its index in memory. newsearch keeps the postings it decodes between "
        f"queries (`segment_cache`, at most {segment_cache.MAX_BYTES // MB} MB per process), as a long-running "
        "server would; "
        "SQLite keeps its page cache. Short: 2–3 title words, AND. Verbose: the "
        "first 10–16 words of an article, OR. Peak RSS is measured at the end of the build and "
        "includes the interpreter and the corpus loaded for query sampling (in brackets: RSS "
        "before the build). newsearch-semantic builds with `--semantic` (each article embedded, "
        "see the relevance section) and embeds each query before ranking."
    )
    parts = [intro, speed_table(results), ratio_table(results)]
    parts += [
        "Passage quality on the short queries (top hit only; words compared by Porter stem). "
        "A Whoosh excerpt is one fragment of `highlights()`; an FTS5 excerpt is its one snippet.",
        passage_table(results),
    ]
    return "\n\n".join(part for part in parts if part)


def run_speed(corpus: str, engines: Sequence[str], queries: int) -> list[SpeedResult]:
    """The ``python -m bench speed`` command for one corpus: measure, print, write the section."""
    results = [measure_in_fresh_process(SpeedJob(engine, corpus, queries)) for engine in engines]
    markdown = speed_markdown(corpus, results, queries)
    print(markdown)
    write_section(f"speed-{corpus}", f"Speed ({corpus})", markdown)
    return results

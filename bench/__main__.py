"""Run the benchmarks; each writes its own section of docs/BENCHMARKS.md.

python -m bench all                      # relevance, speed on BBC and Reuters, archives, http
python -m bench relevance [--engines newsearch,fts5] [--topics 20]
python -m bench speed --corpus bbc [--engines ...] [--queries 200]
python -m bench archives [--repeats 3] [--build-repeats 2] [--queries 200] [--no-nlp]
python -m bench http [--seconds 15] [--clients 1,4,16] [--queries 200] [--records 2000] [--batch 200]
python -m bench story-diffs [--reuters-no-nlp]   # not part of `all` (~5 min: two NLP builds)
python -m bench size [--corpus bbc --corpus time --corpus reuters] [--churn-runs 10]
python -m bench wait [--runs 5] [--cold 2] [--corpus bbc] [--before REV]   # not part of `all` (~8 min)
python -m bench embedding-cost [--sample 200] [--minilm-sample 10] [--points static,MiniLM 128]   # not part of `all` (MiniLM over LISA: an hour, once; cached)
python -m bench embedding [--corpus bbc] [--embed-limit N]  # not part of `all` (Reuters embeds for 15+ min)
python -m bench semantic-latency [--corpus bbc --corpus time] [--queries 200] [--runs 5]  # not part of `all` (embeds BBC once, cached)

New indexes embed their articles by default (issue 22); the benchmarks build word-only
indexes unless they say otherwise (``NEWSEARCH_SEMANTIC=off``, set here), so that their
figures stay those of the words. ``embedding`` times the default build against them, and
``newsearch-semantic`` (relevance, speed) builds with ``semantic=True``.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from bench.archives import Settings as ArchiveSettings
from bench.archives import run_archives
from bench.corpora import SPEED_CORPORA
from bench.embedding_cost import Settings as EmbeddingCostSettings
from bench.embedding_cost import run_embedding_cost
from bench.embedding import run_embedding
from bench.engines import ENGINE_NAMES
from bench.http_load import Settings as HttpSettings
from bench.http_load import run_http
from bench.index_size import CORPORA as SIZE_CORPORA
from bench.index_size import run_index_size
from bench.relevance import run_relevance
from bench.speed_report import run_speed
from bench.story_diffs import run_story_diffs
from bench.wait import BEFORE
from bench.wait import Settings as WaitSettings
from bench.wait import run_wait

DEFAULT_QUERIES = 200


def engine_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = sorted(set(names) - set(ENGINE_NAMES))
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown engine(s) {unknown}; choose from {', '.join(ENGINE_NAMES)}"
        )
    return names


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def client_counts(text: str) -> tuple[int, ...]:
    try:
        counts = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError("a comma-separated list of whole numbers, e.g. 1,4,16") from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("a comma-separated list of numbers of at least 1, e.g. 1,4,16")
    return counts


def positive_seconds(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def parser() -> argparse.ArgumentParser:
    engines = argparse.ArgumentParser(add_help=False)
    engines.add_argument(
        "--engines",
        type=engine_list,
        default=list(ENGINE_NAMES),
        help=f"comma-separated subset of {','.join(ENGINE_NAMES)} (default: all)",
    )
    queries = argparse.ArgumentParser(add_help=False)
    queries.add_argument(
        "--queries",
        type=positive,
        default=DEFAULT_QUERIES,
        help=f"size of each speed query set, short and verbose (default {DEFAULT_QUERIES})",
    )

    main = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    commands = main.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "all", parents=[engines, queries], help="relevance, speed on every corpus, archives, then http"
    )
    relevance = commands.add_parser(
        "relevance", parents=[engines], help="MAP, nDCG@10, P@10, Recall@100 on TIME and LISA"
    )
    relevance.add_argument(
        "--topics", type=positive, help="only the first N topics of each collection (default: all)"
    )
    speed = commands.add_parser(
        "speed", parents=[engines, queries], help="build, size, memory, latency"
    )
    speed.add_argument(
        "--corpus", choices=sorted(SPEED_CORPORA), action="append", help="repeatable (default: all)"
    )
    archives = commands.add_parser(
        "archives",
        parents=[queries],
        help="Reuters as a JSON Lines dump vs .txt files: builds, updates, date-filtered latency",
    )
    archives.add_argument(
        "--repeats", type=positive, default=3, help="runs of each incremental update (default 3)"
    )
    archives.add_argument(
        "--build-repeats", type=positive, default=2, help="full builds of each kind (default 2)"
    )
    archives.add_argument(
        "--no-nlp", action="store_true", help="skip the 'add 1, NLP on' update"
    )
    http = commands.add_parser(
        "http",
        parents=[queries],
        help="newsearch serve on Reuters under concurrent searches, idle and while the index is updated",
    )
    http.add_argument(
        "--seconds", type=positive_seconds, default=HttpSettings().seconds,
        help=f"of load for each client count, in each phase (default {HttpSettings().seconds:g})",
    )
    http.add_argument(
        "--clients", type=client_counts, default=HttpSettings().clients,
        help="concurrent client counts, comma-separated (default 1,4,16)",
    )
    http.add_argument(
        "--records", type=positive, default=HttpSettings().records,
        help=f"most records appended during the update phase (default {HttpSettings().records})",
    )
    http.add_argument(
        "--batch", type=positive, default=HttpSettings().batch,
        help=f"records appended before each `newsearch index` run (default {HttpSettings().batch})",
    )
    story_diffs = commands.add_parser(
        "story-diffs",
        help="what changed between story versions on BBC and Reuters: time per story, counts, a reviewed sample",
    )
    story_diffs.add_argument(
        "--reuters-no-nlp", action="store_true", help="index Reuters without NLP (no quotes or names there)"
    )
    size = commands.add_parser(
        "size", help="what the index's bytes are, against the corpus and FTS5; growth under churn (bbc)"
    )
    size.add_argument(
        "--corpus", choices=sorted(SIZE_CORPORA), action="append", help="repeatable (default: bbc, time, reuters)"
    )
    size.add_argument(
        "--churn-runs", type=int, default=10, help="updates that change every bbc article once (0: no churn run; default 10)"
    )
    wait = commands.add_parser(
        "wait",
        help="what people wait for: whole `newsearch` processes (query, quotes, updates), before and after, "
        "beside rg and the sqlite3 shell",
    )
    wait.add_argument("--runs", type=positive, default=WaitSettings().runs, help="warm runs of each command (default 5)")
    wait.add_argument(
        "--cold", type=int, default=WaitSettings().cold, help="cold runs (page cache dropped; root only) of each (default 2)"
    )
    wait.add_argument("--corpus", choices=sorted(SPEED_CORPORA), action="append", help="repeatable (default: both)")
    wait.add_argument("--warmup", type=int, default=WaitSettings().warmup, help="untimed runs of each command first (default 2)")
    wait.add_argument("--before", default=BEFORE, help=f"the commit to compare with (default {BEFORE})")
    embedding_cost = commands.add_parser(
        "embedding-cost",
        parents=[queries],
        help="semantic ranking's quality/cost curve: how articles are embedded, against build time and relevance",
    )
    embedding_cost.add_argument(
        "--sample", type=positive, default=EmbeddingCostSettings().sample,
        help=f"articles of BBC and of Reuters each point's cost is measured on (default {EmbeddingCostSettings().sample})",
    )
    embedding_cost.add_argument(
        "--minilm-sample", type=positive, default=EmbeddingCostSettings().minilm_sample,
        help=f"of those, for MiniLM points (default {EmbeddingCostSettings().minilm_sample})",
    )
    embedding_cost.add_argument(
        "--points", type=lambda text: tuple(part for part in text.split(",") if part.strip()),
        help="only the points whose label contains one of these comma-separated words (default: all)",
    )
    embedding_cost.add_argument(
        "--cached-only", action="store_true",
        help="leave out MiniLM points not yet embedded (and cached) for a collection, instead of embedding it",
    )
    semantic_latency = commands.add_parser(
        "semantic-latency",
        help="semantic ranking against word ranking: warm query latency in process, CPU of a CLI query process",
    )
    semantic_latency.add_argument("--corpus", choices=["bbc", "time"], action="append", help="repeatable (default: both)")
    semantic_latency.add_argument("--queries", type=positive, default=DEFAULT_QUERIES, help="BBC queries of each kind (default 200)")
    semantic_latency.add_argument("--runs", type=positive, default=5, help="CLI processes of each query each way (default 5)")
    embedding = commands.add_parser(
        "embedding",
        help="time until a new index is searchable, and until it is fully embedded, against a word-only build",
    )
    embedding.add_argument(
        "--corpus", choices=sorted(SPEED_CORPORA), action="append", help="repeatable (default: all)"
    )
    embedding.add_argument(
        "--embed-limit", type=positive, help="embed only this many articles and extrapolate (default: embed all)"
    )
    return main


def main(argv: Sequence[str] | None = None) -> None:
    args = parser().parse_args(argv)
    os.environ.setdefault("NEWSEARCH_SEMANTIC", "off")
    if args.command in ("all", "relevance"):
        run_relevance(args.engines, getattr(args, "topics", None))
    if args.command in ("all", "speed"):
        for corpus in getattr(args, "corpus", None) or SPEED_CORPORA:
            run_speed(corpus, args.engines, args.queries)
    if args.command in ("all", "archives"):
        defaults = ArchiveSettings()
        run_archives(
            ArchiveSettings(
                repeats=getattr(args, "repeats", defaults.repeats),
                build_repeats=getattr(args, "build_repeats", defaults.build_repeats),
                queries=args.queries,
                nlp=not getattr(args, "no_nlp", False),
            )
        )
    if args.command == "size":
        run_index_size(args.corpus or list(SIZE_CORPORA), args.churn_runs)
    if args.command == "embedding-cost":
        points = EmbeddingCostSettings().points
        if args.points:
            points = tuple(p for p in points if any(word in p.label for word in args.points))
        run_embedding_cost(
            EmbeddingCostSettings(
                points=points, sample=args.sample, minilm_sample=args.minilm_sample, queries=args.queries,
                cached_only=args.cached_only,
            )
        )
    if args.command == "story-diffs":
        run_story_diffs(reuters_nlp=not args.reuters_no_nlp)
    if args.command == "wait":
        run_wait(WaitSettings(args.runs, args.cold, tuple(args.corpus or SPEED_CORPORA), args.before, warmup=args.warmup))
    if args.command == "semantic-latency":
        from bench.semantic_latency import run_semantic_latency

        run_semantic_latency(args.corpus or ["bbc", "time"], args.queries, args.runs)
        return
    if args.command == "embedding":
        run_embedding(args.corpus or sorted(SPEED_CORPORA), args.embed_limit)
    if args.command in ("all", "http"):
        defaults = HttpSettings()
        run_http(
            HttpSettings(
                seconds=getattr(args, "seconds", defaults.seconds),
                clients=getattr(args, "clients", defaults.clients),
                queries=args.queries,
                records=getattr(args, "records", defaults.records),
                batch=getattr(args, "batch", defaults.batch),
            )
        )


if __name__ == "__main__":
    main()

"""Throughput of the NLP stage on BBC news, and what it adds to indexing.

Four measurements, each on the BBC corpus (2,225 articles):

1. **Stages, one core**: articles/s of ``extract_quotes``, ``extract_entities`` and the full
   ``analyse`` (quotes, then entities with the speakers), models loaded before timing.
2. **Indexer, all cores**: ``index_corpus`` into a fresh index without NLP and with it, then
   ``index_corpus(full=True)`` again on the NLP index, which reuses the cached analyses.
3. **Model load per process**: fresh interpreters; the entity models built from NLTK's zips
   (empty model cache) and read from the model cache.
4. **One-article update**: a fresh ``index_corpus`` process that adds one new article to the
   NLP index, timed from process start to exit (the incremental-update requirement).

The machine is shared, so wall-clock figures move with its load; the 1-minute load average is
reported with them, and CPU seconds where one process does the work. Child processes get a
bytecode cache (in the run's temporary directory) even where ``PYTHONDONTWRITEBYTECODE`` is set,
as an installed newsearch has one: without it every fresh process compiles NLTK from source.

    uv run python -m bench.nlp_throughput             # full run, writes docs/BENCHMARKS.md
    uv run python -m bench.nlp_throughput --limit 100 # smoke run on 100 articles, prints only
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
from pathlib import Path

from bench.report import CORPORA, ROOT, markdown_table, use_shared_nltk_data, write_section

BBC = CORPORA / "bbc"
RUNS = 3  # fresh processes per load-time and update measurement; the median is reported

# Run in a fresh interpreter: how long each step of getting to a first analysis takes.
_LOAD_PROBE = """
import json, sys, time
started = time.perf_counter()
from pathlib import Path
from newsearch.sources import load, scan
from newsearch.nlp import analyse, entity_model, resources
resources.is_installed("taggers/")  # imports NLTK, as every NLP process does
imported = time.perf_counter()
entity_model.models()
loaded = time.perf_counter()
analyse(load(scan(Path(sys.argv[1])).files[0]))
analysed = time.perf_counter()
print(json.dumps({"import": imported - started, "models": loaded - imported, "first": analysed - loaded}))
"""

_UPDATE_PROBE = """
import json, sys
import newsearch
summary = newsearch.index_corpus(sys.argv[1], sys.argv[2])
print(json.dumps({"added": len(summary.added), "seconds": summary.seconds}))
"""


def use_bytecode_cache(directory: Path) -> None:
    """Let every child process (workers, fresh interpreters) cache compiled modules."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(directory)


def load_articles(corpus: Path):
    from newsearch.models import Skipped
    from newsearch.sources import load, scan

    loaded = (load(f) for f in scan(corpus).files)
    return [a for a in loaded if not isinstance(a, Skipped)]


def timed(work: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of ``work()``."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def stages(articles) -> list[list[object]]:
    """Rows (stage, articles, wall s, CPU s, articles/s by CPU) on one core."""
    from newsearch.nlp import analyse
    from newsearch.nlp.entities import extract_entities
    from newsearch.nlp.quotes import extract_quotes

    for article in articles[:50]:  # load every model and warm the per-word caches first
        analyse(article)
    work = {
        "quotes (`extract_quotes`)": lambda: [extract_quotes(a.body) for a in articles],
        "entities (`extract_entities`)": lambda: [
            extract_entities(f"{a.title}\n\n{a.body}") for a in articles
        ],
        "full `analyse`": lambda: [analyse(a) for a in articles],
    }
    rows = []
    for name, run in work.items():
        wall, cpu = timed(run)
        rows.append([name, len(articles), wall, cpu, f"**{len(articles) / cpu:.1f}**"])
    return rows


def indexer(corpus: Path, workdir: Path) -> dict[str, float]:
    """Wall seconds of three index builds (see the module docstring)."""
    import newsearch

    plain, nlp = workdir / "index-plain", workdir / "index-nlp"
    return {
        "no NLP": timed(lambda: newsearch.index_corpus(corpus, plain, analyse=False))[0],
        "NLP, empty NLP cache": timed(lambda: newsearch.index_corpus(corpus, nlp, analyse=True))[0],
        "NLP, `--full` again (cached analyses)": timed(
            lambda: newsearch.index_corpus(corpus, nlp, full=True, analyse=True)
        )[0],
    }


def fresh_process(code: str, *args: str, env: dict[str, str] | None = None) -> tuple[dict, float]:
    """What ``code`` printed as JSON, and the wall seconds from process start to exit."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1]), time.perf_counter() - started


def model_loads(corpus: Path, workdir: Path) -> dict[str, dict[str, float]]:
    """Median seconds per step, with the model cache empty and with it filled."""
    cold, warm = [], []
    for run in range(RUNS):
        env = {"NEWSEARCH_CACHE_DIR": str(workdir / f"model-cache-{run}")}
        cold.append(fresh_process(_LOAD_PROBE, str(corpus), env=env)[0])
        warm.append(fresh_process(_LOAD_PROBE, str(corpus), env=env)[0])
    return {
        name: {step: statistics.median(r[step] for r in runs) for step in runs[0]}
        for name, runs in (("empty model cache", cold), ("model cache filled", warm))
    }


def one_article_updates(corpus: Path, index: Path, template: Path) -> list[tuple[float, float]]:
    """(process wall seconds, seconds inside ``index_corpus``) of adding one new article each."""
    text = template.read_text(encoding="utf-8", errors="replace")
    runs = []
    for run in range(RUNS):
        new = corpus / "bench-update" / f"new-{run}.txt"
        new.parent.mkdir(exist_ok=True)
        new.write_text(f"Update {run}: {text}", encoding="utf-8")  # new content: not in the NLP cache
        summary, wall = fresh_process(_UPDATE_PROBE, str(corpus), str(index))
        assert summary["added"] == 1, summary
        runs.append((wall, summary["seconds"]))
    return runs


def copy_corpus(limit: int | None, target: Path) -> Path:
    """The first ``limit`` BBC articles (all when None), copied so updates can add files."""
    files = sorted(BBC.glob("*/*.txt"))[:limit]
    for path in files:
        destination = target / path.parent.name / path.name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
    return target


def report(
    stage_rows: list[list[object]],
    builds: dict[str, float],
    articles: int,
    loads: dict[str, dict[str, float]],
    updates: list[tuple[float, float]],
    load_average: tuple[float, float],
) -> str:
    from newsearch.nlp import backends

    plain = builds["no NLP"]
    build_rows = [
        [name, seconds, f"{articles / seconds:.1f}", f"{seconds / plain:.2f}x"] for name, seconds in builds.items()
    ]
    load_rows = [[name, v["import"], v["models"], v["first"]] for name, v in loads.items()]
    entity_cpu, analyse_cpu = stage_rows[1][3], stage_rows[2][3]
    update_wall = statistics.median(wall for wall, _ in updates)
    update_inside = statistics.median(inside for _, inside in updates)
    return "\n".join(
        [
            f"NLP backends: `{json.dumps(backends())}`. {articles} BBC articles. "
            f"1-minute load average {load_average[0]:.1f} at the start, {load_average[1]:.1f} at the end "
            f"({os.cpu_count()} cores).",
            "",
            "**Stages, one core** (articles/s by CPU time; models loaded and warmed up on 50 "
            "articles before timing):",
            "",
            markdown_table(["stage", "articles", "wall s", "CPU s", "articles/s"], stage_rows),
            "",
            f"Entities are {entity_cpu / analyse_cpu:.0%} of `analyse`.",
            "",
            f"**Indexer, {os.cpu_count()} cores** (`newsearch.index_corpus`, fresh index directories, "
            "one worker process per core; ratio to the build without NLP):",
            "",
            markdown_table(["build", "wall s", "articles/s", "vs no NLP"], build_rows),
            "",
            f"**Model load per process** (median of {RUNS} fresh interpreters with compiled bytecode, "
            "seconds): importing newsearch and NLTK, loading the entity models, then the first "
            "`analyse` (which loads Punkt and compiles the tokenizer):",
            "",
            markdown_table(["model cache", "imports", "entity models", "first analyse"], load_rows),
            "",
            f"**One-article update**: adding one new article to the {articles}-article NLP index in a "
            f"fresh process takes **{update_wall:.2f} s** from process start to exit (median of {RUNS}; "
            f"{update_inside:.2f} s inside `index_corpus`, the rest is interpreter start and imports).",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--limit", type=int, default=None, help="only the first N articles (smoke run; prints only)"
    )
    args = parser.parse_args()
    use_shared_nltk_data()
    start_load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="nlp-throughput-") as temporary:
        workdir = Path(temporary)
        use_bytecode_cache(workdir / "bytecode")
        corpus = copy_corpus(args.limit, workdir / "corpus")
        fresh_process(_LOAD_PROBE, str(corpus))  # fills the bytecode cache
        articles = load_articles(corpus)
        stage_rows = stages(articles)
        builds = indexer(corpus, workdir)
        loads = model_loads(corpus, workdir)
        updates = one_article_updates(corpus, workdir / "index-nlp", sorted(BBC.glob("*/*.txt"))[0])
        markdown = report(stage_rows, builds, len(articles), loads, updates, (start_load, os.getloadavg()[0]))
    print(markdown)
    if args.limit is None:
        write_section("nlp-throughput", "NLP throughput (BBC)", markdown)


if __name__ == "__main__":
    main()

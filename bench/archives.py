"""Dated archives: Reuters as one JSON Lines dump against the same articles as .txt files.

    uv run --all-groups python -m bench archives                 # writes section archives-reuters
    uv run --all-groups python -m bench archives --repeats 5 --queries 100

Everything runs on copies in a temporary directory (``copy2``: sizes and mtimes kept), so
nothing is written to ``../shared``. Three parts, each dump and folder side by side in one run
(the machine is shared: read the ratios, not the absolute times across runs):

1. **Full builds** (``index_corpus(full=True, analyse=False)``), each in a freshly spawned
   process, of the dump and of the folder, alternating; then, in another fresh process, the
   loaders alone: ``sources.scan`` + ``sources.read_dump`` on the dump, ``sources.scan`` on the
   folder, and ``sources.load`` of every candidate (serially, in one process) for both.
2. **Query latency** on the dump's index (the folder has no dates): ``Index.search`` with its
   defaults (top 10, passages, collapsing) plain, with ``since``/``until``, ``sort="newest"``,
   ``timeline=True`` and a ``date:`` clause in the query; warm, in one fresh process.
3. **Incremental updates** (in one fresh process, in-process ``index_corpus`` calls timed
   wall-clock): nothing changed, add / change / remove one record (a line of the dump) against
   one file, NLP off; and add one with NLP on after one untimed NLP update.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.report import CORPORA, markdown_table, use_shared_nltk_data, write_section

SECTION = "archives-reuters"
TITLE = "Dated archives (reuters)"
K = 10
WARMUP = 20
SINCE, UNTIL = "1987-03-01", "1987-03-31"
DATE_CLAUSE = " date:1987-03"
NEW_DATE = "1987-03-16T12:00:00Z"  # inside the filtered month, so the new records are found by it


@dataclass(frozen=True, slots=True)
class Settings:
    repeats: int = 3  # incremental cases, median reported
    build_repeats: int = 2  # full builds of each kind (about 40 s each on Reuters)
    queries: int = 200  # per query set (short and verbose)
    nlp: bool = True  # also time "add 1" with NLP on


def median(values: list[float]) -> float:
    return statistics.median(values)


def in_fresh_process(function: Callable, *args):
    from bench.indexing import in_fresh_process as fresh

    return fresh(function, *args)


# --------------------------------------------------------------------------- full builds and loaders


@dataclass(frozen=True, slots=True)
class Build:
    kind: str  # "dump" or "folder"
    articles: int
    seconds: float


def build(kind: str, corpus: Path, target: Path) -> Build:
    """One full no-NLP build, timed; meant to run in a fresh process."""
    import newsearch

    shutil.rmtree(target, ignore_errors=True)
    started = time.perf_counter()
    summary = newsearch.index_corpus(corpus, target, full=True, analyse=False)
    seconds = time.perf_counter() - started
    if summary.skipped:
        raise RuntimeError(f"{kind} build skipped {len(summary.skipped)}: {summary.skipped[:3]}")
    return Build(kind, len(summary.added), seconds)


@dataclass(frozen=True, slots=True)
class Loaders:
    scan_dump: float  # stat of the one file
    read_dump: float  # reading, splitting, parsing and hashing every record
    scan_folder: float  # stat of every file
    load_records: float  # sources.load of every record (serial)
    load_files: float  # sources.load of every file (serial: read, decode, hash)
    records: int
    files: int


def time_loaders(dump: Path, folder: Path) -> Loaders:
    """The loaders alone, in one fresh process; each timed once after one untimed pass (so the
    files are in the page cache for both, as they are after the builds)."""
    from newsearch.sources import load, read_dump, scan

    def timed(function: Callable):
        started = time.perf_counter()
        value = function()
        return time.perf_counter() - started, value

    for _ in range(2):
        scan_dump_s, found = timed(lambda: scan(dump))
        read_dump_s, records = timed(lambda: read_dump(found.dumps[0], single=True))
        scan_folder_s, files = timed(lambda: scan(folder))
        load_records_s, _ = timed(lambda: [load(c) for c in records.candidates])
        load_files_s, _ = timed(lambda: [load(c) for c in files.files])
    return Loaders(scan_dump_s, read_dump_s, scan_folder_s, load_records_s, load_files_s,
                   len(records.candidates), len(files.files))


# --------------------------------------------------------------------------- query latency

VARIANTS: dict[str, dict] = {
    "plain `ix.search(q)`": {},
    f"`since={SINCE!r}, until={UNTIL!r}`": {"since": SINCE, "until": UNTIL},
    "`sort=\"newest\"`": {"sort": "newest"},
    "`timeline=True`": {"timeline": True},
    f"`q + \"{DATE_CLAUSE}\"`": {"clause": DATE_CLAUSE},
}


@dataclass(frozen=True, slots=True)
class VariantLatency:
    p50_ms: float
    p95_ms: float
    mean_total: float  # matches per query


@dataclass(frozen=True, slots=True)
class LatencyResult:
    queries: int
    sets: dict[str, dict[str, VariantLatency]]  # query set -> variant -> figures
    problems: tuple[str, ...]  # consistency checks that failed


def run_variant(ix, text: str, mode: str, options: dict):
    options = dict(options)
    clause = options.pop("clause", "")
    return ix.search(text + clause, limit=K, mode=mode, **options)


def measure_latency(index: Path, folder: Path, count: int) -> LatencyResult:
    """Warm, in-process latency of each variant over the speed bench's query sets (built from
    the folder's articles). For each query every variant runs once, the order rotating from
    query to query, so no variant always comes first (cold) or after the others (warm).
    Meant to run in a fresh process."""
    import newsearch
    from bench.corpora import Corpus
    from bench.queries import short_queries, verbose_queries
    from bench.speed import percentile

    docs = Corpus(folder.name, folder).docs
    names = list(VARIANTS)
    sets: dict[str, dict[str, VariantLatency]] = {}
    problems: list[str] = []
    with newsearch.open_index(index) as ix:
        for set_name, queries in (("short", short_queries(docs, count)), ("verbose", verbose_queries(docs, count))):
            for query in queries[:WARMUP]:
                for name in names:
                    run_variant(ix, query.text, query.mode, VARIANTS[name])
            seconds: dict[str, list[float]] = {name: [] for name in names}
            totals: dict[str, list[int]] = {name: [] for name in names}
            for number, query in enumerate(queries):
                found = {}
                for name in names[number % len(names):] + names[: number % len(names)]:
                    started = time.perf_counter()
                    found[name] = run_variant(ix, query.text, query.mode, VARIANTS[name])
                    seconds[name].append(time.perf_counter() - started)
                    totals[name].append(found[name].total)
                problems += consistency(set_name, query.text, found, names)
            sets[set_name] = {
                name: VariantLatency(percentile(seconds[name], 50) * 1000, percentile(seconds[name], 95) * 1000,
                                     statistics.mean(totals[name]))
                for name in names
            }
    return LatencyResult(count, sets, tuple(problems))


def consistency(set_name: str, text: str, found: dict, names: list[str]) -> list[str]:
    """What must hold between the variants' answers to one query (not timed)."""
    plain, window, newest, timeline, clause = (found[name] for name in names)
    problems = []
    if newest.total != plain.total or timeline.total != plain.total:
        problems.append(f"{set_name} {text!r}: total plain {plain.total}, newest {newest.total}, "
                        f"timeline {timeline.total}")
    if window.total != clause.total:
        problems.append(f"{set_name} {text!r}: since/until {window.total} vs date: clause {clause.total}")
    if window.total > plain.total:
        problems.append(f"{set_name} {text!r}: since/until {window.total} > plain {plain.total}")
    line = timeline.timeline
    if line is None:
        problems.append(f"{set_name} {text!r}: timeline=True gave no timeline")
    elif sum(c.count for c in line.counts) + line.undated != timeline.total:
        problems.append(f"{set_name} {text!r}: timeline counts {sum(c.count for c in line.counts)} "
                        f"+ undated {line.undated} != total {timeline.total}")
    dates = [hit.date for hit in newest.hits if hit.date]
    if dates != sorted(dates, reverse=True):
        problems.append(f"{set_name} {text!r}: sort=newest hits not in date order")
    if any(hit.date and not SINCE <= hit.date[:10] <= UNTIL for hit in window.hits):
        problems.append(f"{set_name} {text!r}: a since/until hit is dated outside the window")
    return problems


# --------------------------------------------------------------------------- incremental updates


class DumpEdits:
    """One-record edits of a JSON Lines dump: the file is rewritten (or appended to) before
    each timed update, untimed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines = path.read_bytes().rstrip(b"\n").split(b"\n")
        self.count = 0

    def _next(self) -> int:
        self.count += 1
        return self.count

    def add(self) -> None:
        n = self._next()
        first, second = (json.loads(self.lines[(n * 7919 + k * 104729) % len(self.lines)]) for k in (1, 2))
        record = {"id": f"bench-new-{n}", "date": NEW_DATE, "source": "Reuters",
                  "title": f"Bench update {n}: new article", "body": f"{first['body']}\n\n{second['body']}"}
        line = json.dumps(record).encode()
        self.lines.append(line)
        with open(self.path, "ab") as handle:
            handle.write(line + b"\n")

    def change(self) -> None:
        n = self._next()
        at = (n * 104729) % len(self.lines)
        record = json.loads(self.lines[at])
        record["body"] += f"\n\nBench change {n}."
        self.lines[at] = json.dumps(record).encode()
        self._rewrite()

    def remove(self) -> None:
        n = self._next()
        del self.lines[(n * 15485863) % len(self.lines)]
        self._rewrite()

    def _rewrite(self) -> None:
        self.path.write_bytes(b"\n".join(self.lines) + b"\n")


class FolderEdits:
    """The same edits on a folder: write a new .txt, rewrite one, delete one."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files = sorted(folder.rglob("*.txt"))
        self.count = 0

    def _next(self) -> int:
        self.count += 1
        return self.count

    def add(self) -> None:
        n = self._next()
        first, second = (self.files[(n * 7919 + k * 104729) % len(self.files)] for k in (1, 2))
        bodies = [p.read_text(encoding="utf-8", errors="replace").partition("\n")[2].strip() for p in (first, second)]
        directory = self.folder / "bench-new"
        directory.mkdir(exist_ok=True)
        (directory / f"new-{n:04d}.txt").write_text(
            f"Bench update {n}: new article\n\n" + "\n\n".join(bodies), encoding="utf-8")

    def change(self) -> None:
        n = self._next()
        path = self.files[(n * 104729) % len(self.files)]
        path.write_text(path.read_text(encoding="utf-8") + f"\n\nBench change {n}.", encoding="utf-8")

    def remove(self) -> None:
        n = self._next()
        self.files.pop((n * 15485863) % len(self.files)).unlink()


# case -> (edit, expected summary counts (added, updated, removed), analyse)
CASES: dict[str, tuple[str | None, tuple[int, int, int], bool]] = {
    "nothing changed": (None, (0, 0, 0), False),
    "add 1": ("add", (1, 0, 0), False),
    "change 1": ("change", (0, 1, 0), False),
    "remove 1": ("remove", (0, 0, 1), False),
    "add 1, NLP on": ("add", (1, 0, 0), True),
}


@dataclass(slots=True)
class IncrementalResult:
    seconds: dict[str, dict[str, list[float]]] = field(default_factory=dict)  # case -> kind -> runs
    problems: list[str] = field(default_factory=list)


def measure_incremental(dump: Path, dump_index: Path, folder: Path, folder_index: Path, repeats: int,
                        nlp: bool) -> IncrementalResult:
    """Every case ``repeats`` times, dump and folder alternating; wall time of the in-process
    ``index_corpus`` call. Meant to run in a fresh process."""
    import newsearch

    targets = {"dump": (dump, dump_index, DumpEdits(dump)), "folder": (folder, folder_index, FolderEdits(folder))}
    result = IncrementalResult()
    for corpus, index, _ in targets.values():  # untimed: settle state, import what updates import
        newsearch.index_corpus(corpus, index, analyse=False)
    cases = {case: spec for case, spec in CASES.items() if nlp or not spec[2]}
    for case, (edit, expected, analyse) in cases.items():
        if analyse:  # untimed: NLTK imported and models loaded once, as in a long-running process
            for corpus, index, edits in targets.values():
                edits.add()
                newsearch.index_corpus(corpus, index, analyse=True)
        result.seconds[case] = {kind: [] for kind in targets}
        for _ in range(repeats):
            for kind, (corpus, index, edits) in targets.items():
                if edit is not None:
                    getattr(edits, edit)()
                started = time.perf_counter()
                summary = newsearch.index_corpus(corpus, index, analyse=analyse)
                result.seconds[case][kind].append(time.perf_counter() - started)
                counts = (len(summary.added), len(summary.updated), len(summary.removed))
                if counts != expected or summary.skipped:
                    result.problems.append(
                        f"{case}, {kind}: added/updated/removed {counts}, expected {expected}; "
                        f"skipped {[(s.id, s.reason) for s in summary.skipped[:3]]}")
    return result


# --------------------------------------------------------------------------- report

MB = 1024 * 1024


def build_section(builds: list[Build], loaders: Loaders, sizes: dict[str, int], names: dict[str, str]) -> str:
    by_kind = {kind: [b for b in builds if b.kind == kind] for kind in ("dump", "folder")}
    med = {kind: median([b.seconds for b in runs]) for kind, runs in by_kind.items()}
    articles = {kind: runs[0].articles for kind, runs in by_kind.items()}
    loader = {"dump": loaders.scan_dump + loaders.read_dump, "folder": loaders.scan_folder}
    loader_text = {"dump": "`scan` + `read_dump`", "folder": "`scan`"}
    load_all = {"dump": loaders.load_records, "folder": loaders.load_files}
    names = {"dump": f"`{names['dump']}` (one dump)", "folder": f"`{names['folder']}/` (.txt files)"}
    rows = [
        [names[kind], f"{sizes[kind] / MB:.1f}", f"{articles[kind]:,}", len(by_kind[kind]), med[kind],
         f"{articles[kind] / med[kind]:,.0f}", f"{loader[kind]:.3f} ({loader_text[kind]})",
         f"{loader[kind] / med[kind]:.1%}", load_all[kind], f"{load_all[kind] / med[kind]:.1%}"]
        for kind in ("dump", "folder")
    ]
    runs = "; ".join(f"{kind}: " + ", ".join(f"{b.seconds:.1f}" for b in bs) for kind, bs in by_kind.items())
    return "\n".join([
        ("**Full builds**, NLP off (`index_corpus(full=True, analyse=False)`), each in a fresh process. "
         "The loader columns are timed separately, in another fresh process with the files in the page "
         "cache: what the indexer runs in its main process before any article is indexed (for the dump, "
         "`scan` plus `read_dump`, which reads, splits, parses and hashes every record; for the folder, "
         "`scan`, a stat of each file), and, for scale, `sources.load` of every candidate one after "
         "another (in a build this runs in the worker processes, spread over the cores). The dump's "
         "index also holds each record's date, source and metadata (`places`, `topics`, ...); the "
         "folder has no metadata table, so its articles are undated."),
        "",
        markdown_table(
            ["source", "MB", "articles", "builds", "build s (median)", "articles/s",
             "main-process loader s", "of the build", "`load` of every article, serial s", "of the build"],
            rows),
        "",
        f"All builds (s): {runs}. **Build time dump / folder: {med['dump'] / med['folder']:.2f}.**",
    ])


def incremental_section(result: IncrementalResult, repeats: int, articles: int, nlp: dict[str, str] | None) -> str:
    rows = []
    for case, by_kind in result.seconds.items():
        dump_s, folder_s = median(by_kind["dump"]), median(by_kind["folder"])
        rows.append([case, dump_s, folder_s, f"{dump_s / folder_s:.2f}"])
    checks = ("Every run changed what it should (the summary's added / updated / removed counts)."
              if not result.problems else
              "**Unexpected summaries:** " + "; ".join(result.problems[:10]) + ".")
    return "\n".join([
        (f"**Incremental updates** on copies of the {articles:,}-article indexes just built: wall seconds of "
         f"`index_corpus(...)` in one long-running process (median of {repeats}; dump and folder runs "
         "alternate). *add 1* appends a line to the dump / writes a new .txt file (two articles' bodies under a "
         "new title); *change 1* rewrites one record's body in the dump (the file rewritten before the timed "
         "call) / one file; *remove 1* drops a line / deletes a file. Any change to the dump changes its size "
         "and mtime, so the whole dump is read and every record's hash compared; an unchanged dump is not "
         "read. *add 1, NLP on* runs after one untimed NLP update (NLTK imported, models loaded), so it is the "
         "cost in a warm process, not in a fresh `newsearch index` (see the indexing sections for those)"
         + (f"; NLP backends `{json.dumps(nlp)}`" if nlp else "") + ". Ratio > 1: the dump is slower."),
        "",
        markdown_table(["update", "dump s", "folder s", "dump / folder"], rows),
        "",
        checks,
    ])


def latency_section(latency: LatencyResult) -> str:
    names = list(VARIANTS)
    header = ["search", "short p50 ms", "short p95 ms", "short p50 / plain", "short p95 / plain",
              "short matches", "verbose p50 ms", "verbose p95 ms", "verbose p50 / plain", "verbose p95 / plain",
              "verbose matches"]
    rows = []
    for name in names:
        row: list[object] = [name]
        for set_name in ("short", "verbose"):
            figures, plain = latency.sets[set_name][name], latency.sets[set_name][names[0]]
            row += [figures.p50_ms, figures.p95_ms, f"{figures.p50_ms / plain.p50_ms:.2f}",
                    f"{figures.p95_ms / plain.p95_ms:.2f}", f"{figures.mean_total:,.0f}"]
        rows.append(row)
    checks = (
        "Checks on every query's answers (untimed): `sort=\"newest\"` and `timeline=True` match as many as the "
        "plain search, the timeline's counts and undated add up to the matches, `since`/`until` and the "
        "`date:` clause match the same articles' count, and the newest-first hits are in date order: all held."
        if not latency.problems else
        f"**Checks that failed** ({len(latency.problems)}): " + "; ".join(latency.problems[:8]) + ".")
    return "\n".join([
        (f"**Query latency** on the dump's index (only it has dates): `Index.search` with its defaults (top {K}, "
         "3 passages with highlights, story collapsing) and the option named, warm, in one fresh process, "
         f"after {WARMUP} untimed queries of each set run through every variant; the speed bench's Reuters "
         f"query sets (`bench/queries.py`, {latency.queries} each: short = 2–3 title words, AND; verbose = "
         "10–16 opening words, OR). For each query every variant runs once, in an order that rotates from "
         "query to query. The date window is March 1987 (the archive runs from 1987-02-26 to 1987-10-20). "
         "Ratios are to the plain search in the same run (> 1: slower); *matches* is the mean number of "
         "matching articles per query."),
        "",
        markdown_table(header, rows),
        "",
        checks,
    ])


def nlp_backends() -> dict[str, str]:
    from newsearch.nlp import backends

    return backends()


def tree_bytes(path: Path) -> int:
    return path.stat().st_size if path.is_file() else sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def run(settings: Settings, dump_source: Path, folder_source: Path) -> str:
    """Measure everything on copies of ``dump_source`` and ``folder_source`` (the same articles);
    the markdown of the section."""
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-archives-") as temporary:
        workdir = Path(temporary)
        os.environ.setdefault("NEWSEARCH_CACHE_DIR", str(workdir / "model-cache"))
        dump = workdir / dump_source.name
        shutil.copy2(dump_source, dump)
        folder = shutil.copytree(folder_source, workdir / folder_source.name, copy_function=shutil.copy2)
        sizes = {"dump": tree_bytes(dump), "folder": tree_bytes(folder)}
        indexes = {"dump": (dump, workdir / "index-dump"), "folder": (folder, workdir / "index-folder")}
        print("full builds", flush=True)
        builds = []
        for _ in range(settings.build_repeats):
            for kind, (corpus, index) in indexes.items():
                builds.append(in_fresh_process(build, kind, corpus, index))
                print(f"  {kind}: {builds[-1].seconds:.1f} s", flush=True)
        loaders = in_fresh_process(time_loaders, dump, folder)
        print("query latency", flush=True)
        latency = in_fresh_process(measure_latency, indexes["dump"][1], folder, settings.queries)
        print("incremental updates", flush=True)
        incremental = in_fresh_process(measure_incremental, dump, indexes["dump"][1], folder, indexes["folder"][1],
                                       settings.repeats, settings.nlp)
    articles = builds[0].articles
    minutes = (time.perf_counter() - started) / 60
    intro = (
        f"{articles:,} stories as one JSON Lines dump (`{dump_source.name}`, with dates) and as a "
        f"folder of .txt files (`{folder_source.name}/`, the same titles and bodies), indexed on {os.cpu_count()} cores from "
        "copies in a temporary directory; NLP is off except where said. Everything is measured in one run "
        "(`python -m bench archives`, "
        f"{minutes:.0f} min), and the machine is shared: compare the ratios within this run rather than absolute "
        f"times across runs. 1-minute load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at "
        "the end.")
    return "\n\n".join([
        intro,
        build_section(builds, loaders, sizes, {"dump": dump_source.name, "folder": folder_source.name}),
        incremental_section(incremental, settings.repeats, articles, nlp_backends() if settings.nlp else None),
        latency_section(latency),
    ])


def run_archives(settings: Settings) -> None:
    """The ``archives`` command: Reuters from ``../shared/corpora``; writes its section."""
    use_shared_nltk_data()
    markdown = run(settings, CORPORA / "reuters.jsonl", CORPORA / "reuters")
    print(markdown)
    write_section(SECTION, TITLE, markdown)

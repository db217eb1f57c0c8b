"""The HTTP service under load: ``newsearch serve`` on Reuters, idle and while the index is updated.

    uv run --all-groups python -m bench http                     # writes section http-reuters
    uv run --all-groups python -m bench http --seconds 5 --clients 1,4

Everything runs on a copy of ``reuters.jsonl`` in a temporary directory, indexed once with NLP
off. ``python -m newsearch serve --index IDX --port PORT -q`` runs as a subprocess on
127.0.0.1; an asyncio client (``httpx.AsyncClient``, in this process) runs N concurrent
clients, each looping over the Reuters short query set (``bench/queries.py``) with
``GET /api/search?q=...`` for a bounded time, recording each request's latency, status and
``total``. Two phases, each with every client count:

1. **idle**: nothing else runs;
2. **updating**: a thread of this process appends batches of new records to the copied dump
   and runs ``python -m newsearch index --index IDX --no-nlp`` after each batch (a fresh
   process each time), so the searches run across commits. Each query's ``total`` must lie
   between its total before the phase and after it (records are only added).

Also: the server's RSS (start, after each phase), and a 1-client in-process baseline
(``newsearch.open_index(IDX).search(q)``, in a fresh process) so the HTTP overhead reads as a
ratio. The client shares the 2 cores with the server and the indexer: the figures are those of
the whole machine under that load, not of the server alone.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench.report import CORPORA, markdown_table, write_section

SECTION = "http-reuters"
TITLE = "HTTP service (reuters)"
WARMUP = 20  # untimed requests before the first phase
STARTUP_SECONDS = 180.0  # for the server to answer /api/health
REQUEST_TIMEOUT = 60.0  # client side; the server cuts a search off at 10 s (503)
MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Settings:
    seconds: float = 15.0  # of load for each client count, in each phase
    clients: tuple[int, ...] = (1, 4, 16)
    queries: int = 200  # size of the short query set
    records: int = 2000  # most records appended during the update phase
    batch: int = 200  # records appended before each `newsearch index` run


# --------------------------------------------------------------------------- queries


def dump_docs(dump: Path):
    """The records of a JSON Lines dump as ``bench.corpora.Doc`` (for the query sets)."""
    from bench.corpora import Doc

    docs = []
    for line in dump.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            docs.append(Doc(str(record["id"]), record.get("title") or "", record.get("body") or ""))
    return tuple(docs)


def query_texts(docs, count: int) -> list[str]:
    """The short query set (2–3 title words; ``mode="auto"`` requires them all, as ``all``)."""
    from bench.queries import short_queries

    return [query.text for query in short_queries(docs, count)]


def percentile(values: list[float], pct: float) -> float:
    from bench.speed import percentile as nearest_rank

    return nearest_rank(values, pct)


# --------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """``python -m newsearch serve`` on 127.0.0.1, as a subprocess; stderr to ``log``."""

    def __init__(self, index: Path, log: Path) -> None:
        self.index, self.log, self.port = index, log, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        import httpx

        command = [sys.executable, "-m", "newsearch", "serve", "--index", str(self.index), "--port", str(self.port), "-q"]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"newsearch serve exited {self.process.returncode}: {self.log_tail()}")
            try:
                if httpx.get(f"{self.base}/api/health", timeout=5).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise RuntimeError(f"newsearch serve did not answer in {STARTUP_SECONDS:.0f} s: {self.log_tail()}")
            time.sleep(0.2)

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-1500:] if self.log.exists() else ""

    def rss(self) -> int:
        import psutil

        return psutil.Process(self.process.pid).memory_info().rss

    def peak_rss(self) -> int | None:
        """The server's high-water mark (``VmHWM``), Linux only."""
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return None

    def health(self) -> dict:
        import httpx

        return httpx.get(f"{self.base}/api/health", timeout=REQUEST_TIMEOUT).json()


# --------------------------------------------------------------------------- the load


@dataclass(frozen=True, slots=True)
class Sample:
    query: int  # index into the query list
    seconds: float
    status: str  # "200", "503", ... or the client's exception name
    total: int | None  # the JSON's total, for 200s


@dataclass(frozen=True, slots=True)
class LoadResult:
    clients: int
    seconds: float  # from the first request to the last answer
    samples: tuple[Sample, ...]

    @property
    def requests(self) -> int:
        return len(self.samples)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def latency_ms(self, pct: float) -> float:
        return percentile([s.seconds for s in self.samples], pct) * 1000

    @property
    def failures(self) -> Counter:
        return Counter(s.status for s in self.samples if s.status != "200")


async def one_request(client, queries: list[str], number: int) -> Sample:
    import httpx

    started = time.perf_counter()
    try:
        response = await client.get("/api/search", params={"q": queries[number]})
        status = str(response.status_code)
        total = response.json().get("total") if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError) as failed:
        status, total = type(failed).__name__, None
    return Sample(number, time.perf_counter() - started, status, total)


async def load(base: str, queries: list[str], clients: int, seconds: float) -> LoadResult:
    """``clients`` concurrent loops over ``queries`` (each starting at its own place in the list)
    for ``seconds``; a request started before the end is waited for and counted."""
    import httpx

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT, limits=limits) as client:
        samples: list[Sample] = []

        async def one_client(number: int) -> None:
            while time.perf_counter() < deadline:
                samples.append(await one_request(client, queries, number % len(queries)))
                number += 1

        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(*(one_client(k * len(queries) // clients) for k in range(clients)))
        return LoadResult(clients, time.perf_counter() - started, tuple(samples))


async def totals_pass(base: str, queries: list[str]) -> tuple[list[int | None], list[Sample]]:
    """Every query once, one after another (untimed use): each one's total."""
    import httpx

    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT) as client:
        samples = [await one_request(client, queries, n) for n in range(len(queries))]
    return [s.total for s in samples], samples


def phase(server: Server, queries: list[str], settings: Settings) -> list[LoadResult]:
    results = []
    for clients in settings.clients:
        results.append(asyncio.run(load(server.base, queries, clients, settings.seconds)))
        print(f"  {clients:>2} clients: {results[-1].per_second:.1f} req/s, p50 {results[-1].latency_ms(50):.1f} ms, "
              f"non-200 {sum(results[-1].failures.values())}", flush=True)
    return results


# --------------------------------------------------------------------------- updates in another process


def new_records(dump: Path, count: int) -> list[str]:
    """``count`` new JSON lines made of existing records: record A's id-less copy (title, date)
    with record B's body appended, so the short queries built from A's title match it too."""
    lines = [line for line in dump.read_text(encoding="utf-8").splitlines() if line.strip()]
    made = []
    for n in range(count):
        first = json.loads(lines[(n * 7919 + 104729) % len(lines)])
        second = json.loads(lines[(n * 104729 + 7919) % len(lines)])
        record = {"id": f"bench-http-{n}", "title": first.get("title") or "", "body": f"{first.get('body', '')}\n\n{second.get('body', '')}"}
        for key in ("date", "source"):
            if first.get(key):
                record[key] = first[key]
        made.append(json.dumps(record))
    return made


@dataclass(frozen=True, slots=True)
class Run:
    started: float  # seconds after the updater started
    seconds: float
    appended: int
    added: int  # the run's summary
    returncode: int
    error: str = ""


class Updater(threading.Thread):
    """Appends ``batch`` records to the dump, runs ``newsearch index --no-nlp`` (a fresh process),
    and again, until ``stop`` is set or the records run out; a started run is finished."""

    def __init__(self, dump: Path, index: Path, records: list[str], batch: int) -> None:
        super().__init__(name="bench-updater", daemon=True)
        self.dump, self.index, self.records, self.batch = dump, index, records, batch
        self.stop = threading.Event()
        self.runs: list[Run] = []

    def run(self) -> None:
        command = [sys.executable, "-m", "newsearch", "index", "--index", str(self.index), "--no-nlp", "--json", "-q"]
        origin, done = time.perf_counter(), 0
        while not self.stop.is_set() and done < len(self.records):
            chunk = self.records[done : done + self.batch]
            with open(self.dump, "a", encoding="utf-8") as handle:
                handle.write("".join(line + "\n" for line in chunk))
            done += len(chunk)
            started = time.perf_counter()
            finished = subprocess.run(command, capture_output=True, text=True)
            seconds = time.perf_counter() - started
            try:
                added, error = len(json.loads(finished.stdout)["added"]), ""
            except (ValueError, KeyError, TypeError):
                added, error = 0, (finished.stderr or finished.stdout).strip()[-300:]
            self.runs.append(Run(started - origin, seconds, len(chunk), added, finished.returncode, error))


# --------------------------------------------------------------------------- in-process baseline


@dataclass(frozen=True, slots=True)
class Baseline:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


def in_process(index: Path, queries: list[str], seconds: float) -> Baseline:
    """One client, no HTTP: ``open_index(index).search(q)`` over the same queries, looping for
    ``seconds`` after ``WARMUP`` untimed ones. Meant to run in a fresh process."""
    import newsearch

    timings = []
    with newsearch.open_index(index) as ix:
        for text in queries[:WARMUP]:
            ix.search(text)
        started = time.perf_counter()
        number = 0
        while time.perf_counter() - started < seconds:
            begun = time.perf_counter()
            ix.search(queries[number % len(queries)])
            timings.append(time.perf_counter() - begun)
            number += 1
        elapsed = time.perf_counter() - started
    return Baseline(len(timings), elapsed, *(percentile(timings, p) * 1000 for p in (50, 95, 99)))


def in_fresh_process(function, *args):
    from bench.indexing import in_fresh_process as fresh

    return fresh(function, *args)


def build(dump: Path, index: Path) -> int:
    """The full no-NLP build; the number of articles. Meant to run in a fresh process."""
    import newsearch

    summary = newsearch.index_corpus(dump, index, full=True, analyse=False)
    if summary.skipped:
        raise RuntimeError(f"build skipped {len(summary.skipped)}: {summary.skipped[:3]}")
    return len(summary.added)


# --------------------------------------------------------------------------- report


def load_table(results: list[LoadResult]) -> str:
    first = results[0]
    rows = []
    for result in results:
        failures = result.failures
        rows.append([
            result.clients, f"{result.requests:,}", f"{result.per_second:.1f}",
            f"{result.per_second / first.per_second:.2f}",
            f"{result.latency_ms(50):.1f}", f"{result.latency_ms(95):.1f}", f"{result.latency_ms(99):.1f}",
            f"{result.latency_ms(50) / first.latency_ms(50):.2f}", f"{result.latency_ms(95) / first.latency_ms(95):.2f}",
            sum(failures.values()) if not failures else
            f"**{sum(failures.values())}** (" + ", ".join(f"{k}: {v}" for k, v in failures.most_common()) + ")",
        ])
    header = [
        "clients", "requests", "req/s", f"req/s / {first.clients} client", "p50 ms", "p95 ms", "p99 ms",
        f"p50 / {first.clients} client", f"p95 / {first.clients} client", "non-200",
    ]
    return markdown_table(header, rows)


@dataclass(frozen=True, slots=True)
class TotalsCheck:
    responses: int  # 200s of the update phase
    outside: list[str]  # responses whose total is not within [before, after]
    between: int  # responses whose total is strictly between before and after
    grew: int  # queries whose total is larger after the phase


def check_totals(results: list[LoadResult], queries: list[str], before: list, after: list) -> TotalsCheck:
    outside, between, responses = [], 0, 0
    for result in results:
        for sample in result.samples:
            if sample.status != "200":
                continue
            responses += 1
            low, high = before[sample.query], after[sample.query]
            if low is None or high is None or not low <= sample.total <= high:
                outside.append(f"{queries[sample.query]!r}: {sample.total} (before {low}, after {high})")
            elif low < sample.total < high:
                between += 1
    grew = sum(1 for low, high in zip(before, after) if low is not None and high is not None and high > low)
    return TotalsCheck(responses, outside, between, grew)


def run(settings: Settings, dump_source: Path, docs=None) -> str:
    """Measure everything on a copy of ``dump_source``; the markdown of the section. The queries
    come from ``docs`` (default: the dump's own records)."""
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-http-") as temporary:
        workdir = Path(temporary)
        os.environ.setdefault("NEWSEARCH_CACHE_DIR", str(workdir / "model-cache"))
        dump, index = workdir / dump_source.name, workdir / "index"
        shutil.copy2(dump_source, dump)
        queries = query_texts(docs if docs is not None else dump_docs(dump), settings.queries)
        records = new_records(dump, settings.records)
        print("build", flush=True)
        build_started = time.perf_counter()
        articles = in_fresh_process(build, dump, index)
        build_seconds = time.perf_counter() - build_started
        with Server(index, workdir / "serve.log") as server:
            rss = {"at start (after `/api/health` answered)": server.rss()}
            _, warmup = asyncio.run(totals_pass(server.base, queries[:WARMUP]))
            print("idle", flush=True)
            idle = phase(server, queries, settings)
            rss["after the idle phase"] = server.rss()
            print("in-process baseline", flush=True)
            baseline = in_fresh_process(in_process, index, queries, settings.seconds)
            print("updating", flush=True)
            before, before_samples = asyncio.run(totals_pass(server.base, queries))
            health_before = server.health()
            updater = Updater(dump, index, records, settings.batch)
            updater.start()
            load_started = time.perf_counter()
            updating = phase(server, queries, settings)
            load_seconds = time.perf_counter() - load_started
            health_end_of_load = server.health()
            runs_during_load = len(updater.runs)
            updater.stop.set()
            updater.join()
            health_after = server.health()
            after, after_samples = asyncio.run(totals_pass(server.base, queries))
            rss["after the update phase"] = server.rss()
            peak = server.peak_rss()
            server_log = server.log_tail()
    minutes = (time.perf_counter() - started) / 60
    totals = check_totals(updating, queries, before, after)
    untimed_failures = Counter(s.status for s in (*warmup, *before_samples, *after_samples) if s.status != "200")
    return section(
        settings=settings, dump_name=dump_source.name, articles=articles, build_seconds=build_seconds,
        queries=queries, idle=idle, updating=updating, baseline=baseline, rss=rss, peak=peak,
        updater=updater, runs_during_load=runs_during_load, load_seconds=load_seconds,
        health=(health_before, health_end_of_load, health_after), totals=totals,
        untimed_failures=untimed_failures, server_log=server_log, minutes=minutes,
        load=(load_before, os.getloadavg()[0]),
    )


def section(*, settings, dump_name, articles, build_seconds, queries, idle, updating, baseline, rss, peak,
            updater, runs_during_load, load_seconds, health, totals, untimed_failures, server_log, minutes,
            load) -> str:
    health_before, health_end_of_load, health_after = health
    commits_during_load = health_end_of_load["generation"] - health_before["generation"]
    runs = updater.runs
    appended = sum(r.appended for r in runs)
    failed_runs = [r for r in runs if r.returncode != 0 or r.added != r.appended]
    run_seconds = [r.seconds for r in runs]
    clients = ", ".join(str(c) for c in settings.clients)
    one = idle[0]

    intro = (
        f"`newsearch serve` over {articles:,} Reuters stories (`{dump_name}` copied to a temporary directory and "
        f"indexed once with NLP off, {build_seconds:.0f} s), run as `python -m newsearch serve --index IDX --port PORT -q` "
        "on 127.0.0.1 (its defaults: 2 `Index` objects serving calls at once). The load is an asyncio client "
        f"(`httpx.AsyncClient`) in the bench process: {clients} concurrent clients, each looping over the speed "
        f"bench's Reuters short query set ({len(queries)} queries of 2–3 title words, `bench/queries.py`) with "
        f"`GET /api/search?q=...` (the endpoint's defaults: top 10, 3 passages, collapsing; `mode=auto`, so every "
        f"word is required) for {settings.seconds:g} s per client count, each client starting at its own place in "
        f"the list, after {WARMUP} untimed requests. Client, server and indexer share the {os.cpu_count()} cores: the "
        "figures are those of the whole machine under that load, not of the server alone. Latency is from the "
        "client's send to the parsed JSON. One run (`python -m bench http`, "
        f"{minutes:.1f} min); the machine is shared, so compare the ratios within this run rather than absolute "
        f"figures across runs. 1-minute load average {load[0]:.1f} at the start, {load[1]:.1f} at the end."
    )
    idle_part = "\n".join([
        "**Idle**: nothing but the searches. Ratios are to the 1-client row (req/s > 1: more throughput; "
        "latency > 1: slower).",
        "",
        load_table(idle),
    ])
    during = (
        f"{len(runs)} run{'s' if len(runs) != 1 else ''} of `python -m newsearch index --index IDX --no-nlp` (a fresh process each), each after "
        f"appending a batch of up to {settings.batch} records to the dump (a copy of an existing record's title and "
        f"date with another record's body appended, so the short queries match the new records too): {appended:,} "
        f"records appended, {sum(r.added for r in runs):,} reported added; {runs_during_load} finished within "
        f"the {load_seconds:.0f} s of load"
        + (f", each {statistics.median(run_seconds):.1f} s (median; {min(run_seconds):.1f}–{max(run_seconds):.1f})" if runs else "")
        + f". **Commits seen by the server during the load: {commits_during_load}** (`/api/health` generation "
        f"{health_before['generation']} → {health_end_of_load['generation']}; articles "
        f"{health_before['articles']:,} → {health_end_of_load['articles']:,}; after the last run "
        f"{health_after['articles']:,})."
    )
    if failed_runs:
        during += " **Index runs that failed or added fewer than appended:** " + "; ".join(
            f"at {r.started:.0f} s: exit {r.returncode}, added {r.added}/{r.appended} {r.error!r}" for r in failed_runs[:5]) + "."
    if appended >= settings.records and runs and runs[-1].started + runs[-1].seconds < load_seconds:
        during += (f" The {settings.records:,} records ran out {runs[-1].started + runs[-1].seconds:.0f} s into the "
                   "load: the rest of it ran without commits.")
    failures = sum(sum(r.failures.values()) for r in updating)
    checks = (
        f"Every response of the update phase was 200 ({totals.responses:,})" if not failures else
        f"**{failures} responses of the update phase were not 200**"
    )
    if not totals.outside:
        checks += (
            f", and every `total` lay between that query's total before the phase and after it (records are only "
            f"added): {totals.between:,} responses strictly between the two, while {totals.grew} of the "
            f"{len(queries)} queries match more articles after the phase than before."
        )
    else:
        checks += (f"; **{len(totals.outside)} totals outside [before, after]**: "
                   + "; ".join(totals.outside[:8]) + ".")
    if untimed_failures:
        checks += f" **Untimed requests (warm-up, totals passes) not 200:** {dict(untimed_failures)}."
    updating_part = "\n".join([
        "**While updating**: the same load while another process keeps committing to the index. " + during,
        "",
        load_table(updating),
        "",
        "Each client count against its idle figure: "
        + "; ".join(
            f"{u.clients} client{'s' if u.clients > 1 else ''}: req/s {u.per_second / i.per_second:.2f}, "
            f"p50 {u.latency_ms(50) / i.latency_ms(50):.2f}, p95 {u.latency_ms(95) / i.latency_ms(95):.2f}"
            for i, u in zip(idle, updating)
        )
        + " (updating / idle).",
        "",
        checks,
    ])
    baseline_part = "\n".join([
        (f"**HTTP overhead**: the same queries with no server, `newsearch.open_index(IDX).search(q)` (the same "
         f"defaults), one client, in a fresh process after {WARMUP} untimed queries, for {settings.seconds:g} s "
         "while the server sat idle."),
        "",
        markdown_table(
            ["", "requests", "p50 ms", "p95 ms", "p99 ms"],
            [["in-process `Index.search`", f"{baseline.requests:,}", f"{baseline.p50_ms:.1f}", f"{baseline.p95_ms:.1f}", f"{baseline.p99_ms:.1f}"],
             ["HTTP, 1 client (idle)", f"{one.requests:,}", f"{one.latency_ms(50):.1f}", f"{one.latency_ms(95):.1f}", f"{one.latency_ms(99):.1f}"],
             ["HTTP / in-process", "", f"{one.latency_ms(50) / baseline.p50_ms:.2f}", f"{one.latency_ms(95) / baseline.p95_ms:.2f}",
              f"{one.latency_ms(99) / baseline.p99_ms:.2f}"]],
        ),
    ])
    first_rss = next(iter(rss.values()))
    rss_rows = [[when, f"{value / MB:.0f}", f"{value / first_rss:.2f}"] for when, value in rss.items()]
    if peak is not None:
        rss_rows.append(["peak over the run (`VmHWM`)", f"{peak / MB:.0f}", f"{peak / first_rss:.2f}"])
    rss_part = "\n".join([
        "**Server memory**: RSS of the `newsearch serve` process (psutil).",
        "",
        markdown_table(["when", "RSS MB", "/ at start"], rss_rows),
    ])
    parts = [intro, idle_part, updating_part, baseline_part, rss_part]
    if "Traceback" in server_log or "ERROR" in server_log:
        parts.append("**The server logged errors**; the end of its log:\n\n```\n" + server_log.strip()[-1000:] + "\n```")
    return "\n\n".join(parts)


def run_http(settings: Settings) -> None:
    """The ``http`` command: Reuters from ``../shared/corpora``; writes its section."""
    from bench.corpora import reuters_corpus

    markdown = run(settings, CORPORA / "reuters.jsonl", reuters_corpus().docs)
    print(markdown)
    write_section(SECTION, TITLE, markdown)

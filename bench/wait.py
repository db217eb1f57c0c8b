"""What people wait for: the whole ``newsearch`` process, as a person at the shell runs it (#19).

The other benchmarks time warm work inside one process; a person typing ``newsearch query``
waits for the interpreter to start, the imports, the argument handling, the check that the
index is current, the search and the printing. Here each command is a fresh process, timed
from start to exit (several runs: min and median), on BBC and Reuters, for the code at
``--before`` (by default the commit this work started from, extracted with ``git archive``)
and for this checkout, side by side in the same run, each with its own copy of the corpus and
its own index. Beside them, as the floor, ``rg -c`` over the corpus files and the ``sqlite3``
shell on an FTS5 database of the same articles, for the same query. Cold runs drop the page
cache first (``/proc/sys/vm/drop_caches``, root only; skipped, and said so, where that fails).

It also checks that the results did not change: the same queries (and quote searches) run
through both versions' library in one process each, and their JSON must be identical; so
must the printed output of every timed query and quotes run.

    python -m bench wait [--runs 5] [--cold 2] [--corpus bbc] [--before REV]
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.corpora import SPEED_CORPORA, Corpus, Doc
from bench.queries import short_queries, verbose_queries
from bench.report import ROOT, markdown_table, use_shared_nltk_data, write_section

# "before": the commit this round of issue 19's work started from (main when branch speed19 was
# made again in the seventh session; the first round started at d0b4432, see docs/BENCHMARKS.md).
BEFORE = "4b174f9"


# The issue's targets (word ranking, --no-semantic), in seconds of wall time.
TARGET_QUERY_S = 0.3
TARGET_ADD_ONE_S = 1.0
# The issue's "now", measured on BBC when it was filed (from issue 19, not measured here).
ISSUE_NOW = {"query": "≈ 1.6 s", "add 1": "≈ 4.3 s"}

CASES = ("query", "quotes", "add 1", "change 1", "nothing changed")


@dataclass(frozen=True)
class Plan:
    """What is timed on one corpus: a query and a quote search typed as a person would (two
    words, the default mode), and whether its index is built with NLP."""

    query: str
    quotes: str
    nlp: bool


# BBC is indexed with NLP, as a user would; Reuters (19,043 articles) without, to keep the run
# short (its "add 1" and "change 1" still analyse the new article: `index` runs NLP by default).
PLANS = {"bbc": Plan("gadget launched", "economy", True), "reuters": Plan("oil prices", "economy", False)}


@dataclass(frozen=True)
class Settings:
    runs: int = 5
    cold: int = 2
    corpora: tuple[str, ...] = ("bbc", "reuters")
    before: str = BEFORE
    same_queries: int = 40  # per set (short, verbose) and corpus, for the identical-results check
    warmup: int = 2  # untimed runs of each case first: bytecode caches written, NLP model cache filled


@dataclass
class Version:
    """One version of newsearch: where its code is and the corpus copy and index it owns."""

    name: str
    code: Path
    corpus: Path = Path()
    index: Path = Path()
    added: int = 0

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "newsearch", *args]


@dataclass(frozen=True)
class Ran:
    """One process: wall seconds from start to exit, the CPU seconds it used (user + system,
    its children included), and what it printed on stdout."""

    wall: float
    cpu: float
    stdout: str


@dataclass
class Timings:
    warm: dict[tuple[str, str], list[float]] = field(default_factory=dict)  # (version, case) -> wall s
    cpu: dict[tuple[str, str], list[float]] = field(default_factory=dict)  # warm runs' CPU s
    cold: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    outputs: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # printed query/quotes output

    def add(self, cold: bool, version: str, case: str, ran: Ran) -> None:
        (self.cold if cold else self.warm).setdefault((version, case), []).append(ran.wall)
        if not cold:
            self.cpu.setdefault((version, case), []).append(ran.cpu)


def environment(code: Path) -> dict[str, str]:
    """The user's environment, with ``code`` first on the path and Python's bytecode cache on
    (this machine sets PYTHONDONTWRITEBYTECODE, which would compile every module every run)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(code)
    env["PYTHONPYCACHEPREFIX"] = str(ROOT / "bench" / "out" / "pycache")
    env.pop("COLUMNS", None)
    return env


def run_command(command: Sequence[str], env: dict[str, str] | None = None, ok: Sequence[int] = (0,), cwd: Path = ROOT) -> Ran:
    """Run ``command`` once in ``cwd``; fails on an unexpected exit status. A version's commands
    run in its own code's directory: ``python -m`` and ``-c`` put the working directory first on
    the path, ahead of PYTHONPATH, so from this checkout every version would run this code."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=cwd)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in ok:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr.strip()[-500:]}")
    cpu = (after.ru_utime - used.ru_utime) + (after.ru_stime - used.ru_stime)
    return Ran(seconds, cpu, done.stdout)


def drop_caches() -> bool:
    """Empty the page cache (root only); False where the machine does not let us."""
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def extract(rev: str, target: Path) -> Path:
    """The ``newsearch`` package as it was at ``rev``, unpacked under ``target``."""
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", rev, "newsearch"], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def new_article(version: Version, number: int, changed: bool) -> None:
    """Write (or rewrite, ``changed``) one article of the version's corpus with content no run
    has seen: two articles' bodies under a new title, so its NLP is not cached."""
    sources = sorted(path for path in version.corpus.rglob("*.txt") if "wait" not in path.parts)
    first, second = sources[(7 * number) % len(sources)], sources[(7 * number + 3) % len(sources)]
    body = "\n\n".join(path.read_text(encoding="utf-8", errors="replace").partition("\n")[2].strip() for path in (first, second))
    if changed:
        body += f"\n\nThe story was updated on day {number} of the week."
    path = version.corpus / "wait" / f"{number}.txt"  # alike in both versions' copies: outputs compare
    path.parent.mkdir(exist_ok=True)
    path.write_text(f"Wait bench story number {number}\n\n{body}\n", encoding="utf-8")


def case_command(version: Version, plan: Plan, case: str) -> tuple[list[str], tuple[int, ...]]:
    index = str(version.index)
    if case == "query":
        return version.command("query", plan.query, "--index", index, "--no-semantic"), (0, 1)
    if case == "quotes":
        return version.command("quotes", plan.quotes, "--index", index), (0, 1)
    return version.command("index", "--index", index), (0,)


def prepare(case: str, version: Version) -> None:
    if case == "add 1":
        version.added += 1
        new_article(version, version.added, changed=False)
    elif case == "change 1":
        new_article(version, version.added, changed=True)


def measure(plan: Plan, versions: list[Version], settings: Settings, timings: Timings) -> None:
    """Warm runs (after one untimed run of each case), versions alternating run by run; then
    cold runs of the read-only cases."""
    for _ in range(settings.warmup):
        for version in versions:
            for case in CASES:
                prepare(case, version)
                command, ok = case_command(version, plan, case)
                run_command(command, environment(version.code), ok, version.code)
    for number in range(settings.runs):
        for version in versions if number % 2 == 0 else versions[::-1]:
            for case in CASES:
                prepare(case, version)
                command, ok = case_command(version, plan, case)
                ran = run_command(command, environment(version.code), ok, version.code)
                timings.add(False, version.name, case, ran)
                if case in ("query", "quotes"):  # each version's own corpus copy named alike
                    timings.outputs.setdefault((version.name, case), set()).add(ran.stdout.replace(str(version.corpus), "CORPUS"))
    for _ in range(settings.cold):
        for version in versions:
            for case in ("query", "nothing changed"):
                command, ok = case_command(version, plan, case)
                if not drop_caches():
                    return
                timings.add(True, version.name, case, run_command(command, environment(version.code), ok, version.code))


# --------------------------------------------------------------------------- floors


def build_fts5(docs: Sequence[Doc], path: Path) -> None:
    """An FTS5 table (Porter stemming, as newsearch stems) with the articles' titles and bodies."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, tokenize='porter unicode61')")
        db.executemany("INSERT INTO docs VALUES (?, ?, ?)", [(doc.id, doc.title, doc.body) for doc in docs])
    db.close()


def floors(plan: Plan, corpus_dir: Path, database: Path) -> dict[str, tuple[list[str], tuple[int, ...]]]:
    """The floor commands that are installed: name -> (command, accepted exit statuses)."""
    words = plan.query.split()
    found: dict[str, tuple[list[str], tuple[int, ...]]] = {"`python -c pass` (the interpreter alone)": ([sys.executable, "-c", "pass"], (0,))}
    if shutil.which("rg"):
        pattern = [part for word in words for part in ("-e", word)]
        found[f"`rg -c -i -w {' '.join(pattern)}` (reads every file)"] = (["rg", "-c", "-i", "-w", *pattern, str(corpus_dir)], (0, 1))
    if shutil.which("sqlite3"):
        sql = (
            f"SELECT id, snippet(docs, 2, '[', ']', '…', 16) FROM docs WHERE docs MATCH '{' '.join(words)}' "
            "ORDER BY rank LIMIT 10"
        )
        found["`sqlite3` shell, FTS5 `MATCH` + `snippet()`, top 10"] = (["sqlite3", str(database), sql], (0,))
    return found


def measure_floors(commands: dict[str, tuple[list[str], tuple[int, ...]]], settings: Settings, timings: Timings) -> None:
    for name, (command, ok) in commands.items():
        run_command(command, ok=ok)
        for _ in range(settings.runs):
            timings.add(False, "floor", name, run_command(command, ok=ok))
        for _ in range(settings.cold):
            if not drop_caches():
                break
            timings.add(True, "floor", name, run_command(command, ok=ok))


# --------------------------------------------------------------------------- same results

_SAME_RESULTS = """
import json, sys
import newsearch
from newsearch.render import quotes_json, results_json
queries, words = json.loads(open(sys.argv[2]).read())
out = []
with newsearch.open_index(sys.argv[1]) as ix:
    for text in queries:
        out.append(results_json(ix.search(text, semantic=False)))
    for word in words:
        out.append(quotes_json(word, None, ix.quotes(word)))
print(json.dumps(out, ensure_ascii=False, sort_keys=True))
"""


def same_results(docs: Sequence[Doc], plan: Plan, versions: list[Version], workdir: Path, count: int) -> tuple[int, bool]:
    """Run the same searches through each version's library; (searches, all identical)."""
    queries = [q.text for q in short_queries(tuple(docs), count)] + [q.text for q in verbose_queries(tuple(docs), count)]
    words = [plan.quotes, "said", "government", "minister"]
    spec = workdir / "queries.json"
    spec.write_text(json.dumps([queries, words]))
    outputs = [
        run_command([sys.executable, "-c", _SAME_RESULTS, str(v.index), str(spec)], environment(v.code), cwd=v.code).stdout.replace(str(v.corpus), "CORPUS")
        for v in versions
    ]
    return len(queries) + len(words), len(set(outputs)) == 1


# --------------------------------------------------------------------------- report


def stats(values: list[float] | None) -> tuple[str, str, float | None]:
    if not values:
        return "n/a", "n/a", None
    median = statistics.median(values)
    return f"{min(values):.3f}", f"{median:.3f}", median


def corpus_section(
    corpus: str, plan: Plan, articles: int, timings: Timings, floor_names: list[str], same: tuple[int, bool], settings: Settings
) -> str:
    rows = []
    for case in CASES:
        before_min, before_median, before = stats(timings.warm.get(("before", case)))
        after_min, after_median, after = stats(timings.warm.get(("after", case)))
        ratio = f"{after / before:.2f}" if before and after else "n/a"
        _, before_cpu, _ = stats(timings.cpu.get(("before", case)))
        _, after_cpu, _ = stats(timings.cpu.get(("after", case)))
        rows.append([f"`{case}`", before_min, before_median, before_cpu, after_min, after_median, after_cpu, ratio])
    for name in floor_names:
        low, median, _ = stats(timings.warm.get(("floor", name)))
        rows.append([name, "", "", "", low, median, stats(timings.cpu.get(("floor", name)))[1], ""])
    header = ["command", "before min s", "before median s", "before CPU s", "after min s", "after median s", "after CPU s", "after / before (median)"]
    table = markdown_table(header, rows)
    cold_rows = []
    for case in ("query", "nothing changed"):
        _, before, _ = stats(timings.cold.get(("before", case)))
        _, after, _ = stats(timings.cold.get(("after", case)))
        cold_rows.append([f"`{case}`", before, after])
    for name in floor_names:
        cold_rows.append([name, "", stats(timings.cold.get(("floor", name)))[1]])
    cold = (
        markdown_table(["command", "before cold median s", "after cold median s"], cold_rows)
        if any(timings.cold.values())
        else "Cold runs: skipped (the page cache could not be dropped here)."
    )
    same_outputs = all(timings.outputs.get(("before", c)) == timings.outputs.get(("after", c)) for c in ("query", "quotes"))
    searches, identical = same
    checks = (
        f"Same results: {searches} searches ({settings.same_queries} short and {settings.same_queries} verbose "
        f"speed-bench queries, and quote searches) through each version's library give "
        f"{'identical' if identical else 'DIFFERENT'} JSON (hits, scores, passages, highlights, quotes); the printed "
        f"output of the timed `query` and `quotes` runs is {'identical' if same_outputs else 'DIFFERENT'} before and after."
    )
    return (
        f"### {corpus} ({articles:,} articles; index built {'with' if plan.nlp else 'without'} NLP)\n\n"
        f"`query` is `newsearch query \"{plan.query}\" --no-semantic`, `quotes` is `newsearch quotes {plan.quotes}`, "
        "both on a current index; `add 1` writes a new article (two articles' bodies under a new title) and runs "
        "`newsearch index` (NLP on, the default); `change 1` rewrites that article; `nothing changed` runs "
        f"`newsearch index` again. Warm: {settings.runs} runs each after {settings.warmup} untimed ones, output to a pipe; "
        "CPU s is the median of the user + system time the process used (what the wall time would be on an idle machine, "
        "less any waiting for the disk).\n\n"
        f"{table}\n\n{cold}\n\n{checks}"
    )


def issue_table(timings: dict[str, Timings]) -> str:
    bbc = timings.get("bbc")
    if bbc is None:
        return ""

    def median(kind: dict, version: str, case: str) -> float | None:
        return stats(kind.get((version, case)))[2]

    def shown(kind: dict, version: str, case: str, target: float | None = None) -> str:
        value = median(kind, version, case)
        if value is None:
            return "n/a"
        return f"{value:.2f} s" + ("" if target is None else " (met)" if value <= target else " (not met)")

    rows = []
    for case, label, target in (("query", '`newsearch query "gadget launched"` (index current)', TARGET_QUERY_S),
                                ("add 1", "`newsearch index` after adding one article (NLP on)", TARGET_ADD_ONE_S)):
        rows.append([label, ISSUE_NOW[case], f"≤ {target} s", shown(bbc.warm, "before", case), shown(bbc.warm, "after", case, target),
                     shown(bbc.cpu, "before", case), shown(bbc.cpu, "after", case, target)])
    return (
        "Issue 19's table (BBC, medians; \"now\" as filed, measured elsewhere, in the issue; \"before\" and \"after\" "
        "measured side by side in this run, wall time and the CPU time the process used):\n\n"
        + markdown_table(["what a person waits for", "now (issue)", "target", "before wall", "after wall", "before CPU", "after CPU"], rows)
    )


def run(settings: Settings, corpora: Sequence[tuple[Corpus, Plan]]) -> str:
    """Measure every corpus with both versions; the section's markdown."""
    use_shared_nltk_data()
    timings: dict[str, Timings] = {}
    sections = []
    with tempfile.TemporaryDirectory(prefix="newsearch-wait-") as tmp:
        workdir = Path(tmp)
        versions = [Version("before", extract(settings.before, workdir / "before-code")), Version("after", ROOT)]
        for source, plan in corpora:
            for version in versions:
                version.corpus = workdir / version.name / source.name / "corpus"
                version.index = workdir / version.name / source.name / "index"
                version.added = 0
                shutil.copytree(source.directory, version.corpus)
                nlp = "--nlp" if plan.nlp else "--no-nlp"
                run_command(
                    version.command("index", "--corpus", str(version.corpus), "--index", str(version.index), nlp, "-q"),
                    environment(version.code),
                    cwd=version.code,
                )
            database = workdir / f"{source.name}.fts5.db"
            build_fts5(source.docs, database)
            corpus_timings = timings[source.name] = Timings()
            measure(plan, versions, settings, corpus_timings)
            floor_commands = floors(plan, source.directory, database)
            measure_floors(floor_commands, settings, corpus_timings)
            same = same_results(source.docs, plan, versions, workdir, settings.same_queries)
            sections.append(
                corpus_section(source.name, plan, len(source.files), corpus_timings, list(floor_commands), same, settings)
            )
    missing = [name for name in ("rg", "sqlite3") if not shutil.which(name)]
    return "\n\n".join(
        [
            "Each command is a fresh process timed from start to exit, as a person at the shell waits for it: "
            f"*before* is the code at `{settings.before}` (where this round of issue 19's work started), *after* this "
            "checkout; both run side by side in this run, alternating, each on its own copy of the corpus and its own "
            "index, with Python's bytecode cache on. The machine is shared (2 cores, other jobs running): compare "
            "within the run. Floors: the interpreter alone, `rg` reading every article file, and the `sqlite3` shell "
            "answering the same query from an FTS5 table of the same articles."
            + (f" Not installed here, so left out: {', '.join(missing)}." if missing else ""),
            issue_table(timings),
            *sections,
        ]
    )


def run_wait(settings: Settings) -> str:
    """``python -m bench wait``: BBC and Reuters (or ``settings.corpora``), into docs/BENCHMARKS.md
    (a section per set of corpora, so that corpora measured in separate runs keep theirs)."""
    body = run(settings, [(SPEED_CORPORA[name](), PLANS[name]) for name in settings.corpora])
    names = ", ".join(settings.corpora)
    write_section(f"wait-{'-'.join(settings.corpora)}", f"What people wait for: the whole process ({names}; #19)", body)
    return body

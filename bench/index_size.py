"""What an index's bytes are, against its corpus and FTS5, and how it grows under churn.

"The index" is everything newsearch keeps in the index directory: the Whoosh segments, the
state (``state.sqlite3``: the manifest and the story state, which an update needs and which
is rebuilt from the segments if lost) and the small files beside them. The NLP and embedding
cache (``nlp-cache.sqlite3``) is listed apart: it is a cache of slow results by content hash,
which may be deleted at any time and is not written when NLP is off, as here. Builds are
without NLP and without embeddings (as ``bench speed``), so quotes and entities add nothing.

Churn: a copy of the corpus is indexed, then every article is changed once (a line appended),
in ``runs`` incremental updates of an equal share each; the index is then measured against
its fresh size. "add 1" is the time inside ``index_corpus`` to add one new article, on the
fresh index and again after the churn (the median of 5 each).
"""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

import newsearch
from bench.corpora import Corpus, bbc_corpus, reuters_corpus, time_corpus
from bench.engines import make_engine
from bench.report import markdown_table, write_section

CORPORA = {"bbc": bbc_corpus, "time": time_corpus, "reuters": reuters_corpus}
ADD_ONE_RUNS = 5

# The parts of an index, in the order they are listed; a Whoosh segment's sub-files by extension.
PARTS = {
    "pst": "Whoosh postings (positions of title, body, names; ids)",
    "trm": "Whoosh term index (with postings of words in under 8 articles)",
    "stored": "Whoosh stored fields (body, title, sentences, file identity, analysis)",
    "columns": "Whoosh columns (story, date, source, field lengths)",
    "files": "state: manifest (`files`)",
    "articles": "state: story rows (`articles`: story, LSH band hashes)",
    "state-other": "state: indexes and metadata",
    "other": "TOC, newsearch.json, locks",
}


def breakdown(index_dir: Path) -> Counter[str]:
    """The bytes of each part of the index in ``index_dir`` (see ``PARTS``), and the cache's."""
    from whoosh.filedb.compound import CompoundStorage
    from whoosh.filedb.filestore import FileStorage

    parts: Counter[str] = Counter()
    storage = FileStorage(str(index_dir))
    for path in sorted(index_dir.iterdir()):
        if path.suffix == ".seg":
            compound = CompoundStorage(storage.open_file(path.name))
            for name, info in compound._dir.items():
                ext = name.split(".", 1)[1]
                part = "stored" if ext == "_stored.col" else "columns" if ext.endswith(".col") else ext
                parts[part] += info["length"]
            parts["other"] += path.stat().st_size - sum(info["length"] for info in compound._dir.values())
            compound.close()
        elif path.name == "state.sqlite3":
            parts.update(_state_tables(path))
        elif path.name == "nlp-cache.sqlite3":
            parts["cache"] += path.stat().st_size
        elif path.is_file():
            parts["other"] += path.stat().st_size
    return parts


def _state_tables(path: Path) -> Counter[str]:
    parts: Counter[str] = Counter()
    with sqlite3.connect(path) as connection:
        for name, size in connection.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
            parts[name if name in ("files", "articles") else "state-other"] += size
    return parts


def measure_sizes(corpus: Corpus) -> tuple[Counter[str], int]:
    """The breakdown of newsearch's index of ``corpus`` (built as ``bench speed`` builds it) and
    the size of FTS5's (with its content)."""
    with tempfile.TemporaryDirectory(prefix="bench-size-") as tmp:
        engine = make_engine("newsearch", Path(tmp))
        engine.build(corpus)
        engine.close()
        parts = breakdown(engine.index_dir)
        fts5 = make_engine("fts5", Path(tmp) / "fts5")
        fts5.build(corpus)
        fts5_bytes = fts5.index_bytes()
        fts5.close()
    return parts, fts5_bytes


def measure_churn(corpus: Corpus, runs: int) -> dict[str, float]:
    """Index a copy of ``corpus``, change every article once in ``runs`` updates; sizes and times."""
    with tempfile.TemporaryDirectory(prefix="bench-churn-") as tmp:
        source = Path(tmp) / "corpus"
        shutil.copytree(corpus.directory, source)
        index = Path(tmp) / "index"
        newsearch.index_corpus(source, index, analyse=False)
        fresh = _bytes(index)
        add_fresh = _add_one(source, index, "fresh")
        files = sorted(source.rglob("*.txt"))
        seconds = []
        for run in range(runs):
            for path in files[run::runs]:
                with path.open("a", encoding="utf-8") as handle:
                    handle.write("\nThis article was updated.\n")
            started = time.perf_counter()
            newsearch.index_corpus(source, index, analyse=False)
            seconds.append(time.perf_counter() - started)
        churned = _bytes(index)
        add_churned = _add_one(source, index, "churned")
    return {
        "fresh": fresh,
        "churned": churned,
        "update_median": statistics.median(seconds),
        "update_max": max(seconds),
        "add_fresh": add_fresh,
        "add_churned": add_churned,
    }


def _add_one(corpus: Path, index: Path, tag: str) -> float:
    seconds = []
    for number in range(ADD_ONE_RUNS):
        (corpus / f"added-{tag}-{number}.txt").write_text(
            f"Added article {number}\n\nA new article about the harbour, written for the benchmark.\n",
            encoding="utf-8",
        )
        started = time.perf_counter()
        newsearch.index_corpus(corpus, index, analyse=False)
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def _bytes(index: Path) -> int:
    return sum(path.stat().st_size for path in index.iterdir() if path.is_file() and path.name != "nlp-cache.sqlite3")


def run_index_size(corpora: list[str], churn_runs: int) -> str:
    """The ``python -m bench size`` command: measure, print, write the section."""
    sections = []
    rows = []
    for name in corpora:
        corpus = CORPORA[name]()
        parts, fts5 = measure_sizes(corpus)
        total = sum(size for part, size in parts.items() if part != "cache")
        size = corpus.size_bytes
        rows.append([name, f"{size / 2**20:.1f}", f"{total / 2**20:.1f}", f"{total / size:.2f}", f"{fts5 / size:.2f}", f"{total / fts5:.2f}"])
        table = [[PARTS[part], f"{parts[part] / 2**20:.2f}", f"{parts[part] / size:.2f}"] for part in PARTS if parts[part]]
        sections.append(f"**{name}**, by part:\n\n" + markdown_table(["part", "MB", "/ corpus"], table))
    text = (
        __doc__.split("\n\n", 1)[1].strip()
        + "\n\n"
        + markdown_table(["corpus", "corpus MB", "index MB", "index / corpus", "FTS5 / corpus", "newsearch / FTS5"], rows)
        + "\n\n"
        + "\n\n".join(sections)
    )
    if churn_runs:
        churn = measure_churn(bbc_corpus(), churn_runs)
        text += "\n\n" + f"**Churn** (bbc, every article changed once in {churn_runs} updates):\n\n" + markdown_table(
            ["fresh MB", "after churn MB", "after / fresh", "update s (median, max)", "add 1 s, fresh", "add 1 s, after churn"],
            [[
                f"{churn['fresh'] / 2**20:.1f}",
                f"{churn['churned'] / 2**20:.1f}",
                f"{churn['churned'] / churn['fresh']:.2f}",
                f"{churn['update_median']:.2f}, {churn['update_max']:.2f}",
                f"{churn['add_fresh']:.3f}",
                f"{churn['add_churned']:.3f}",
            ]],
        )
    print(text)
    write_section("index-size", "Index size", text)
    return text

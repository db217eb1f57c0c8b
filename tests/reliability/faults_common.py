"""What the fault tests share: trial counts and seeds, a small news corpus in two versions, an
indexer to kill, and a snapshot of everything a user can read from an index.

Trials are randomised from a seed that each test prints (pytest shows it when a test fails).
CI runs a fixed seed and a few trials; ``NEWSEARCH_FAULT_TRIALS=N`` runs N trials of each
randomised attack and ``NEWSEARCH_FAULT_SEED=S`` another seed (``random``: a fresh one):

    NEWSEARCH_FAULT_TRIALS=50 NEWSEARCH_FAULT_SEED=random uv run pytest tests/reliability/test_faults_kill.py
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import newsearch
from tests.test_crash_safety import all_exit, children_of

SEED = 21  # CI's seed: the same kill points every run


def trials(default: int) -> int:
    """How many trials a randomised attack runs: ``default``, or ``$NEWSEARCH_FAULT_TRIALS``."""
    return int(os.environ.get("NEWSEARCH_FAULT_TRIALS") or default)


def seeded(attack: str) -> random.Random:
    """The random source of one attack, its seed printed (``$NEWSEARCH_FAULT_SEED`` or ``SEED``)."""
    chosen = os.environ.get("NEWSEARCH_FAULT_SEED") or str(SEED)
    seed = random.SystemRandom().randrange(10**6) if chosen == "random" else int(chosen)
    print(f"{attack}: seed {seed} (rerun with NEWSEARCH_FAULT_SEED={seed})")
    return random.Random(f"{attack}:{seed}")


# --------------------------------------------------------------------------- the corpus

SPEAKERS = ("Ann Lee", "Omar Haddad", "Mei Chen", "Tom Berg")
WORDS = (
    "council harbour ferry budget storm school hospital road bridge market river police court election "
    "museum factory strike farmers drought flood railway airport tax housing energy water festival "
    "library union prices wages tourism fishing port trade border health vaccine teachers students "
    "minister mayor village city coast island mountain forest wind solar coal steel bank loan shares"
).split()


def article(i: int, edition: int = 1) -> str:
    """Article ``i``: its own mix of words (articles are no near-duplicates of each other), a quote."""
    words = random.Random(i).choices(WORDS, k=80)
    speaker = SPEAKERS[i % len(SPEAKERS)]
    return (
        f"Report {i}: {' '.join(words[:4])}\n\n"
        f"{' '.join(words[:40])} pier{i} cost {i * 3 + edition} million.\n\n"
        f"\"We will rebuild the harbour for every family in district{i},\" said {speaker}. "
        f"{' '.join(words[40:])} edition {edition}.\n"
    )


def write_version(corpus: Path, version: int) -> dict[str, str]:
    """Write version 1 (50 articles and copies of 5 of them: stories of two versions) or 2 of
    the corpus (20 added, 10 edited, 8 deleted, 5 more copies); return ``{id: text}`` of what
    it holds."""
    corpus.mkdir(parents=True, exist_ok=True)
    files = {f"{i:03d}.txt": article(i) for i in range(50)}
    for i in range(0, 20, 4):
        files[f"copy-{i:03d}.txt"] = article(i)
    if version == 2:
        for i in range(50, 70):
            files[f"{i:03d}.txt"] = article(i)
        for i in range(20, 30):
            files[f"{i:03d}.txt"] = article(i, edition=2)
        for i in range(40, 48):
            del files[f"{i:03d}.txt"]
        for i in range(1, 20, 4):
            files[f"copy-{i:03d}.txt"] = article(i)
    for old in corpus.glob("*.txt"):
        if old.name not in files:
            old.unlink()
    for name, text in files.items():
        path = corpus / name
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
    return files


# --------------------------------------------------------------------------- what a user sees


@dataclass(frozen=True)
class Snapshot:
    """What the index answers: its articles (with duplicates, if any), stories as groups of
    article ids, every article's quotes, and a few searches."""

    ids: tuple[str, ...]
    stories: frozenset[frozenset[str]]
    quotes: tuple[tuple[str, tuple], ...]
    totals: tuple[int, ...]


QUERIES = ("harbour", '"rebuild the harbour"', "speaker:lee", "pier5", "edition")


def snapshot(index: Path) -> Snapshot:
    with newsearch.open_index(index) as ix:
        hits = ix.search("harbour", limit=500, collapse=False, passages=0, feedback=False).hits
        ids = tuple(sorted(hit.id for hit in hits))
        stories = frozenset(frozenset(v.id for v in story.versions) for story in ix.stories())
        quotes = tuple((key, ix.article(key).quotes) for key in sorted(set(ids)))
        totals = tuple(ix.search(q, limit=1).total for q in QUERIES)
    return Snapshot(ids, stories, quotes, totals)


# --------------------------------------------------------------------------- an indexer to kill

INDEXER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from newsearch.indexer import update_index
    update_index(Path(sys.argv[1]), Path(sys.argv[2]), batch_size=int(sys.argv[3]), full=sys.argv[4] == "full")
    """
)


def run_indexer(corpus: Path, index: Path, batch_size: int, full: bool = False) -> subprocess.Popen:
    """Index ``corpus`` in a process of its own, committing every ``batch_size`` articles."""
    arguments = [sys.executable, "-c", INDEXER, str(corpus), str(index), str(batch_size), "full" if full else "update"]
    return subprocess.Popen(arguments, stderr=subprocess.PIPE)


def kill_after(process: subprocess.Popen, index: Path, commits: int, seconds: float) -> bool:
    """SIGKILL ``process`` ``seconds`` after it has made ``commits`` commits to ``index`` (True),
    unless it ended first (False); either way, wait until the workers it started have exited."""
    first = committed_generation(index)
    workers: set[int] = set()
    deadline = None
    polls = 0
    while process.poll() is None and (deadline is None or time.monotonic() < deadline):
        if deadline is None and committed_generation(index) >= first + commits:
            deadline = time.monotonic() + seconds
        if polls % 10 == 0:  # (reading /proc is the dearer part)
            workers |= children_of(process.pid)
        polls += 1
        time.sleep(0.01)
    killed = process.poll() is None
    if killed:
        workers |= children_of(process.pid)
        process.send_signal(signal.SIGKILL)
    process.wait()
    assert all_exit(workers), "the killed indexer's worker processes were left running"
    return killed


def committed_generation(index: Path) -> int:
    """The newest Whoosh generation committed in ``index`` (-1: none)."""
    names = (re.fullmatch(r"_MAIN_(\d+)\.toc", path.name) for path in index.glob("_MAIN_*.toc"))
    return max((int(match[1]) for match in names if match), default=-1)

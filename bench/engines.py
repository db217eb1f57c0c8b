"""The one interface every benchmarked engine implements, and the registry of engines.

An engine is built once over a corpus, then queried many times. ``search`` ranks only (for
relevance); ``search_with_snippets`` also produces what a results page shows under each hit
(for latency and passage quality), because that work is part of answering a query.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bench.corpora import Corpus
from bench.queries import Mode


@dataclass(frozen=True, slots=True)
class Ranked:
    """One ranked document."""

    id: str
    score: float


@dataclass(frozen=True, slots=True)
class Excerpt:
    """A passage or snippet shown under a hit, as plain text, and the words it marks as matches.

    Engines mark matches differently (newsearch: offsets; FTS5: ``[...]``; Whoosh: ``<strong>``);
    each adapter turns its own form into this, so passage quality is measured the same way.
    """

    text: str
    marked: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ShownHit:
    """A ranked document with the excerpts a results page would show for it."""

    id: str
    score: float
    excerpts: tuple[Excerpt, ...]


# A query and the excerpts shown for its top hit (empty if it had no hit).
TopExcerpts = tuple[str, tuple[Excerpt, ...]]


class Engine(Protocol):
    """An engine under test. ``workdir`` (given to the constructor) holds its index files."""

    name: str

    def build(self, corpus: Corpus) -> None:
        """Index every article of ``corpus``; the benchmark times this call."""

    def search(self, query: str, k: int, mode: Mode = "any") -> list[Ranked]:
        """The top ``k`` articles for ``query``; ``mode`` "any" ORs the terms, "all" ANDs them."""

    def search_with_snippets(self, query: str, k: int, mode: Mode = "any") -> list[ShownHit]:
        """As ``search``, plus each hit's passages or snippets (timed in speed runs)."""

    def index_bytes(self) -> int | None:
        """Size of the index on disk, or ``None`` for an engine that keeps it in memory."""

    def close(self) -> None:
        """Release open files; the index stays on disk."""


def tie_break(ranked: Iterable[Ranked]) -> list[Ranked]:
    """Sort by (-score, id), as pyserini's ``tie_breaker``, so equal scores rank the same way
    in every run and every evaluator."""
    return sorted(ranked, key=lambda r: (-r.score, r.id))


# name -> (module, class). Imported on use: an engine process loads only its own engine's
# packages (so they do not count in another's RSS), and a missing optional package such as
# rank_bm25 only disables the engine that needs it.
ENGINES = {
    "newsearch": ("bench.newsearch_engine", "NewsearchEngine"),
    "newsearch-semantic": ("bench.newsearch_engine", "SemanticNewsearchEngine"),
    "fts5": ("bench.baselines", "Fts5Engine"),
    "whoosh": ("bench.baselines", "WhooshEngine"),
    "bm25": ("bench.bm25_engine", "Bm25Engine"),
}
ENGINE_NAMES = tuple(ENGINES)
BASELINES = tuple(name for name in ENGINE_NAMES if not name.startswith("newsearch"))


def make_engine(name: str, workdir: Path) -> Engine:
    module, cls = ENGINES[name]
    workdir.mkdir(parents=True, exist_ok=True)
    return getattr(importlib.import_module(module), cls)(workdir)


def directory_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())

"""Shared by the hostile-input tests (issue #21): hypothesis settings, and the one small index
most of them attack.

Hypothesis runs derandomized (the same examples every run: CI never flakes) with no deadlines
and modest example counts. ``NEWSEARCH_HYPOTHESIS_LONG=1`` runs 50 times as many examples, from
a random seed (printed by hypothesis on a failure, with the example to reproduce it):

    NEWSEARCH_HYPOTHESIS_LONG=1 uv run pytest tests/reliability -k properties
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, settings

import newsearch

LONG = os.environ.get("NEWSEARCH_HYPOTHESIS_LONG") == "1"


def hostile_settings(examples: int) -> settings:
    """``examples`` fixed examples in CI; 50 times as many, randomised, in a long run."""
    return settings(
        max_examples=examples * 50 if LONG else examples,
        derandomize=not LONG,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
    )


ARTICLES = {
    "aleppo.txt": "Ceasefire in Aleppo\n\nThe regime of silence began in Aleppo on Monday, officials said.\n\n"
    '"We will hold the line," said Sergei Lavrov in Geneva.\n',
    "harbour.txt": "Harbour reopens\n\nThe harbour of Tartus reopened on Monday after talks in Geneva.\n",
    "markets.txt": "Markets rally\n\nShares rose in London and New York as oil prices fell.\n",
}


def build_index(root: Path, articles: dict[str, str] = ARTICLES, analyse: bool = False) -> Path:
    """Index ``articles`` below ``root``; the index's path."""
    corpus = root / "corpus"
    for name, text in articles.items():
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_text(text, encoding="utf-8")
    newsearch.index_corpus(corpus, root / "index", analyse=analyse)
    return root / "index"


@contextmanager
def no_hang(seconds: int = 60) -> Iterator[None]:
    """Fail (instead of hanging CI) if the block takes longer than ``seconds``: for attacks whose
    failure mode is blocking forever (a FIFO, a symbolic-link loop)."""

    def expire(signum, frame):
        raise AssertionError(f"still running after {seconds} s: it hangs")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)

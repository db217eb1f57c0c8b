"""Keep an index current while article files arrive: watch the corpus, update in batches.

File-system events are debounced (a burst of files arriving together becomes one update),
and each update is an ordinary incremental ``update_index`` — so what it does, and its
crash safety, are exactly those of ``newsearch index`` — but for embedding (semantic
indexes): an update commits the words only, and articles are embedded while no files arrive,
a few at a time (``embed_articles``), so that new articles are searchable without waiting
for the model.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import watchfiles

from .indexer import embed_articles, update_index
from .models import IndexLocked, MassRemoval, UpdateSummary
from .sources.metadata_table import TABLE_NAMES
from .sources.scan import kind_of

DEBOUNCE_MS = 1000
# Files that arrive while the first update runs, before watching starts, send no event: the
# first quiet interval this long after watching starts runs one more update to catch them.
CATCH_UP_MS = 1000
# Idle time is spent embedding IDLE_SLICE articles at a time (a second or so of the model's
# work), for up to IDLE_EMBED_SECONDS before files that arrived meanwhile are looked at.
IDLE_SLICE = 4
IDLE_EMBED_SECONDS = 5.0
EMBEDDED_NOTE = "{} articles embedded in idle time: every article is, searches rank by meaning"


def _is_corpus_event(change: watchfiles.Change, path: str) -> bool:
    """A change to what a corpus is read from: an article file, a dump, a metadata table (or a
    deletion, which may be a whole folder of them)."""
    name = Path(path).name
    if name.startswith("."):
        return False
    return kind_of(name) is not None or name in TABLE_NAMES or change == watchfiles.Change.deleted


def watch_corpus(
    corpus: Path,
    index_dir: Path,
    on_update: Callable[[UpdateSummary], None],
    *,
    stop: threading.Event | None = None,
    debounce_ms: int = DEBOUNCE_MS,
    with_nlp: bool = True,
    force_polling: bool | None = None,
) -> None:
    """Update the index now, then after every burst of changes until ``stop`` is set.

    ``on_update`` receives each run's summary (the first one even when nothing changed, later
    ones only when something did), and one more when idle-time embedding has embedded every
    article (``UpdateSummary.embedded``, with a note). When another process holds the index,
    the update is retried at the next quiet interval (``CATCH_UP_MS``) or burst, whichever
    comes first.
    """
    on_update(_update(corpus, index_dir, with_nlp))
    caught_up, to_embed, embedded = False, True, 0
    # A corpus that is one dump is watched through its folder, so that a dump replaced by a
    # rename (as editors and exporters write files) is still seen.
    watched, wanted = (corpus.parent, _is_this(corpus)) if corpus.is_file() else (corpus, _is_corpus_event)
    for changes in watchfiles.watch(
        watched,
        watch_filter=wanted,
        debounce=debounce_ms,
        stop_event=stop,
        force_polling=force_polling,
        raise_interrupt=False,
        rust_timeout=CATCH_UP_MS,
        yield_on_timeout=True,
    ):
        if not changes and to_embed:
            done, to_embed = _embed_while_idle(index_dir, stop)
            embedded += done
            if embedded and not to_embed:
                on_update(UpdateSummary(embedded=embedded, notes=(EMBEDDED_NOTE.format(embedded),)))
                embedded = 0
        if not changes and caught_up:
            continue
        try:
            summary = _update(corpus, index_dir, with_nlp)
        except IndexLocked:
            # Another process writes the index: try again at the next quiet interval, not only
            # at the next burst (there may be none: the files that came would wait for it).
            caught_up = False
            continue
        if changes or summary.changed:
            on_update(summary)
        caught_up, to_embed = True, to_embed or summary.changed


def _is_this(dump: Path) -> Callable[[watchfiles.Change, str], bool]:
    resolved = dump.resolve()
    return lambda change, path: Path(path).resolve() == resolved


def _embed_while_idle(index_dir: Path, stop: threading.Event | None) -> tuple[int, bool]:
    """Embed articles for up to ``IDLE_EMBED_SECONDS`` (stopping early when ``stop`` is set):
    how many were, and whether some are left (or another process holds the index: try again
    later)."""
    deadline, embedded = time.monotonic() + IDLE_EMBED_SECONDS, 0
    while time.monotonic() < deadline and not (stop is not None and stop.is_set()):
        try:
            done, left = embed_articles(index_dir, limit=IDLE_SLICE, lock_timeout=0)
        except IndexLocked:
            return embedded, True
        embedded += done
        if not left:
            return embedded, False
    return embedded, True


def _update(corpus: Path, index_dir: Path, with_nlp: bool) -> UpdateSummary:
    """One incremental update, of the words only (articles are embedded in idle time); one
    that would remove most of the index is not made (nobody is there to confirm it): its
    summary says so in a note, and the next burst tries again."""
    try:
        return update_index(corpus, index_dir, with_nlp=with_nlp, embed=False)
    except MassRemoval as refused:
        return UpdateSummary(notes=(str(refused),))

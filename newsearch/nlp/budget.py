"""The NLP stage's budget for one article (issue #21): an article that would take
pathological time is analysed partially, or not at all, with the reason, and the run goes on.

Quote and entity extraction are rules over sentences and paragraphs; some of them take time
quadratic in a paragraph's length (every quote of a paragraph looks at the others; the entity
grammar backtracks over a run of capitalised words), which is harmless in prose and minutes for
a 500 KB table pasted into one article. So:

- at most ``MAX_CHARS`` of a body and ``MAX_TITLE_CHARS`` of a title are analysed;
- a paragraph longer than ``MAX_PARAGRAPH_CHARS`` (no prose paragraph is: a table, a data dump,
  a text without line breaks) is left out, blanked so that offsets into the body stay right;
- and the analysis stops after ``SECONDS`` of CPU time (the article is then indexed without
  quotes and entities). CPU time, not wall-clock time: on a loaded machine an article must not
  lose its quotes for waiting its turn. The clock needs ``SIGVTALRM``: it runs in the main
  thread of a process that has no such timer of its own (the indexer's worker processes, the
  CLI), not in other threads.

Each cut is a note on the analysis, reported as a warning on the article (``newsearch index``
lists them). Figures: docs/RELIABILITY.md, "Hostile input".
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from .sentences import paragraph_spans

MAX_CHARS = 200_000
MAX_PARAGRAPH_CHARS = 50_000  # the longest paragraph in ../shared/corpora is 30,549 (TIME 163.txt: 0.1 s)
MAX_TITLE_CHARS = 1_000
SECONDS = 10.0


class OverBudget(Exception):
    """The analysis of one article ran out of time."""


def within_budget(title: str, body: str) -> tuple[str, str, tuple[str, ...]]:
    """(title, body, notes): what of an article is analysed, and what was left out and why.
    The body keeps its length up to the cut, so quote offsets stay offsets into the article."""
    notes: list[str] = []
    if len(title) > MAX_TITLE_CHARS:
        notes.append(f"title of {len(title):,} characters: its first {MAX_TITLE_CHARS:,} analysed")
        title = title[:MAX_TITLE_CHARS]
    if len(body) > MAX_CHARS:
        notes.append(f"body of {len(body):,} characters: quotes and entities of its first {MAX_CHARS:,} only")
        body = body[:MAX_CHARS]
    long = [span for span in paragraph_spans(body) if span.end - span.start > MAX_PARAGRAPH_CHARS]
    if long:
        for span in reversed(long):
            body = body[: span.start] + " " * (span.end - span.start) + body[span.end :]
        notes.append(
            f"{len(long)} paragraph(s) over {MAX_PARAGRAPH_CHARS:,} characters (a table or data?) left out of quotes and entities"
        )
    return title, body, tuple(notes)


@contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    """Raise ``OverBudget`` in the block after ``seconds`` (default ``SECONDS``) of CPU time,
    where the timer can be used (the main thread, with no such timer or handler of the
    application's own); elsewhere, no limit."""
    seconds = SECONDS if seconds is None else seconds
    usable = (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGVTALRM) in (signal.SIG_DFL, None)
        and signal.getitimer(signal.ITIMER_VIRTUAL) == (0.0, 0.0)
    )
    if not usable:
        yield
        return

    def expire(signum, frame) -> None:
        raise OverBudget

    signal.signal(signal.SIGVTALRM, expire)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, signal.SIG_DFL)

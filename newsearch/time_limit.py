"""The time limit of one search: a deadline the search's stages check as they go.

A search is bounded in size before it starts (``query_bounds``: characters, nesting, wildcard
expansions); the time limit bounds what is left — a long OR of common words over a big index,
say. The deadline is held in a context variable, so that the stages of a search (Whoosh's
collector, scoring segment by segment, feedback, passages hit by hit, facets) check it
without passing it along; nested limits keep the earlier deadline (a server's budget around an
``Index`` call with its own limit). A search past its deadline stops at the next check with
``QueryTooSlow``: checks are a clock read, placed so that the work between two of them is small.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from .models import QueryTooSlow

CHECK_EVERY = 256  # matches collected between two reads of the clock
DEFAULT_SECONDS = 30.0  # ``Index.search``/``quotes`` and the CLI's ``--time-limit``, unless told otherwise

# (deadline on the monotonic clock, the limit in seconds it came from), or None: no limit
_deadline: ContextVar[tuple[float, float] | None] = ContextVar("newsearch_search_deadline", default=None)


@contextmanager
def limited(seconds: float | None) -> Iterator[None]:
    """Run the block with a deadline ``seconds`` from now (None: no new limit), or the one
    already set if that comes sooner."""
    if seconds is None:
        yield
        return
    if seconds <= 0:
        raise ValueError(f"a time limit must be more than 0 seconds, not {seconds:g}")
    ours = (time.monotonic() + seconds, seconds)
    outer = _deadline.get()
    token = _deadline.set(ours if outer is None or ours[0] < outer[0] else outer)
    try:
        yield
    finally:
        _deadline.reset(token)


def check() -> None:
    """Raise ``QueryTooSlow`` when the deadline has passed."""
    current = _deadline.get()
    if current is not None and time.monotonic() > current[0]:
        raise _too_slow(current[1])


def search_all(searcher, query):
    """``searcher.search(query, limit=None)`` (every match, scored), stopped at the deadline:
    the collector reads the clock every ``CHECK_EVERY`` matches (no timer thread: Whoosh's
    ``TimeLimitCollector`` starts one per search, a tenth of a short query's time)."""
    current = _deadline.get()
    if current is None:
        return searcher.search(query, limit=None)
    from whoosh.collectors import WrappingCollector

    class DeadlineCollector(WrappingCollector):
        def collect_matches(self) -> None:
            child = self.child
            for count, sub_docnum in enumerate(child.matches()):
                if not count % CHECK_EVERY and time.monotonic() > current[0]:
                    raise _too_slow(current[1])
                child.collect(sub_docnum)

    check()
    collector = DeadlineCollector(searcher.collector(limit=None))
    searcher.search_with_collector(query, collector)
    return collector.results()


def _too_slow(seconds: float) -> QueryTooSlow:
    return QueryTooSlow(
        f"the search took more than {seconds:g} s and was stopped; narrow the query "
        "(fewer or rarer words, fewer wildcards) or give it more time (--time-limit)"
    )

"""Passage quality: do the excerpts shown for the top hit contain what the reader asked for?

Measured on 2–3 word AND queries, where every query word is in the top hit by construction,
so a good excerpt can show them all. Words are compared by their Porter stems.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bench.engines import Excerpt, TopExcerpts
from bench.stemming import stem_words


@dataclass(frozen=True, slots=True)
class PassageQuality:
    """Shares in [0, 1], over queries that had a top hit with at least one excerpt.

    ``first_has_all``: the first excerpt of the top hit contains every query word.
    ``excerpts_with_all``: of all excerpts shown for the top hit, the share containing every
    query word. ``marked_precision``: of the words marked as matches, the share that are query
    words (catches highlights at wrong offsets); ``None`` if nothing was marked.
    """

    queries: int
    first_has_all: float
    excerpts_with_all: float
    marked_precision: float | None


def contains_all(excerpt: Excerpt, terms: set[str]) -> bool:
    return terms <= set(stem_words(excerpt.text))


def is_query_word(word: str, terms: set[str]) -> bool:
    stems = set(stem_words(word))
    return bool(stems) and stems <= terms


def marked_hits(excerpts: Iterable[Excerpt], terms: set[str]) -> tuple[int, int]:
    """(marked words that are query words, marked words)."""
    marked = [word for excerpt in excerpts for word in excerpt.marked]
    return sum(is_query_word(word, terms) for word in marked), len(marked)


def passage_quality(shown: Iterable[TopExcerpts]) -> PassageQuality | None:
    """Quality over the queries' top-hit excerpts; ``None`` if there were none (bm25)."""
    firsts, shares, good, marked = [], [], 0, 0
    for query, excerpts in shown:
        if not excerpts:
            continue
        terms = set(stem_words(query))
        with_all = [contains_all(e, terms) for e in excerpts]
        firsts.append(with_all[0])
        shares.append(sum(with_all) / len(with_all))
        query_good, query_marked = marked_hits(excerpts, terms)
        good, marked = good + query_good, marked + query_marked
    if not firsts:
        return None
    return PassageQuality(
        queries=len(firsts),
        first_has_all=sum(firsts) / len(firsts),
        excerpts_with_all=sum(shares) / len(shares),
        marked_precision=good / marked if marked else None,
    )

"""Choose the best passages of a text for a query, with every match marked.

Small swappable parts, as in ``whoosh.highlight``:

- ``mark(text, patterns)`` finds the matches, as spans, with the analysis title, body and
  quotes are indexed with (``text.news_words``, so stemming agrees with search) and
  phrase-aware (a phrase is marked only where it occurs);
- a *fragmenter* cuts candidate windows: ``sentence_windows`` (1–3 sentences) is the default;
  the sentence spans come from the index (split once, at index time), so no NLP model is
  needed to answer a query;
- a *scorer* rates a window: ``density_score`` (distinct terms, then match density);
- an *order* sorts the chosen passages: ``by_score`` or ``by_position``.

``choose_passages`` runs the pipeline. Everything works on offsets; formatting happens later,
in ``render``.
"""

from __future__ import annotations

import fnmatch
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from .models import Passage, Span
from .text import news_words

MAX_WINDOW_CHARS = 420
MAX_SENTENCES = 3

# --------------------------------------------------------------------------- what to mark


@dataclass(frozen=True, slots=True)
class WordPattern:
    """One word of a query, in analysed (stemmed, lower-cased) form."""

    text: str
    kind: Literal["term", "prefix", "wildcard"] = "term"

    def matches(self, token: str) -> bool:
        if self.kind == "term":
            return token == self.text
        if self.kind == "prefix":
            return token.startswith(self.text)
        return fnmatch.fnmatchcase(token, self.text)


@dataclass(frozen=True, slots=True)
class MatchPattern:
    """A word, or a phrase of words that must occur in order within ``slop`` positions.

    ``weight`` says how much finding it is worth (search sets it to the term's idf, so a
    passage with "silence" beats one with only "of").
    """

    words: tuple[WordPattern, ...]
    slop: int = 1
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Match:
    """A marked word, which pattern it belongs to (for counting distinct terms) and its weight."""

    span: Span
    pattern: int
    weight: float = 1.0


Word = tuple[str, int, int]  # (indexed word, start, end), as ``news_words`` gives; its position is its index


@lru_cache(maxsize=32)
def words_of(text: str) -> tuple[Word, ...]:
    """``news_words(text)``, kept for the last few texts: a ranked search reads the words of its
    best articles for feedback, then again to mark them in passages (a third of a BBC title
    query's time was analysing bodies)."""
    return tuple(news_words(text))


def mark(text: str, patterns: Sequence[MatchPattern]) -> list[Match]:
    """Every occurrence of the patterns in ``text``, sorted by offset; phrases only where whole."""
    words = words_of(text)
    first_terms = {pattern.words[0].text for pattern in patterns if pattern.words[0].kind == "term"}
    where: dict[str, list[int]] = {}
    for i, (word, _, _) in enumerate(words):
        if word in first_terms:
            where.setdefault(word, []).append(i)
    found: dict[tuple[int, int], Match] = {}
    for index, pattern in enumerate(patterns):
        for run in _occurrences(words, where, pattern):
            for i in run:
                _, start, end = words[i]
                found.setdefault((start, end), Match(Span(start, end), index, pattern.weight))
    return sorted(found.values(), key=lambda m: m.span.start)


def _occurrences(words: Sequence[Word], where: dict[str, list[int]], pattern: MatchPattern) -> list[list[int]]:
    """Runs of positions whose words match the pattern; ``where`` maps a word to its
    positions, so a plain term is looked up instead of scanned for."""
    first, rest = pattern.words[0], pattern.words[1:]
    if first.kind == "term":
        starts = where.get(first.text, [])
    else:
        starts = [i for i, (word, _, _) in enumerate(words) if first.matches(word)]
    runs = []
    for i in starts:
        run = [i]
        for word in rest:
            j = _next_match(words, run[-1], word, run[-1] + pattern.slop)
            if j is None:
                break
            run.append(j)
        else:
            runs.append(run)
    return runs


def _next_match(words: Sequence[Word], after: int, word: WordPattern, last: int) -> int | None:
    """The first position after ``after``, and at most ``last``, whose word matches ``word``."""
    for j in range(after + 1, min(last, len(words) - 1) + 1):
        if word.matches(words[j][0]):
            return j
    return None


# --------------------------------------------------------------------------- windows


@dataclass(frozen=True, slots=True)
class Window:
    """A candidate passage: its span and the matches inside it."""

    span: Span
    matches: tuple[Match, ...]

    @property
    def coverage(self) -> float:
        """The summed weight of the distinct patterns found in the window."""
        return sum({m.pattern: m.weight for m in self.matches}.values())


Fragmenter = Callable[[str, list[Match], Sequence[Span]], list[Window]]
Scorer = Callable[[Window], float]
Order = Callable[[Passage], tuple]


def sentence_windows(text: str, matches: list[Match], sentences: Sequence[Span]) -> list[Window]:
    """Runs of 1–3 consecutive sentences around sentences with matches, at most ~420 chars;
    a longer single sentence is cut to a window around its matches."""
    sentences = sentences or [Span(0, len(text))]
    starts = [m.span.start for m in matches]
    windows = []
    for i, sentence in enumerate(sentences):
        if not _inside(matches, starts, sentence):
            continue
        for first in range(max(0, i - MAX_SENTENCES + 1), i + 1):
            for last in range(i, min(len(sentences), first + MAX_SENTENCES)):
                span = Span(sentences[first].start, sentences[last].end)
                if first == last or span.end - span.start <= MAX_WINDOW_CHARS:
                    windows.append(_window(text, span, matches, starts))
    return windows


def _inside(matches: list[Match], starts: list[int], span: Span) -> tuple[Match, ...]:
    """The matches within ``span``; ``starts`` are the matches' start offsets (sorted), so
    the slice is found by bisection rather than by scanning every match."""
    return tuple(
        m for m in matches[bisect_left(starts, span.start) : bisect_left(starts, span.end)] if m.span.end <= span.end
    )


def _window(text: str, span: Span, matches: list[Match], starts: list[int]) -> Window:
    """A window over ``span``, cut around its first matches when it is too long."""
    inside = _inside(matches, starts, span)
    if span.end - span.start > MAX_WINDOW_CHARS and inside:
        start = max(span.start, inside[0].span.start - MAX_WINDOW_CHARS // 4)
        start = _word_boundary(text, start, span.start, forward=True)
        end = _word_boundary(text, min(span.end, start + MAX_WINDOW_CHARS), span.end, forward=False)
        span = Span(start, end)
        inside = _inside(matches, starts, span)
    return Window(span, inside)


def _word_boundary(text: str, at: int, limit: int, forward: bool) -> int:
    """Move ``at`` to the nearest space (towards the inside of the window), not past ``limit``."""
    step = 1 if forward else -1
    while at != limit and 0 < at < len(text) and not text[at - 1].isspace():
        at += step
    return at


def density_score(window: Window) -> float:
    """The weight of the distinct query terms found, raised by up to half for density
    (saturating at 5 matches per 100 characters)."""
    length = max(1, window.span.end - window.span.start)
    density = min(1.0, 100 * len(window.matches) / length / 5)
    return window.coverage * (1 + density / 2)


def by_score(passage: Passage) -> tuple:
    return (-passage.score, passage.start)


def by_position(passage: Passage) -> tuple:
    return (passage.start,)


# --------------------------------------------------------------------------- the pipeline


def choose_passages(
    text: str,
    matches: list[Match],
    sentences: Sequence[Span],
    fragmenter: Fragmenter = sentence_windows,
    scorer: Scorer = density_score,
    order: Order = by_score,
    top: int = 3,
    min_ratio: float = 0.5,
) -> tuple[Passage, ...]:
    """The ``top`` best non-overlapping windows of ``text`` as passages, sorted by ``order``.

    A window scoring under ``min_ratio`` of the best is left out: a second passage that only
    contains "of" is noise, not context.
    """
    scored = sorted(((scorer(w), w) for w in fragmenter(text, matches, sentences)), key=lambda p: (-p[0], p[1].span.start))
    chosen: list[tuple[float, Window]] = []
    for score, window in scored:
        if len(chosen) == top or score < min_ratio * scored[0][0]:
            break
        if not any(_overlaps(window.span, c.span) for _, c in chosen):
            chosen.append((score, window))
    return tuple(sorted((_passage(text, w, score) for score, w in chosen), key=order))


def lead_passage(text: str, sentences: Sequence[Span]) -> tuple[Passage, ...]:
    """The first sentence of a text, for a hit whose matches are all in the title."""
    if not sentences:
        return ()
    lead = sentences[0]
    if lead.end - lead.start > MAX_WINDOW_CHARS:
        lead = Span(lead.start, _word_boundary(text, lead.start + MAX_WINDOW_CHARS, lead.start, forward=False))
    return (_passage(text, Window(lead, ()), 0.0),)


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _passage(text: str, window: Window, score: float) -> Passage:
    span = window.span
    return Passage(
        text=text[span.start : span.end],
        start=span.start,
        end=span.end,
        highlights=tuple(m.span for m in window.matches),
        score=round(score, 4),
    )

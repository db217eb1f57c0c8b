"""What changed between two versions of a story, in the terms a journalist cares about: the
headline, quotes (added, dropped, altered word by word, attributed differently), figures, names,
and sentences (added, dropped, moved).

Everything is compared on normalised text (``text.normalise``: curly and straight quotes,
dashes alike) as lower-cased word sequences, so that re-typesetting is not a change.

- **Sentences** (and lines: a caption has no full stop) are aligned by how alike their word
  sequences are (``SAME_SENTENCE``; a sentence cut and continued otherwise still counts as one),
  each sentence of one version to at most one of the other; aligned sentences that are out of their
  relative order (not on the longest run of sentences in the same order) are *moved*, aligned
  ones whose words differ *edited*, the rest of either side *added* or *dropped*. A sentence repeated within a version (a caption printed
  twice) is aligned once and reported once, as a duplicate.
- **Quotes** (the article's direct quotes of three words or more) are the same when their words
  are; *altered* when one continues the other, or they share most words (``SAME_QUOTE``), and
  the speakers agree (or one is unknown); their *attribution changed* when the speaker, or the
  cue verb ("said", "told", "was quoted as saying"), differs and both are known.
- **Figures** are numbers and quantity words ("hundreds", "dozens", "six") with their sentence:
  a figure sentence of one version that has no counterpart sharing one of its figures is added or
  dropped; one whose counterpart shares a figure but reads differently is *changed*.
- **Names** are the people, organisations and places found in one version only (whatever their
  type; "the" aside).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Literal

from .models import ArticleView, FigureChange, Quote, QuoteChange, SentenceEdit, Span, StoryDiff, Version, VersionChanges
from .text import normalise

ChangeKind = Literal["quotes", "figures", "names", "headline"]
CHANGE_KINDS: tuple[ChangeKind, ...] = ("quotes", "figures", "names", "headline")
SAME_SENTENCE = 0.6  # how alike two sentences are (``_alike``) to be one sentence, edited
SAME_QUOTE = 0.5  # the same for two quotes by the same speaker to be one, altered
SHARED_CONTEXT = 0.3  # ... and for two figure sentences sharing a figure to be one, changed
MIN_QUOTE_WORDS = 3  # shorter quoted stretches are scare quotes, not statements

_WORDS = re.compile(r"\w+(?:[.,]\d+)*%?")
# Numbers (with decimals, thousands separators, a per cent sign) and the words for quantities.
_FIGURE = re.compile(
    r"\b\d[\d,.]*%?|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    r"thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|dozens?|"
    r"scores of|half|a third|a quarter)\b",
    re.IGNORECASE,
)


def story_diff(story: str, versions: Sequence[Version], articles: Sequence[ArticleView]) -> StoryDiff:
    """The changes between each consecutive pair of ``articles`` (the story's ``versions`` in
    order, as ``Index.story_changes`` gives them)."""
    changes = tuple(diff_versions(before, after) for before, after in zip(articles, articles[1:]))
    return StoryDiff(story, tuple(versions), changes)


def diff_versions(before: ArticleView, after: ArticleView) -> VersionChanges:
    """What changed from ``before`` to ``after``."""
    old_sentences, old_duplicates = _sentences(before)
    new_sentences, new_duplicates = _sentences(after)
    added, dropped, moved, edited = _align_sentences(old_sentences, new_sentences)
    quotes = _diff_quotes(_statements(before.quotes), _statements(after.quotes))
    figures = _diff_figures(old_sentences, new_sentences)
    names_added, names_dropped = _diff_names(before, after)
    headline = (before.title, after.title) if _words(before.title) != _words(after.title) else None
    changes = VersionChanges(
        before=before.id,
        after=after.id,
        headline=headline,
        quotes_added=quotes[0],
        quotes_dropped=quotes[1],
        quotes_altered=quotes[2],
        attribution_changed=quotes[3],
        figures_added=figures[0],
        figures_dropped=figures[1],
        figures_changed=figures[2],
        names_added=names_added,
        names_dropped=names_dropped,
        sentences_added=added,
        sentences_dropped=dropped,
        sentences_moved=moved,
        sentences_edited=edited,
        duplicates=tuple(dict.fromkeys(old_duplicates + new_duplicates)),
        summary="",
    )
    return _with_summary(changes)


# --------------------------------------------------------------------------- words and sentences


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.lower() for word in _WORDS.findall(normalise(text)))


def _jaccard(first: Sequence[str], second: Sequence[str]) -> float:
    a, b = set(first), set(second)
    return len(a & b) / len(a | b) if a or b else 1.0


def _sentences(article: ArticleView) -> tuple[list[str], tuple[str, ...]]:
    """The article's sentences (split at line ends too), each repeated one once, and the
    repeated ones."""
    spans = article.sentences or (Span(0, len(article.body)),)
    seen: set[tuple[str, ...]] = set()
    unique: list[str] = []
    repeated: list[str] = []
    lines = (line for span in spans for line in article.body[span.start : span.end].splitlines())
    for line in lines:
        text = " ".join(line.split())
        key = _words(text)
        if not key:
            continue
        if key in seen:
            repeated.append(text)
            continue
        seen.add(key)
        unique.append(text)
    return unique, tuple(dict.fromkeys(repeated))


def _align_sentences(
    old: list[str], new: list[str]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[SentenceEdit, ...]]:
    """(added, dropped, moved, edited): see the module docstring."""
    pairs = _pair(old, new, SAME_SENTENCE)
    edited = tuple(
        SentenceEdit(old[i], new[j], _word_diff(old[i], new[j]))
        for i, j in sorted(pairs, key=lambda pair: pair[1])
        if _words(old[i]) != _words(new[j])
    )
    in_order = set(_longest_increasing([j for _, j in sorted(pairs)]))
    moved = tuple(new[j] for _, j in sorted(pairs, key=lambda pair: pair[1]) if j not in in_order)
    matched_old, matched_new = {i for i, _ in pairs}, {j for _, j in pairs}
    added = tuple(text for j, text in enumerate(new) if j not in matched_new)
    dropped = tuple(text for i, text in enumerate(old) if i not in matched_old)
    return added, dropped, moved, edited


def _alike(first: tuple[str, ...], second: tuple[str, ...]) -> float:
    """How alike two word sequences are: twice the words they share in order over their total
    (difflib's ratio), which a long shared stretch keeps high when the ends differ."""
    if _jaccard(first, second) < SAME_SENTENCE / 2:  # cheap: most pairs share little
        return 0.0
    return SequenceMatcher(None, first, second, autojunk=False).ratio()


def _pair(old: list[str], new: list[str], threshold: float) -> list[tuple[int, int]]:
    """Each text of ``old`` with the most alike unpaired text of ``new`` at ``threshold`` or more,
    the most alike pairs first."""
    old_words, new_words = [_words(t) for t in old], [_words(t) for t in new]
    candidates = sorted(
        ((_alike(a, b), i, j) for i, a in enumerate(old_words) for j, b in enumerate(new_words)),
        key=lambda c: (-c[0], c[1], c[2]),
    )
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs = []
    for score, i, j in candidates:
        if score < threshold:
            break
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            pairs.append((i, j))
    return pairs


def _longest_increasing(values: list[int]) -> list[int]:
    """The longest strictly increasing subsequence of ``values`` (patience sorting)."""
    tails: list[int] = []  # index into values of the smallest tail of each length
    parents: list[int | None] = []
    for k, value in enumerate(values):
        low, high = 0, len(tails)
        while low < high:
            middle = (low + high) // 2
            if values[tails[middle]] < value:
                low = middle + 1
            else:
                high = middle
        parents.append(tails[low - 1] if low else None)
        if low == len(tails):
            tails.append(k)
        else:
            tails[low] = k
    run: list[int] = []
    k = tails[-1] if tails else None
    while k is not None:
        run.append(values[k])
        k = parents[k]
    return run[::-1]


# --------------------------------------------------------------------------- quotes


def _statements(quotes: Sequence[Quote]) -> list[Quote]:
    """The quotes worth comparing: three words or more, each text once."""
    seen: set[tuple[str, ...]] = set()
    kept = []
    for quote in quotes:
        key = _words(quote.text)
        if len(key) >= MIN_QUOTE_WORDS and key not in seen:
            seen.add(key)
            kept.append(quote)
    return kept


def _diff_quotes(old: list[Quote], new: list[Quote]) -> tuple[tuple[QuoteChange, ...], ...]:
    """(added, dropped, altered, attribution changed).

    Quotes with the same words are paired first, whoever their speakers (a quote given to
    another speaker is the same quote, attributed differently); only then is each remaining
    quote paired with one it is a version of. Pairing in one pass, in text order, let a
    fragment quoted earlier in the new version ("genuinely held independent view") take the
    full quote it is part of, leaving the unchanged full quote reported as added."""
    counterparts: dict[int, int] = {}
    old_words = [_words(quote.text) for quote in old]
    for j, quote in enumerate(new):
        words = _words(quote.text)
        i = next((i for i, w in enumerate(old_words) if w == words and i not in counterparts.values()), None)
        if i is not None:
            counterparts[j] = i
    for j, quote in enumerate(new):
        if j not in counterparts:
            i = _counterpart(quote, old, set(counterparts.values()))
            if i is not None:
                counterparts[j] = i
    altered, attribution = [], []
    matched_old, matched_new = set(counterparts.values()), set(counterparts)
    for j, i in sorted(counterparts.items()):
        quote, earlier = new[j], old[i]
        if _words(earlier.text) != _words(quote.text):
            altered.append(_change(quote, earlier, words=_word_diff(earlier.text, quote.text)))
        if _differs(earlier.speaker, quote.speaker) or _differs(earlier.cue, quote.cue):
            attribution.append(_change(quote, earlier))
    added = tuple(_change(q) for j, q in enumerate(new) if j not in matched_new)
    dropped = tuple(_change(q) for i, q in enumerate(old) if i not in matched_old)
    return added, dropped, tuple(altered), tuple(attribution)


def _counterpart(quote: Quote, others: list[Quote], taken: set[int]) -> int | None:
    """The quote of ``others`` that ``quote`` is a version of: the same words, else one that
    one of them continues, else the most alike by the same speaker."""
    words = _words(quote.text)
    best, best_score = None, SAME_QUOTE
    for i, other in enumerate(others):
        if i in taken or _differs(other.speaker, quote.speaker):
            continue
        other_words = _words(other.text)
        if other_words == words:
            return i
        if _contains(words, other_words) or _contains(other_words, words):
            score = 1.0
        else:
            score = _jaccard(words, other_words)
        if score >= best_score:
            best, best_score = i, score
    return best


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    if len(shorter) < MIN_QUOTE_WORDS or len(shorter) > len(longer):
        return False
    return f" {' '.join(shorter)} " in f" {' '.join(longer)} "


def _differs(first: str | None, second: str | None) -> bool:
    return first is not None and second is not None and first.lower() != second.lower()


def _change(quote: Quote, earlier: Quote | None = None, words: tuple[tuple[str, str], ...] = ()) -> QuoteChange:
    text = " ".join(quote.text.split())
    if earlier is None:
        return QuoteChange(text, quote.speaker, quote.cue)
    before = " ".join(earlier.text.split())
    return QuoteChange(text, quote.speaker, quote.cue, before, earlier.speaker, earlier.cue, words)


def _word_diff(before: str, after: str) -> tuple[tuple[str, str], ...]:
    """The word-level difference: runs of words kept (``=``), cut (``-``) and added (``+``)."""
    old, new = normalise(before).split(), normalise(after).split()
    runs: list[tuple[str, str]] = []
    matcher = SequenceMatcher(None, [w.lower() for w in old], [w.lower() for w in new], autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            runs.append(("=", " ".join(new[j1:j2])))
            continue
        if i2 > i1:
            runs.append(("-", " ".join(old[i1:i2])))
        if j2 > j1:
            runs.append(("+", " ".join(new[j1:j2])))
    return tuple(runs)


# --------------------------------------------------------------------------- figures and names


def _figures(sentence: str) -> tuple[str, ...]:
    return tuple(match.group().lower().rstrip(".,") for match in _FIGURE.finditer(normalise(sentence)))


def _diff_figures(old: list[str], new: list[str]) -> tuple[tuple[FigureChange, ...], ...]:
    """(added, dropped, changed): figure sentences of one version only, and those whose
    counterpart (sharing a figure and some context) reads differently."""
    old_figures = [(text, _figures(text)) for text in old if _figures(text)]
    new_figures = [(text, _figures(text)) for text in new if _figures(text)]
    changed, matched_old, matched_new = [], set(), set()
    candidates = sorted(
        (
            (_jaccard(_words(a), _words(b)), i, j)
            for i, (a, fa) in enumerate(old_figures)
            for j, (b, fb) in enumerate(new_figures)
            if set(fa) & set(fb)
        ),
        key=lambda c: (-c[0], c[1], c[2]),
    )
    for score, i, j in candidates:
        if score < SHARED_CONTEXT or i in matched_old or j in matched_new:
            continue
        matched_old.add(i)
        matched_new.add(j)
        (before, _), (after, figures) = old_figures[i], new_figures[j]
        if _words(before) != _words(after):
            changed.append(FigureChange(figures, after, before))
    added = tuple(FigureChange(f, text) for j, (text, f) in enumerate(new_figures) if j not in matched_new)
    dropped = tuple(FigureChange(f, text) for i, (text, f) in enumerate(old_figures) if i not in matched_old)
    return added, dropped, tuple(changed)


def _diff_names(before: ArticleView, after: ArticleView) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(added, dropped): names of one version only, compared without case or a leading "the"."""

    def names(article: ArticleView) -> dict[str, str]:
        return {re.sub(r"^the\s+", "", e.name.lower()): e.name for e in article.entities}

    old, new = names(before), names(after)
    return tuple(sorted(new[k] for k in new.keys() - old.keys())), tuple(sorted(old[k] for k in old.keys() - new.keys()))


def differs(changes: VersionChanges, kinds: Sequence[ChangeKind]) -> bool:
    """Whether ``changes`` holds a change of one of ``kinds`` (what ``stories --changed`` asks)."""
    held = {
        "quotes": changes.quotes_added or changes.quotes_dropped or changes.quotes_altered or changes.attribution_changed,
        "figures": changes.figures_added or changes.figures_dropped or changes.figures_changed,
        "names": changes.names_added or changes.names_dropped,
        "headline": changes.headline,
    }
    return any(held[kind] for kind in kinds)


def _with_summary(changes: VersionChanges) -> VersionChanges:
    """``changes`` with its one-line summary."""
    parts = ["headline changed"] if changes.headline else []
    counted = (
        ("quote", "added", changes.quotes_added),
        ("quote", "dropped", changes.quotes_dropped),
        ("quote", "altered", changes.quotes_altered),
        ("attribution", "changed", changes.attribution_changed),
        ("figure", "added", changes.figures_added),
        ("figure", "dropped", changes.figures_dropped),
        ("figure", "changed", changes.figures_changed),
        ("name", "added", changes.names_added),
        ("name", "dropped", changes.names_dropped),
        ("sentence", "added", changes.sentences_added),
        ("sentence", "dropped", changes.sentences_dropped),
        ("sentence", "moved", changes.sentences_moved),
        ("sentence", "edited", changes.sentences_edited),
    )
    parts += [f"{len(items)} {noun}{'s' if len(items) != 1 else ''} {what}" for noun, what, items in counted if items]
    return dataclasses.replace(changes, summary="; ".join(parts) if parts else "no changes")

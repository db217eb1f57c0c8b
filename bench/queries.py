"""Query text shared by every engine: normalisation and deterministic query sets.

All engines receive the same normalised query string and tokenise it with their own
analyzer, the one their index was built with.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Literal

from whoosh.analysis import STOP_WORDS

from bench.corpora import Doc

Mode = Literal["any", "all"]

# Words with internal dots kept together ("u.n", "3.5"), as the engines' own tokenisers do;
# everything else (quotes, apostrophes, the TIME queries' trailing " .") is dropped.
WORD = re.compile(r"\w+(?:\.\w+)*")

SEED = 5  # issue 5


def normalise_query(text: str) -> str:
    """Lower-case and keep words only.

    Lower-casing matters beyond fairness: newsearch and Whoosh parse query syntax, where
    upper-case AND / OR / NOT in the ALL CAPS TIME queries would be operators. Dropping
    punctuation keeps ``:``, ``"``, ``(`` and friends from being read as syntax either.
    """
    return " ".join(WORD.findall(text.lower()))


@dataclass(frozen=True, slots=True)
class Query:
    """A benchmark query: normalised text, and whether all its terms must match."""

    text: str
    mode: Mode


def short_queries(docs: tuple[Doc, ...], count: int, seed: int = SEED) -> tuple[Query, ...]:
    """2–3 content words from random titles, AND-ed: what a reader types into a search box.

    Words come from one title, so every query matches at least that article.
    """
    rng = random.Random(seed)
    titles = [words for words in (content_words(doc.title) for doc in docs) if len(words) >= 2]
    if not titles:
        raise ValueError("no title has two content words to build short queries from")
    picks = (rng.choice(titles) for _ in range(count))
    return tuple(
        Query(" ".join(rng.sample(words, min(len(words), rng.choice((2, 3))))), "all")
        for words in picks
    )


def verbose_queries(docs: tuple[Doc, ...], count: int, seed: int = SEED) -> tuple[Query, ...]:
    """The opening 10–16 words of random articles, OR-ed: like the TIME topic statements."""
    rng = random.Random(seed + 1)
    openings = [
        words
        for words in (normalise_query(doc.body[:400]).split() for doc in docs)
        if len(words) >= 10
    ]
    if not openings:
        raise ValueError("no article has ten words to build verbose queries from")
    picks = (rng.choice(openings) for _ in range(count))
    return tuple(Query(" ".join(words[: rng.randint(10, 16)]), "any") for words in picks)


def content_words(text: str) -> list[str]:
    """Distinct lower-cased words of ``text`` that are not stop words, digits or single letters."""
    words = dict.fromkeys(normalise_query(text).split())
    return [w for w in words if w not in STOP_WORDS and len(w) > 1 and not w[0].isdigit()]

"""Porter stems of plain ``\\w+`` words, the tokenisation of the rank_bm25 baseline and of the
passage checks.

NLTK's stemmer is pure Python and slow; a word list of a news corpus is small, so every
distinct word is stemmed once.
"""

from __future__ import annotations

import re
from functools import lru_cache

from nltk.stem.porter import PorterStemmer

WORD = re.compile(r"\w+")

stem = lru_cache(maxsize=None)(PorterStemmer().stem)


def stem_words(text: str) -> list[str]:
    """Lower-cased, Porter-stemmed ``\\w+`` words of ``text``, in order."""
    return [stem(word) for word in WORD.findall(text.lower())]

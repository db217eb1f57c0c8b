"""Text normalisation and the one analyzer used for indexing, querying and highlighting.

``normalise`` is *length-preserving*: every character maps to exactly one character, so an
offset into the normalised text is the same offset into the original. That lets us index the
normalised text and still display (and highlight) the original, curly quotes and all.

The analyzer keeps every word — no stop words are dropped — so the phrase
``"regime of silence"`` can never match "regime in silence". Only *ranked* (OR) queries
leave out the ``STOP_WORDS`` below, as whole query words, never inside a phrase.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import Filter, LowercaseFilter, StemFilter, Token, Tokenizer

# Characters whose meaning in news text is the same as an ASCII one.
_FOLD = {
    "\u2018": "'",  # left single quotation mark
    "\u2019": "'",  # right single quotation mark / apostrophe
    "\u201a": "'",  # single low-9
    "\u201b": "'",  # single high-reversed-9
    "\u2032": "'",  # prime
    "\u00b4": "'",  # acute accent used as apostrophe
    "`": "'",
    "\u201c": '"',  # left double quotation mark
    "\u201d": '"',  # right double quotation mark
    "\u201e": '"',  # double low-9
    "\u201f": '"',  # double high-reversed-9
    "\u2033": '"',  # double prime
    "\u00ab": '"',  # guillemets
    "\u00bb": '"',
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2015": "-",  # horizontal bar
    "\u2212": "-",  # minus sign
    "\u00a0": " ",  # no-break space
}


def _fold_char(char: str) -> str:
    if char in _FOLD:
        return _FOLD[char]
    if char.isascii():
        return char
    folded = unicodedata.normalize("NFKC", char)
    # Keep the original where NFKC would change the length (e.g. "…" -> "..."),
    # so offsets stay valid; such characters are rare and never inside words we search.
    return folded if len(folded) == 1 else char


class _FoldTable(dict):
    """A ``str.translate`` table that folds each character the first time it is seen."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_TABLE = _FoldTable()


def normalise(text: str) -> str:
    """NFKC (where it keeps length), curly quotes and primes to straight, dashes to ``-``.

    ``len(normalise(text)) == len(text)`` always.
    """
    return text if text.isascii() and "`" not in text else text.translate(_TABLE)


# A word: letters/digits, with internal dots (U.S., 3.5) kept together.
_WORD = re.compile(r"\w+(?:\.\w+)*")
_ACRONYM = re.compile(r"(?:\w\.)+\w\.?")


class NewsTokenizer(Tokenizer):
    """Tokenise normalised text into words; offsets refer to the text as given."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        text = normalise(value)
        if not tokenize:
            token.original = token.text = text
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        for position, match in enumerate(_WORD.finditer(text)):
            word = match.group()
            # Expansions NFKC skipped in ``normalise`` (ligatures, ...) are applied per word.
            token.text = word if word.isascii() else unicodedata.normalize("NFKC", word)
            token.boost = 1.0
            if keeporiginal:
                token.original = token.text
            token.stopped = False
            if positions:
                token.pos = start_pos + position
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


class AcronymFilter(Filter):
    """Join dotted acronyms: ``U.S.`` and ``US`` index alike (``us``); numbers keep their dots."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            if "." in token.text and _ACRONYM.fullmatch(token.text) and not token.text[0].isdigit():
                token.text = token.text.replace(".", "")
            yield token


# Function words that carry no topic: left out of ranked (OR) queries, whose long, natural
# wording ("efforts of the ambassador to ...") would otherwise let them add noise. NLTK's English
# list without its contraction fragments ("don", "won", "ll", ...), which are also real words.
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me
    more most my myself no nor not now of off on once only or other our ours ourselves out over own
    same she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up very was we were what when where which while who whom
    why will with you your yours yourself yourselves""".split()
)


def news_analyzer():
    """The analyzer for title, body and quotes: tokenise, fold acronyms, lower-case, Porter-stem."""
    return NewsTokenizer() | AcronymFilter() | LowercaseFilter() | StemFilter(cachesize=-1)


def name_analyzer():
    """The analyzer for names (speakers, people, organisations, places): no stemming."""
    return NewsTokenizer() | AcronymFilter() | LowercaseFilter()


def news_words(text: str) -> list[tuple[str, int, int]]:
    """What ``news_analyzer`` yields for ``text``, as (indexed word, start, end), the list index
    being the position: the same words, several times faster.

    Passages mark matches by analysing each hit's body again, so this is on every search's path.
    The analyzer treats every word on its own (normalising is per character, the filters are
    per token), so a word found by the tokenizer's pattern always analyses alike and can be
    looked up once; only the offsets come from the text.
    """
    return [(_indexed_word(match.group()), match.start(), match.end()) for match in _WORD.finditer(normalise(text))]


_ONE_WORD = news_analyzer()


@lru_cache(maxsize=1 << 17)
def _indexed_word(word: str) -> str:
    """The indexed form of one word the tokenizer found ("Talks" -> "talk", "U.S" -> "us")."""
    return next(iter(_ONE_WORD(word))).text

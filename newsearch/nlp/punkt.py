"""NLTK's Punkt sentence splitter, run without importing NLTK.

``import nltk`` imports most of NLTK (and ``scipy.stats`` when scipy is installed): a second or
more in every process that splits sentences, which a one-article update cannot afford. This
module is the runtime half of ``nltk.tokenize.punkt.PunktSentenceTokenizer.span_tokenize``
(NLTK 3.9-3.10), step for step: the same regular expressions, compiled with the ``regex``
module NLTK itself uses, the same first and second annotation passes (abbreviations,
collocations, initials, the orthographic and sentence-starter heuristics) and the same
boundary realignment. Its parameters are read from NLTK's own ``punkt_tab`` data files, as
``nltk.tokenize.punkt.load_punkt_params`` reads them. ``tests/test_sentences.py`` checks that
both give the same spans. What is left out is training and debugging, which newsearch never
runs.
"""

from __future__ import annotations

import io
import string
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import regex

# NLTK's PunktLanguageVars for English. Its character classes are built from sets; their
# order does not matter inside a class, so they are written out here.
_SENT_END_CHARS = (".", "?", "!")
_NON_WORD_CHARS = r"(?:[)\";}\]\*:@\'\({\[\u2018\u2019\u201c\u201d\xab\xbb\?!])"
_MULTI_CHAR_PUNCT = r"(?:\-{2,}|\.{2,}|(?:\.\s){2,}\.)"
_WORD_START = r"[^\(\"\`{\[:;&\#\*@\)}\]\-,]"
_WORD_TOKENIZER = regex.compile(
    rf"""(
        {_MULTI_CHAR_PUNCT}
        |
        (?={_WORD_START})\S+?  # Accept word characters until end is found
        (?= # Sequences marking a word's end
            \s|                                 # White-space
            $|                                  # End-of-string
            {_NON_WORD_CHARS}|{_MULTI_CHAR_PUNCT}|          # Punctuation
            ,(?=$|\s|{_NON_WORD_CHARS}|{_MULTI_CHAR_PUNCT}) # Comma if at end of word
        )
        |
        \S
    )""",
    regex.UNICODE | regex.VERBOSE,
)
_PERIOD_CONTEXT = regex.compile(
    rf"""
        [\.\?!]             # a potential sentence ending
        (?=(?P<after_tok>
            {_NON_WORD_CHARS}              # either other punctuation
            |
            \s+(?P<next_tok>\S+)     # or whitespace and some other token
        ))""",
    regex.UNICODE | regex.VERBOSE,
)
_BOUNDARY_REALIGNMENT = regex.compile(r'["\')\]}\u2018\u2019\u201c\u201d\xab\xbb]+?(?:\s+|(?=--)|$)', regex.MULTILINE)
_ELLIPSIS = regex.compile(r"\.\.+$")
_NUMERIC = regex.compile(r"^-?[\.,]?\d[\d,\.-]*\.?$")
_INITIAL = regex.compile(r"[^\W\d]\.$", regex.UNICODE)
_PUNCTUATION = tuple(";:,.!?")

# Orthographic contexts, as flags (NLTK's _ORTHO_* constants).
_ORTHO_BEG_UC, _ORTHO_MID_UC, _ORTHO_UNK_UC = 1 << 1, 1 << 2, 1 << 3
_ORTHO_BEG_LC, _ORTHO_MID_LC, _ORTHO_UNK_LC = 1 << 4, 1 << 5, 1 << 6
_ORTHO_UC = _ORTHO_BEG_UC + _ORTHO_MID_UC + _ORTHO_UNK_UC
_ORTHO_LC = _ORTHO_BEG_LC + _ORTHO_MID_LC + _ORTHO_UNK_LC


@dataclass(frozen=True, slots=True)
class PunktParameters:
    """A trained Punkt model: what ``nltk.tokenize.punkt.PunktParameters`` holds."""

    abbrev_types: frozenset[str]
    collocations: frozenset[tuple[str, ...]]
    sent_starters: frozenset[str]
    ortho_context: dict[str, int]


def load_parameters(location: Path) -> PunktParameters:
    """The parameters in a ``punkt_tab/<language>/`` directory, or in the ``punkt_tab.zip``
    that holds ``punkt_tab/english/`` (``resources.locate`` gives either)."""

    def lines(name: str) -> list[str]:
        if location.is_dir():
            data = (location / name).read_bytes()
        else:
            with zipfile.ZipFile(location) as archive:
                data = archive.read(f"punkt_tab/english/{name}")
        # As NLTK reads them: text mode (universal newlines), the final "\n" of each line cut.
        return [line.removesuffix("\n") for line in io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")]

    return PunktParameters(
        abbrev_types=frozenset(lines("abbrev_types.txt")),
        collocations=frozenset(tuple(line.split("\t")) for line in lines("collocations.tab")),
        sent_starters=frozenset(lines("sent_starters.txt")),
        ortho_context={key: int(value) for key, value in (line.split("\t") for line in lines("ortho_context.tab"))},
    )


class _Token:
    """A word with its annotations (``nltk.tokenize.punkt.PunktToken``, the runtime part)."""

    __slots__ = ("tok", "type", "period_final", "sentbreak", "abbr", "ellipsis")

    def __init__(self, tok: str) -> None:
        self.tok = tok
        self.type = _NUMERIC.sub("##number##", tok.lower())
        self.period_final = tok.endswith(".")
        self.sentbreak = self.abbr = self.ellipsis = False

    @property
    def type_no_period(self) -> str:
        return self.type[:-1] if len(self.type) > 1 and self.type[-1] == "." else self.type

    @property
    def type_no_sentperiod(self) -> str:
        return self.type_no_period if self.sentbreak else self.type


class PunktSentenceSplitter:
    """``PunktSentenceTokenizer.span_tokenize`` with given parameters."""

    def __init__(self, params: PunktParameters) -> None:
        self._params = params

    def span_tokenize(self, text: str) -> Iterator[tuple[int, int]]:
        """(start, end) of each sentence of ``text``, boundaries realigned (NLTK's default)."""
        for sentence in self._realign_boundaries(text, self._slices_from_text(text)):
            yield sentence.start, sentence.stop

    def _slices_from_text(self, text: str) -> Iterator[slice]:
        last_break = 0
        for match, context in self._match_potential_end_contexts(text):
            if self._contains_sentbreak(context):
                yield slice(last_break, match.end())
                last_break = match.start("next_tok") if match.group("next_tok") else match.end()
        yield slice(last_break, len(text.rstrip()))

    @staticmethod
    def _match_potential_end_contexts(text: str) -> Iterator[tuple[regex.Match, str]]:
        """Each candidate break with the text from the word before it to the token after it;
        of overlapping candidates only the last (see NLTK's method of the same name)."""
        previous_slice = slice(0, 0)
        previous_match = None
        for match in _PERIOD_CONTEXT.finditer(text):
            before_text = text[previous_slice.stop : match.start()]
            index_after_last_space = _last_whitespace_index(before_text)
            if index_after_last_space:
                index_after_last_space += previous_slice.stop + 1
            else:
                index_after_last_space = previous_slice.start
            prev_word_slice = slice(index_after_last_space, match.start())
            if previous_match and previous_slice.stop <= prev_word_slice.start:
                yield previous_match, text[previous_slice] + previous_match.group() + previous_match.group("after_tok")
            previous_match = match
            previous_slice = prev_word_slice
        if previous_match:
            yield previous_match, text[previous_slice] + previous_match.group() + previous_match.group("after_tok")

    def _contains_sentbreak(self, text: str) -> bool:
        """Whether any token of ``text`` but the last ends a sentence, after both passes."""
        tokens = [_Token(tok) for line in text.split("\n") if line.strip() for tok in _WORD_TOKENIZER.findall(line)]
        for token in tokens:
            self._first_pass(token)
        for token, following in zip(tokens, tokens[1:]):
            self._second_pass(token, following)
            if token.sentbreak:
                return True
        return False

    def _first_pass(self, token: _Token) -> None:
        tok = token.tok
        if tok in _SENT_END_CHARS:
            token.sentbreak = True
        elif _ELLIPSIS.match(tok):
            token.ellipsis = True
        elif token.period_final and not tok.endswith(".."):
            stem = tok[:-1].lower()
            if stem in self._params.abbrev_types or stem.split("-")[-1] in self._params.abbrev_types:
                token.abbr = True
            else:
                token.sentbreak = True

    def _second_pass(self, token: _Token, following: _Token) -> None:
        """Collocations, abbreviations and initials reconsidered in context (NLTK's
        ``_second_pass_annotation``; it changes ``token`` only)."""
        if not token.period_final:
            return
        typ, next_typ = token.type_no_period, following.type_no_sentperiod
        is_initial = bool(_INITIAL.match(token.tok))
        if (typ, next_typ) in self._params.collocations:
            token.sentbreak, token.abbr = False, True
            return
        if (token.abbr or token.ellipsis) and not is_initial:
            starter = self._ortho_heuristic(following)
            if starter is True:
                token.sentbreak = True
                return
            if following.tok[0].isupper() and next_typ in self._params.sent_starters:
                token.sentbreak = True
                return
        if is_initial or typ == "##number##":
            starter = self._ortho_heuristic(following)
            if starter is False:
                token.sentbreak, token.abbr = False, True
                return
            if (
                starter is None
                and is_initial
                and following.tok[0].isupper()
                and not (self._params.ortho_context.get(next_typ, 0) & _ORTHO_LC)
            ):
                token.sentbreak, token.abbr = False, True

    def _ortho_heuristic(self, token: _Token) -> bool | None:
        """Whether ``token`` starts a sentence, by the cases its type was seen in; None: unsure."""
        if token.tok in _PUNCTUATION:
            return False
        context = self._params.ortho_context.get(token.type_no_sentperiod, 0)
        if token.tok[0].isupper() and (context & _ORTHO_LC) and not (context & _ORTHO_MID_UC):
            return True
        if token.tok[0].islower() and ((context & _ORTHO_UC) or not (context & _ORTHO_BEG_LC)):
            return False
        return None

    @staticmethod
    def _realign_boundaries(text: str, slices: Iterator[slice]) -> Iterator[slice]:
        """Move closing quotes and brackets after a break into the sentence they close."""
        realign = 0
        pending = next(slices, None)
        while pending is not None:
            following = next(slices, None)
            sentence = slice(pending.start + realign, pending.stop)
            if following is None:
                if text[sentence]:
                    yield sentence
                break
            match = _BOUNDARY_REALIGNMENT.match(text[following])
            if match:
                yield slice(sentence.start, following.start + len(match.group(0).rstrip()))
                realign = match.end()
            else:
                realign = 0
                if text[sentence]:
                    yield sentence
            pending = following


def _last_whitespace_index(text: str) -> int:
    """Index of the last whitespace character of ``text``; 0 when there is none (as NLTK)."""
    for i in range(len(text) - 1, -1, -1):
        if text[i] in string.whitespace:
            return i
    return 0

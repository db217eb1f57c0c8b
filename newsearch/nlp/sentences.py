"""Sentence spans of a text: NLTK's Punkt when its data is installed, a regex otherwise.

Spans never cross a paragraph break (a blank line), because news paragraphs are units.
Punkt runs from ``punkt.py`` (NLTK's algorithm and English model, without importing NLTK).
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from ..models import Span
from .resources import is_installed, locate

if TYPE_CHECKING:
    from .punkt import PunktSentenceSplitter

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Fallback: a sentence ends at . ! or ? (optionally followed by closing quotes/brackets)
# followed by whitespace and an upper-case letter, digit or opening quote.
_FALLBACK_END = re.compile(r"""[.!?]['"”’)\]]*(?=\s+['"“‘(]?[A-Z0-9])""")


PUNKT_PROBE = "tokenizers/punkt_tab/english/"


@cache
def _punkt() -> PunktSentenceSplitter | None:
    location = locate(PUNKT_PROBE)
    if location is None:
        return None
    from .punkt import PunktSentenceSplitter, load_parameters  # not on the paths that only read paragraphs

    return PunktSentenceSplitter(load_parameters(location))


def backend() -> str:
    """The name of the sentence splitter in use (without loading it)."""
    return "nltk-punkt" if is_installed(PUNKT_PROBE) else "regex"


def paragraph_spans(text: str) -> list[Span]:
    """Spans of the non-blank paragraphs of ``text`` (separated by blank lines), stripped."""
    spans = []
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans.append(Span(start, match.start()))
        start = match.end()
    spans.append(Span(start, len(text)))
    return [stripped for span in spans if (stripped := _strip(text, span)).end > stripped.start]


def sentence_spans(text: str) -> list[Span]:
    """Spans of the sentences of ``text``, in order, within paragraphs."""
    punkt = _punkt()
    sentences: list[Span] = []
    for paragraph in paragraph_spans(text):
        chunk = text[paragraph.start : paragraph.end]
        if punkt is not None:
            pieces = punkt.span_tokenize(chunk)
        else:
            pieces = _fallback_spans(chunk)
        sentences.extend(Span(paragraph.start + s, paragraph.start + e) for s, e in pieces)
    return sentences


def _fallback_spans(chunk: str) -> list[tuple[int, int]]:
    pieces, start = [], 0
    for match in _FALLBACK_END.finditer(chunk):
        pieces.append((start, match.end()))
        start = match.end()
        while start < len(chunk) and chunk[start].isspace():
            start += 1
    if start < len(chunk):
        pieces.append((start, len(chunk)))
    return pieces


def _strip(text: str, span: Span) -> Span:
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)

"""The Whoosh schema of a newsearch index, and its version.

Bump ``SCHEMA_VERSION`` whenever a field, an analyzer or what goes into a field changes: an
index built by another version is rebuilt (``newsearch index``) or refused with a clear
message (search), never read wrongly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache

from whoosh import analysis, fields, formats

from .codec import read_varints, write_varint
from .models import Span

from .text import name_analyzer, news_analyzer

SCHEMA_VERSION = 7

# Names users type in queries -> fields of the schema.
FIELD_ALIASES = {
    "quote": "quotes",
    "speaker": "speakers",
    "person": "people",
    "org": "organisations",
    "organisation": "organisations",
    "organization": "organisations",
    "place": "places",
}

SEARCHABLE_FIELDS = ("title", "body", "quotes", "speakers", "people", "organisations", "places")
# What the archive says about an article (see ``newsearch.sources``), searchable as ``date:``,
# ``source:``, ``author:``, ``url:``; every other field of a record as ``meta_<name>:`` (Reuters'
# ``places`` is ``meta_places:``, apart from the ``place:`` entities found in the text).
ARCHIVE_FIELDS = ("date", "source", "author", "url")
META_PREFIX = "meta_"
META_KEYWORD_MAX = 100  # longer values of other fields are kept for display, not searched


def build_schema() -> fields.Schema:
    """A fresh schema object (Whoosh schemas are mutable; never share one)."""
    text = news_analyzer()
    names = name_analyzer()
    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=text, stored=True, field_boost=1.0, multitoken_query="phrase"),
        # Positions (for phrases) but not character offsets: passages re-read the stored body.
        body=fields.TEXT(analyzer=text, stored=True, multitoken_query="phrase"),
        quotes=fields.TEXT(analyzer=text, multitoken_query="phrase"),
        speakers=fields.TEXT(analyzer=names, multitoken_query="phrase"),
        people=fields.TEXT(analyzer=names, multitoken_query="phrase"),
        organisations=fields.TEXT(analyzer=names, multitoken_query="phrase"),
        places=fields.TEXT(analyzer=names, multitoken_query="phrase"),
        # Whole names, one term each, for facets.
        people_facet=fields.KEYWORD(commas=True),
        organisations_facet=fields.KEYWORD(commas=True),
        places_facet=fields.KEYWORD(commas=True),
        # Near-duplicate story: its id, for collapsing. The article's signature is not stored:
        # it is a function of the stored body (``stories.signature``), computed again on the
        # rare occasions the state has to be rebuilt from the index alone.
        story=fields.ID(stored=True, sortable=True),
        # Sentence spans of the body, split at index time so passages need no NLP model.
        sentences=fields.STORED(),
        # Display data: quotes and entities as JSON, and file identity for the manifest.
        analysis=fields.STORED(),
        sha256=fields.ID(stored=True),  # also what embeddings are kept by (``embedding_store``)
        size=fields.STORED(),
        mtime_ns=fields.STORED(),
        # Archive metadata. ``date`` is for date: queries and --since/--until ranges;
        # ``published`` holds the date as given (``YYYY-MM-DD[THH:MM:SSZ]``, "" when undated) as
        # a column for sorting and timelines; ``source`` matches whole names, case aside.
        date=fields.DATETIME(),
        published=fields.ID(stored=True, sortable=True),
        source=fields.ID(stored=True, sortable=True, analyzer=analysis.IDTokenizer() | analysis.LowercaseFilter()),
        author=fields.TEXT(analyzer=names, stored=True, multitoken_query="phrase"),
        url=fields.ID(stored=True),
        metadata=fields.STORED(),  # every other field of the record, for display
        file=fields.STORED(),  # a record's dump, corpus-relative ("": the corpus is the dump)
    )
    schema.add(f"{META_PREFIX}*", fields.KEYWORD(lowercase=True, commas=True), glob=True)
    for _name, field in schema.items():
        if type(field.format) is formats.Positions:
            field.format = CompactPositions(field_boost=field.format.field_boost)
    return schema


class CompactPositions(formats.Positions):
    """Whoosh's ``Positions`` (a word's positions in a field, for phrases), written compactly:
    the gaps between positions as LEB128 varints (the first counted from -1, so a word said
    once near the start of an article is one byte). Whoosh's own value is a 4-byte count and
    a pickled list, about 12 bytes for that word; the count is the number of gaps here, and
    the weight Whoosh keeps beside the value says it too. See ``codec`` for how a block of
    these values is written.
    """

    def encode(self, poslist) -> bytes:
        packed, last = bytearray(), -1
        for position in poslist:
            write_varint(position - last, packed)
            last = position
        return bytes(packed)

    def decode_positions(self, valuestring: bytes) -> list[int]:
        positions, position = [], -1
        for gap in read_varints(valuestring):
            position += gap
            positions.append(position)
        return positions

    def decode_frequency(self, valuestring: bytes) -> int:
        return sum(byte < 0x80 for byte in valuestring)


@cache
def _text_fields() -> dict[str, fields.TEXT]:
    """The TEXT fields of one schema per process, whose analyzers (and stem caches) are reused."""
    schema = build_schema()
    return {name: field for name, field in schema.items() if isinstance(field, fields.TEXT)}


def pre_analyse(document: Mapping[str, object]) -> dict[str, object]:
    """``document`` with every TEXT value replaced by its analysed words, ready for Whoosh.

    Tokenising and stemming are most of the indexing work that does not need the index, so the
    indexer's worker processes run them and the single writing process does not. Whoosh indexes
    a list of words as tokens at positions 0, 1, 2... with boost 1, which is exactly what our
    analyzers yield for the text (they drop no word and set no boost), so the postings and field
    lengths are the same as for the text itself. The text is still stored, as ``_stored_<name>``.
    """
    prepared = dict(document)
    for name, field in _text_fields().items():
        value = document.get(name)
        if not isinstance(value, str):
            continue
        prepared[name] = [
            token.text for token in field.analyzer(value, positions=True, mode="index") if not token.stopped
        ]
        if field.stored:
            prepared[f"_stored_{name}"] = value
    return prepared


def pack_spans(spans: Sequence[Span]) -> bytes:
    """Spans (in order, not overlapping) as a compact stored value: for each, the gap from the
    last one's end to its start and its length, as LEB128 varints (a sentence is one or two
    bytes a number, where fixed 32-bit offsets took four)."""
    packed, last = bytearray(), 0
    for span in spans:
        write_varint(span.start - last, packed)
        write_varint(span.end - span.start, packed)
        last = span.end
    return bytes(packed)


def unpack_spans(packed: bytes | None) -> tuple[Span, ...]:
    """The inverse of ``pack_spans`` (an absent value is no spans)."""
    if not packed:
        return ()
    numbers, spans, last = read_varints(packed), [], 0
    for gap, length in zip(numbers[::2], numbers[1::2]):
        start = last + gap
        last = start + length
        spans.append(Span(start, last))
    return tuple(spans)

"""Parse what people type (leniently), run it against the index, and turn hits into results.

Whoosh's query syntax is supported (AND by default, OR, NOT, ``field:term``, ``prefix*``,
``"phrases"`` with straight or curly quotes, ``"phrase"~slop``), but ordinary punctuation never
errors: ``Assad's forces``, ``U.S.-Russia talks``, ``95%``, ``Kerry: "countrywide"`` are read as
words. What cannot be read sensibly — an empty query, unbalanced quotes or parentheses, a
known field with no value — raises ``QueryError`` with a one-line message naming the fix.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from whoosh import qparser, query as wq, scoring, sorting

from .models import FacetValue, Hit, QueryError, Version
from .nlp import Analysis
from .passages import MatchPattern, WordPattern, choose_passages, lead_passage, mark
from .schema import FIELD_ALIASES, SEARCHABLE_FIELDS
from .text import normalise

Mode = Literal["all", "any"]

DEFAULT_FIELDS = ("title", "body")
FIELD_BOOSTS = {"title": 2.0, "body": 1.0}
OR_COORDINATION = 0.9  # how much an OR-mode document gains for matching more of the terms
BM25_B, BM25_K1 = 0.75, 1.2

# Fields whose matches are marked in the article body (quotes are body text).
BODY_MARK_FIELDS = frozenset({"body", "quotes"})
_KNOWN_FIELDS = set(SEARCHABLE_FIELDS) | set(FIELD_ALIASES)
_FIELD_COLON = re.compile(r"(?<![\w\"])(\w+):")
_STRAY = re.compile(r"[?!;,{}\[\]<>=&|\\/@#$%€£¥§]")


def weighting() -> scoring.WeightingModel:
    """The ranking function: BM25F."""
    return scoring.BM25F(B=BM25_B, K1=BM25_K1)


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A query ready to run, and what to mark in the title and in the body."""

    text: str
    query: wq.Query
    title_patterns: tuple[MatchPattern, ...]
    body_patterns: tuple[MatchPattern, ...]


def make_parser(schema, mode: Mode = "all") -> qparser.QueryParser:
    """A Whoosh parser over title and body with our field aliases, AND or OR between terms."""
    group = qparser.AndGroup if mode == "all" else qparser.OrGroup.factory(OR_COORDINATION)
    parser = qparser.MultifieldParser(list(DEFAULT_FIELDS), schema, fieldboosts=FIELD_BOOSTS, group=group)
    parser.remove_plugin_class(qparser.SingleQuotePlugin)  # apostrophes are not quotes
    aliases: dict[str, list[str]] = {}
    for alias, field in FIELD_ALIASES.items():
        aliases.setdefault(field, []).append(alias)
    parser.add_plugin(qparser.FieldAliasPlugin(aliases))
    return parser


def parse_query(text: str, schema, mode: Mode = "all") -> ParsedQuery:
    """Check and parse what a user typed; raise ``QueryError`` when it cannot be understood."""
    cleaned = clean_query(text)
    parsed = make_parser(schema, mode).parse(cleaned)
    if parsed is wq.NullQuery or isinstance(parsed, type(wq.NullQuery)):
        raise QueryError(f"query {text!r} has no words to search for; try e.g. `newsearch query aleppo`")
    return ParsedQuery(
        text=text,
        query=parsed,
        title_patterns=tuple(patterns_for(parsed, {"title"})),
        body_patterns=tuple(patterns_for(parsed, BODY_MARK_FIELDS)),
    )


def clean_query(text: str) -> str:
    """Normalise quotes and dashes, reject malformed syntax, neutralise stray punctuation."""
    cleaned = normalise(text).strip()
    if not cleaned:
        raise QueryError("empty query; type some words, e.g. `newsearch query aleppo`")
    if cleaned.count('"') % 2:
        raise QueryError(f'unbalanced quotes in {text!r}; close the phrase with a second "')
    outside = _outside_phrases(cleaned)
    depth = 0
    for char in outside:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            break
    if depth:
        raise QueryError(f"unbalanced parentheses in {text!r}; every ( needs a )")
    return _neutralise(cleaned)


def _outside_phrases(text: str) -> str:
    """The text with every quoted phrase blanked out."""
    return re.sub(r'"[^"]*"', lambda m: " " * len(m.group()), text)


def _neutralise(text: str) -> str:
    """Outside phrases: a known ``field:`` must have a value; other ``word:`` and stray
    punctuation become spaces, so the parser sees only words and operators."""
    pieces, last = [], 0
    for phrase in re.finditer(r'"[^"]*"(?:~\d+)?', text):
        pieces.append(_neutralise_words(text[last : phrase.start()], phrase_follows=True))
        pieces.append(phrase.group())
        last = phrase.end()
    pieces.append(_neutralise_words(text[last:], phrase_follows=False))
    return "".join(pieces)


def _neutralise_words(chunk: str, phrase_follows: bool) -> str:
    def field(match: re.Match) -> str:
        name = match.group(1)
        if name.lower() not in _KNOWN_FIELDS:
            return f"{name} "
        rest = chunk[match.end() :]
        bare_at_end = not rest.strip() and not phrase_follows
        if bare_at_end or rest[:1].isspace() or rest[:1] == ")":
            raise QueryError(f"`{name}:` needs a value right after the colon, e.g. {name}:aleppo")
        return f"{name.lower()}:"

    chunk = _FIELD_COLON.sub(field, chunk)
    return _STRAY.sub(" ", chunk)


def patterns_for(parsed: wq.Query, fields: set[str] | frozenset[str]) -> Iterator[MatchPattern]:
    """What to mark for the positive parts of a query, in the given fields."""
    if isinstance(parsed, wq.Not):
        return
    if isinstance(parsed, wq.Phrase):
        if parsed.fieldname in fields:
            yield MatchPattern(tuple(WordPattern(word) for word in parsed.words), max(1, parsed.slop))
    elif isinstance(parsed, wq.Prefix):
        if parsed.fieldname in fields:
            yield MatchPattern((WordPattern(parsed.text, "prefix"),))
    elif isinstance(parsed, wq.Wildcard):
        if parsed.fieldname in fields:
            yield MatchPattern((WordPattern(parsed.text, "wildcard"),))
    elif isinstance(parsed, wq.Term):
        if parsed.fieldname in fields:
            yield MatchPattern((WordPattern(_as_text(parsed.text)),))
    else:
        for child in parsed.children():
            yield from patterns_for(child, fields)


def _as_text(term: str | bytes) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


FACET_FIELDS = {"people": "people_facet", "organisations": "organisations_facet", "places": "places_facet"}


@dataclass(frozen=True, slots=True)
class SearchOutcome:
    """What ``run_search`` found, before it becomes the API's ``SearchResults``."""

    total: int
    hits: list[Hit]
    facets: dict[str, tuple[FacetValue, ...]]


def run_search(
    searcher,
    parsed: ParsedQuery,
    corpus: str,
    limit: int,
    passages: int = 3,
    collapse: bool = True,
    facets: int = 0,
) -> SearchOutcome:
    """The total number of matching articles and the top ``limit`` hits, ranked by
    ``(-score, id)`` so that ties are broken the same way every time.

    With ``collapse``, only the best-scoring article of each story is a hit, and the story's
    other articles are listed as its ``versions``. With ``facets=N``, the N most frequent
    people, organisations and places among *all* matching articles are counted too.
    """
    if collapse:
        results = searcher.search(parsed.query, limit=limit, collapse="story", collapse_limit=1)
    else:
        results = searcher.search(parsed.query, limit=limit)
    analyzer = searcher.schema["body"].analyzer
    parsed = dataclasses.replace(parsed, body_patterns=weigh(parsed.body_patterns, searcher, "body"))
    hits = [_hit(result, parsed, analyzer, corpus, passages) for result in results]
    if collapse:
        hits = [dataclasses.replace(hit, versions=_other_versions(searcher, hit, corpus)) for hit in hits]
    hits.sort(key=lambda hit: (-hit.score, hit.id))
    return SearchOutcome(len(results), hits, count_facets(searcher, parsed, facets) if facets else {})


def count_facets(searcher, parsed: ParsedQuery, top: int) -> dict[str, tuple[FacetValue, ...]]:
    """The ``top`` most frequent people, organisations and places among all matching
    articles (every version counts). A search of its own: Whoosh's grouping changes how a
    collapsed search counts its matches."""
    grouped = {name: sorting.FieldFacet(field, allow_overlap=True) for name, field in FACET_FIELDS.items()}
    results = searcher.search(parsed.query, limit=None, groupedby=grouped)
    return {name: _top_values(results.groups(name), top) for name in FACET_FIELDS}


def _top_values(groups: dict, top: int) -> tuple[FacetValue, ...]:
    """The ``top`` most frequent facet values, ties by name."""
    values = [FacetValue(_as_text(value), len(docs)) for value, docs in groups.items() if value]
    values.sort(key=lambda v: (-v.count, v.value))
    return tuple(values[:top])


def _other_versions(searcher, hit: Hit, corpus: str) -> tuple[Version, ...]:
    members = searcher.documents(story=hit.story)
    return tuple(
        sorted(
            (Version(m["id"], os.path.join(corpus, m["id"]), m["title"]) for m in members if m["id"] != hit.id),
            key=lambda version: version.id,
        )
    )


def weigh(patterns: tuple[MatchPattern, ...], searcher, field: str) -> tuple[MatchPattern, ...]:
    """Give each pattern the idf of its words in ``field`` (prefixes and wildcards count 1)."""

    def idf(word: WordPattern) -> float:
        return searcher.idf(field, word.text) if word.kind == "term" else 1.0

    return tuple(dataclasses.replace(p, weight=sum(idf(w) for w in p.words)) for p in patterns)


def _hit(result, parsed: ParsedQuery, analyzer, corpus: str, passages: int) -> Hit:
    stored = result.fields()
    body, title = stored.get("body", ""), stored.get("title", "")
    chosen: tuple = ()
    if passages:
        matches = mark(body, parsed.body_patterns, analyzer)
        chosen = choose_passages(body, matches, top=passages) if matches else lead_passage(body)
    analysis = Analysis.from_json(stored.get("analysis"))
    return Hit(
        id=stored["id"],
        path=os.path.join(corpus, stored["id"]),
        title=title,
        score=round(float(result.score), 6),
        passages=chosen,
        title_highlights=tuple(m.span for m in mark(title, parsed.title_patterns, analyzer)),
        story=stored.get("story", ""),
        quotes=analysis.quotes,
        entities=analysis.entities,
    )

"""Parse what people type (leniently), run it against the index, and turn hits into results.

Whoosh's query syntax is supported (AND by default, OR, NOT, ``field:term``, ``prefix*``,
``"phrases"`` with straight or curly quotes, ``"phrase"~slop``), but ordinary punctuation never
errors: ``Assad's forces``, ``U.S.-Russia talks``, ``95%``, ``Kerry: "countrywide"`` are read as
words. What cannot be read sensibly — an empty query, unbalanced quotes or parentheses, a
known field with no value — raises ``QueryError`` with a one-line message naming the fix.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import islice
from math import exp, log
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from weakref import WeakKeyDictionary

from whoosh import qparser, query as wq, scoring

from . import time_limit
from .archive import (
    DATE_CLAUSE,
    Sort,
    as_text,
    by_date,
    columns,
    everything,
    keep_matching,
    rewrite_date_clauses,
    split_filters,
)
from .models import ArticleView, FacetValue, Hit, Pair, QueryError, RankedBy, StoryGroup, Timeline, Version
from .nlp import Analysis
from .passages import MatchPattern, WordPattern, choose_passages, lead_passage, mark, words_of
from .schema import ARCHIVE_FIELDS, FIELD_ALIASES, META_PREFIX, SEARCHABLE_FIELDS, unpack_spans
from .text import STOP_WORDS, name_analyzer, news_analyzer, news_words, normalise
from .timeline import build_timeline

if TYPE_CHECKING:  # scoring (and numpy) are imported by the first search, not by ``import newsearch``
    import numpy as np

    from .scoring import Ranking, Scored
    from .semantic import Meaning

Mode = Literal["auto", "all", "any"]

# Fields a query searches unless it names one. Quotes and entities repeat body words, so
# adding them counts those words twice: it ranked TIME worse at every weight tried (see the
# tuning table in docs/BENCHMARKS.md). They are searched when asked for: quote:, person: ...
DEFAULT_FIELDS = ("title", "body")
FIELD_BOOSTS = {"title": 2.0, "body": 1.0}
# How much an OR-mode document gains for matching more of the terms (Whoosh's coordination bonus).
# Off: 0.9 ranked TIME no better (see the tuning table) and took ~15% of a long query's time.
OR_COORDINATION = 0.0
BM25_B, BM25_K1 = 0.75, 1.2  # the textbook values; the tuning bench found nothing better
# The ranking model: "per-field" is Whoosh's BM25F (each field's count saturated and normalised
# on its own, FIELD_BOOSTS multiplying the fields' scores); "bm25f" is Robertson and Zaragoza's
# (the fields' weighted, length-normalised counts added before one saturation, FIELD_BOOSTS
# weighting the counts, FIELD_B giving each field its own b; see ``scoring.DocumentBM25F``).
RANKING: Literal["per-field", "bm25f"] = "per-field"
FIELD_B: dict[str, float] = {}  # "bm25f": a field's b, where not BM25_B
IDF_FLOOR = 0.1  # the least a matching word weighs (see ProbabilisticBM25)
SHORT_QUERY_TERMS = 3  # "auto" mode: up to this many terms must all match; longer queries are ranked
# Pseudo-relevance feedback (RM3) for ranked queries: the words of the best FEEDBACK_DOCS
# articles, the FEEDBACK_TERMS most telling of them, given FEEDBACK_SHARE of the query's weight.
FEEDBACK_DOCS, FEEDBACK_TERMS, FEEDBACK_SHARE = 5, 20, 0.3
RERANK_DEPTH = 1000  # feedback re-scores this many of the best articles (as Anserini's RM3 does)
# Feedback is for queries of up to this many distinct words. A longer question already brings its
# own vocabulary, and the words of its best few hits pull it towards whichever of its many
# aspects they share (RM3 is known to help short queries most). TIME's questions (4-18 words)
# gain from feedback, LISA's long requests (7-46) lose (see the tuning table).
FEEDBACK_MAX_TERMS = 20
# Which ranked queries weigh a word by how often they say it (BM25's query-term frequency, as
# FTS5 and rank_bm25 count it, saturated: see ``query_term_weight``). "long": the requests too long
# for feedback. A long request comes back to its subject ("... the effects of river pollution on
# fish ... I would also like papers on measuring pollution. pollution, rivers, fisheries"), and its
# own repetitions say which of its words matter where feedback would guess from its best hits.
# "always" also weighs the short questions that get feedback, "never" no query (see the tuning
# table).
QUERY_TERM_FREQUENCY: Literal["never", "long", "always"] = "long"
# Question framing in English requests: the words that say "this is a request", not what it is
# about. Left out of ranked queries (never out of phrases). Written from how people phrase
# requests to a librarian or a search box ("I am interested in …", "I would be pleased to
# receive …", TREC's "relevant documents will discuss …"), not from any collection's queries;
# each phrase is whole, so "interest rates" or "information retrieval" are untouched.
FRAMING_PHRASES = (
    r"i(?: am|'m) (?:also |particularly |especially |mainly |mostly )?(?:interested in|looking (?:for|at)|searching for|trying to find|doing (?:a|some) (?:study|research|survey) (?:of|on|into))",
    r"i (?:would|should|'d) (?:also )?(?:be )?(?:very |most |especially |particularly )?(?:pleased|grateful|glad|happy|interested) (?:to (?:receive|have|see|get|know)|for|in)",
    r"i (?:would|'d) (?:also )?like (?:to (?:receive|have|see|get|know|find)(?: about)?)?",
    r"(?:would|will) be of (?:particular |special |great )?interest",
    r"(?:please )?(?:send|find|give) me",
    r"(?:any|some) (?:information|papers|articles|documents|literature|material|references|work) (?:on|about|concerning|regarding|dealing with|relating to)",
    r"(?:relevant|pertinent) (?:documents?|articles?|papers?) (?:will|would|must|should|may) (?:discuss|describe|mention|contain|report|include|identify|provide)",
    r"(?:a|any) (?:relevant|pertinent) (?:document|article|paper)",
)
_FRAMING = re.compile(r"(?<![\w'])(?:" + "|".join(FRAMING_PHRASES) + r")(?![\w'])", re.IGNORECASE)
# "Feisal's" is the word "Feisal": the possessive's "s" would otherwise make the phrase "feisal s".
_POSSESSIVE = re.compile(r"(?<=\w)'s(?!\w)", re.IGNORECASE)

# Fields whose matches are marked in the article body (quotes are body text).
BODY_MARK_FIELDS = frozenset({"body", "quotes"})
_KNOWN_FIELDS = set(SEARCHABLE_FIELDS) | set(FIELD_ALIASES) | set(ARCHIVE_FIELDS)
_FIELD_COLON = re.compile(r"(?<![\w\"])(\w+):")
_STRAY = re.compile(r"[?!;,{}\[\]<>=&|\\/@#$%€£¥§]")
# Bounds on what one query may cost (issue #21, "Hostile input"; figures in docs/RELIABILITY.md).
# Whoosh's parser takes time quadratic in the length of a word (~1 s for one 10,000-letter
# word) and recurses once a parenthesis deep; a wildcard is scored as every word it expands to.
MAX_QUERY_CHARS = 10_000
MAX_NESTING = 32
MAX_EXPANSION = 1000  # words one wildcard or prefix (per field) may stand for
# Spelling suggestions (for a query that matches nothing) are looked for in the first this many
# words, each of at most this many letters: Whoosh's corrector builds an automaton per word.
SUGGEST_WORDS, SUGGEST_WORD_CHARS = 20, 40


class ProbabilisticBM25(scoring.BM25F):
    """BM25F with Robertson and Spärck Jones' probabilistic idf, ``log((N - n + 0.5) / (n + 0.5))``,
    as SQLite FTS5 uses it. Whoosh's own, ``log(N / (n + 1)) + 1``, still gives a word found in
    every article a sixth of a rare word's weight, so the common words of a long query drown its
    telling ones. The probabilistic idf is negative for a word in more than half the articles
    (evidence against relevance); it is held at ``IDF_FLOOR`` instead, so that such a word still
    counts for a little and a query made only of common words still ranks by them.
    """

    def idf(self, searcher, fieldname: str, text: str) -> float:
        parent = searcher.get_parent()
        containing, total = parent.doc_frequency(fieldname, text), parent.doc_count_all()
        return max(IDF_FLOOR, log((total - containing + 0.5) / (containing + 0.5)))


def weighting() -> scoring.WeightingModel:
    """The ranking function: BM25F with the probabilistic idf, per field or (``RANKING``)
    Robertson and Zaragoza's."""
    per_field = ProbabilisticBM25(B=BM25_B, K1=BM25_K1)
    if RANKING == "per-field":
        return per_field
    from .scoring import DocumentBM25F

    fields_b = {field: FIELD_B.get(field, BM25_B) for field in FIELD_BOOSTS}
    return DocumentBM25F(FIELD_BOOSTS, fields_b, BM25_K1, IDF_FLOOR, per_field)


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A query ready to run, and what to mark in the title and in the body. ``query`` is what
    is scored (None: only filters were given, every article matches); ``filters`` narrow the
    matches without scoring them (see ``archive``)."""

    text: str
    query: wq.Query | None
    title_patterns: tuple[MatchPattern, ...]
    body_patterns: tuple[MatchPattern, ...]
    ranked: bool = False  # terms OR-ed and ranked (not all required): feedback may expand it
    filters: tuple[wq.Query, ...] = ()
    operators_as_words: bool = False  # an ALL-CAPS question's AND/OR/NOT were read as words

    def explained(self) -> str:
        """The query as Whoosh runs it, and its filters (for ``--explain``)."""
        scored = str(self.query) if self.query is not None else "every article"
        note = f" ({CAPS_NOTE})" if self.operators_as_words else ""
        return scored + "".join(f" FILTER {clause}" for clause in self.filters) + note


def make_parser(schema, mode: Literal["all", "any"] = "all") -> qparser.QueryParser:
    """A Whoosh parser over title and body with our field aliases, AND or OR between terms."""
    group = qparser.AndGroup if mode == "all" else qparser.OrGroup.factory(OR_COORDINATION)
    parser = qparser.MultifieldParser(list(DEFAULT_FIELDS), schema, fieldboosts=FIELD_BOOSTS, group=group)
    parser.remove_plugin_class(qparser.SingleQuotePlugin)  # apostrophes are not quotes
    aliases: dict[str, list[str]] = {}
    for alias, field in FIELD_ALIASES.items():
        aliases.setdefault(field, []).append(alias)
    parser.add_plugin(qparser.FieldAliasPlugin(aliases))
    return parser


def parse_query(text: str, schema, mode: Mode = "auto") -> ParsedQuery:
    """Check and parse what a user typed; raise ``QueryError`` when it cannot be understood.

    ``mode="auto"`` requires every term of a short query (up to ``SHORT_QUERY_TERMS``) and
    ranks the articles matching any term of a longer one. Ranked queries leave out stop words.
    """
    cleaned, operators_as_words = prepare_query(text)
    ranked = resolve_mode(cleaned, mode) == "any"
    words = ranked_words(cleaned) if ranked else cleaned
    parsed = make_parser(schema, "any" if ranked else "all").parse(words)
    if parsed is wq.NullQuery or isinstance(parsed, type(wq.NullQuery)):
        raise QueryError(f"query {_shown(text)} has no words to search for; try e.g. `newsearch query aleppo`")
    if ranked and (
        QUERY_TERM_FREQUENCY == "always" or QUERY_TERM_FREQUENCY == "long" and too_long_for_feedback(parsed)
    ):
        parsed = weigh_by_frequency(parsed, words)
    scored, filters = split_filters(parsed)
    return ParsedQuery(
        text=text,
        query=scored,
        title_patterns=tuple(patterns_for(scored, {"title"})) if scored is not None else (),
        body_patterns=tuple(patterns_for(scored, BODY_MARK_FIELDS)) if scored is not None else (),
        ranked=ranked and scored is not None,
        filters=filters,
        operators_as_words=operators_as_words,
    )


def prepare_query(text: str) -> tuple[str, bool]:
    """What the parser reads of ``text``: the cleaned query, with AND/OR/NOT read as words in a
    long query typed in capitals (and whether they were), and the possessive 's dropped."""
    cleaned, operators_as_words = operators_in_capitals(clean_query(text))
    return _outside(cleaned, lambda chunk: _POSSESSIVE.sub("", chunk)), operators_as_words


def query_mode(text: str, mode: Mode = "auto") -> Literal["all", "any"]:
    """How a search reads ``text`` in ``mode``: every term required (``"all"``) or ranked
    (``"any"``); ``QueryError`` as ``parse_query``."""
    return resolve_mode(prepare_query(text)[0], mode)


CAPS_WORDS = 3  # an ALL-CAPS query of more words than this is text, not operators (``KERRY OR LAVROV`` ORs)
CAPS_NOTE = "typed in capitals: AND, OR and NOT read as words"


def operators_in_capitals(cleaned: str) -> tuple[str, bool]:
    """``cleaned`` with AND/OR/NOT (and ANDNOT, ANDMAYBE) lower-cased, so read as words, when
    the whole query is typed in capitals and has more than ``CAPS_WORDS`` words, and whether it
    was. A question written in capitals (old test collections, a caps-lock user) uses them as
    English ("… SOUTH VIET NAM AND WHAT THEY ARE SEEKING …"); a short one such as
    ``KERRY OR LAVROV`` is taken to mean the operator, and mixed case always is. Phrases are
    left as they are (inside quotes these words are words anyway)."""
    outside = _outside_phrases(cleaned)
    letters = [char for char in outside if char.isalpha()]
    shouting = bool(letters) and not any(char.islower() for char in letters)
    if not shouting or len(_WORDS.findall(outside)) <= CAPS_WORDS or not _OPERATOR_WORD.search(outside):
        return cleaned, False
    return _outside(cleaned, lambda chunk: _OPERATOR_WORD.sub(lambda m: m.group().lower(), chunk)), True


_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})
_OPERATOR_NAMES = "|".join(sorted(_OPERATORS))
_OPERATOR_SYNTAX = re.compile(rf"\b(?:{_OPERATOR_NAMES})\b")
_SYNTAX = re.compile(rf"\b(?:{_OPERATOR_NAMES})\b|[()]")
_OPERATOR_WORD = re.compile(rf"(?<![\w:])(?:{_OPERATOR_NAMES})(?![\w:])")  # not a field name's or value's
_PHRASE = re.compile(r'"[^"]*"(?:~\d+)?')
# What stop words are never taken out of: phrases, and date ranges (``date:[... TO ...]``).
_PROTECTED = re.compile(r'"[^"]*"(?:~\d+)?|\bdate:\[[^\]]*\]')
# A clause on an archive field, which filters and is no term of the query (see ``resolve_mode``).
_ARCHIVE_CLAUSE = re.compile(
    rf'(?<![\w"])(?:{"|".join(ARCHIVE_FIELDS)}|{META_PREFIX}\w+):(?:\[[^\]]*\]|"[^"]*"|\S+)', re.IGNORECASE
)
_BARE_WORD = re.compile(r"(?<![\w:.'*?~-])[A-Za-z]+(?![\w:.'*?~-])")


def resolve_mode(cleaned: str, mode: Mode) -> Literal["all", "any"]:
    """``auto`` becomes ``all`` for short queries (what people expect of a search box) and
    ``any`` for long, natural-language ones, which rarely match every word."""
    if mode != "auto":
        return mode
    cleaned = _ARCHIVE_CLAUSE.sub(" ", cleaned)  # filters, not terms: ``cocoa source:reuters`` is one term
    terms = [chunk for chunk in _outside_phrases(cleaned).split() if chunk not in _OPERATORS and chunk.strip("()")]
    return "all" if len(terms) + len(_PHRASE.findall(cleaned)) <= SHORT_QUERY_TERMS else "any"


def ranked_words(cleaned: str) -> str:
    """What a ranked query searches for: without its framing ("I am interested in …") and stop
    words, and, when it uses no operator, without parentheses (in an OR of words they group
    nothing: "journals in libraries (any types of library)")."""
    if not _OPERATOR_SYNTAX.search(_outside_phrases(cleaned)):
        unframed = _outside(cleaned, lambda chunk: _FRAMING.sub(" ", chunk))
        if unframed.strip() and _WORDS.search(_outside_phrases(unframed)) or _PHRASE.search(unframed):
            cleaned = unframed
        if not re.search(r":\s*\(", cleaned):
            cleaned = _outside(cleaned, lambda chunk: chunk.replace("(", " ").replace(")", " "))
    return drop_stop_words(cleaned)


def _outside(text: str, change) -> str:
    """``text`` with ``change`` applied to what lies outside its phrases and date ranges."""
    pieces, last = [], 0
    for phrase in _PROTECTED.finditer(text):
        pieces += [change(text[last : phrase.start()]), phrase.group()]
        last = phrase.end()
    pieces.append(change(text[last:]))
    return "".join(pieces)


def weigh_by_frequency(parsed: wq.Query, words: str) -> wq.Query:
    """``parsed`` with each plain word's terms boosted by how many times ``words`` (the ranked
    query's text) says it, as ``query_term_weight`` weighs it: BM25's query-term frequency."""
    counts = Counter(word for word, _, _ in news_words(_outside_phrases(words)))
    if not counts or max(counts.values()) == 1:
        return parsed

    def boost(node: wq.Query) -> wq.Query:
        if type(node) is wq.Term and node.fieldname in DEFAULT_FIELDS:
            times = counts.get(as_text(node.text), 1)
            return _boosted(node, times)
        if type(node) in (wq.Or, wq.And):
            node = copy.copy(node)
            node.subqueries = [boost(child) for child in node.subqueries]
        return node

    return boost(parsed)


def query_term_weight(times: int) -> float:
    """The weight of a word a query says ``times`` times: 1 + ln(times), more for each repetition
    but less and less (as BM25 saturates a document's count), so that a request's restated
    subject leads without drowning its other words."""
    return 1 + log(times)


def _boosted(term: wq.Term, times: int) -> wq.Term:
    if times == 1:
        return term
    return wq.Term(term.fieldname, term.text, boost=term.boost * query_term_weight(times))


def drop_stop_words(cleaned: str) -> str:
    """The query without its stop words, for ranking: only plain words outside phrases go
    (``"regime in silence"`` stays exact), and nothing when the query uses operators or
    parentheses or is made of stop words only."""
    if _SYNTAX.search(_outside_phrases(cleaned)):
        return cleaned

    def drop(chunk: str) -> str:
        return _BARE_WORD.sub(lambda m: "" if m.group().lower() in STOP_WORDS else m.group(), chunk)

    dropped = " ".join(_outside(cleaned, drop).split())
    return dropped or cleaned


def clean_query(text: str) -> str:
    """Normalise quotes and dashes, reject malformed syntax, neutralise stray punctuation."""
    cleaned = normalise(text).strip()
    if not cleaned:
        raise QueryError("empty query; type some words, e.g. `newsearch query aleppo`")
    if len(cleaned) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long: {len(cleaned):,} characters, at most {MAX_QUERY_CHARS:,}; shorten it")
    if cleaned.count('"') % 2:
        raise QueryError(f'unbalanced quotes in {_shown(text)}; close the phrase with a second "')
    outside = _outside_phrases(cleaned)
    depth = deepest = 0
    for char in outside:
        depth += {"(": 1, ")": -1}.get(char, 0)
        deepest = max(deepest, depth)
        if depth < 0:
            break
    if depth:
        raise QueryError(f"unbalanced parentheses in {_shown(text)}; every ( needs a )")
    if deepest > MAX_NESTING:
        raise QueryError(f"parentheses nested {deepest} deep, at most {MAX_NESTING}; flatten the query")
    return _neutralise(cleaned)


def _shown(text: str, chars: int = 80) -> str:
    """``text`` as an error message quotes it: its repr, cut short (a query may be 10,000 characters)."""
    return repr(text) if len(text) <= chars else repr(text[:chars]) + f"… ({len(text):,} characters)"


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
    """``chunk`` (no phrases in it) with its date clauses in Whoosh's form and the rest as words."""
    pieces, last = [], 0
    for clause in DATE_CLAUSE.finditer(chunk):
        pieces += [_plain_words(chunk[last : clause.start()], phrase_follows=True), rewrite_date_clauses(clause.group())]
        last = clause.end()
    pieces.append(_plain_words(chunk[last:], phrase_follows))
    return "".join(pieces)


def _plain_words(chunk: str, phrase_follows: bool) -> str:
    def field(match: re.Match) -> str:
        name = match.group(1)
        if name.lower() not in _KNOWN_FIELDS and not name.lower().startswith(META_PREFIX):
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
            yield MatchPattern((WordPattern(as_text(parsed.text)),))
    else:
        for child in parsed.children():
            yield from patterns_for(child, fields)


FACET_FIELDS = {"people": "people_facet", "organisations": "organisations_facet", "places": "places_facet"}


@dataclass(frozen=True, slots=True)
class SearchOutcome:
    """What ``run_search`` found, before it becomes the API's ``SearchResults``."""

    total: int
    hits: list[Hit]
    facets: dict[str, tuple[FacetValue, ...]]
    suggestion: str | None = None
    timeline: Timeline | None = None
    ranking: RankedBy = "words"


def run_search(
    searcher,
    parsed: ParsedQuery,
    corpus: str,
    limit: int,
    passages: int = 3,
    collapse: bool = True,
    facets: int = 0,
    feedback: bool = True,
    meaning: Meaning | None = None,
    *,
    filters: tuple[wq.Query, ...] = (),
    sort: Sort = "relevance",
    timeline: bool = False,
    offset: int = 0,
) -> SearchOutcome:
    """The total number of matching articles and the top ``limit`` hits, ranked by
    ``(-score, id)`` so that ties are broken the same way every time; with ``offset``, the
    hits ``offset .. offset + limit`` of that same order (a page further down).

    With ``collapse``, only the best-scoring article of each story is a hit, and the story's
    other articles are listed as its ``versions``. With ``facets=N``, the N most frequent
    people, organisations and places among *all* matching articles are counted too. With
    ``feedback``, a ranked query is re-ranked by its expansion (see ``rerank``; which queries:
    ``wants_feedback``); the articles it matches stay the same. With the query's embedding
    (``meaning``), the ranking is mixed with each article's closeness to it (``semantic.fuse``)
    when every matching article has its embedding; ``ranking`` says whether it was. A query
    that matches nothing gets a spelling ``suggestion``.

    ``filters`` (with the query's own, ``parsed.filters``) narrow the matches before anything
    else; ``sort="newest"``/``"oldest"`` orders the hits by date instead of score (undated
    last; a collapsed story is placed by the date of its best-matching version); ``timeline``
    counts every match by date.
    """
    # One scored pass over every match: it gives the total, and feedback and collapsing work
    # on its ranking. (Whoosh's own top-N skipping is slower than this for long OR queries.)
    from .scoring import rank

    for clause in (parsed.query, *parsed.filters):
        if clause is not None:
            check_expansion(searcher, clause)
    ranking = rank(searcher, parsed.query) if parsed.query is not None else everything(searcher)
    if filters or parsed.filters:
        ranking = keep_matching(searcher, ranking, (*parsed.filters, *filters))
    time_limit.check()
    if feedback and len(ranking) and wants_feedback(parsed, semantic=meaning is not None):
        ranking = rerank(searcher, parsed.query, ranking)
        time_limit.check()
    ranked: RankedBy = "words"
    if meaning is not None and parsed.query is not None:
        from .semantic import fuse

        fused = fuse(searcher, ranking, meaning)
        if fused is not None:
            ranking, ranked = fused, "semantic"
        time_limit.check()
    if sort == "relevance":
        best = _page_by_score(searcher, ranking, offset, limit, collapse)
    else:
        chosen = _story_leaders(searcher, ranking) if collapse else ranking
        best = list(by_date(searcher, chosen, newest_first=sort == "newest").head(offset + limit))[offset:]
    parsed = dataclasses.replace(parsed, body_patterns=weigh(parsed.body_patterns, searcher, "body"))
    hits = []
    for scored in best:  # passages: the time limit is checked hit by hit
        time_limit.check()
        hits.append(_hit(searcher.stored_fields(scored.docnum), scored.score, parsed, corpus, passages))
    if collapse:
        hits = [
            dataclasses.replace(hit, versions=_other_versions(searcher, hit, corpus, s.docnum)) if hit.story else hit
            for hit, s in zip(hits, best)
        ]
    time_limit.check()
    found = count_facets(searcher, ranking, facets) if facets else {}
    when = _timeline(searcher, ranking) if timeline else None
    time_limit.check()
    return SearchOutcome(len(ranking), hits, found, None if hits else suggest(searcher, parsed.text), when, ranked)


def check_expansion(searcher, query: wq.Query) -> None:
    """Raise ``QueryError`` for a wildcard or prefix that stands for more than ``MAX_EXPANSION``
    words of the index (``*``, ``a*``): it would be scored as that many words."""
    reader = searcher.reader()
    for leaf in query.leaves():
        if isinstance(leaf, wq.Every):
            raise QueryError("`*` alone stands for every word of the index; search for a word or a prefix (alep*)")
        if isinstance(leaf, wq.MultiTerm) and leaf.field() in reader.schema:
            if next(islice(leaf._btexts(reader), MAX_EXPANSION, None), None) is not None:
                written = f"{leaf.text}*" if isinstance(leaf, wq.Prefix) else leaf.text
                raise QueryError(
                    f"`{written}` stands for more than {MAX_EXPANSION:,} words of the index; make it more specific (a longer prefix)"
                )


def _timeline(searcher, ranking: Ranking) -> Timeline:
    """Every match counted by date (the dates are read only when a timeline is asked for)."""
    dates = columns(searcher).dates
    return build_timeline(dates[d] or None for d in ranking.docnums.tolist())


def _story_leaders(searcher, ranking: Ranking) -> Ranking:
    """The best-ranked article of every story, in ranking order (what ``_one_per_story`` gives
    for the first few stories, for all of them at once)."""
    import numpy as np

    _, first = np.unique(story_codes(searcher)[ranking.docnums], return_index=True)
    first.sort()
    return ranking.only(first)


_STORY_CODES: WeakKeyDictionary = WeakKeyDictionary()


def story_codes(searcher) -> np.ndarray:
    """Each article's story as a number (equal numbers, same story), by document number; read
    once per searcher."""
    if searcher not in _STORY_CODES:
        import numpy as np

        readers = [leaf.reader() for leaf, _ in searcher.leaf_searchers()]
        # (Whoosh's reader of an index without articles has no columns.)
        stories = [story for reader in readers if reader.has_column("story") for story in reader.column_reader("story")]
        codes: dict[str, int] = {}
        _STORY_CODES[searcher] = np.array([codes.setdefault(story, len(codes)) for story in stories], dtype=np.int64)
    return _STORY_CODES[searcher]


def _page_by_score(searcher, ranking: Ranking, offset: int, limit: int, collapse: bool) -> list[Scored]:
    """Hits ``offset .. offset + limit`` in ``(-score, id)`` order (one a story when
    ``collapse``). The ranking orders ties by document number, which is not id order, so the
    articles tied with the last one wanted are taken too and the page is cut after sorting by
    id: pages then never overlap or skip a hit, whatever the ties."""
    wanted = offset + limit
    head = _one_per_story(searcher, ranking, None, through=wanted) if collapse else _through_ties(ranking, wanted)
    if len(head) > wanted or head and any(a.score == b.score for a, b in zip(head, head[1:])):
        ids = _ids_of(searcher, [s.docnum for s in head])
        head.sort(key=lambda s: (-s.score, ids[s.docnum]))
    return head[offset:wanted]


def _through_ties(ranking: Ranking, wanted: int) -> list[Scored]:
    """The best ``wanted`` articles of ``ranking`` and every further one tied with the last."""
    head = list(ranking.head(wanted))
    rest = ranking.tail(wanted)
    if head and len(rest):
        differ = rest.scores != head[-1].score
        head += list(rest.head(int(differ.argmax()) if differ.any() else len(rest)))
    return head


_IDS: WeakKeyDictionary = WeakKeyDictionary()
FEW_IDS = 200  # up to this many ids are read from the stored fields; more from the id lexicon, once a searcher


def _ids_of(searcher, docnums: list[int]) -> dict[int, str]:
    """The article id of each of ``docnums``."""
    if len(docnums) <= FEW_IDS and searcher not in _IDS:
        return {d: searcher.stored_fields(d)["id"] for d in docnums}
    if searcher not in _IDS:
        table: dict[int, str] = {}
        for leaf, offset in searcher.leaf_searchers():
            reader = leaf.reader()
            for term in reader.lexicon("id"):
                for docnum in reader.postings("id", term).all_ids():
                    table[docnum + offset] = as_text(term)
        _IDS[searcher] = table
    table = _IDS[searcher]
    return {d: table[d] for d in docnums}


def _one_per_story(searcher, ranking: Ranking, limit: int | None = None, *, through: int | None = None) -> list[Scored]:
    """The best-ranked article of each story, for the first ``limit`` stories (or all); with
    ``through``, the first ``through`` stories and every further one whose best article ties
    with the last of them."""
    if not len(ranking):  # (and an index without articles has no story column to read)
        return []
    story_of = searcher.reader().column_reader("story")
    seen: set[str] = set()
    best: list[Scored] = []
    for scored in ranking:
        if through is not None and len(best) >= through and scored.score != best[-1].score:
            break
        story = story_of[scored.docnum]
        if story not in seen:
            seen.add(story)
            best.append(scored)
            if len(best) == limit:
                break
    return best


_STOP_TERMS = frozenset(token.text for token in news_analyzer()(" ".join(STOP_WORDS)))


def body_words(query: wq.Query) -> set[str]:
    """The distinct words a query looks for in the body."""
    return {as_text(text) for field, text in query.iter_all_terms() if field == "body"}


def wants_feedback(parsed: ParsedQuery, semantic: bool) -> bool:
    """Whether feedback re-ranks a query: a ranked one, not too long for it
    (``too_long_for_feedback``), and in a semantic search only if ``semantic.FEEDBACK``."""
    if not parsed.ranked or too_long_for_feedback(parsed.query):
        return False
    if semantic:
        from .semantic import FEEDBACK

        return FEEDBACK
    return True


def too_long_for_feedback(query: wq.Query) -> bool:
    """Whether a ranked query has more than ``FEEDBACK_MAX_TERMS`` distinct words: no feedback,
    and (``QUERY_TERM_FREQUENCY`` "long") its words weighed by how often it says them."""
    return len(body_words(query)) > FEEDBACK_MAX_TERMS


def rerank(searcher, query: wq.Query, ranking: Ranking) -> Ranking:
    """RM3 pseudo-relevance feedback: rank by ``(1 - FEEDBACK_SHARE)`` times the query's score
    plus the scores of the words that weigh most in its best articles (``expansion``). Long
    queries gain the words their topic is written in without their wording ("efforts" of an
    "ambassador" -> "lodge", "saigon").

    The best ``RERANK_DEPTH`` articles are re-scored; the rest keep their place behind them,
    scored as if no expansion word occurred in them (a lower bound, so scores still fall).
    """
    from .scoring import Ranking, term_scores

    terms = expansion(searcher, query, list(ranking.head(FEEDBACK_DOCS)))
    head, tail = ranking.head(RERANK_DEPTH), ranking.tail(RERANK_DEPTH)
    keep = 1 - FEEDBACK_SHARE
    rescored = Ranking.ordered(keep * head.scores + term_scores(searcher, terms, head.docnums), head.docnums)
    return rescored.then(Ranking(keep * tail.scores, tail.docnums))


def expansion(searcher, query: wq.Query, top: list[Scored]) -> list[wq.Term]:
    """The relevance model of RM3: the ``FEEDBACK_TERMS`` words that weigh most in the ``top``
    articles, each article counting by ``exp(score)`` (BM25 scores are log-odds, so this is its
    relative likelihood of being relevant), as body terms weighted to ``FEEDBACK_SHARE`` of the
    query's words."""
    best = top[0].score
    likelihoods = [exp(s.score - best) for s in top]
    total = sum(likelihoods)
    model: Counter[str] = Counter()
    for scored, likelihood in zip(top, likelihoods):
        words = Counter(word for word, _, _ in words_of(searcher.stored_fields(scored.docnum).get("body", "")))
        length = sum(words.values()) or 1
        for word, count in words.items():
            model[word] += likelihood / total * count / length
    chosen = [(word, weight) for word, weight in model.most_common() if _telling(word)][:FEEDBACK_TERMS]
    if not chosen:
        return []
    # The query's weight: its body words, each as often as the query says it.
    query_terms = sum(t.boost for t in query.leaves() if type(t) is wq.Term and t.fieldname == "body") or 1
    scale = FEEDBACK_SHARE * query_terms / sum(weight for _, weight in chosen)
    return [wq.Term("body", word, boost=weight * scale) for word, weight in chosen]


def _telling(word: str) -> bool:
    """A feedback word worth adding: not a stop word, a single letter or a number."""
    return len(word) > 1 and word not in _STOP_TERMS and not word[0].isdigit()


_WORDS = re.compile(r"\w+")


def suggest(searcher, text: str) -> str | None:
    """``text`` with each word the index does not know replaced by the closest one it does
    (Whoosh's corrector over the indexed body words, within two edits, same first letter),
    written as in an article; ``None`` when there is nothing to correct."""
    analyzer, corrector = searcher.schema["body"].analyzer, searcher.corrector("body")

    looked_at = 0

    def correct(match: re.Match) -> str:
        nonlocal looked_at
        word = match.group()
        looked_at += 1
        if looked_at > SUGGEST_WORDS or len(word) > SUGGEST_WORD_CHARS:
            return word
        stem = next((token.text for token in analyzer(word)), "")
        if not stem or any(searcher.doc_frequency(field, stem) for field in DEFAULT_FIELDS):
            return word
        # One edit first: Whoosh's reader corrector ranks by frequency alone within ``maxdist``.
        found = corrector.suggest(stem, limit=1, maxdist=1, prefix=1) or corrector.suggest(stem, limit=1, prefix=1)
        return _as_written(searcher, found[0], analyzer) if found else word

    corrected = _WORDS.sub(correct, normalise(text))
    return corrected if corrected != normalise(text) else None


def _as_written(searcher, stem: str, analyzer) -> str:
    """A word of an article that indexes as ``stem`` (the index holds stems: "ceasefir")."""
    words = name_analyzer()
    for fields in searcher.documents(body=stem):
        for token in words(fields.get("body", "")):
            if next((t.text for t in analyzer(token.text)), "") == stem:
                return token.text
    return stem


def count_facets(searcher, ranking: Ranking, top: int) -> dict[str, tuple[FacetValue, ...]]:
    """The ``top`` most frequent people, organisations, places and sources among the
    ``ranking`` (every matching article: every version counts)."""
    values = facet_values(searcher)
    docnums = ranking.docnums.tolist()
    found = {}
    for name, by_docnum in values.items():
        found[name] = _most_common(Counter(value for docnum in docnums for value in by_docnum.get(docnum, ())), top)
    sources = columns(searcher).sources
    found["sources"] = _most_common(Counter(sources[d] for d in docnums if sources[d]), top)
    return found


def _most_common(counts: Counter[str], top: int) -> tuple[FacetValue, ...]:
    ordered = sorted((FacetValue(value, count) for value, count in counts.items()), key=lambda f: (-f.count, f.value))
    return tuple(ordered[:top])


_FACET_VALUES: WeakKeyDictionary = WeakKeyDictionary()


def facet_values(searcher) -> dict[str, dict[int, tuple[str, ...]]]:
    """Each facet's values for every article that has some, by document number, read from the
    index once per searcher. (Whoosh's own grouping re-reads the whole field on every search:
    a quarter of a second on BBC, whatever the query.)"""
    if searcher not in _FACET_VALUES:
        table: dict[str, dict[int, tuple[str, ...]]] = {}
        for name, field in FACET_FIELDS.items():
            by_docnum: dict[int, list[str]] = {}
            for leaf, offset in searcher.leaf_searchers():
                reader = leaf.reader()
                for term in reader.lexicon(field):
                    value = as_text(term)
                    for docnum in reader.postings(field, term).all_ids():
                        by_docnum.setdefault(docnum + offset, []).append(value)
            table[name] = {docnum: tuple(found) for docnum, found in by_docnum.items()}
        _FACET_VALUES[searcher] = table
    return _FACET_VALUES[searcher]


def _other_versions(searcher, hit: Hit, corpus: str, docnum: int | None = None) -> tuple[Version, ...]:
    """The story's other articles, in the order of ``in_date_order``. Given the hit's document
    number, a story of one article (most are) is known from the story column, without a
    look-up of the story's id."""
    if docnum is not None:
        codes = story_codes(searcher)
        if (codes == codes[docnum]).sum() == 1:
            return ()
    members = searcher.documents(story=hit.story)
    return in_date_order(version_of(m, corpus) for m in members if m["id"] != hit.id)


def version_of(stored: dict, corpus: str) -> Version:
    """An article as a ``Version`` of its story, from its stored fields."""
    return Version(
        stored["id"], path_of(stored, corpus), stored.get("title", ""), stored.get("published") or None, stored.get("source") or None
    )


def in_date_order(versions: Iterable[Version]) -> tuple[Version, ...]:
    """Versions by date, the first published first; undated ones after them; then by id."""
    return tuple(sorted(versions, key=lambda v: (v.date is None, v.date or "", v.id)))


def path_of(stored: dict, corpus: str) -> str:
    """Where an article is: its file, or for a record its dump (``file``; "" when the corpus
    is the dump itself)."""
    file = stored.get("file", stored["id"])
    return os.path.join(corpus, file) if file else corpus


def weigh(patterns: tuple[MatchPattern, ...], searcher, field: str) -> tuple[MatchPattern, ...]:
    """Give each pattern the idf of its words in ``field`` (prefixes and wildcards count 1)."""

    def idf(word: WordPattern) -> float:
        return searcher.idf(field, word.text) if word.kind == "term" else 1.0

    return tuple(dataclasses.replace(p, weight=sum(idf(w) for w in p.words)) for p in patterns)


def _hit(stored: dict, score: float, parsed: ParsedQuery, corpus: str, passages: int) -> Hit:
    body, title = stored.get("body", ""), stored.get("title", "")
    chosen: tuple = ()
    if passages:
        matches = mark(body, parsed.body_patterns)
        sentences = unpack_spans(stored.get("sentences"))
        chosen = choose_passages(body, matches, sentences, top=passages) if matches else lead_passage(body, sentences)
    analysis = Analysis.from_json(stored.get("analysis"))
    metadata = stored.get("metadata") or {}
    return Hit(
        id=stored["id"],
        path=path_of(stored, corpus),
        title=title,
        score=round(float(score), 6),
        passages=chosen,
        title_highlights=tuple(m.span for m in mark(title, parsed.title_patterns)),
        story=stored.get("story", ""),
        quotes=analysis.quotes,
        entities=analysis.entities,
        date=stored.get("published") or None,
        source=stored.get("source") or None,
        author=stored.get("author") or None,
        url=stored.get("url"),
        metadata=tuple((name, tuple(value) if isinstance(value, list) else value) for name, value in metadata.items()),
    )


# --------------------------------------------------------------------------- one article, one story


def article_view(searcher, article_id: str, parsed: ParsedQuery | None, corpus: str) -> ArticleView | None:
    """The whole article ``article_id`` with the matches of ``parsed`` marked as in passages
    (title and body), and the other versions of its story; None when there is no such article."""
    stored = searcher.document(id=article_id)
    if stored is None:
        return None
    hit = _hit(stored, 0.0, parsed or _NOTHING, corpus, passages=0)
    body = stored.get("body", "")
    marked = mark(body, parsed.body_patterns) if parsed is not None else []
    return ArticleView(
        id=hit.id,
        path=hit.path,
        title=hit.title,
        body=body,
        highlights=tuple(m.span for m in marked),
        title_highlights=hit.title_highlights,
        date=hit.date,
        source=hit.source,
        author=hit.author,
        url=hit.url,
        metadata=hit.metadata,
        quotes=hit.quotes,
        entities=hit.entities,
        story=hit.story,
        versions=_other_versions(searcher, hit, corpus) if hit.story else (),
        sentences=unpack_spans(stored.get("sentences")),
    )


_NOTHING = ParsedQuery(text="", query=None, title_patterns=(), body_patterns=())


def story_group(searcher, story_or_article_id: str, corpus: str) -> StoryGroup | None:
    """The story with this id, or the story of the article with this id: its versions (in the
    order of ``in_date_order``) and the similarity of each pair; None when neither exists."""
    from .stories import signature, similarity

    members = list(searcher.documents(story=story_or_article_id))
    if not members:
        article = searcher.document(id=story_or_article_id)
        if article is None or not article.get("story"):
            return None
        members = list(searcher.documents(story=article["story"]))
    members.sort(key=lambda fields: fields["id"])
    signatures = [signature(fields.get("body", "")) for fields in members]
    pairs = tuple(
        Pair(members[i]["id"], members[j]["id"], similarity(signatures[i], signatures[j]))
        for i in range(len(members))
        for j in range(i + 1, len(members))
    )
    return StoryGroup(id=members[0]["story"], versions=in_date_order(version_of(m, corpus) for m in members), pairs=pairs)

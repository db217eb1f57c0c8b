"""Value objects that cross module lines, and the error tree.

Every class here is a frozen, slotted dataclass: immutable, hashable, cheap, and safe to hand
to another thread or process. No Whoosh or NLTK object ever appears in one of them.

Offsets: every ``start``/``end`` pair is a half-open interval of *characters* (not bytes) into
``Article.body`` — the body text exactly as decoded from the file (after the title line, with
line endings made ``\\n``). The normalised text used for indexing (see ``newsearch.text``) has
the same length, so the same offsets are valid in both.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

EntityKind = Literal["PERSON", "ORGANIZATION", "PLACE"]
SpeakerSource = Literal["name", "pronoun", "previous"]
Bucket = Literal["day", "week", "month", "year"]
# How a search ranked its matches: by words alone, or by words mixed with closeness in meaning
# (``semantic``); each gives ``Hit.score`` its own meaning (see README, "JSON output").
RankedBy = Literal["words", "semantic"]


# --------------------------------------------------------------------------- articles


@dataclass(frozen=True, slots=True)
class Article:
    """One article: a file (``.txt``, ``.html``) or a record of a dump (JSON Lines, CSV), decoded
    and split into title and body, with what the archive says about it.

    ``id`` is the unique key in the index: a file's path relative to the corpus directory (with
    ``/`` separators), or a record's id (see ``newsearch.sources``). ``path`` is the file it
    came from (for a record, its dump). ``date`` is ``YYYY-MM-DDTHH:MM:SSZ`` (UTC) or
    ``YYYY-MM-DD`` when the source gives a day only, or None; never guessed from a file's mtime.
    ``metadata`` holds every other field of the record (e.g. Reuters' ``places``), by name.
    ``notes`` are problems that did not stop it being indexed ("unparseable date ...").
    """

    id: str
    path: str
    title: str
    body: str
    paragraphs: tuple[Span, ...]
    encoding: str
    size: int
    mtime_ns: int
    sha256: str
    date: str | None = None
    source: str | None = None
    author: str | None = None
    url: str | None = None
    metadata: tuple[tuple[str, str | tuple[str, ...]], ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file or record that was not indexed, and why (binary, empty, unreadable, ...). For a
    record of a dump, ``path`` is ``<dump>:<line number>``. A ``transient`` problem (a file that
    cannot be read just now) keeps the version already indexed, if any: only what a file holds
    can take its article out of the index, never a failure to read it."""

    path: str
    reason: str
    transient: bool = False


# --------------------------------------------------------------------------- analysis


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character interval ``[start, end)``; ``start <= end`` always."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quote in an article body, with who said it (when we can tell).

    ``text`` is ``body[start:end]`` with the quotation marks stripped; for a quote that runs
    over several paragraphs, ``start``/``end`` cover the whole run. ``speaker`` is the
    canonical name within the article ("John Kerry", not "Kerry" or "he"), or ``None`` when
    the quote is unattributed. ``speaker_source`` says how the speaker was found: ``"name"``
    (named next to the cue), ``"pronoun"`` (he/she resolved to the last named speaker) or
    ``"previous"`` (a stand-alone paragraph continuing the previous speaker). ``partial`` marks
    a partial quote: someone's words quoted inside the writer's own sentence (``Reilly said
    the turnout was "truly remarkable"``, ``called it "an absolute disgrace"``) or a quote of
    fewer than three words; it gets its speaker by the same rules as a whole quote (and may
    have none). Quoted words that are not speech — titles, nicknames, names of things, scare
    quotes such as "countrywide" — are not quotes at all.
    """

    text: str
    start: int
    end: int
    speaker: str | None = None
    cue: str | None = None
    speaker_source: SpeakerSource | None = None
    partial: bool = False

    def is_scare_quote(self) -> bool:
        """True for a partial quote of fewer than three words with no speaker, which lists of
        quotes leave out. Analyses since #17 hold none; those stored earlier may."""
        return self.partial and self.speaker is None and len(re.findall(r"\w+", self.text)) < 3


@dataclass(frozen=True, slots=True)
class Entity:
    """A named entity of an article, by canonical name, with how often it was mentioned."""

    name: str
    kind: EntityKind
    count: int = 1


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class Passage:
    """A sentence-sized window of an article body with the query matches in it.

    ``text`` is ``body[start:end]``; each highlight is an absolute offset into the body, so
    ``body[h.start:h.end]`` is the matched word.
    """

    text: str
    start: int
    end: int
    highlights: tuple[Span, ...]
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class Version:
    """An article of a story (a copy or a rewrite), as listed under a hit or in ``stories``;
    ``date`` and ``source`` as in ``Article``."""

    id: str
    path: str
    title: str
    date: str | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Pair:
    """Two articles of a story and their estimated similarity (Jaccard of word shingles)."""

    first: str
    second: str
    similarity: float


@dataclass(frozen=True, slots=True)
class StoryGroup:
    """A story with several articles: its id, its versions and how alike each pair is."""

    id: str
    versions: tuple[Version, ...]
    pairs: tuple[Pair, ...]


@dataclass(frozen=True, slots=True)
class FacetValue:
    """One value of a facet (a person, organisation or place) and how many hits have it."""

    value: str
    count: int


@dataclass(frozen=True, slots=True)
class TimelineCount:
    """How many matching articles fall in one bucket of a timeline. ``start`` is the bucket's
    first day, ``YYYY-MM-DD`` (a week starts on Monday, a month on its 1st, a year on 1 January)."""

    start: str
    count: int


@dataclass(frozen=True, slots=True)
class Timeline:
    """When a query's matches were published: counts per ``bucket``, in date order from the
    bucket of the earliest match to that of the latest, empty buckets included; ``undated``
    counts the matches without a date, so the counts and ``undated`` add up to the matches."""

    bucket: Bucket
    counts: tuple[TimelineCount, ...]
    undated: int


@dataclass(frozen=True, slots=True)
class QuoteHit:
    """A quote that matched ``newsearch quotes``: the quote, its article, and the matches.

    ``span_text`` is ``body[quote.start:quote.end]`` (for a quote over several paragraphs it
    still holds the re-opening marks that ``quote.text`` drops); ``highlights`` are offsets
    into the article body, inside that span. ``why`` says in one line how the speaker was
    found (or why there is none).
    """

    quote: Quote
    article_id: str
    path: str
    title: str
    score: float
    span_text: str
    highlights: tuple[Span, ...] = ()
    date: str | None = None
    source: str | None = None
    why: str = ""  # why the quote was attributed as it was, in one line (``quotes --explain``)


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked search result: the article's identity, its score and its best passages.

    ``story`` is the id of its near-duplicate story; when results are collapsed by story,
    ``versions`` lists the story's other articles.
    """

    id: str
    path: str
    title: str
    score: float
    passages: tuple[Passage, ...]
    title_highlights: tuple[Span, ...] = ()
    story: str = ""
    versions: tuple[Version, ...] = ()
    quotes: tuple[Quote, ...] = ()
    entities: tuple[Entity, ...] = ()
    date: str | None = None
    source: str | None = None
    author: str | None = None
    url: str | None = None
    metadata: tuple[tuple[str, str | tuple[str, ...]], ...] = ()


@dataclass(frozen=True, slots=True)
class SearchResults:
    """What ``Index.search`` returns: the hits in rank order, the total number of matching
    articles, and (when asked for) facets: the most frequent ``people``, ``organisations``,
    ``places`` and ``sources`` among all matching articles, and the ``timeline`` of when they
    were published. ``offset`` is the rank (from 0) of the first hit: ``hits`` are the matches
    ``offset .. offset + limit`` of the ranking (a collapsed story counts as one). ``ranking``
    is how they were ranked: ``"words"``, or ``"semantic"`` when every matching article had
    its embedding and the search mixed in closeness in meaning."""

    query: str
    total: int
    hits: tuple[Hit, ...]
    parsed: str = ""
    suggestion: str | None = None
    facets: dict[str, tuple[FacetValue, ...]] = field(default_factory=dict)
    timeline: Timeline | None = None
    offset: int = 0
    ranking: RankedBy = "words"


@dataclass(frozen=True, slots=True)
class ArticleView:
    """One article as ``Index.article`` shows it: its whole text, with the matches of a query
    marked (``highlights`` are offsets into ``body``, ``title_highlights`` into ``title``), what
    the archive says about it, its quotes and entities, and the other versions of its story."""

    id: str
    path: str
    title: str
    body: str
    highlights: tuple[Span, ...] = ()
    title_highlights: tuple[Span, ...] = ()
    date: str | None = None
    source: str | None = None
    author: str | None = None
    url: str | None = None
    metadata: tuple[tuple[str, str | tuple[str, ...]], ...] = ()
    quotes: tuple[Quote, ...] = ()
    entities: tuple[Entity, ...] = ()
    story: str = ""
    versions: tuple[Version, ...] = ()
    sentences: tuple[Span, ...] = ()  # the body's sentences, as passages and story diffs cut it


@dataclass(frozen=True, slots=True)
class Health:
    """What ``Index.health`` reports: the committed generation searched, how many articles it
    holds, and when it was last committed (``YYYY-MM-DDTHH:MM:SSZ``, UTC); whether the index
    ranks by meaning (``semantic``), and how many of its articles have their embedding by the
    installed model (``embedded``; 0 without the model): a search ranks by meaning once all
    the articles it matches have one."""

    generation: int
    articles: int
    last_update: str
    source: str
    semantic: bool
    embedded: int = 0


@dataclass(frozen=True, slots=True)
class IndexCheck:
    """What ``newsearch.check_index`` found: ``problems`` that make the index untrustworthy
    (none: it is intact), ``notes`` on what the next update repairs by itself, and what was
    read: the committed ``generation``, its ``segments`` and ``articles``."""

    index: str
    generation: int
    segments: int
    articles: int
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def intact(self) -> bool:
        return not self.problems

    def verdict(self) -> str:
        """One line: intact, or damaged with the first problem and the fix."""
        if self.intact:
            return f"intact: {self.articles:,} articles in {self.segments} segment(s) (generation {self.generation}) all read back"
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        return f"DAMAGED: {self.problems[0]}{more}; run `newsearch index --full --index {self.index}`"


@dataclass(frozen=True, slots=True)
class QuoteChange:
    """A quote of one version against the other (see ``VersionChanges``): its text, speaker
    and cue, and for an altered quote or a changed attribution the other version's, with the
    word-level difference (``words``: ``("=", "same words")``, ``("-", "cut")``, ``("+", "new")``)."""

    text: str
    speaker: str | None = None
    cue: str | None = None
    before: str | None = None
    speaker_before: str | None = None
    cue_before: str | None = None
    words: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class FigureChange:
    """Numbers and quantities of one sentence (``figures``) in one version only, or whose
    sentence changed (``context_before`` -> ``context``)."""

    figures: tuple[str, ...]
    context: str
    context_before: str | None = None


@dataclass(frozen=True, slots=True)
class SentenceEdit:
    """The same sentence in both versions, reworded: before, after, and the word-level
    difference (as ``QuoteChange.words``)."""

    before: str
    after: str
    words: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class VersionChanges:
    """What changed from version ``before`` to version ``after`` of a story."""

    before: str
    after: str
    headline: tuple[str, str] | None
    quotes_added: tuple[QuoteChange, ...]
    quotes_dropped: tuple[QuoteChange, ...]
    quotes_altered: tuple[QuoteChange, ...]
    attribution_changed: tuple[QuoteChange, ...]
    figures_added: tuple[FigureChange, ...]
    figures_dropped: tuple[FigureChange, ...]
    figures_changed: tuple[FigureChange, ...]
    names_added: tuple[str, ...]
    names_dropped: tuple[str, ...]
    sentences_added: tuple[str, ...]
    sentences_dropped: tuple[str, ...]
    sentences_moved: tuple[str, ...]
    sentences_edited: tuple[SentenceEdit, ...]
    duplicates: tuple[str, ...]  # sentences repeated within ``after`` (a caption twice), listed once
    summary: str


@dataclass(frozen=True, slots=True)
class StoryDiff:
    """A story's versions in order (by date, undated ones after them, then by id) and what
    changed between each consecutive pair."""

    story: str
    versions: tuple[Version, ...]
    changes: tuple[VersionChanges, ...]


@dataclass(frozen=True, slots=True)
class UpdateSummary:
    """What an index run did. Paths are corpus-relative ids."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: int = 0
    skipped: tuple[Skipped, ...] = ()
    warnings: tuple[Skipped, ...] = ()  # indexed, with a problem (an unparseable date...): id and reason
    fallback_decoded: tuple[str, ...] = ()
    full_rebuild: bool = False
    seconds: float = 0.0
    notes: tuple[str, ...] = field(default=())
    # When the words were committed (the index searchable), and how many articles were
    # embedded after that, for semantic ranking (a run that embeds finishes, or is interrupted).
    searchable_seconds: float = 0.0
    embedded: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


# ``progress(done, total)``: what an update calls after each file it had to read.
Progress = Callable[[int, int], None]


# --------------------------------------------------------------------------- errors


class NewsearchError(Exception):
    """Base of every error newsearch raises on purpose; its message is one line naming the fix."""


class CorpusNotFound(NewsearchError):
    """The corpus directory does not exist or is not a directory."""


class SourceMissing(CorpusNotFound):
    """The source an existing index was built from is gone (moved, deleted, not mounted)."""


class SourceMismatch(NewsearchError):
    """An existing index was asked to update from a source other than its own."""


class MassRemoval(NewsearchError):
    """An update would remove most of an index's articles; refused unless allowed explicitly."""


class IndexNotFound(NewsearchError):
    """There is no newsearch index at the given directory."""


class IndexLocked(NewsearchError):
    """Another process is writing the index."""


class SchemaMismatch(NewsearchError):
    """The index was built by another schema version; it must be rebuilt."""


class IndexDamaged(NewsearchError):
    """The index cannot be read as written (a truncated, garbled or missing file, or its
    directory gone while open); ``newsearch index --full`` rebuilds it."""


class ArticleNotFound(NewsearchError):
    """No article (or story) of the index has the given id."""


class QueryError(NewsearchError):
    """The query cannot be understood (empty, unbalanced quotes or parentheses, bare field:)."""


class QueryTooSlow(QueryError):
    """The search ran past its time limit and was stopped (``Index.search(time_limit=...)``,
    ``--time-limit``; over HTTP, the server's budget)."""


class SemanticUnavailable(NewsearchError):
    """Semantic ranking was asked for, but its model (the ``semantic`` extra) is not installed."""

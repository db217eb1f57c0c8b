"""Build and incrementally update a newsearch index from a corpus directory.

The index directory holds the Whoosh index plus files of ours:

- ``newsearch.json`` — the schema version, the corpus it was built from, the NLP backends,
  and whether articles are embedded for semantic ranking (``--semantic``);
- ``state.sqlite3`` — the manifest (for each indexed file: size, mtime and content hash), the
  story state, and the Whoosh generation they belong to (see ``state``);
- ``embeddings.sqlite3`` — the articles' embeddings, by content hash (see
  ``embedding_store``), added after the words are committed (``embed_articles``): an index
  is searchable first, ranked by words, and ranked by meaning once embedded.

An update compares a directory scan (stat only) with the manifest: files whose size and
mtime are unchanged are not read at all; the others are hashed and re-indexed only if their
content changed. Documents are committed in batches and the state is updated in one SQLite
transaction *after* each commit; if the two ever disagree (a crash between them), the state
is rebuilt from the index itself, so the index is always the source of truth. A small update
reads only the story rows its articles can be compared with, not the whole story state.

"Nothing changed" is the common case and imports only what it needs: the story code (and
numpy) and the NLP code are imported when a file has to be read.

Only one process writes at a time: an ``flock`` on ``newsearch.lock`` (released by the OS when
a process dies, so a killed indexer never leaves a stale lock behind).
"""

from __future__ import annotations

import ast
import dataclasses
import errno
import fcntl
import multiprocessing
import os
import re
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader
from whoosh.writing import CLEAR, MERGE_SMALL, IndexWriter

from .codec import CODEC
from .sources.txt import FALLBACK_ENCODINGS
from .sources import Candidate, FieldMapping, Scan, check_fields, load, read_dump, scan
from . import checksums, freshness
from .files import write_json_atomically
from .meta import META_FILE, READ_ERRORS, IndexMeta, check_schema, damaged, describe, has_index_files, read_meta
from .models import (
    Article,
    IndexLocked,
    NewsearchError,
    MassRemoval,
    Progress,
    Skipped,
    SourceMismatch,
    Span,
    UpdateSummary,
)
from .embedding_store import EmbeddingStore
from .nlp import Analysis, analyse, backends
from .result_cache import CACHE_FILE, ResultCache, analysis_cache, analysis_key
from .nlp.sentences import sentence_spans
from .schema import META_KEYWORD_MAX, META_PREFIX, SCHEMA_VERSION, build_schema, pack_spans, pre_analyse
from .state import IndexState, Manifest, ManifestEntry, StoryChanges

if TYPE_CHECKING:
    from .stories import Signature, SignatureLoader, StoryIndex

LOCK_FILE = "newsearch.lock"
LEGACY_STATE_FILES = ("manifest.json", "stories.json")
BATCH_SIZE = 2000  # see _Batch: the work a killed build loses, against the merging it avoids
PARALLEL_THRESHOLD = 64
FEW_CHANGES = 256  # up to this many files to read or remove, load only the story rows they need
LOCK_TIMEOUT = 5.0
# An update may remove at most this share of an index's articles, or this many, whichever is
# more, unless told to: losing most of an archive at once is nearly always a wrong path or an
# unmounted disk, not a real deletion.
MASS_REMOVAL_SHARE, MASS_REMOVAL_FLOOR = 0.5, 10
WORKER_WATCH_SECONDS = 1.0
# A segment is rewritten without its deleted documents (an updated article's old copy) at the
# first commit that finds this share of them deleted (see ``merge_policy``).
PURGE_SHARE = 0.2
# Articles embedded between two writes of the embeddings: what a killed embedding run loses
# (a few seconds of the model's work), against a transaction per article.
EMBED_BATCH = 32
SEMANTIC_VARIABLE = "NEWSEARCH_SEMANTIC"  # "off": new indexes are built without embeddings


def check_source(index_dir: Path, meta: IndexMeta, corpus: Path) -> None:
    """Raise ``SourceMismatch`` unless ``corpus`` is the source the index was built from."""
    recorded = Path(meta.corpus)
    if corpus.resolve() == recorded:
        return
    raise SourceMismatch(
        f"index {index_dir} was built from {recorded}, not {corpus}; to update it, leave out --corpus "
        f"(and NEWSEARCH_CORPUS); to make it mirror {corpus} instead, run "
        f"`newsearch index --corpus {corpus} --index {index_dir} --replace`"
    )


def check_removals(index_dir: Path, corpus: Path, removing: int, indexed: int) -> None:
    """Raise ``MassRemoval`` when removing ``removing`` of ``indexed`` articles is too many to
    be a deliberate deletion (see ``MASS_REMOVAL_SHARE``)."""
    if removing <= max(MASS_REMOVAL_FLOOR, indexed * MASS_REMOVAL_SHARE):
        return
    raise MassRemoval(
        f"not updated: {removing:,} of the {indexed:,} articles in {index_dir} are gone from {corpus} "
        f"(a wrong path or an unmounted disk?); if they were deleted on purpose, run "
        f"`newsearch index --index {index_dir} --allow-mass-removal`"
    )


def _failure(index_dir: Path, corpus: Path, error: BaseException) -> BaseException:
    """What an update that failed with ``error`` raises: a full disk says so (the index is as
    last committed: Whoosh commits and our state transactions are all-or-nothing), what
    reading a damaged index raises is ``IndexDamaged``, any other I/O error stays itself."""
    full = isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT)
    if full or isinstance(error, sqlite3.OperationalError) and "full" in str(error):
        return NewsearchError(
            f"no space left on the device of index {index_dir}; it is as last committed: free some space "
            f"and run `newsearch index --index {index_dir}` again"
        )
    if isinstance(error, OSError) and not isinstance(error, FileNotFoundError) or isinstance(error, sqlite3.Error):
        return error
    return damaged(index_dir, error, corpus)


@contextmanager
def write_lock(index_dir: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the index's writer lock; wait up to ``timeout`` seconds (default ``LOCK_TIMEOUT``),
    then raise IndexLocked."""
    timeout = LOCK_TIMEOUT if timeout is None else timeout
    index_dir.mkdir(parents=True, exist_ok=True)
    handle = open(index_dir / LOCK_FILE, "a+")
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexLocked(
                        f"index {index_dir} is being written by another newsearch process; try again when it ends"
                    ) from None
                time.sleep(0.1)
        yield
    finally:
        handle.close()


# --------------------------------------------------------------------------- state


def _current_manifest(ix: whoosh_index.Index, state: IndexState) -> Manifest:
    """The manifest, after rebuilding the state from the index if it belongs to another
    generation (a crash between a commit and its state update, or no state yet)."""
    if not state.is_current(ix.latest_generation()):
        _rebuild_state(ix, state)
    return state.manifest()


def _rebuild_state(ix: whoosh_index.Index, state: IndexState) -> None:
    """Replace the state with what the index holds (its stored fields); the JSON files that
    held it before ``state.sqlite3`` go."""
    from .stories import SIGNATURE_PARAMS

    for legacy in LEGACY_STATE_FILES:
        (state.path.parent / legacy).unlink(missing_ok=True)

    stored = _stored_fields(ix)
    manifest = Manifest()
    for fields in stored:
        manifest[fields["id"]] = ManifestEntry(fields["size"], fields["mtime_ns"], fields["sha256"])
    stories = _stories_from(stored)
    state.write(ix.latest_generation(), SIGNATURE_PARAMS, manifest.take_changes(), stories.take_changes(), replace=True)


def _stored_fields(ix: whoosh_index.Index) -> list[dict]:
    with ix.searcher() as searcher:
        return sorted(searcher.all_stored_fields(), key=lambda fields: fields["id"])


def _stories_from(stored: list[dict]) -> StoryIndex:
    """The story state from stored story ids and bodies (in article id order): each article's
    signature is computed again from its body, as it was when the article was indexed."""
    from .stories import StoryIndex, signature

    stories = StoryIndex()
    for fields in stored:
        stories.restore(fields["id"], fields["story"], signature(fields.get("body", "")))
    return stories


def load_stories(index_dir: Path, ix: whoosh_index.Index) -> StoryIndex:
    """The whole story state of the index, for reading (rebuilt in memory from the stored
    bodies when the saved state does not belong to the index's generation)."""
    from .stories import SIGNATURE_PARAMS, StoryIndex

    rows = None
    try:
        with IndexState(index_dir, read_only=True) as state:
            if state.is_current(ix.latest_generation()) and state.signature_params() == SIGNATURE_PARAMS:
                rows = state.all_story_rows()
    except sqlite3.Error:
        pass  # missing or unreadable: the next update rebuilds it
    if rows is None:
        return _stories_from(_stored_fields(ix))
    with StoredSignatures(ix) as signatures:
        stories = StoryIndex.from_rows(rows, signatures)
        stories.stories()  # loads what a reader asks for: the signatures of the stories' members
    return stories


class StoredSignatures:
    """Signatures of indexed articles, computed again from their stored bodies (the state
    keeps only their band hashes; see ``stories``), through one searcher opened on first use
    and kept until ``close``. Articles an update changes are never asked for (their new
    signatures are known), so commits made meanwhile do not matter."""

    def __init__(self, ix: whoosh_index.Index) -> None:
        self.ix, self.searcher = ix, None

    def __call__(self, ids: Sequence[str]) -> dict[str, Signature]:
        from .stories import signature

        if self.searcher is None:
            self.searcher = self.ix.searcher()
        found = {}
        for article_id in ids:
            number = self.searcher.document_number(id=article_id)
            if number is None:
                raise ValueError(f"the story state lists {article_id!r}, which is not in the index")
            found[article_id] = signature(self.searcher.stored_fields(number).get("body", ""))
        return found

    def close(self) -> None:
        if self.searcher is not None:
            self.searcher.close()
            self.searcher = None

    def __enter__(self) -> StoredSignatures:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _stories_for(
    ix: whoosh_index.Index, state: IndexState, plan: _Plan, prepared: list[Prepared] | None, signatures: SignatureLoader
) -> StoryIndex:
    """The story state an update works on: the rows its ``prepared`` files need (a small
    update), or all of them."""
    from .stories import SIGNATURE_PARAMS, StoryIndex

    if state.signature_params() != SIGNATURE_PARAMS:
        _rebuild_state(ix, state)
    if prepared is None:
        return StoryIndex.from_rows(state.all_story_rows(), signatures)
    assigned = [(p.loaded.id, p.signature) for p in prepared if p.signature is not None]
    # Removed: deleted files, and files that are no longer articles (a ``Skipped`` is named by
    # its id); a re-read article's own row is among the ``assigned`` ids.
    removed = [*plan.to_remove, *(p.loaded.path for p in prepared if isinstance(p.loaded, Skipped))]
    return StoryIndex.from_rows(state.story_rows(StoryIndex.rows_needed(removed, assigned)), signatures)


def _record_checksums(ix: whoosh_index.Index, index_dir: Path) -> None:
    """Record the checksums of the files of the generation just committed (``checksums``)."""
    checksums.record(index_dir, [segment.segment_id() for segment in ix._segments()])


def _segment_count(ix: whoosh_index.Index) -> int:
    with ix.reader() as reader:
        return len(reader.leaf_readers())


def merge_policy(writer: IndexWriter, segments: list) -> list:
    """Whoosh's ``MERGE_SMALL`` (the smallest segments merged into the one being written), then
    every other segment of which ``PURGE_SHARE`` or more of the documents are deleted merged
    too, which leaves its deleted documents out.

    Whoosh only marks an updated or removed article's old copy as deleted; under ``MERGE_SMALL``
    alone, a large segment is never merged again, so an index in which every article was
    updated once held each twice on disk. Rewriting a segment costs about what writing its
    articles did (a few seconds for a batch of 2,000); it happens once a segment is a fifth
    deleted, so at most about a fifth of an index is ever deleted documents, and a one-article
    update only pays it on the update that crosses the line.
    """
    kept = []
    for segment in MERGE_SMALL(writer, segments):
        if segment.deleted_count() < PURGE_SHARE * segment.doc_count_all():
            kept.append(segment)
            continue
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return kept


def _optimize(ix: whoosh_index.Index, state: IndexState) -> None:
    """Merge every segment into one; the state follows the new generation."""
    from .stories import SIGNATURE_PARAMS

    ix.optimize(codec=CODEC)
    _record_checksums(ix, state.path.parent)
    state.write(ix.latest_generation(), SIGNATURE_PARAMS, {}, StoryChanges((), ()))


# --------------------------------------------------------------------------- documents


@dataclass(frozen=True, slots=True)
class Prepared:
    """A loaded file, its Whoosh document (all but the story id, which depends on the articles
    assigned before it), and the cache entry to write for an NLP analysis that was not cached."""

    loaded: Article | Skipped
    document: dict[str, object] | None = None
    new_analysis: tuple[str, Analysis] | None = None
    signature: Signature | None = None


@dataclass(frozen=True, slots=True)
class _Work:
    """What preparing a file involves besides loading it: NLP analysis, and the cache file of
    its results."""

    cache_path: Path
    with_nlp: bool
    corpus: Path
    fields: dict[str, str]


# One connection per process, kind of result and cache file (``analysis_cache``).
_caches: dict[tuple[Callable[[Path], ResultCache], Path], ResultCache] = {}


def _cache(open_cache: Callable[[Path], ResultCache], path: Path) -> ResultCache:
    found = _caches.get((open_cache, path))
    if found is None:
        found = _caches[open_cache, path] = open_cache(path)
    return found


def _prepare(file: Candidate, work: _Work) -> Prepared:
    """Load one file, analyse it if ``work`` says so (or take the analysis from the cache) and
    build its document, text fields already tokenised and stemmed. Runs in a worker
    process for large batches, so that only Whoosh's own work is left to the one process that
    writes."""
    from .stories import signature

    loaded = load(file, work.fields)
    if isinstance(loaded, Skipped):
        return Prepared(loaded)
    story_signature, sentences = signature(loaded.body), tuple(sentence_spans(loaded.body))
    analysis, new_analysis = None, None
    if work.with_nlp:
        analyses = _cache(analysis_cache, work.cache_path)
        analysis, new_analysis = analyses.get_or_compute(analysis_key(loaded.sha256), lambda: analyse(loaded))
        if analysis.notes:  # cut to the NLP budget: each cut a warning on the article
            loaded = dataclasses.replace(loaded, notes=(*loaded.notes, *analysis.notes))
    document = pre_analyse(_document(loaded, analysis, sentences, work.corpus))
    return Prepared(loaded, document, new_analysis, story_signature)


def _prepare_all(files: list[Candidate], work: _Work) -> Iterator[Prepared]:
    """Prepare files in order, on every core when there are enough of them to pay for it (and
    worker processes can be started: see ``_main_script_reruns``)."""
    workers = min(os.cpu_count() or 1, 8)
    if len(files) < PARALLEL_THRESHOLD or workers < 2 or _main_script_reruns():
        for file in files:
            yield _prepare_one(file, work)
        return
    # spawn, not fork: a forked worker would inherit (and outlive us holding) the write lock.
    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),)
        ) as pool:
            yield from pool.map(_prepare_one, files, [work] * len(files), chunksize=16)
    except BrokenProcessPool as error:
        raise NewsearchError(
            f"an indexing worker process died ({error}): killed, or out of memory? Nothing after the last "
            "commit was kept; run the update again"
        ) from None


def _prepare_one(file: Candidate, work: _Work) -> Prepared:
    """``_prepare``, with a failure on one file (a bug an odd file finds) a skip with the reason,
    not the end of the run."""
    try:
        return _prepare(file, work)
    except Exception as error:  # noqa: BLE001 -- one file must not stop an archive's update
        return Prepared(Skipped(file.id, f"could not be indexed ({type(error).__name__}: {' '.join(str(error).split())})"))


def _main_script_reruns() -> bool:
    """Whether a worker process would run the calling script again: a spawned worker imports
    the main module first, so a script that calls ``index_corpus`` at its top level, without
    ``if __name__ == "__main__":``, would start the update again in every worker (and the pool
    would break). Then the update runs in this process alone."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or path is None:  # an interactive session, ``python -c``: nothing to re-run
        return False
    name = getattr(getattr(main, "__spec__", None), "name", None) or ""
    if name == "__main__" or name.endswith(".__main__"):  # ``python -m package``: spawn never re-runs it
        return False
    frame = sys._getframe(1)
    while frame is not None and not (frame.f_globals is vars(main) and frame.f_code.co_name == "<module>"):
        frame = frame.f_back
    if frame is None:  # called from the main script's functions only: nothing re-runs the call
        return False
    try:
        return not _under_main_guard(Path(path).read_bytes(), frame.f_lineno)
    except (OSError, SyntaxError, ValueError):
        return True


def _under_main_guard(source: bytes | str, line: int) -> bool:
    """Whether ``line`` of a script lies in the body of an ``if __name__ == "__main__":``."""
    return any(
        _is_main_guard(node) and node.body[0].lineno <= line <= (node.body[-1].end_lineno or node.lineno)
        for node in ast.walk(ast.parse(source))
    )


def _is_main_guard(node: ast.AST) -> bool:
    """``if __name__ == "__main__":`` (either way round)."""
    if not (isinstance(node, ast.If) and isinstance(node.test, ast.Compare) and len(node.test.comparators) == 1):
        return False
    sides = [node.test.left, node.test.comparators[0]]
    return (
        isinstance(node.test.ops[0], ast.Eq)
        and any(isinstance(side, ast.Name) and side.id == "__name__" for side in sides)
        and any(isinstance(side, ast.Constant) and side.value == "__main__" for side in sides)
    )


def _start_worker(indexer_pid: int) -> None:
    """Make this worker exit when the indexer that started it is gone (killed with SIGKILL,
    it cannot tell its workers; they would otherwise wait for work forever), and keep its
    matrix arithmetic (embeddings) to one thread: there is a worker per core already. numpy is
    not imported yet here, so its BLAS library still reads the environment when it loads."""
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")

    def watch() -> None:
        while True:
            time.sleep(WORKER_WATCH_SECONDS)
            if os.getppid() != indexer_pid:
                os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _document(
    article: Article, analysis: Analysis | None, sentences: tuple[Span, ...], corpus: Path
) -> dict[str, object]:
    """The Whoosh document for an article, but for its story id."""
    analysis = analysis or Analysis()
    document: dict[str, object] = {
        "id": article.id,
        **_file_field(article, corpus),
        "sentences": pack_spans(sentences),
        "title": article.title,
        "body": article.body,
        "sha256": article.sha256,
        "size": article.size,
        "mtime_ns": article.mtime_ns,
        **archive_fields(article),
    }
    if analysis.quotes or analysis.entities:
        document["analysis"] = analysis.to_json()
    document.update(analysis.index_fields())
    return document


def _file_field(article: Article, corpus: Path) -> dict[str, str]:
    """Where a record lives, when that is not its id: its dump, relative to the corpus ("" when
    the corpus is the dump itself). A file's id is its corpus-relative path already."""
    if Path(article.path) == corpus / article.id:
        return {}
    return {"file": "" if corpus.is_file() else Path(article.path).relative_to(corpus).as_posix()}


def archive_fields(article: Article) -> dict[str, object]:
    """What the archive says about an article, as schema fields (see ``schema.ARCHIVE_FIELDS``):
    every article has ``published`` and ``source`` ("" when unknown), so that their columns
    hold a value for each document."""
    from .dates import as_datetime

    fields: dict[str, object] = {"published": article.date or "", "source": article.source or ""}
    if article.date:
        fields["date"] = as_datetime(article.date)
    if article.author:
        fields["author"] = article.author
    if article.url:
        fields["url"] = article.url
    if article.metadata:
        fields["metadata"] = dict(article.metadata)
    for name, value in article.metadata:
        values = (value,) if isinstance(value, str) else value
        keywords = [v.replace(",", " ") for v in values if v and len(v) <= META_KEYWORD_MAX]
        if keywords:
            fields[META_PREFIX + re.sub(r"\W+", "_", name.lower()).strip("_")] = ",".join(keywords)
    return fields


# --------------------------------------------------------------------------- update


def update_index(
    corpus: Path,
    index_dir: Path,
    *,
    full: bool = False,
    with_nlp: bool = True,
    semantic: bool | None = None,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
    optimize: bool = False,
    replace: bool = False,
    allow_mass_removal: bool = False,
    fields: FieldMapping | None = None,
    metadata: Path | None = None,
    embed: bool = True,
    embedding_progress: Progress | None = None,
) -> UpdateSummary:
    """Bring ``index_dir`` up to date with ``corpus``; see the module docstring for how.

    An existing index is only ever updated from the source it was built from: another
    ``corpus`` raises ``SourceMismatch`` unless ``replace`` (then the index mirrors ``corpus``
    from now on: an incremental update, so a source that merely moved is not read again). An
    update that would remove most of the index (see ``check_removals``) raises ``MassRemoval``
    unless ``allow_mass_removal`` or ``replace``. Both are checked before anything is written.

    ``semantic`` embeds every article for semantic ranking (True: ``SemanticUnavailable``
    without the model) or not (False: the embeddings are dropped); None keeps what the index
    does, and a new index embeds (see ``semantic_by_default``) when the model is installed —
    without it, the words are indexed as ever and a note says how to get it. Embedding comes
    after the words are committed (``embed_articles``: the index is searchable meanwhile,
    ranked by words), unless ``embed=False`` (``watch`` embeds in idle time instead);
    ``embedding_progress(done, total)`` follows it.

    Each commit merges small segments, and rewrites a segment once a fifth of its articles are
    old copies (``merge_policy``); many small updates still
    leave several segments, which slows queries (about 2x after 100 one-file updates, see
    docs/BENCHMARKS.md). ``optimize=True`` merges everything into one segment at the end.

    ``fields`` maps our field names to a dump's (``{"body": "story_text"}``) and ``metadata``
    names a metadata table (see ``newsearch.sources``); None keeps what the index was built
    with. A new mapping rebuilds the index, as every record may read differently.
    """
    corpus, index_dir = Path(corpus).resolve(), Path(index_dir)
    started = time.perf_counter()
    try:
        check_fields(fields)
    except ValueError as error:
        raise NewsearchError(f"{error}; see `newsearch index --help` (--field)") from None
    notes: list[str] = []
    with write_lock(index_dir):
        meta = read_meta(index_dir)
        if meta is not None and not replace:
            check_source(index_dir, meta, corpus)
        fields = dict(fields) if fields is not None else dict(meta.fields) if meta is not None else {}
        if metadata is None and meta is not None and meta.metadata:
            metadata = Path(meta.metadata)
        source_digest = freshness.source_digest(corpus, metadata)  # before reading: see freshness
        found = scan(corpus, metadata=metadata)
        outdated = meta is not None and meta.schema_version != SCHEMA_VERSION
        if outdated:
            notes.append(f"index schema {meta.schema_version} is outdated (now {SCHEMA_VERSION}); rebuilt from scratch")
        if meta is None and has_index_files(index_dir):
            notes.append(f"newsearch.json was missing or unreadable: rebuilt from scratch from {corpus}")
        needs_new = meta is None or outdated or not _opens(index_dir, meta, full, notes)
        asked, was_semantic = semantic, None if meta is None else meta.semantic
        if semantic is None:
            semantic = semantic_by_default() if was_semantic is None else was_semantic
        switched = was_semantic is not None and semantic != was_semantic
        if switched:
            notes.append(
                "semantic ranking turned on: articles are embedded once their words are indexed"
                if semantic
                else "semantic ranking turned off: embeddings dropped"
            )
        remapped = not needs_new and fields != meta.fields
        if remapped:
            notes.append("field mapping changed: every article indexed again")
        fresh = full or needs_new or remapped
        if needs_new:
            ix = whoosh_index.create_in(str(index_dir), build_schema())
        else:
            ix = whoosh_index.open_dir(str(index_dir))
        try:
            with IndexState(index_dir) as state:
                try:
                    manifest = Manifest() if needs_new else _current_manifest(ix, state)
                except READ_ERRORS as error:  # a damaged segment, read to rebuild the state
                    if not full:
                        raise damaged(index_dir, error, corpus) from None
                    notes.append(f"the index was damaged ({describe(error)}): rebuilt from scratch")
                    ix.close()
                    ix, needs_new, manifest = whoosh_index.create_in(str(index_dir), build_schema()), True, Manifest()
                survey = _survey(found, corpus, fields, {} if fresh else state.dump_stamps())
                plan = _plan(survey, manifest)
                if not (replace or allow_mass_removal):  # a full rebuild drops the missing too
                    check_removals(index_dir, corpus, len(plan.to_remove), len(manifest))
                if fresh:
                    manifest = Manifest()
                    plan = _plan(survey, manifest)
                if asked:
                    from .embeddings import model_dir

                    model_dir()  # SemanticUnavailable now, before anything is written
                if fresh or plan.to_read or plan.to_remove or replace or switched:
                    nlp = backends() if with_nlp else {}
                    table = str(Path(metadata).resolve()) if metadata is not None else None
                    meta = IndexMeta(SCHEMA_VERSION, str(corpus), nlp, semantic, fields, table)
                    write_json_atomically(index_dir / META_FILE, asdict(meta))
                work = _Work(state.path.parent / CACHE_FILE, with_nlp, corpus, fields)
                summary = _apply(ix, state, manifest, plan, work, fresh, progress, batch_size)
                summary.skipped[:0] = survey.problems
                state.set_dump_stamps(survey.stamps)  # after the commits: a stale stamp only means reading again
                if optimize and _segment_count(ix) > 1:
                    _optimize(ix, state)
            searchable = time.perf_counter() - started
            embedded, unembedded = 0, False  # unembedded: articles may be left to embed
            if not semantic:
                if switched:
                    with EmbeddingStore(index_dir, writable=True) as store:
                        store.clear()
            elif missing := _missing_model():
                if plan.to_read:  # said once, when articles are read, not on every run
                    notes.append(f"searches rank by words alone: {missing}")
            elif embed:
                embedded, left = _embed(ix, index_dir, manifest, embedding_progress)
                unembedded = left > 0
            else:  # (``watch`` embeds in idle time)
                unembedded = True
            if with_nlp and plan.to_read:
                from .nlp.entities import missing_message

                if missing := missing_message():
                    notes.append(missing)
        except (*READ_ERRORS, sqlite3.Error) as error:
            raise _failure(index_dir, corpus, error) from None
        finally:
            ix.close()
        retried = any(problem.transient for problem in summary.skipped)  # read again next time
        # Current only when nothing is left to read again or to embed: the fast path of a search
        # (``api.is_current``) skips the update, and with it the embedding.
        freshness.record(index_dir, None if retried or unembedded else source_digest)
    return UpdateSummary(
        added=tuple(summary.added),
        updated=tuple(summary.updated),
        removed=tuple(summary.removed),
        unchanged=summary.unchanged,
        skipped=tuple(summary.skipped),
        warnings=tuple(summary.warnings),
        fallback_decoded=tuple(summary.fallback_decoded),
        full_rebuild=fresh,
        seconds=time.perf_counter() - started,
        notes=tuple(notes),
        searchable_seconds=searchable,
        embedded=embedded,
    )


def _opens(index_dir: Path, meta: IndexMeta, full: bool, notes: list[str]) -> bool:
    """Whether the Whoosh index of ``index_dir`` opens; a damaged one is rebuilt by a full run
    (with a note) and refused by any other."""
    try:
        return whoosh_index.exists_in(str(index_dir))
    except READ_ERRORS as error:
        if not full:
            raise damaged(index_dir, error, Path(meta.corpus)) from None
        notes.append(f"the index was damaged ({describe(error)}): rebuilt from scratch")
        return False


@dataclass(frozen=True, slots=True)
class _Survey:
    """What the corpus holds now, as far as an update needs to know: the article files and the
    records of every dump that changed since the last run (``candidates``); the id prefixes of
    the dumps that did not (``kept``: their records stay as indexed; "" is every id, when the
    corpus is one unchanged dump); the records and files that are no articles (``problems``);
    and the size and mtime of each dump read whole (``stamps``, saved for the next run)."""

    candidates: list[Candidate]
    kept: tuple[str, ...]
    problems: list[Skipped]
    stamps: dict[str, tuple[int, int]]


def _survey(found: Scan, corpus: Path, fields: FieldMapping, known: dict[str, tuple[int, int]]) -> _Survey:
    """The candidates of a scan, reading only the dumps whose size or mtime changed (reading
    Reuters' 20 MB dump takes about 0.2 s, a stat nothing). A dump that cannot be read keeps
    its records as indexed and is read again next time."""
    single = corpus.is_file()
    candidates, problems = list(found.files), list(found.problems)
    kept: list[str] = []
    stamps: dict[str, tuple[int, int]] = {}
    for dump in found.dumps:
        prefix, stamp = ("" if single else f"{dump.id}#"), (dump.size, dump.mtime_ns)
        if known.get(dump.id) == stamp:
            kept.append(prefix)
            stamps[dump.id] = stamp
            continue
        records = read_dump(dump, fields, single=single)
        if any(problem.transient for problem in records.problems):
            kept.append(prefix)
        else:
            stamps[dump.id] = stamp
        candidates.extend(records.candidates)
        problems.extend(records.problems)
    candidates.sort(key=lambda candidate: candidate.id)
    return _Survey(candidates, tuple(kept), problems, stamps)


@dataclass(slots=True)
class _Plan:
    """What an update has to do, worked out from the survey and the manifest alone."""

    to_read: list[Candidate]
    to_remove: list[str]
    unchanged: int


def _plan(survey: _Survey, manifest: Manifest) -> _Plan:
    """A file is unchanged when its size and mtime are; a record when its content hash is."""
    to_read, unchanged = [], 0
    for candidate in survey.candidates:
        known = manifest.get(candidate.id)
        if known is None:
            to_read.append(candidate)
        elif candidate.sha256 is not None and known.sha256 == candidate.sha256:
            unchanged += 1
        elif candidate.sha256 is None and known.size == candidate.size and known.mtime_ns == candidate.mtime_ns:
            unchanged += 1
        else:
            to_read.append(candidate)
    present = {candidate.id for candidate in survey.candidates}
    to_remove, kept = [], 0
    for key in manifest:
        if key in present:
            continue
        if any(key.startswith(prefix) for prefix in survey.kept):
            kept += 1
        else:
            to_remove.append(key)
    return _Plan(to_read, to_remove, unchanged + kept)


@dataclass(slots=True)
class _Tally:
    added: list[str]
    updated: list[str]
    removed: list[str]
    unchanged: int
    skipped: list[Skipped]
    warnings: list[Skipped]
    fallback_decoded: list[str]


class _Batch:
    """Documents written since the last commit; each commit is followed by the state update.

    Each commit writes a Whoosh segment, and Whoosh merges small segments at commit time by
    re-reading and re-writing their postings. With 500-document batches a full build spent most
    of its time merging (10,000 Reuters articles: 28 s of the writer's CPU with 500 documents a
    batch, 14.7 s with 2,000, 14.0 s with 5,000). ``BATCH_SIZE`` is 2,000: nearly all of the
    gain, while a killed build loses at most one batch, about 6 s of work without NLP and
    some 20 s with it (that batch's analyses are cached with its commit).
    """

    def __init__(
        self,
        ix: whoosh_index.Index,
        state: IndexState,
        manifest: Manifest,
        stories: StoryIndex,
        clear_first: bool,
    ):
        self.ix, self.state, self.manifest, self.stories = ix, state, manifest, stories
        self.clear_first = clear_first
        self.writer: IndexWriter | None = None
        self.pending = 0
        self.new_analyses: list[tuple[str, Analysis]] = []

    def _writer(self) -> IndexWriter:
        if self.writer is None:
            self.writer = self.ix.writer(timeout=LOCK_TIMEOUT, codec=CODEC)
        return self.writer

    def put(self, prepared: Prepared) -> None:
        """Write an article's document: a new article's by ``add_document``, which skips the
        look-up (in every segment) for an older copy to delete that ``update_document`` does."""
        article = prepared.loaded
        story = self.stories.assign(article.id, prepared.signature)
        writer = self._writer()
        write = writer.update_document if article.id in self.manifest else writer.add_document
        write(**prepared.document, story=story)
        self.manifest[article.id] = ManifestEntry(article.size, article.mtime_ns, article.sha256)
        self.pending += 1

    def remove(self, key: str) -> None:
        self._writer().delete_by_term("id", key)
        del self.manifest[key]
        self.stories.remove(key)
        self.pending += 1

    def cancel(self) -> None:
        if self.writer is not None and not self.writer.is_closed:  # a failed commit closed it
            self.writer.cancel()
        self.writer = None

    def commit(self) -> None:
        """Commit what is pending (a fresh build clears the old documents on its first commit),
        then the state; without documents to commit, only the manifest (mtimes that moved)."""
        from .stories import SIGNATURE_PARAMS

        cache_path = self.state.path.parent / CACHE_FILE
        if self.new_analyses:
            _store(analysis_cache(cache_path), self.new_analyses)
            self.new_analyses = []
        replace = self.clear_first
        if self.pending or self.clear_first:
            writer = self._writer()
            writer.commit(mergetype=CLEAR if self.clear_first else merge_policy)
            self.writer, self.pending, self.clear_first = None, 0, False
            _record_checksums(self.ix, self.state.path.parent)
        changes = self.manifest.take_changes()
        if changes or replace:
            generation = self.ix.latest_generation()
            self.state.write(generation, SIGNATURE_PARAMS, changes, self.stories.take_changes(), replace=replace)


def _store(cache: ResultCache, entries: list[tuple[str, object]]) -> None:
    """Write a batch's new cache entries, then close the cache (the writer holds no connection)."""
    cache.put_many(entries)
    cache.close()


def _apply(
    ix: whoosh_index.Index,
    state: IndexState,
    manifest: Manifest,
    plan: _Plan,
    work: _Work,
    fresh: bool,
    progress: Progress | None,
    batch_size: int,
) -> _Tally:
    tally = _Tally([], [], [], plan.unchanged, [], [], [])
    if not (fresh or plan.to_read or plan.to_remove):
        return tally  # nothing changed: not even the story state needs loading
    prepared: Iterator[Prepared] = _prepare_all(plan.to_read, work)
    with StoredSignatures(ix) as signatures:
        if fresh:
            from .stories import StoryIndex

            stories = StoryIndex()
        elif len(plan.to_read) + len(plan.to_remove) <= FEW_CHANGES:
            ready = list(prepared)
            stories, prepared = _stories_for(ix, state, plan, ready, signatures), iter(ready)
        else:
            stories = _stories_for(ix, state, plan, None, signatures)
        batch = _Batch(ix, state, manifest, stories, clear_first=fresh)
        try:
            _write_changes(plan, prepared, manifest, tally, batch, progress, batch_size)
        except BaseException:
            batch.cancel()  # keep the last commit; release Whoosh's lock for the next writer
            raise
    return tally


def _write_changes(
    plan: _Plan,
    prepared_files: Iterator[Prepared],
    manifest: Manifest,
    tally: _Tally,
    batch: _Batch,
    progress: Progress | None,
    batch_size: int,
) -> None:
    for key in plan.to_remove:
        batch.remove(key)
        tally.removed.append(key)
    total = len(plan.to_read)
    for done, prepared in enumerate(prepared_files, start=1):
        loaded = prepared.loaded
        if prepared.new_analysis is not None:
            batch.new_analyses.append(prepared.new_analysis)
        if isinstance(loaded, Skipped):
            tally.skipped.append(loaded)
            if loaded.path in manifest and not loaded.transient:  # it was an article once; it is not any more
                batch.remove(loaded.path)
                tally.removed.append(loaded.path)
        else:
            known = manifest.get(loaded.id)
            entry = ManifestEntry(loaded.size, loaded.mtime_ns, loaded.sha256)
            if known is not None and known.sha256 == loaded.sha256:
                manifest[loaded.id] = entry  # touched, not changed: remember the new mtime
                tally.unchanged += 1
            else:
                batch.put(prepared)
                (tally.updated if known is not None else tally.added).append(loaded.id)
                tally.warnings.extend(Skipped(loaded.id, note) for note in loaded.notes)
                if loaded.encoding in FALLBACK_ENCODINGS:  # not a UTF-16 file, which says what it is
                    tally.fallback_decoded.append(loaded.id)
        if batch.pending >= batch_size:
            batch.commit()
        if progress is not None:
            progress(done, total)
    batch.commit()


# --------------------------------------------------------------------------- embeddings


def semantic_by_default() -> bool:
    """Whether a new index embeds its articles when not told: yes, unless the environment
    variable ``NEWSEARCH_SEMANTIC`` is ``off`` (the test suite's setting: its tiny corpora
    are ranked by words)."""
    return os.environ.get(SEMANTIC_VARIABLE, "").strip().lower() not in ("off", "0", "false", "no")


def _missing_model() -> str | None:
    """What to do to get the embedding model, when it is not installed."""
    from .embeddings import model_dir
    from .models import SemanticUnavailable

    try:
        model_dir()
    except SemanticUnavailable as missing:
        return str(missing)
    return None


def embed_articles(
    index_dir: Path, *, limit: int | None = None, progress: Progress | None = None, lock_timeout: float | None = None
) -> tuple[int, int]:
    """Embed the index's articles that have no embedding yet (at most ``limit`` of them), as
    ``update_index`` does after committing the words; returns how many were embedded and how
    many are left. Nothing to do for an index without semantic ranking or without the model.
    Holds the writer lock (``IndexLocked`` after ``lock_timeout`` seconds)."""
    index_dir = Path(index_dir)
    with write_lock(index_dir, lock_timeout):
        meta = check_schema(index_dir)
        if not meta.semantic or _missing_model():
            return 0, 0
        ix = whoosh_index.open_dir(str(index_dir))
        try:
            with IndexState(index_dir) as state:
                manifest = _current_manifest(ix, state)
            return _embed(ix, index_dir, manifest, progress, limit)
        finally:
            ix.close()


def _embed(
    ix: whoosh_index.Index, index_dir: Path, manifest: Manifest, progress: Progress | None, limit: int | None = None
) -> tuple[int, int]:
    """Embed the indexed articles whose content has no embedding by the current model (one per
    distinct content, in id order), ``EMBED_BATCH`` to a transaction; once none is left, drop
    the embeddings of content the index no longer holds. Returns (embedded, left)."""
    from .embeddings import model_id

    model = model_id()
    with EmbeddingStore(index_dir, writable=True) as store:
        first_id: dict[str, str] = {}
        for key in sorted(manifest):
            first_id.setdefault(manifest.get(key).sha256, key)
        done = store.embedded(model)
        pending = [(sha, key) for sha, key in first_id.items() if sha not in done]
        todo = pending if limit is None else pending[:limit]
        embedded = 0
        if todo:
            with ix.searcher() as searcher:
                texts = [_text_of(searcher, key) for _, key in todo]
            rows: list[tuple[str, bytes]] = []
            for (sha, _), windows in zip(todo, _embed_all(texts)):
                rows.append((sha, windows))
                if len(rows) >= EMBED_BATCH or len(rows) + embedded == len(todo):
                    store.put_many(model, rows)
                    embedded += len(rows)
                    rows = []
                if progress is not None:
                    progress(embedded + len(rows), len(pending))
        left = len(pending) - embedded
        if not left and len(done) + embedded > len(first_id):
            store.keep_only(model, set(first_id))
    return embedded, left


def _text_of(searcher, key: str) -> tuple[str, str]:
    """The title and body of the article ``key`` as the index stores them."""
    fields = searcher.stored_fields(searcher.document_number(id=key))
    return fields.get("title") or "", fields.get("body") or ""


def _embed_all(texts: list[tuple[str, str]]) -> Iterator[bytes]:
    """Each (title, body)'s embeddings, in order; on every core when there are enough of them
    to pay for starting the workers. A consumer that stops early (Ctrl-C) cancels the work
    not started."""
    workers = min(os.cpu_count() or 1, 8)
    if len(texts) < PARALLEL_THRESHOLD or workers < 2:
        yield from map(_embed_text, texts)
        return
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),))
    try:
        yield from pool.map(_embed_text, texts, chunksize=2)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _embed_text(text: tuple[str, str]) -> bytes:
    from . import embeddings

    return embeddings.embed_article(*text)

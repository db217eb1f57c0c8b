"""Whether an index can be trusted: the full check behind ``newsearch doctor``.

(Searches and updates turn what reading a damaged index raises into ``IndexDamaged``, one line
naming the fix: ``meta.damaged``.)

Whoosh keeps no checksums of its own; its stored fields are zlib-compressed (with a check
sum), and its table of contents and term dictionaries are pickles and structs that fail loudly
when cut short: so a truncated file fails every search that touches it. ``check_index``
compares every segment file with the checksum recorded when it was written (``checksums``),
then reads back every part of every segment — stored fields, every term's postings, the sort
columns — and compares the parts with each other and with the state file.
docs/RELIABILITY.md lists how many garbled files searches and the check catch.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader

from . import checksums
from .meta import READ_ERRORS, describe, has_index_files, read_meta
from .models import IndexCheck, IndexNotFound
from .nlp import Analysis
from .schema import SCHEMA_VERSION
from .state import STATE_FILE, IndexState

SORT_COLUMNS = ("story", "published", "source")


def check_index(index_dir: Path) -> IndexCheck:
    """Read back everything the index at ``index_dir`` holds and compare its parts: every
    segment readable (stored fields, postings, sort columns), each article once, the state
    file's manifest and stories those of the committed articles, every quote inside its
    article. Raises ``IndexNotFound`` when there is no index there at all."""
    index_dir = Path(index_dir)
    if not has_index_files(index_dir):
        raise IndexNotFound(f"no newsearch index in {index_dir}; run `newsearch index --corpus DIR --index {index_dir}`")
    problems: list[str] = []
    meta = read_meta(index_dir)
    if meta is None:
        problems.append("newsearch.json is missing or unreadable (the source of the index is unknown)")
    elif meta.schema_version != SCHEMA_VERSION:
        problems.append(f"built with schema {meta.schema_version}, this newsearch reads {SCHEMA_VERSION}")
    try:
        ix = whoosh_index.open_dir(str(index_dir))
        toc = ix._read_toc()
    except READ_ERRORS as error:
        return IndexCheck(str(index_dir), -1, 0, 0, (*problems, f"table of contents unreadable ({describe(error)})"))
    problems += _check_sums(index_dir, [segment.segment_id() for segment in toc.segments])
    stored: list[dict] = []
    for segment in toc.segments:
        try:
            stored.extend(_read_segment(ix, toc, segment))
        except Exception as error:  # noqa: BLE001 - whatever garbage raises is the finding
            problems.append(f"segment {segment.segment_id()} unreadable ({describe(error)})")
    generation = toc.generation
    if not problems:
        problems += _check_articles(stored)
    notes: list[str] = []
    if not problems:
        state_problems, notes = _check_state(index_dir, generation, stored)
        problems += state_problems
    return IndexCheck(str(index_dir), generation, len(toc.segments), len(stored), tuple(problems), tuple(notes))


def _check_sums(index_dir: Path, segment_ids: list[str]) -> list[str]:
    """A problem for each segment file whose size or CRC-32 is not the one recorded."""
    current = set(checksums.segment_files(index_dir, segment_ids))
    return [
        f"segment file {name} does not match its checksum (garbled or cut short)"
        for name in checksums.mismatched(index_dir)
        if name in current
    ]


def _read_segment(ix: whoosh_index.FileIndex, toc, segment) -> list[dict]:
    """The stored fields of a segment's live documents, after reading every other part of it."""
    reader = SegmentReader(ix.storage, toc.schema, segment, generation=toc.generation)
    try:
        total = reader.doc_count_all()
        for fieldname, text in reader.all_terms():
            for docnum in reader.postings(fieldname, text).all_ids():
                if not 0 <= docnum < total:
                    raise ValueError(f"posting of {fieldname}:{text!r} names document {docnum} of {total}")
        for name in SORT_COLUMNS:
            if reader.has_column(name):
                list(reader.column_reader(name))
        return [fields for _, fields in reader.iter_docs()]
    finally:
        reader.close()


def _check_articles(stored: list[dict]) -> list[str]:
    problems = [f"article {key!r} is indexed {n} times" for key, n in Counter(f.get("id") for f in stored).items() if n > 1]
    for fields in stored:
        body = fields.get("body") or ""
        try:
            quotes = Analysis.from_json(fields.get("analysis")).quotes
        except (ValueError, TypeError) as error:
            problems.append(f"article {fields.get('id')!r}: stored analysis unreadable ({describe(error)})")
            continue
        for quote in quotes:
            words = re.findall(r"\w+", quote.text)
            inside = body[quote.start : quote.end] if 0 <= quote.start <= quote.end <= len(body) else ""
            if not inside or any(word not in inside for word in words):
                problems.append(f"article {fields.get('id')!r}: a quote is not in its text at {quote.start}-{quote.end}")
                break
    return problems


def _check_state(index_dir: Path, generation: int, stored: list[dict]) -> tuple[list[str], list[str]]:
    """Problems (the state disagrees with the generation it claims) and notes (a state the next
    update rebuilds from the index, as it does after a crash between a commit and its state)."""
    if not (index_dir / STATE_FILE).exists():
        return [], ["state.sqlite3 is missing: the next update rebuilds it from the index"]
    try:
        with IndexState(index_dir, read_only=True) as state:
            if not state.is_current(generation):
                return [], [f"state.sqlite3 is of another generation than the index's {generation}: the next update rebuilds it"]
            manifest = set(state.manifest())
            stories = {row.id: row.story for row in state.all_story_rows()}
    except sqlite3.Error as error:
        return [], [f"state.sqlite3 is unreadable ({describe(error)}): the next update rebuilds it from the index"]
    indexed = {fields["id"]: fields.get("story") for fields in stored}
    problems = []
    if manifest != set(indexed):
        problems.append(_difference("the manifest in state.sqlite3", manifest, set(indexed)))
    if stories != indexed:
        wrong = sorted(key for key in set(stories) | set(indexed) if stories.get(key) != indexed.get(key))
        problems.append(f"the story state disagrees with the index for {len(wrong)} articles (first {wrong[0]!r})")
    return problems, []


def _difference(what: str, listed: set[str], indexed: set[str]) -> str:
    extra, missing = sorted(listed - indexed), sorted(indexed - listed)
    parts = [f"{len(extra)} articles not in the index" if extra else "", f"{len(missing)} indexed articles missing" if missing else ""]
    return f"{what} lists {' and '.join(p for p in parts if p)} ({json.dumps((extra + missing)[0])})"

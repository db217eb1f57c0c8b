"""Records of a dump (JSON Lines, CSV): identity, duplicates, and record -> Article.

Identity: a record's id is its ``id`` field (see ``fields``). When the corpus is a folder, it
is prefixed with the dump's corpus-relative path and ``#`` (``dumps/2016.jsonl#reuters-1``), so
ids stay unique and stable when a second dump is added; when the corpus *is* the dump file,
the id is used bare (``reuters-1``). A record without an id is called ``L<line>`` after its
1-based line number (``dumps/a.jsonl#L12``): stable while the dump only grows at the end, but
inserting or deleting a line above it renames it (the indexer sees a removal and an addition).
Within a dump, the first record with an id wins; a later one with the same id is a problem.

A lone surrogate in a record's JSON (``"\\udc80"``) is read as U+FFFD.

A record with no body (missing or empty) is a problem, not a candidate. A record with no
title takes the first line of its body as its title (the body keeps that line: it is the
record's text). ``sha256`` is the hash of the record's raw content (``Candidate.payload``), so
a record is re-indexed exactly when its text changes, not when another record moves.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..dates import parse_date
from ..models import Article, Skipped
from ..nlp.sentences import paragraph_spans
from .candidates import Candidate, DumpFile, DumpRecords
from .fields import FIELD_NAMES, FieldMapping, find_fields, read_fields
from .txt import normalise_newlines

# What a format reader yields for each line/row: (line, record, raw payload) or (line, reason).
Item = "tuple[int, dict, bytes] | tuple[int, str]"

TITLE_FROM_BODY_LIMIT = 200


def collect(dump: DumpFile, items: Iterable[tuple], fields: FieldMapping | None, single: bool) -> DumpRecords:
    """Candidates (sorted by id) and problems from the records a format reader yields."""
    candidates: list[Candidate] = []
    problems: list[Skipped] = []
    first_line: dict[str, int] = {}
    prefix = "" if single else f"{dump.id}#"
    for item in items:
        line = item[0]
        if len(item) == 2:
            problems.append(Skipped(f"{dump.id}:{line}", item[1]))
            continue
        record, payload = item[1], item[2]
        found, _ = find_fields(record, fields, ("id", "body"))
        if "body" not in found:
            problems.append(Skipped(f"{dump.id}:{line}", f"no body ({_body_keys(fields)} missing or empty)"))
            continue
        record_id = found.get("id") or f"L{line}"
        if record_id in first_line:
            problems.append(
                Skipped(f"{dump.id}:{line}", f"duplicate id {record_id!r} (first on line {first_line[record_id]})")
            )
            continue
        first_line[record_id] = line
        candidates.append(
            Candidate(
                id=prefix + record_id,
                path=dump.path,
                size=len(payload),
                mtime_ns=dump.mtime_ns,
                sha256=hashlib.sha256(payload).hexdigest(),
                kind="record",
                line=line,
                payload=payload,
            )
        )
    candidates.sort(key=lambda candidate: candidate.id)
    return DumpRecords(tuple(candidates), tuple(problems))


def _body_keys(fields: FieldMapping | None) -> str:
    keys = (fields["body"],) if fields and "body" in fields else FIELD_NAMES["body"]
    return "/".join(keys)


def load_record(candidate: Candidate, fields: FieldMapping | None = None) -> Article | Skipped:
    """The Article of one record candidate (its payload parsed again, in a worker)."""
    where = f"{_dump_id(candidate)}:{candidate.line}"
    try:
        record = without_lone_surrogates(json.loads(candidate.payload))
    except ValueError as error:
        return Skipped(where, f"invalid JSON: {error}")
    if not isinstance(record, dict):
        return Skipped(where, "not a JSON object")
    found = read_fields(record, fields)
    body = normalise_newlines(found.body or "").strip()
    if not body:
        return Skipped(where, f"no body ({_body_keys(fields)} missing or empty)")
    title = " ".join((found.title or "").split()) or title_from_body(body)
    date, notes = read_date(found.date)
    return Article(
        id=candidate.id,
        path=candidate.path,
        title=title,
        body=body,
        paragraphs=tuple(paragraph_spans(body)),
        encoding="utf-8",
        size=candidate.size,
        mtime_ns=candidate.mtime_ns,
        sha256=candidate.sha256 or hashlib.sha256(candidate.payload).hexdigest(),
        date=date,
        source=found.source,
        author=found.author,
        url=found.url,
        metadata=found.metadata,
        notes=notes,
    )


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def without_lone_surrogates(value: Any) -> Any:
    """``value`` (parsed JSON) with each lone surrogate (``"\\ud800"`` is valid JSON, but no
    character: it cannot be written as UTF-8) replaced by U+FFFD, as a decoder replaces a bad byte."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {without_lone_surrogates(key): without_lone_surrogates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_lone_surrogates(item) for item in value]
    return value


def title_from_body(body: str) -> str:
    """The first line of ``body``, cut at a word boundary if it is very long."""
    line = body.lstrip().partition("\n")[0].strip()
    if len(line) <= TITLE_FROM_BODY_LIMIT:
        return line
    cut = line[:TITLE_FROM_BODY_LIMIT].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def read_date(value: str | int | None) -> tuple[str | None, tuple[str, ...]]:
    """(canonical date or None, notes): an unparseable date is a note, never a skip."""
    try:
        return parse_date(value), ()
    except ValueError:
        return None, (f"unparseable date {value!r}: indexed without a date",)


def _dump_id(candidate: Candidate) -> str:
    prefix, hash_sign, _ = candidate.id.rpartition("#")
    return prefix if hash_sign else Path(candidate.path).name

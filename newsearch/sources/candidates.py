"""What a scan finds and what reading a dump yields: plain, picklable values.

A ``Candidate`` is one article-to-be — a file or one record of a dump — with exactly what the
indexer's manifest compares (id, size, mtime, and for records the content hash), and, for a
record, its raw content, so that ``load`` can run in a worker process without reading the dump
again.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Skipped


@dataclass(frozen=True, slots=True)
class Candidate:
    """One article-to-be that a scan found: a file (.txt, .html/.htm) or one record of a dump."""

    id: str  # the unique key in the index (see newsearch.sources, "Identity")
    path: str  # the file it is in (a dump's path for a record)
    size: int  # a file's size, or the record's length in bytes
    # a file's mtime; for a file joined to a metadata-table row: max(file mtime, table mtime);
    # a record: its dump's mtime
    mtime_ns: int
    sha256: str | None = None  # records: sha256 of the raw record (its payload); files: None (hashed when loaded)
    kind: str = "txt"  # "txt" | "html" | "record"
    line: int = 0  # a record's 1-based line number in its dump (first line of a multi-line CSV row)
    # a record: its raw content (JSON object text; for a CSV row, JSON of header->value);
    # a file with a metadata row: JSON of that row
    payload: bytes = b""


@dataclass(frozen=True, slots=True)
class DumpFile:
    """A JSON Lines or CSV/TSV dump found by a scan (its records are read only by ``read_dump``)."""

    id: str  # corpus-relative path (the file name when the corpus is the dump itself)
    path: str
    size: int
    mtime_ns: int
    kind: str  # "jsonl" | "csv" | "tsv"; a .gz dump is decompressed transparently


@dataclass(frozen=True, slots=True)
class Scan:
    """What ``scan`` found: article files (metadata rows attached), dumps, and problems."""

    files: tuple[Candidate, ...]  # .txt / .html files, sorted by id
    dumps: tuple[DumpFile, ...]  # sorted by id
    problems: tuple[Skipped, ...]  # a metadata row naming no file, an unreadable table, ...


@dataclass(frozen=True, slots=True)
class DumpRecords:
    """The records of one dump: candidates sorted by id, and the records that are not articles
    (each ``Skipped("<dump>:<line>", reason)``)."""

    candidates: tuple[Candidate, ...]
    problems: tuple[Skipped, ...]

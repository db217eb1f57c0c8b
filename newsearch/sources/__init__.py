"""Sources: a corpus — a folder, or a single dump file — turned into articles (issue #15).

Three steps, shaped for the incremental indexer:

- ``scan(corpus, metadata=None) -> Scan``: stat only. Article files (``.txt``, ``.html``,
  ``.htm``) as ``Candidate``s with their metadata-table row attached, dumps (JSON Lines,
  CSV, TSV, gzipped or not) as ``DumpFile``s, and problems (``Skipped``).
- ``read_dump(dump, fields=None, *, single=False) -> DumpRecords``: one ``Candidate`` per
  record (payload and sha256 known now), and the records that are not articles, each
  ``Skipped("<dump>:<line>", reason)``.
- ``load(candidate, fields=None) -> Article | Skipped``: runs in worker processes; everything
  it takes and returns is picklable, and bad data is a ``Skipped`` or a note, never an
  exception.

Modules, one per input kind: ``txt`` (plain-text files), ``metadata_table`` (the table joined
to them), ``jsonl`` and ``csv_dump`` (dumps), ``records`` (identity of records, record ->
Article), ``html`` (pages, via trafilatura), ``fields`` (which key holds which field; the
``FieldMapping`` that overrides it), ``scan`` (finding it all). Dates are read by
``newsearch.dates``.

Identity: a file's id is its corpus-relative path (``/`` separators); a record's is
``<dump path>#<record id>`` in a folder, or the bare record id when the corpus is the dump
(``single=True``); see ``records`` for records without ids and duplicates.
"""

from __future__ import annotations

import gzip
import zlib

from ..models import Article, Skipped
from .candidates import Candidate, DumpFile, DumpRecords, Scan
from .csv_dump import iter_csv
from .fields import FIELD_NAMES, FIELDS, FieldMapping, check_fields
from .html import parse_html
from .jsonl import iter_jsonl
from .records import collect, load_record
from .scan import scan
from .metadata_table import apply_row
from .txt import parse_txt, read_bytes, read_regular_file

__all__ = [
    "FIELDS",
    "FIELD_NAMES",
    "Candidate",
    "DumpFile",
    "DumpRecords",
    "FieldMapping",
    "Scan",
    "check_fields",
    "load",
    "read_dump",
    "scan",
]


def read_dump(dump: DumpFile, fields: FieldMapping | None = None, *, single: bool = False) -> DumpRecords:
    """The records of ``dump`` as candidates (sorted by id), and its bad records as problems.

    ``single``: the corpus is this dump file itself, so record ids are not prefixed with its
    path. Raises ``ValueError`` only for a ``fields`` mapping naming an unknown field.
    """
    check_fields(fields)
    try:
        data = read_regular_file(dump.path)
        if dump.path.lower().endswith(".gz"):
            data = gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as error:
        # Transient when the file could not be read (its records keep their indexed versions);
        # a corrupt gzip stream is what the file holds.
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        return DumpRecords((), (Skipped(dump.id, f"unreadable dump: {reason}", transient=isinstance(error, OSError)),))
    items = iter_jsonl(data) if dump.kind == "jsonl" else iter_csv(data, dump.kind)
    return collect(dump, items, fields, single)


def load(candidate: Candidate, fields: FieldMapping | None = None) -> Article | Skipped:
    """The Article of one candidate (a file, or a record of a dump), or why it is not one."""
    if candidate.kind == "record":
        return load_record(candidate, fields)
    data = read_bytes(candidate)
    if isinstance(data, Skipped):
        return data
    article = (parse_html if candidate.kind == "html" else parse_txt)(candidate, data)
    if isinstance(article, Article) and candidate.payload:  # its metadata-table row
        article = apply_row(article, candidate.payload, fields)
    return article

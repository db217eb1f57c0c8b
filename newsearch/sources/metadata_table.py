"""A metadata table: one row per article file, giving what the file itself does not say.

``metadata.tsv`` or ``metadata.csv`` at the corpus root (or the file given as ``metadata=``)
has a header row; each row names an article file in its file-name column — the first of
``filename``, ``file``, ``file_name``, ``path``, ``id`` that the header has — with or without
``.txt``/``.html``/``.htm`` and with or without folders: files join by *base name*, so
``train/text/X.txt`` joins the row ``X`` (PolNeAR's layout). Two files with the same base name
in different folders both join the row.

The row's recognised columns (see ``fields``: date, source/publisher, author, url) fill the
article's fields; its title is used only if the file has none (it always has, if it is not
empty: the file's own first line is the title). Every other column except the file-name column
goes into ``Article.metadata``. A row whose file does not exist, a row with the wrong number of
fields, a second row for the same file, and a table that cannot be read are problems.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..models import Article, Skipped
from .csv_dump import decode_table, header_names, iter_rows, table_record
from .fields import FieldMapping, read_fields
from .records import read_date
from .txt import read_regular_file

TABLE_NAMES = ("metadata.tsv", "metadata.csv")
FILE_NAME_COLUMNS = ("filename", "file", "file_name", "path", "id")
JOINED_SUFFIXES = (".txt", ".html", ".htm")
ROW_FIELDS = ("title", "date", "source", "author", "url")


@dataclass(frozen=True, slots=True)
class MetadataRow:
    line: int
    name: str  # as written in the file-name column
    payload: bytes  # JSON of the row, file-name column left out


@dataclass(frozen=True, slots=True)
class MetadataTable:
    id: str  # how problems name it: corpus-relative, or the path as given
    mtime_ns: int
    rows: dict[str, MetadataRow]  # by join key
    problems: tuple[Skipped, ...]


def join_key(name: str) -> str:
    """The key a file and a row meet on: the base name, without a .txt/.html/.htm suffix."""
    base = name.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1].strip()
    lowered = base.lower()
    for suffix in JOINED_SUFFIXES:
        if lowered.endswith(suffix):
            return base[: -len(suffix)]
    return base


def read_table(path: Path, shown_as: str) -> MetadataTable:
    """Read a table; every problem (including an unreadable file) is a value."""
    try:
        mtime_ns = os.stat(path).st_mtime_ns
        data = read_regular_file(path)
    except OSError as error:
        return MetadataTable(
            shown_as, 0, {}, (Skipped(shown_as, f"unreadable metadata table: {error.strerror or error}"),)
        )
    kind = "csv" if str(path).lower().endswith(".csv") else "tsv"
    rows: dict[str, MetadataRow] = {}
    problems: list[Skipped] = []
    header: list[str] | None = None
    name_column = -1
    for line, row in iter_rows(decode_table(data), kind):
        if isinstance(row, str):
            problems.append(Skipped(f"{shown_as}:{line}", row))
            continue
        if header is None:
            header = header_names(row)
            lowered = [name.lower() for name in header]
            name_column = next((lowered.index(c) for c in FILE_NAME_COLUMNS if c in lowered), -1)
            if name_column < 0:
                wanted = ", ".join(FILE_NAME_COLUMNS)
                return MetadataTable(
                    shown_as, mtime_ns, {}, (Skipped(shown_as, f"metadata table has no file-name column ({wanted})"),)
                )
            continue
        if len(row) != len(header):
            problems.append(Skipped(f"{shown_as}:{line}", f"{len(row)} fields where the header has {len(header)}"))
            continue
        name = row[name_column].strip()
        key = join_key(name)
        if not key:
            problems.append(Skipped(f"{shown_as}:{line}", "metadata row names no file (empty file name)"))
            continue
        if key in rows:
            problems.append(
                Skipped(f"{shown_as}:{line}", f"second metadata row for {name!r} (first on line {rows[key].line})")
            )
            continue
        values = table_record(header, row)
        values.pop(header[name_column])
        rows[key] = MetadataRow(line, name, json.dumps(values, ensure_ascii=False).encode("utf-8"))
    if header is None:
        problems.append(Skipped(shown_as, "metadata table is empty (no header row)"))
    return MetadataTable(shown_as, mtime_ns, rows, tuple(problems))


def apply_row(article: Article, payload: bytes, fields: FieldMapping | None = None) -> Article:
    """``article`` with what its metadata row says (the row's fields win over the file's)."""
    try:
        row = json.loads(payload)
    except ValueError:
        return dataclasses.replace(article, notes=(*article.notes, "unreadable metadata row: ignored"))
    found = read_fields(row, fields, only=ROW_FIELDS)
    date, notes = read_date(found.date) if found.date is not None else (article.date, ())
    return dataclasses.replace(
        article,
        title=article.title or " ".join((found.title or "").split()),
        date=date,
        source=found.source or article.source,
        author=found.author or article.author,
        url=found.url or article.url,
        metadata=(*found.metadata, *article.metadata),
        notes=(*article.notes, *notes),
    )

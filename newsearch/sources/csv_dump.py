"""CSV and TSV dumps (``.csv``, ``.csv.gz``, ``.tsv``, ``.tsv.gz``): a header row, then one
record a row.

UTF-8 (a BOM is dropped; CRLF is fine). CSV follows RFC 4180: quoted fields may hold commas,
quotes and newlines, so a row may span several lines; it is numbered by its first line. TSV is
the plain IANA form: one row a line, no quoting (a ``"`` is an ordinary character). A row with
more or fewer fields than the header, or with bytes that are not UTF-8, is a problem with its
line number; blank lines are ignored. A row's payload is the JSON object header -> value (so
its hash, and its ``size``, are those of that JSON text). A table has no null: a cell reading
``None``, ``null``, ``NaN`` or ``N/A`` (any case; what pandas and Python write for a missing
value) is read as missing, like an empty one.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

_FIELD_LIMIT = 2**31 - 1
MISSING = frozenset({"none", "null", "nan", "n/a"})


def iter_rows(text: str, kind: str) -> Iterator[tuple[int, list[str] | str]]:
    """``(first line, fields)`` for each non-blank row, ``(line, reason)`` for an unreadable one."""
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)  # article bodies are longer than csv's 128 KiB default
    if kind == "tsv":
        reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE)
    else:
        reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield start, f"unreadable row: {error}"
            start = reader.line_num + 1
            continue
        if row and any(field.strip() for field in row):
            if any(_is_undecodable(field) for field in row):
                yield start, "not valid UTF-8"
            else:
                yield start, row
        start = reader.line_num + 1


def _is_undecodable(field: str) -> bool:
    return any("\udc80" <= char <= "\udcff" for char in field)


def decode_table(data: bytes) -> str:
    """UTF-8 with a BOM dropped; undecodable bytes are kept as surrogates so that only the rows
    holding them become problems."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", errors="surrogateescape")


def header_names(row: list[str]) -> list[str]:
    return [name.strip() or f"column{number}" for number, name in enumerate(row, start=1)]


def iter_csv(data: bytes, kind: str) -> Iterator[tuple]:
    """``(line, record, payload)`` for each row, ``(line, reason)`` for each bad one."""
    rows = iter_rows(decode_table(data), kind)
    header: list[str] | None = None
    for line, row in rows:
        if isinstance(row, str):
            yield line, row if header is not None else f"unreadable header: {row}"
            continue
        if header is None:
            header = header_names(row)
            continue
        if len(row) != len(header):
            yield line, f"{len(row)} fields where the header has {len(header)}"
            continue
        record = table_record(header, row)
        yield line, record, json.dumps(record, ensure_ascii=False).encode("utf-8")


def table_record(header: list[str], row: list[str]) -> dict[str, str | None]:
    """A row as column -> value, a missing value (see the module docstring) as None."""
    return {column: None if value.strip().lower() in MISSING else value for column, value in zip(header, row)}

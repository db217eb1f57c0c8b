"""JSON Lines dumps (``.jsonl``, ``.jsonl.gz``): one JSON object a line.

UTF-8; a BOM at the start is dropped, CRLF line endings are fine, blank lines are ignored. A
line that is not valid UTF-8, not valid JSON, or not an object is a problem with its line
number. A record's payload is its line exactly as written (without the line ending).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

_KINDS = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "true/false"}


def iter_jsonl(data: bytes) -> Iterator[tuple]:
    """``(line, record, payload)`` for each object, ``(line, reason)`` for each bad line."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            yield number, f"not valid UTF-8 (byte {error.start + 1})"
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as error:
            yield number, f"invalid JSON: {error.msg} (column {error.colno})"
            continue
        if not isinstance(record, dict):
            yield number, f"not a JSON object ({_KINDS.get(type(record), 'null')})"
            continue
        yield number, record, raw

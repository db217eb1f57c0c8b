"""Which key of a record (or column of a table) holds which field of an article.

A record of a dump (a JSON object, a CSV row) or a row of a metadata table is read by name.
The names we recognise, matched case-insensitively, first present non-empty one wins:

=========  =================================================
field      keys / columns recognised
=========  =================================================
id         ``id``
title      ``title``, ``headline``
body       ``body``, ``text``, ``content``
date       ``date``, ``published``, ``publication_date``, ``pubdate``
source     ``source``, ``publisher``, ``outlet``
author     ``author``, ``authors``, ``byline``
url        ``url``
=========  =================================================

A ``FieldMapping`` overrides this for the fields it names: ``{"body": "story_text"}`` reads
the body from ``story_text`` only (``text`` and ``content`` are then ordinary extra keys).

Values: a list for ``author`` (or any other recognised field) is joined with ``", "``.
Every key not used for a field is kept in ``Article.metadata`` under its own spelling: a list
as a tuple of strings, anything else as a string (numbers as written, booleans as
``true``/``false``, nested objects as compact JSON); null, empty strings and empty lists are
dropped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

FieldMapping = Mapping[str, str]

FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "title": ("title", "headline"),
    "body": ("body", "text", "content"),
    "date": ("date", "published", "publication_date", "pubdate"),
    "source": ("source", "publisher", "outlet"),
    "author": ("author", "authors", "byline"),
    "url": ("url",),
}
FIELDS = tuple(FIELD_NAMES)

MetadataItems = tuple[tuple[str, "str | tuple[str, ...]"], ...]


@dataclass(frozen=True, slots=True)
class Fields:
    """A record read by name: each of our fields as text (None when absent or empty), and the
    rest of its keys as ``Article.metadata`` items."""

    id: str | None
    title: str | None
    body: str | None
    date: str | int | None
    source: str | None
    author: str | None
    url: str | None
    metadata: MetadataItems


def check_fields(fields: FieldMapping | None) -> None:
    """Raise ``ValueError`` if a mapping names a field we do not have (a caller's mistake,
    checked once, before any record is read)."""
    for name in fields or {}:
        if name not in FIELD_NAMES:
            raise ValueError(f"unknown field {name!r} in the field mapping; the fields are {', '.join(FIELDS)}")


def read_fields(
    record: Mapping[str, Any], fields: FieldMapping | None = None, *, only: tuple[str, ...] = FIELDS
) -> Fields:
    """Split one record into our fields (those in ``only``) and its extra metadata."""
    found, used = find_fields(record, fields, only)
    return Fields(
        id=found.get("id"),
        title=found.get("title"),
        body=found.get("body"),
        date=found.get("date"),
        source=found.get("source"),
        author=found.get("author"),
        url=found.get("url"),
        metadata=extras(record, used),
    )


def find_fields(
    record: Mapping[str, Any], fields: FieldMapping | None = None, only: tuple[str, ...] = FIELDS
) -> tuple[dict[str, Any], set[str]]:
    """({our field: value}, the record's keys used for them): the cheap part of ``read_fields``,
    enough for a scan to know a record's id and whether it has a body."""
    lowered: dict[str, str] = {}
    for key in record:
        lowered.setdefault(str(key).strip().lower(), key)
    found: dict[str, Any] = {}
    used: set[str] = set()
    for name, keys in _candidates(tuple(sorted((fields or {}).items())), only):
        for key in keys:
            original = lowered.get(key)
            if original is None:
                continue
            value = record[original]
            if name == "date" and isinstance(value, int) and not isinstance(value, bool):
                found[name] = value
                used.add(original)
                break
            text = as_text(value)
            if text is not None:
                found[name] = text
                used.add(original)
                break
    return found, used


@lru_cache(maxsize=64)
def _candidates(mapping: tuple[tuple[str, str], ...], only: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    overrides = dict(mapping)
    return tuple(
        (name, (overrides[name].strip().lower(),) if name in overrides else FIELD_NAMES[name]) for name in only
    )


def as_text(value: Any) -> str | None:
    """A recognised field's value as one string (lists joined with ``", "``), or None if empty."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        parts = [text for item in value if (text := as_text(item))]
        return ", ".join(parts) or None
    text = _scalar(value).strip()
    return text or None


def extras(record: Mapping[str, Any], used: set[str]) -> MetadataItems:
    """Every key of ``record`` not in ``used``, as metadata items, in the record's order."""
    items: list[tuple[str, str | tuple[str, ...]]] = []
    for key, value in record.items():
        if key in used or value is None:
            continue
        if isinstance(value, (list, tuple)):
            parts = tuple(_scalar(item) for item in value if item is not None and _scalar(item) != "")
            if parts:
                items.append((str(key), parts))
            continue
        text = _scalar(value)
        if text.strip():
            items.append((str(key), text))
    return tuple(items)


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

"""Plain-text article files: decode, split title from body, reject what is not an article.

An article file is a ``.txt`` file: its first non-empty line is the title, the rest is the
body, with paragraphs separated by blank lines. Files are decoded as UTF-8 (a BOM is
dropped); a file that is not valid UTF-8 is decoded as cp1252 (then Latin-1) and the
fallback is recorded in ``Article.encoding``. A file is *binary* if and only if it contains a
NUL byte (ripgrep's rule). Problems with one file are values (``Skipped``), never exceptions.

A file joined to a row of a metadata table (``Candidate.payload``) takes its date, source,
author and url from the row (see ``metadata_table``); its ``sha256`` covers the file's bytes
*and* the row, so editing the row re-indexes the article.
"""

from __future__ import annotations

import hashlib
from typing import Any
from pathlib import Path

from ..models import Article, Skipped
from ..nlp.sentences import paragraph_spans
from .candidates import Candidate

FALLBACK_ENCODINGS = ("cp1252", "latin-1")


def decode(data: bytes) -> tuple[str, str]:
    """Decode article bytes: UTF-8 first, then the fallbacks. Returns (text, encoding)."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    for encoding in FALLBACK_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte string")


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def content_hash(data: bytes, payload: bytes = b"") -> str:
    """sha256 of a file's bytes, and of its metadata row when it has one (a file without a row
    hashes exactly as before metadata tables existed)."""
    digest = hashlib.sha256(data)
    if payload:
        digest.update(b"\x00metadata row\x00")
        digest.update(payload)
    return digest.hexdigest()


def read_bytes(candidate: Candidate) -> bytes | Skipped:
    try:
        return Path(candidate.path).read_bytes()
    except OSError as error:
        return Skipped(candidate.id, f"unreadable: {error.strerror or error}", transient=True)


def parse_txt(candidate: Candidate, data: bytes) -> Article | Skipped:
    """Turn the bytes of one file into an Article (without its metadata row), or say why not."""
    if b"\x00" in data:
        return Skipped(candidate.id, "binary file (contains NUL bytes)")
    text, encoding = decode(data)
    text = normalise_newlines(text)
    if not text.strip():
        return Skipped(candidate.id, "empty file")
    stripped = text.lstrip()
    title, _, rest = stripped.partition("\n")
    # Leading blank lines go, but the body's first line keeps its own indentation.
    body = rest.lstrip("\n").rstrip()
    return file_article(candidate, data, title.strip(), body, encoding)


def file_article(candidate: Candidate, data: bytes, title: str, body: str, encoding: str, **archive: Any) -> Article:
    """The Article of a file (``.txt`` or ``.html``) read as ``data``; ``archive`` holds what
    the file itself says about it (date, source, ...)."""
    return Article(
        id=candidate.id,
        path=str(candidate.path),
        title=title,
        body=body,
        paragraphs=tuple(paragraph_spans(body)),
        encoding=encoding,
        size=candidate.size,
        mtime_ns=candidate.mtime_ns,
        sha256=content_hash(data, candidate.payload),
        **archive,
    )

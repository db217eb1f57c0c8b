"""Plain-text article files: decode, split title from body, reject what is not an article.

An article file is a ``.txt`` file: its first non-empty line is the title, the rest is the
body, with paragraphs separated by blank lines. A file with a byte-order mark is decoded as
it says (UTF-8, UTF-16 or UTF-32); any other file as UTF-8, and when it is not valid UTF-8,
line by line: each line that is not is decoded as cp1252 (then Latin-1), so a file pasted
together from UTF-8 and Windows text reads right in both parts; the fallback is recorded in
``Article.encoding``. A file is *binary* if and only if its text contains a NUL character
(ripgrep's rule, but on the decoded text: UTF-16 is full of NUL bytes). Problems with one file
are values (``Skipped``), never exceptions.

A file joined to a row of a metadata table (``Candidate.payload``) takes its date, source,
author and url from the row (see ``metadata_table``); its ``sha256`` covers the file's bytes
*and* the row, so editing the row re-indexes the article.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import os
import stat
from typing import Any
from pathlib import Path

from ..models import Article, Skipped
from ..nlp.sentences import paragraph_spans
from .candidates import Candidate

FALLBACK_ENCODINGS = ("cp1252", "latin-1")
# Longest first: the UTF-32 little-endian mark starts with the UTF-16 one.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(data: bytes) -> tuple[str, str]:
    """Decode article bytes: as a byte-order mark says, else UTF-8, else UTF-8 line by line
    with the fallbacks for the lines that are not. Returns (text, encoding)."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), encoding
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    fallback = next((encoding for encoding in FALLBACK_ENCODINGS if _decodes(data, encoding)), FALLBACK_ENCODINGS[-1])
    return "".join(_decode_line(line, fallback) for line in data.splitlines(keepends=True)), fallback


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _decode_line(line: bytes, fallback: str) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode(fallback)


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
        return read_regular_file(candidate.path)
    except OSError as error:
        return Skipped(candidate.id, f"unreadable: {error.strerror or error}", transient=True)


def read_regular_file(path: str | Path) -> bytes:
    """The bytes of the regular file at ``path``; ``OSError`` for anything else. A scan finds
    only regular files, but one may become a FIFO (or a device) before it is read, and reading
    a FIFO with no writer would wait forever."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise OSError(errno.EINVAL, "not a regular file (a FIFO, socket or device)")
    return Path(path).read_bytes()


def parse_txt(candidate: Candidate, data: bytes) -> Article | Skipped:
    """Turn the bytes of one file into an Article (without its metadata row), or say why not."""
    text, encoding = decode(data)
    if "\x00" in text:
        return Skipped(candidate.id, "binary file (contains NUL bytes)")
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

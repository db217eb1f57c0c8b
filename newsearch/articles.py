"""Find article files, decode them, split title from body; reject what is not an article.

An article file is a ``.txt`` file: its first non-empty line is the title, the rest is the
body, with paragraphs separated by blank lines. Files are decoded as UTF-8 (a BOM is
dropped); a file that is not valid UTF-8 is decoded as cp1252 (then Latin-1) and the
fallback is recorded in ``Article.encoding``. A file is *binary* if and only if it contains a
NUL byte (ripgrep's rule). Problems with one file are values (``Skipped``), never exceptions.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .models import Article, CorpusNotFound, Skipped
from .nlp.sentences import paragraph_spans

ARTICLE_SUFFIX = ".txt"
FALLBACK_ENCODINGS = ("cp1252", "latin-1")


@dataclass(frozen=True, slots=True)
class ArticleFile:
    """A candidate file found in the corpus, with the stat data the manifest compares."""

    id: str
    path: str  # a string, not a Path: a scan makes one for every file of the corpus
    size: int
    mtime_ns: int


def find_article_files(corpus: Path) -> list[ArticleFile]:
    """All ``.txt`` files below ``corpus`` (hidden files and folders skipped), sorted by id."""
    corpus = Path(corpus)
    if not corpus.is_dir():
        raise CorpusNotFound(f"corpus directory not found: {corpus}; pass --corpus DIR")
    found = list(_scan(corpus, ""))
    found.sort(key=lambda f: f.id)
    return found


def _scan(directory: str | Path, prefix: str) -> Iterator[ArticleFile]:
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir():
                yield from _scan(entry.path, f"{prefix}{entry.name}/")
            elif entry.name.endswith(ARTICLE_SUFFIX) and entry.is_file():
                stat = entry.stat()
                yield ArticleFile(prefix + entry.name, entry.path, stat.st_size, stat.st_mtime_ns)
        except OSError:
            continue


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


def parse_article(file: ArticleFile, data: bytes) -> Article | Skipped:
    """Turn the bytes of one file into an Article, or say why it is not one."""
    if b"\x00" in data:
        return Skipped(file.id, "binary file (contains NUL bytes)")
    text, encoding = decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return Skipped(file.id, "empty file")
    stripped = text.lstrip()
    title, _, rest = stripped.partition("\n")
    # Leading blank lines go, but the body's first line keeps its own indentation.
    body = rest.lstrip("\n").rstrip()
    return Article(
        id=file.id,
        path=str(file.path),
        title=title.strip(),
        body=body,
        paragraphs=tuple(paragraph_spans(body)),
        encoding=encoding,
        size=file.size,
        mtime_ns=file.mtime_ns,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def load_article(file: ArticleFile) -> Article | Skipped:
    """Read and parse one file; an unreadable file becomes ``Skipped`` with the OS reason."""
    try:
        data = Path(file.path).read_bytes()
    except OSError as error:
        return Skipped(file.id, f"unreadable: {error.strerror or error}", transient=True)
    return parse_article(file, data)


def load_corpus(corpus: Path) -> Iterator[Article | Skipped]:
    """Every article (or skip reason) of a corpus, in id order."""
    for file in find_article_files(corpus):
        yield load_article(file)

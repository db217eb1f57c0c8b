"""What an index says about itself (``newsearch.json``): its schema, its source, its NLP; and
whether it can be read at all (the errors a damaged index raises, and the one that names the fix).

Read without opening the Whoosh index or importing the indexer, so that a search, which only
needs to know that the index is there and readable, does not pay for what updating needs.
"""

from __future__ import annotations

import json
import pickle
import re
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filetables import FileFormatError
from whoosh.reading import CorruptIndexError

from .models import IndexDamaged, IndexNotFound, SchemaMismatch
from .schema import SCHEMA_VERSION

META_FILE = "newsearch.json"


@dataclass(frozen=True, slots=True)
class IndexMeta:
    """The contents of ``newsearch.json``."""

    schema_version: int
    corpus: str
    nlp: dict[str, str]
    semantic: bool = False  # articles embedded for semantic ranking, once they are (see ``semantic``)
    fields: dict[str, str] = field(default_factory=dict)  # the dumps' field mapping (``sources.fields``)
    metadata: str | None = None  # a metadata table named explicitly (else the corpus root's)


def read_meta(index_dir: Path) -> IndexMeta | None:
    """The index's metadata, or None when there is no newsearch index there."""
    try:
        data = json.loads((Path(index_dir) / META_FILE).read_text(encoding="utf-8"))
        return IndexMeta(
            int(data["schema_version"]),
            str(data["corpus"]),
            dict(data.get("nlp", {})),
            bool(data.get("semantic", False)),
            dict(data.get("fields") or {}),
            data.get("metadata"),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def index_exists(index_dir: Path) -> bool:
    """True when ``index_dir`` holds a newsearch index (of any schema version; or a damaged one,
    whose reading then says what is wrong: see ``check_schema``)."""
    index_dir = Path(index_dir)
    try:
        return read_meta(index_dir) is not None and whoosh_index.exists_in(str(index_dir))
    except READ_ERRORS:
        return True


def source_of(index_dir: Path) -> Path | None:
    """The source (corpus) an existing index was built from, as recorded; None for no index."""
    meta = read_meta(index_dir)
    return Path(meta.corpus) if meta is not None else None


def check_schema(index_dir: Path) -> IndexMeta:
    """The metadata of a readable index, or the error that says how to fix it."""
    meta = read_meta(index_dir)
    try:
        found = meta is not None and whoosh_index.exists_in(str(index_dir))
    except READ_ERRORS as error:
        raise damaged(index_dir, error, Path(meta.corpus) if meta else None) from None
    if not found and has_index_files(index_dir):
        missing = "newsearch.json is missing or unreadable" if meta is None else "its table of contents is missing"
        raise damaged(index_dir, IndexDamaged(missing), Path(meta.corpus) if meta else None)
    if not found:
        raise IndexNotFound(f"no newsearch index in {index_dir}; run `newsearch index --corpus DIR --index {index_dir}`")
    if meta.schema_version != SCHEMA_VERSION:
        raise SchemaMismatch(
            f"index {index_dir} uses schema {meta.schema_version}, this newsearch needs {SCHEMA_VERSION}; "
            f"run `newsearch index --full --index {index_dir}`"
        )
    return meta


# --------------------------------------------------------------------------- damage

# What reading a damaged index raises (besides our own errors): a file gone or cut short, a
# compressed block that fails its check, a pickle or struct read from garbage, Whoosh's own.
READ_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    zlib.error,
    pickle.UnpicklingError,
    struct.error,
    whoosh_index.IndexError,
    CorruptIndexError,
    FileFormatError,
)


def describe(error: BaseException) -> str:
    """An exception as a short single line (our own ``IndexDamaged`` by its message alone)."""
    text = " ".join(str(error).split())[:160] or "no detail"
    return text if isinstance(error, IndexDamaged) else f"{type(error).__name__}: {text}"


def damaged(index_dir: Path, error: BaseException, corpus: Path | None = None) -> IndexDamaged:
    """The error for an index that failed to read with ``error`` (built from ``corpus``, when
    known: else the fix must name it)."""
    source = f"--corpus {corpus}" if corpus is not None else "--corpus DIR"
    fix = f"run `newsearch index --full {source} --index {index_dir}`"
    if not Path(index_dir).is_dir():
        return IndexDamaged(f"index {index_dir} is gone (its directory was deleted or moved); {fix}")
    return IndexDamaged(f"index {index_dir} is damaged ({describe(error)}); {fix}")


def has_index_files(index_dir: Path) -> bool:
    """Whether ``index_dir`` holds a newsearch index, readable or not: a ``newsearch.json`` or
    a committed Whoosh generation (past the empty generation 0 a new index starts with, which a
    build killed before its first commit leaves behind: that is no index, not a damaged one)."""
    index_dir = Path(index_dir)
    if not index_dir.is_dir():
        return False
    tocs = (re.fullmatch(r"_MAIN_(\d+)\.toc", entry.name) for entry in index_dir.iterdir())
    return (index_dir / META_FILE).exists() or any(match and int(match[1]) > 0 for match in tocs)

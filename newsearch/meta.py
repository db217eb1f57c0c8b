"""What an index says about itself (``newsearch.json``): its schema, its source, its NLP.

Read without opening the Whoosh index or importing the indexer, so that a search, which only
needs to know that the index is there and readable, does not pay for what updating needs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index

from .models import IndexNotFound, SchemaMismatch
from .schema import SCHEMA_VERSION

META_FILE = "newsearch.json"


@dataclass(frozen=True, slots=True)
class IndexMeta:
    """The contents of ``newsearch.json``."""

    schema_version: int
    corpus: str
    nlp: dict[str, str]
    semantic: bool = False  # articles embedded for semantic ranking (see ``semantic``)
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
    """True when ``index_dir`` holds a newsearch index (of any schema version)."""
    index_dir = Path(index_dir)
    return read_meta(index_dir) is not None and whoosh_index.exists_in(str(index_dir))


def source_of(index_dir: Path) -> Path | None:
    """The source (corpus) an existing index was built from, as recorded; None for no index."""
    meta = read_meta(index_dir)
    return Path(meta.corpus) if meta is not None else None


def check_schema(index_dir: Path) -> IndexMeta:
    """The metadata of a readable index, or the error that says how to fix it."""
    meta = read_meta(index_dir)
    if meta is None or not whoosh_index.exists_in(str(index_dir)):
        raise IndexNotFound(f"no newsearch index in {index_dir}; run `newsearch index --corpus DIR --index {index_dir}`")
    if meta.schema_version != SCHEMA_VERSION:
        raise SchemaMismatch(
            f"index {index_dir} uses schema {meta.schema_version}, this newsearch needs {SCHEMA_VERSION}; "
            f"run `newsearch index --full --index {index_dir}`"
        )
    return meta

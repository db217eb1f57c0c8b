"""Results of slow per-article work — NLP analyses, embeddings — kept by content hash in
``nlp-cache.sqlite3`` beside the index, so that unchanged text is never worked on twice, even
by a ``--full`` rebuild or after a schema change.

Each kind of result has its own table and builds its own keys (the content hash qualified by
whatever else the result depends on). Reads happen in the indexer's worker processes; only its
main process writes. A broken or unwritable cache file only costs time: it reads as empty.

The NLP analyses (``analysis_cache``) are keyed by the content hash, ``NLP_VERSION``, a digest
of the NLP code and word lists (every file of ``newsearch/nlp/``), and which NLTK packages
are installed: a changed rule, a newly installed model or a better extractor is never hidden
by old results, even when nobody remembered to bump ``NLP_VERSION``. The analysis itself
knows nothing of this cache.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Generic, TypeVar

from . import nlp
from .nlp import NLP_VERSION, Analysis
from .nlp.resources import missing_packages

CACHE_FILE = "nlp-cache.sqlite3"  # the name from when it held NLP analyses only

Result = TypeVar("Result")


class ResultCache(Generic[Result]):
    """``get``/``put_many`` of one kind of result by key, in its own table of the cache file."""

    def __init__(
        self,
        path: Path,
        table: str,
        encode: Callable[[Result], str | bytes],
        decode: Callable[[str | bytes], Result],
    ) -> None:
        self.path = Path(path)
        self.table, self.encode, self.decode = table, encode, decode
        self._connection: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            self._connection = sqlite3.connect(self.path, timeout=30)
            self._connection.execute(f"CREATE TABLE IF NOT EXISTS {self.table} (key TEXT PRIMARY KEY, value NOT NULL)")
        return self._connection

    def get(self, key: str) -> Result | None:
        try:
            row = self._connect().execute(f"SELECT value FROM {self.table} WHERE key = ?", (key,)).fetchone()
        except sqlite3.DatabaseError:
            return None
        return self.decode(row[0]) if row else None

    def get_or_compute(self, key: str, compute: Callable[[], Result]) -> tuple[Result, tuple[str, Result] | None]:
        """The result cached under ``key``, else ``compute()``'s together with the entry to
        ``put_many`` later (workers only read; the main process writes)."""
        found = self.get(key)
        if found is not None:
            return found, None
        result = compute()
        return result, (key, result)

    def put_many(self, items: list[tuple[str, Result]]) -> None:
        if not items:
            return
        try:
            with self._connect() as connection:
                connection.executemany(
                    f"INSERT OR REPLACE INTO {self.table} (key, value) VALUES (?, ?)",
                    [(key, self.encode(result)) for key, result in items],
                )
        except sqlite3.DatabaseError:
            pass  # a cache that cannot be written only costs time

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


# --------------------------------------------------------------------------- NLP analyses


def analysis_cache(path: Path) -> ResultCache[Analysis]:
    """The analyses in the cache file at ``path``."""
    return ResultCache(path, "analysis", Analysis.to_json, Analysis.from_json)


def analysis_key(sha256: str) -> str:
    """``sha256`` qualified by the NLP version, the NLP code and the installed NLTK data."""
    return f"{sha256}:{NLP_VERSION}:{nlp_code_digest()}:{_installed_data()}"


@cache
def nlp_code_digest() -> str:
    """A digest of the NLP code and its word lists, computed once per process."""
    return code_digest(Path(nlp.__file__).parent)


def code_digest(directory: Path) -> str:
    """16 hex digits of SHA-256 over every source file under ``directory`` (its path and
    bytes, in path order; compiled files left out), so that editing any rule or word list,
    or adding a module, changes it."""
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo"):
            continue
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@cache
def _installed_data() -> str:
    missing = ",".join(package.id for package in missing_packages())
    return f"missing={missing}" if missing else "full"

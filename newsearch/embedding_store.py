"""The articles' embeddings, in a file of their own beside the Whoosh index (``embeddings.sqlite3``).

Embeddings are kept out of the Whoosh documents so that they can follow the words: an index
is searchable as soon as its words are committed, and the embeddings are added afterwards, a
batch at a time, without rewriting a single document (``indexer.embed_articles``). A row is
keyed by the article's content hash and the model that embedded it (``embeddings.model_id``),
so it is right for every generation of the index that holds that content: a ``--full``
rebuild or a file that merely moved needs no new embedding, and a new model starts afresh.
Rows of content the index no longer holds are pruned once everything is embedded.

Each batch is one SQLite transaction, so a killed embedding run keeps every batch it
finished and the next run embeds only the rest. ``version`` counts the write transactions:
a searcher re-reads the embeddings (``semantic``) only when it changed.

Only the writer (the indexer, ``watch``) writes; searches open the file read-only and never
create it, so a plain ``serve`` stays read-only. Importing this module imports no numpy.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

STORE_FILE = "embeddings.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS embeddings (
    sha256 TEXT NOT NULL, model TEXT NOT NULL, windows BLOB NOT NULL, PRIMARY KEY (sha256, model)
) WITHOUT ROWID;
"""


class EmbeddingStore:
    """The embeddings of one index directory: ``writable`` for the writer, else read-only (a
    missing file then reads as empty)."""

    def __init__(self, index_dir: Path, *, writable: bool = False) -> None:
        self.path = Path(index_dir) / STORE_FILE
        self.writable = writable
        self._connection: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection | None:
        if self._connection is None:
            if self.writable:
                self._connection = _open_for_writing(self.path)
            elif self.path.exists():
                # check_same_thread off: an ``Index`` hands its calls to one thread at a time.
                uri = f"file:{self.path}?mode=ro"
                self._connection = sqlite3.connect(uri, uri=True, timeout=30, check_same_thread=False)
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self) -> EmbeddingStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ----------------------------------------------------------------- reading

    def version(self) -> int:
        """A number that changes with every write (0: nothing written yet)."""
        rows = self._read("SELECT value FROM meta WHERE key = 'version'")
        return int(rows[0][0]) if rows else 0

    def embedded(self, model: str) -> set[str]:
        """The content hashes that have an embedding by ``model``."""
        return {sha for (sha,) in self._read("SELECT sha256 FROM embeddings WHERE model = ?", (model,))}

    def windows(self, model: str, hashes: Iterable[str]) -> dict[str, bytes]:
        """The stored embeddings by ``model`` of those of ``hashes`` that have one."""
        sql = "SELECT sha256, windows FROM embeddings WHERE model = ? AND sha256 IN (SELECT value FROM json_each(?))"
        return dict(self._read(sql, (model, json.dumps(sorted(set(hashes))))))

    def _read(self, sql: str, parameters: tuple = ()) -> list[tuple]:
        connection = self._connect()
        if connection is None:
            return []
        try:
            return connection.execute(sql, parameters).fetchall()
        except sqlite3.OperationalError:  # written by the writer for the first time: no table yet
            return []

    # ----------------------------------------------------------------- writing

    def put_many(self, model: str, rows: list[tuple[str, bytes]]) -> None:
        """Store embeddings (content hash, windows) by ``model``, in one transaction."""
        self._write(lambda c: c.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?)", [(s, model, w) for s, w in rows]))

    def keep_only(self, model: str, hashes: set[str]) -> None:
        """Drop every embedding but those of ``hashes`` by ``model``."""
        stale = [(sha, other) for sha, other in self._read("SELECT sha256, model FROM embeddings") if other != model or sha not in hashes]
        if stale:
            self._write(lambda c: c.executemany("DELETE FROM embeddings WHERE sha256 = ? AND model = ?", stale))

    def clear(self) -> None:
        """Drop every embedding (semantic ranking turned off)."""
        if self._read("SELECT 1 FROM embeddings LIMIT 1"):
            self._write(lambda c: c.execute("DELETE FROM embeddings"))

    def _write(self, change) -> None:
        if not self.writable:
            raise PermissionError(f"{self.path} is open read-only")
        connection = self._connect()
        with connection:
            connection.execute("BEGIN IMMEDIATE")
            change(connection)
            connection.execute(
                "INSERT INTO meta VALUES ('version', 1) ON CONFLICT (key) DO UPDATE SET value = value + 1"
            )


def _open_for_writing(path: Path) -> sqlite3.Connection:
    """The store's connection, its tables created; a file that is no database is started
    again (embeddings are only ever work to redo, never the only copy of anything)."""
    for attempt in range(2):
        connection = sqlite3.connect(path, timeout=30, isolation_level=None)
        try:
            connection.executescript(_SCHEMA)
            return connection
        except sqlite3.DatabaseError:
            connection.close()
            if attempt:
                raise
            path.unlink()
    raise AssertionError("unreachable")

"""A cache of NLP results keyed by content hash, so unchanged text is never analysed twice.

It lives beside the index (``nlp-cache.sqlite3``) and survives ``--full`` rebuilds. The key
includes ``NLP_VERSION`` and which NLTK packages were installed, so better extractors or newly
installed models are not hidden by old results. Reads happen in worker processes; only the
indexer's main process writes.
"""

from __future__ import annotations

import sqlite3
from functools import cache
from pathlib import Path

from . import NLP_VERSION, Analysis
from .resources import missing_packages

CACHE_FILE = "nlp-cache.sqlite3"


def cache_key(sha256: str) -> str:
    """``sha256`` qualified by the NLP code version and the installed NLTK data."""
    return f"{sha256}:{NLP_VERSION}:{_installed_data()}"


@cache
def _installed_data() -> str:
    missing = ",".join(package.id for package in missing_packages())
    return f"missing={missing}" if missing else "full"


class AnalysisCache:
    """``get``/``put`` of Analysis by key; a broken cache file is treated as empty."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._connection: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            self._connection = sqlite3.connect(self.path, timeout=30)
            self._connection.execute("CREATE TABLE IF NOT EXISTS analysis (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        return self._connection

    def get(self, key: str) -> Analysis | None:
        try:
            row = self._connect().execute("SELECT value FROM analysis WHERE key = ?", (key,)).fetchone()
        except sqlite3.DatabaseError:
            return None
        return Analysis.from_json(row[0]) if row else None

    def put_many(self, items: list[tuple[str, Analysis]]) -> None:
        if not items:
            return
        try:
            with self._connect() as connection:
                connection.executemany(
                    "INSERT OR REPLACE INTO analysis (key, value) VALUES (?, ?)",
                    [(key, analysis.to_json()) for key, analysis in items],
                )
        except sqlite3.DatabaseError:
            pass  # a cache that cannot be written only costs time

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

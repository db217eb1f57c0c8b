"""The index's own bookkeeping, in one SQLite file beside the Whoosh index (``state.sqlite3``).

It holds the **manifest** (each indexed file's size, mtime and content hash), the **story
state** (each article's story id and signature, with the LSH band keys that find candidate
copies), and the Whoosh **generation** it belongs to. The indexer writes it in one
transaction right after each Whoosh commit, so a crash between the two leaves a state of an
older generation, which the indexer recognises and rebuilds from the index itself.

Why SQLite rather than rewriting JSON files: an update that adds one article writes one
manifest row and one story row (plus its 64 band keys) instead of 30 MB, and reads only the
story rows that article can be compared with (``StoryQuery``) instead of all 19,000 of
Reuters: together about a second less for a one-article update, and no longer growing with
the corpus.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

STATE_FILE = "state.sqlite3"
FORMAT = 1  # bump when the tables change: an older file is then rebuilt from the index

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files (
    id TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, sha256 TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS articles (
    slot INTEGER PRIMARY KEY,  -- insertion order, which story assignment depends on
    id TEXT NOT NULL UNIQUE, story TEXT NOT NULL, exact TEXT NOT NULL,
    minhash BLOB NOT NULL, numbers BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_story ON articles (story);
CREATE INDEX IF NOT EXISTS articles_exact ON articles (exact);
CREATE TABLE IF NOT EXISTS bands (key INTEGER NOT NULL, slot INTEGER NOT NULL, PRIMARY KEY (key, slot)) WITHOUT ROWID;
"""


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """What we knew about a file when it was indexed."""

    size: int
    mtime_ns: int
    sha256: str


@dataclass(frozen=True, slots=True)
class StoryRow:
    """One article of the story state: its story id and signature parts (see ``stories``)."""

    id: str
    story: str
    exact: str
    minhash: bytes
    numbers: bytes
    band_keys: tuple[int, ...]  # empty for an empty signature (nobody's duplicate)


@dataclass(frozen=True, slots=True)
class StoryQuery:
    """The story rows an update needs: those of ``ids`` and of their stories, those with one of
    ``exacts``, those sharing one of ``band_keys``, and those of a story named ``i`` or
    ``i~<n>`` for an ``i`` of ``founders``."""

    ids: frozenset[str]
    exacts: frozenset[str]
    band_keys: frozenset[int]
    founders: frozenset[str]


@dataclass(frozen=True, slots=True)
class StoryChanges:
    """Rows to delete (as they were saved) and then rows to insert, in order."""

    removed: tuple[StoryRow, ...]
    added: tuple[StoryRow, ...]


class Manifest:
    """The manifest in memory, remembering which entries changed since it was loaded."""

    def __init__(self, entries: dict[str, ManifestEntry] | None = None) -> None:
        self._entries = entries or {}
        self._changed: set[str] = set()

    def get(self, file_id: str) -> ManifestEntry | None:
        return self._entries.get(file_id)

    def __contains__(self, file_id: object) -> bool:
        return file_id in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __setitem__(self, file_id: str, entry: ManifestEntry) -> None:
        self._entries[file_id] = entry
        self._changed.add(file_id)

    def __delitem__(self, file_id: str) -> None:
        del self._entries[file_id]
        self._changed.add(file_id)

    def take_changes(self) -> dict[str, ManifestEntry | None]:
        """The changed entries (None: removed) since the last call, or since loading."""
        changes = {file_id: self._entries.get(file_id) for file_id in sorted(self._changed)}
        self._changed.clear()
        return changes


class IndexState:
    """The state file of one index directory. Readers and the (single) writer may share it."""

    def __init__(self, index_dir: Path, *, read_only: bool = False) -> None:
        """Open (or create) the state file; ``read_only`` opens an existing one as it is, for
        checking it (``sqlite3.Error`` when it is missing or not a database)."""
        self.path = Path(index_dir) / STATE_FILE
        if read_only:
            self._connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None)
            try:
                self._connection.execute("SELECT count(*) FROM meta").fetchone()
            except sqlite3.Error:
                self._connection.close()
                raise
            return
        self._connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            self._connection.executescript(_SCHEMA)
        except sqlite3.DatabaseError:  # not a database: start again (it is rebuilt from the index)
            self._connection.close()
            self.path.unlink()
            self._connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self._connection.executescript(_SCHEMA)

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> IndexState:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ----------------------------------------------------------------- reading

    def is_current(self, generation: int) -> bool:
        """Whether the state belongs to Whoosh generation ``generation`` (in this format); if
        not, it must be rebuilt from the index."""
        meta = self._meta()
        return meta.get("format") == str(FORMAT) and meta.get("generation") == str(generation)

    def signature_params(self) -> str | None:
        """The story signature parameters the saved signatures were made with."""
        return self._meta().get("signature")

    def _meta(self) -> dict[str, str]:
        return dict(self._connection.execute("SELECT key, value FROM meta"))

    def dump_stamps(self) -> dict[str, tuple[int, int]]:
        """Each dump's (size, mtime_ns) when its records were last all indexed (see
        ``indexer._survey``): a dump with the same stamp is not read again."""
        rows = self._connection.execute("SELECT key, value FROM meta WHERE key LIKE 'dump:%'")
        return {key[len("dump:") :]: tuple(map(int, value.split())) for key, value in rows}

    def set_dump_stamps(self, stamps: dict[str, tuple[int, int]]) -> None:
        """Replace the dump stamps (only after the records they vouch for are committed)."""
        if stamps == self.dump_stamps():
            return
        with self._connection:
            self._connection.execute("BEGIN IMMEDIATE")
            self._connection.execute("DELETE FROM meta WHERE key LIKE 'dump:%'")
            self._connection.executemany(
                "INSERT INTO meta VALUES (?, ?)", ((f"dump:{dump}", f"{size} {mtime}") for dump, (size, mtime) in stamps.items())
            )

    def manifest(self) -> Manifest:
        rows = self._connection.execute("SELECT id, size, mtime_ns, sha256 FROM files")
        return Manifest({file_id: ManifestEntry(size, mtime, sha) for file_id, size, mtime, sha in rows})

    def all_story_rows(self) -> list[StoryRow]:
        """Every story row, in insertion order (band keys are left out: the caller has the
        signatures to compute them from, faster than reading 64 rows per article)."""
        sql = "SELECT id, story, exact, minhash, numbers FROM articles ORDER BY slot"
        return [StoryRow(*row, band_keys=()) for row in self._connection.execute(sql)]

    def story_rows(self, query: StoryQuery) -> list[StoryRow]:
        """The rows ``query`` asks for, in insertion order (band keys left out, as above)."""
        ids, exacts = json.dumps(sorted(query.ids)), json.dumps(sorted(e for e in query.exacts if e))
        keys = json.dumps(sorted(query.band_keys))
        wanted = "SELECT value FROM json_each(?)"
        slots: set[int] = set()
        for sql, parameter in (
            (f"SELECT slot FROM articles WHERE id IN ({wanted})", ids),
            (f"SELECT slot FROM articles WHERE exact IN ({wanted})", exacts),
            (f"SELECT slot FROM articles WHERE exact IN (SELECT exact FROM articles WHERE exact != '' AND id IN ({wanted}))", ids),
            (f"SELECT slot FROM articles WHERE story IN (SELECT story FROM articles WHERE id IN ({wanted}))", ids),
            (f"SELECT slot FROM bands WHERE key IN ({wanted})", keys),
        ):
            slots.update(slot for (slot,) in self._connection.execute(sql, (parameter,)))
        for founder in query.founders:
            # the story named after it, and "founder~2", "founder~3"... (digits sort before ":")
            sql = "SELECT slot FROM articles WHERE story = ? OR (story >= ? AND story < ?)"
            slots.update(slot for (slot,) in self._connection.execute(sql, (founder, f"{founder}~0", f"{founder}~:")))
        sql = f"SELECT id, story, exact, minhash, numbers FROM articles WHERE slot IN ({wanted}) ORDER BY slot"
        return [StoryRow(*row, band_keys=()) for row in self._connection.execute(sql, (json.dumps(sorted(slots)),))]

    # ----------------------------------------------------------------- writing

    def write(
        self,
        generation: int,
        signature_params: str,
        manifest: dict[str, ManifestEntry | None],
        stories: StoryChanges,
        *,
        replace: bool = False,
    ) -> None:
        """Apply the changes and record ``generation``, in one transaction (durable once this
        returns). ``replace`` empties the state first (a full rebuild)."""
        cursor = self._connection.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE")
            if replace:
                for table in ("files", "articles", "bands"):
                    cursor.execute(f"DELETE FROM {table}")
                cursor.execute("DELETE FROM meta WHERE key LIKE 'dump:%'")
            cursor.executemany("DELETE FROM files WHERE id = ?", ((i,) for i, e in manifest.items() if e is None))
            cursor.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
                ((i, e.size, e.mtime_ns, e.sha256) for i, e in manifest.items() if e is not None),
            )
            self._remove_story_rows(cursor, stories.removed)
            self._insert_story_rows(cursor, stories.added)
            cursor.executemany(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                [("format", str(FORMAT)), ("generation", str(generation)), ("signature", signature_params)],
            )
            cursor.execute("COMMIT")
        except BaseException:
            if self._connection.in_transaction:
                cursor.execute("ROLLBACK")
            raise
        finally:
            cursor.close()

    @staticmethod
    def _remove_story_rows(cursor: sqlite3.Cursor, rows: Iterable[StoryRow]) -> None:
        for row in rows:
            found = cursor.execute("SELECT slot FROM articles WHERE id = ?", (row.id,)).fetchone()
            if found is not None:
                cursor.executemany("DELETE FROM bands WHERE key = ? AND slot = ?", ((key, found[0]) for key in row.band_keys))
                cursor.execute("DELETE FROM articles WHERE slot = ?", found)

    @staticmethod
    def _insert_story_rows(cursor: sqlite3.Cursor, rows: Iterable[StoryRow]) -> None:
        for row in rows:
            cursor.execute(
                "INSERT INTO articles (slot, id, story, exact, minhash, numbers) "
                "VALUES ((SELECT coalesce(max(slot), 0) + 1 FROM articles), ?, ?, ?, ?, ?)",
                (row.id, row.story, row.exact, row.minhash, row.numbers),
            )
            slot = cursor.lastrowid
            cursor.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?)", ((key, slot) for key in row.band_keys))

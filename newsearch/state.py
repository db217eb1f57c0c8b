"""The index's own bookkeeping, in one SQLite file beside the Whoosh index (``state.sqlite3``).

It holds the **manifest** (each indexed file's size, mtime and content hash), the **story
state** (each article's story id and the 16-bit hashes of its signature's LSH bands, which
find candidate copies; see ``stories``), and the Whoosh **generation** it belongs to. The
indexer writes it in one transaction right after each Whoosh commit, so a crash between the
two leaves a state of an older generation, which the indexer recognises and rebuilds from the
index itself.

Why SQLite rather than rewriting JSON files: an update that adds one article writes one
manifest row and one story row instead of 30 MB, and reads only the story rows that article
can be compared with (``StoryQuery``) instead of all 19,000 of Reuters: together about a
second less for a one-article update, and no longer growing with the corpus.

Each thing is kept once, in its cheapest form: a content hash as 32 bytes, not 64 hex digits;
a story id only when it is not the article's own id (most articles are their own story); band
hashes rather than signatures, which are computed again from the stored bodies when needed.
On Reuters (19,043 articles of 880 bytes on average) that is about 200 bytes an article.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

STATE_FILE = "state.sqlite3"
FORMAT = 2  # bump when the tables change: an older file is then emptied and rebuilt from the index
# 1: signatures (MinHash, exact hash, numbers) and a table of LSH band keys; 2: band hashes only

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files (
    id TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, sha256 BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    slot INTEGER NOT NULL,  -- insertion order, which story assignment depends on
    story TEXT,  -- NULL: the article's own id
    bands BLOB NOT NULL  -- stories.band_hashes
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS articles_story ON articles (story) WHERE story IS NOT NULL;
"""
_TABLES = ("meta", "files", "articles", "bands")  # every table of any format (``bands``: format 1)


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """What we knew about a file when it was indexed."""

    size: int
    mtime_ns: int
    sha256: str


@dataclass(frozen=True, slots=True)
class StoryRow:
    """One article of the story state: its story id and band hashes (see ``stories``)."""

    id: str
    story: str
    bands: bytes  # empty for an empty signature (nobody's duplicate)


@dataclass(frozen=True, slots=True)
class StoryQuery:
    """The story rows an update needs: those of ``ids`` and of their stories, those sharing a
    band hash (at the same band) with one of ``band_hashes``, and those of a story named ``i``
    or ``i~<n>`` for an ``i`` of ``founders``."""

    ids: frozenset[str]
    band_hashes: frozenset[bytes]
    founders: frozenset[str]


@dataclass(frozen=True, slots=True)
class StoryChanges:
    """Ids of saved rows to delete, and then rows to insert, in order."""

    removed: tuple[str, ...]
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
        self._rewritten = False  # written from scratch by this connection: compacted when closed
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
            self._upgrade()
        except sqlite3.DatabaseError:  # not a database: start again (it is rebuilt from the index)
            self._connection.close()
            self.path.unlink()
            self._connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self._connection.executescript(_SCHEMA)

    def _upgrade(self) -> None:
        """Create the tables; a file of another format is emptied first (its generation is then
        not current, so the indexer rebuilds it from the index)."""
        connection = self._connection
        if connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
            found = connection.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
            if found is not None and found[0] != str(FORMAT):
                with connection:
                    connection.execute("BEGIN IMMEDIATE")
                    for table in _TABLES:
                        connection.execute(f"DROP TABLE IF EXISTS {table}")
        connection.executescript(_SCHEMA)

    def close(self) -> None:
        if self._rewritten:
            self._compact()
        self._connection.close()

    def _compact(self) -> None:
        """Pack a state written from scratch (a full build, a rebuild from the index) into as
        few pages as it needs: rows written in bulk leave B-tree pages about a tenth empty
        (Reuters: 4.5 MB, 4.1 MB packed), and a file of the previous format its free pages."""
        try:
            self._connection.execute("PRAGMA busy_timeout = 200")
            self._connection.execute("VACUUM")
        except sqlite3.OperationalError:
            pass  # another process is reading it: it stays as it is, correct but bigger

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
        return Manifest({file_id: ManifestEntry(size, mtime, sha.hex()) for file_id, size, mtime, sha in rows})

    def all_story_rows(self) -> list[StoryRow]:
        """Every story row, in insertion order."""
        sql = "SELECT id, coalesce(story, id), bands FROM articles ORDER BY slot"
        return [StoryRow(*row) for row in self._connection.execute(sql)]

    def story_rows(self, query: StoryQuery) -> list[StoryRow]:
        """The rows ``query`` asks for, in insertion order."""
        wanted = "SELECT value FROM json_each(?)"
        ids: set[str] = self._sharing_band_hashes(query.band_hashes) | query.ids
        sql = f"SELECT coalesce(story, id) FROM articles WHERE id IN ({wanted})"
        stories = json.dumps(sorted(story for (story,) in self._connection.execute(sql, (json.dumps(sorted(query.ids)),))))
        sql = f"SELECT id FROM articles WHERE story IN ({wanted}) OR (story IS NULL AND id IN ({wanted}))"
        ids.update(article_id for (article_id,) in self._connection.execute(sql, (stories, stories)))
        for founder in query.founders:
            # the story named after it, and "founder~2", "founder~3"... (digits sort before ":")
            sql = "SELECT id FROM articles WHERE story = ? OR (story >= ? AND story < ?)"
            ids.update(article_id for (article_id,) in self._connection.execute(sql, (founder, f"{founder}~0", f"{founder}~:")))
        sql = f"SELECT id, coalesce(story, id), bands FROM articles WHERE id IN ({wanted}) ORDER BY slot"
        return [StoryRow(*row) for row in self._connection.execute(sql, (json.dumps(sorted(ids)),))]

    def _sharing_band_hashes(self, wanted: frozenset[bytes]) -> set[str]:
        """The ids of the rows that share a band hash, at the same band, with one of ``wanted``.

        A scan of every row's hashes (128 bytes each; 2.4 MB for Reuters) compared in numpy,
        which costs less than keeping an index of them (64 rows an article, 1 KB on disk).
        """
        if not wanted:
            return set()
        import numpy as np

        rows = self._connection.execute("SELECT id, bands FROM articles WHERE length(bands) > 0").fetchall()
        if not rows:
            return set()
        hashes = np.frombuffer(b"".join(bands for _, bands in rows), dtype="<u2").reshape(len(rows), -1)
        found = np.zeros(len(rows), dtype=bool)
        for query in wanted:
            found |= (hashes == np.frombuffer(query, dtype="<u2")).any(axis=1)
        return {rows[row][0] for row in np.flatnonzero(found).tolist()}

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
                self._rewritten = True
                for table in ("files", "articles"):
                    cursor.execute(f"DELETE FROM {table}")
                cursor.execute("DELETE FROM meta WHERE key LIKE 'dump:%'")
            cursor.executemany("DELETE FROM files WHERE id = ?", ((i,) for i, e in manifest.items() if e is None))
            cursor.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
                ((i, e.size, e.mtime_ns, bytes.fromhex(e.sha256)) for i, e in manifest.items() if e is not None),
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
    def _remove_story_rows(cursor: sqlite3.Cursor, ids: Iterable[str]) -> None:
        cursor.executemany("DELETE FROM articles WHERE id = ?", ((article_id,) for article_id in ids))

    @staticmethod
    def _insert_story_rows(cursor: sqlite3.Cursor, rows: Sequence[StoryRow]) -> None:
        if not rows:
            return
        (last,) = cursor.execute("SELECT coalesce(max(slot), 0) FROM articles").fetchone()
        cursor.executemany(
            "INSERT INTO articles (id, slot, story, bands) VALUES (?, ?, ?, ?)",
            ((row.id, slot, None if row.story == row.id else row.story, row.bands) for slot, row in enumerate(rows, last + 1)),
        )

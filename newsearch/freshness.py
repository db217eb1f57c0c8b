"""Is an index current with its source? Told from stat data alone, before anything is opened.

Every completed update leaves a record (``current.json`` in the index): a digest of what the
source held when the update began (each file's path, size and modification time, from
``stat`` only), of the index's metadata file and of its table-of-contents names. When all
three are the same now, the index holds exactly what an update would give it, and a search
need not run one (which would import the indexer, take the write lock, open the index and
compare every file with the manifest) — the check costs a walk of the source's directories.

The source is digested *before* the update reads it, so a file that changes while an update
runs makes the next check differ. Anything the walk cannot vouch for (a symbolic link, an
unreadable folder) gives no digest, and the full update runs as before. An update that had
to skip a file it could not read just now (a transient problem, retried next time) leaves no
record either.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .files import write_json_atomically
from .meta import META_FILE, read_meta
from .schema import SCHEMA_VERSION

RECORD_FILE = "current.json"


def source_digest(corpus: Path, metadata: Path | None = None) -> str | None:
    """A digest of the path, size and mtime of every file of ``corpus`` (a folder, walked
    without its hidden entries, as ``sources.scan`` skips them; or one file), and of the
    metadata table ``metadata`` (both resolved, as the indexer resolves them); None when
    something could not be told from stat data (a symbolic link inside, an unreadable folder)."""
    entries: list[str] = []
    try:
        paths = [Path(corpus).resolve()] + ([Path(metadata).resolve()] if metadata is not None else [])
        for path in paths:
            if path.is_dir():
                if not _walk(str(path), entries):
                    return None
            else:
                stat = path.stat()
                entries.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    except OSError:
        return None
    entries.sort()
    return hashlib.sha256("\n".join(entries).encode("utf-8", "surrogateescape")).hexdigest()


def _walk(directory: str, entries: list[str]) -> bool:
    with os.scandir(directory) as found:
        for entry in found:
            if entry.name.startswith("."):
                continue
            if entry.is_symlink():
                return False
            if entry.is_dir(follow_symlinks=False):
                if not _walk(entry.path, entries):
                    return False
            else:
                stat = entry.stat(follow_symlinks=False)
                entries.append(f"{entry.path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    return True


def _index_digest(index_dir: Path) -> str:
    """The metadata file's bytes and the table-of-contents names: another process's commit,
    or a changed setting, changes it."""
    digest = hashlib.sha256((index_dir / META_FILE).read_bytes())
    digest.update("\0".join(sorted(name for name in os.listdir(index_dir) if name.endswith(".toc"))).encode())
    return digest.hexdigest()


def record(index_dir: Path, source: str | None) -> None:
    """After a completed update (under its write lock): remember that ``index_dir`` is current
    with the source whose digest (``source_digest``, taken before the update) is ``source``."""
    path = Path(index_dir) / RECORD_FILE
    if source is None:
        path.unlink(missing_ok=True)
        return
    data = {"schema_version": SCHEMA_VERSION, "source": source, "index": _index_digest(Path(index_dir))}
    write_json_atomically(path, data)


def is_current(index_dir: Path, corpus: Path | None = None) -> bool:
    """True when an update of ``index_dir`` from its own source (or from ``corpus``, when that
    is the same source) would change nothing; False when it might (then run it)."""
    index_dir = Path(index_dir)
    meta = read_meta(index_dir)
    if meta is None or meta.schema_version != SCHEMA_VERSION:
        return False
    if corpus is not None and Path(corpus).resolve() != Path(meta.corpus):
        return False
    try:
        data = json.loads((index_dir / RECORD_FILE).read_text(encoding="utf-8"))
        recorded = (data["schema_version"], data["source"], data["index"])
        index = _index_digest(index_dir)
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if recorded[0] != SCHEMA_VERSION or recorded[2] != index:
        return False
    source = source_digest(Path(meta.corpus), Path(meta.metadata) if meta.metadata else None)
    return source is not None and source == recorded[1]

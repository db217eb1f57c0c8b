"""Checksums of an index's segment files (``checksums.json``), which Whoosh does not keep.

A segment file is written once and never changed, so its size and CRC-32 are recorded right
after the commit that wrote it (only new files are read: the bytes were just written, so the
cost is a fraction of writing them) and checked by ``newsearch doctor``. Searches do not check
them: that would read the whole index on every ``newsearch query``. A flipped bit that Whoosh's
own format does not catch — in a term of the dictionary, say, which then silently stops
matching — is found here (docs/RELIABILITY.md: how often each check catches one).
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

from .files import write_json_atomically

CHECKSUM_FILE = "checksums.json"
CHUNK = 1 << 20


def segment_files(index_dir: Path, segment_ids: list[str]) -> list[str]:
    """The names of the files of those segments (``<segment id>.<part>``), sorted."""
    prefixes = tuple(f"{segment_id}." for segment_id in segment_ids)
    return sorted(entry.name for entry in Path(index_dir).iterdir() if entry.name.startswith(prefixes))


def checksum(path: Path) -> tuple[int, int]:
    """``(size, CRC-32)`` of a file."""
    crc, size = 0, 0
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            crc, size = zlib.crc32(block, crc), size + len(block)
    return size, crc


def recorded(index_dir: Path) -> dict[str, tuple[int, int]]:
    """The recorded checksums by file name (none when the file is missing or unreadable)."""
    try:
        data = json.loads((Path(index_dir) / CHECKSUM_FILE).read_text(encoding="utf-8"))
        return {str(name): (int(size), int(crc)) for name, (size, crc) in data.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def record(index_dir: Path, segment_ids: list[str]) -> None:
    """Record the checksums of the files of ``segment_ids`` (the segments of the generation
    just committed): those already known are kept, those of other segments dropped."""
    known = recorded(index_dir)
    names = segment_files(index_dir, segment_ids)
    current = {name: known.get(name) or checksum(Path(index_dir) / name) for name in names}
    if current != known:
        write_json_atomically(Path(index_dir) / CHECKSUM_FILE, current)


def mismatched(index_dir: Path) -> list[str]:
    """The recorded files that no longer match their checksum (or are gone)."""
    bad = []
    for name, expected in recorded(index_dir).items():
        try:
            if checksum(Path(index_dir) / name) != expected:
                bad.append(name)
        except OSError:
            bad.append(name)
    return bad

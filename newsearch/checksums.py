"""Checksums of an index's segment files (``checksums.json``), which Whoosh does not keep.

A segment file is written once and never changed, so its size and CRC-32 are recorded right
after the commit that wrote it (only new files are read: the bytes were just written, so the
cost is a fraction of writing them). ``newsearch doctor`` checks every file. Searches check
the files of each generation they open (``verify``) without reading the whole index on every
``newsearch query``: a file whose size, modification time and inode are those it had when it
last matched its checksum (``verified.json``) is not read again. So a flipped bit that Whoosh's
own format does not catch — in a term of the dictionary, say, which then silently stops
matching — fails the search instead of answering wrongly, once anything has written to the file;
decay of the disk itself, which leaves the file's times alone, is found by ``doctor``
(docs/RELIABILITY.md: how often each check catches one).
"""

from __future__ import annotations

import json
import os
import zlib
from pathlib import Path

from .files import write_json_atomically

CHECKSUM_FILE = "checksums.json"
VERIFIED_FILE = "verified.json"  # file name -> [size, mtime_ns, inode, CRC-32] when it last matched
CHUNK = 1 << 20

Stamp = tuple[int, int, int, int]


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
        # The new files were just read back: the searches after this commit need not read them.
        _remember(index_dir, {name: _stamp(Path(index_dir) / name, current[name]) for name in names if name not in known})


def verify(index_dir: Path, segment_ids: list[str]) -> list[str]:
    """The files of those segments that do not match their recorded checksum (or are gone),
    reading only those changed (size, modification time or inode) since they last matched.
    Files without a recorded checksum (a commit whose checksums are still being written) are
    taken as they are."""
    index_dir = Path(index_dir)
    expected = recorded(index_dir)
    known = _verified(index_dir)
    bad: list[str] = []
    matched: dict[str, Stamp] = {}
    for name in segment_files(index_dir, segment_ids):
        if name not in expected:
            continue
        try:
            stamp = _stamp(index_dir / name, expected[name])
            if known.get(name) != stamp and checksum(index_dir / name) != expected[name]:
                bad.append(name)
                continue
        except OSError:
            bad.append(name)
            continue
        matched[name] = stamp
    if any(known.get(name) != stamp for name, stamp in matched.items()):
        _remember(index_dir, matched)
    return bad


def _stamp(path: Path, expected: tuple[int, int]) -> Stamp:
    """What identifies a file's bytes without reading them, with the checksum they matched."""
    stat = os.stat(path)
    return stat.st_size, stat.st_mtime_ns, stat.st_ino, expected[1]


def _verified(index_dir: Path) -> dict[str, Stamp]:
    try:
        data = json.loads((index_dir / VERIFIED_FILE).read_text(encoding="utf-8"))
        return {str(name): tuple(int(part) for part in stamp) for name, stamp in data.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def _remember(index_dir: Path, matched: dict[str, Stamp]) -> None:
    """Add ``matched`` to the verified stamps, keeping only files that still exist. Best effort:
    a search of an index it may not write to only reads the files again next time."""
    stamps = {name: stamp for name, stamp in _verified(Path(index_dir)).items() if (Path(index_dir) / name).exists()}
    try:
        write_json_atomically(Path(index_dir) / VERIFIED_FILE, {**stamps, **matched})
    except OSError:
        pass


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

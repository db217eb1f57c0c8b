"""Writing files so that a reader, or a crash, sees either the old content or the new."""

from __future__ import annotations

import json
import os
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file, fsync it, rename it over ``path``, fsync the directory."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:  # a full disk, say: leave no half-written temporary file behind
        temporary.unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def write_json_atomically(path: Path, data: object) -> None:
    """``write_atomically`` of compact JSON."""
    write_atomically(path, json.dumps(data, separators=(",", ":")).encode("utf-8"))

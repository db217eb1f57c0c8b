"""Find what a corpus holds, by stat only: article files, dumps, and the metadata table.

A corpus is a folder or a single file. In a folder, every ``.txt``, ``.html`` and ``.htm``
file is an article file and every ``.jsonl``, ``.jsonl.gz``, ``.csv``, ``.csv.gz``, ``.tsv``,
``.tsv.gz`` file a dump, at any depth; hidden files and folders (``.git``) are skipped, a
folder reached again through a symbolic link is not scanned twice, and an entry that cannot be
stat'ed is left out. Only regular files are read (a FIFO or a device is left out: reading
it could block forever), and a file whose name is not valid UTF-8 is a problem (an id is
text). ``metadata.tsv`` / ``metadata.csv`` at the root is the metadata table,
not a dump (``metadata=`` names another one; the root names stay reserved either way).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from ..models import CorpusNotFound, Skipped
from .candidates import Candidate, DumpFile, Scan
from .metadata_table import TABLE_NAMES, MetadataTable, join_key, read_table

FILE_KINDS = {".txt": "txt", ".html": "html", ".htm": "html"}
DUMP_KINDS = {
    ".jsonl": "jsonl",
    ".jsonl.gz": "jsonl",
    ".csv": "csv",
    ".csv.gz": "csv",
    ".tsv": "tsv",
    ".tsv.gz": "tsv",
}
KINDS_HELP = ".txt, .html, .jsonl, .jsonl.gz, .csv, .csv.gz or .tsv"


def kind_of(name: str) -> tuple[str, str] | None:
    """("file" | "dump", kind) for a name we read, else None."""
    lowered = name.lower()
    for suffix, kind in DUMP_KINDS.items():
        if lowered.endswith(suffix):
            return "dump", kind
    for suffix, kind in FILE_KINDS.items():
        if lowered.endswith(suffix):
            return "file", kind
    return None


def scan(corpus: Path, *, metadata: Path | None = None) -> Scan:
    """What ``corpus`` (a folder, or one article or dump file) holds; cheap (stat only, plus
    reading the metadata table)."""
    corpus = Path(corpus)
    if corpus.is_dir():
        entries = list(_walk(corpus, "", set()))
        table_path = Path(metadata) if metadata is not None else _root_table(corpus)
    elif corpus.is_file() and kind_of(corpus.name) is not None:
        stat = corpus.stat()
        entries = [(corpus.name, str(corpus), stat.st_size, stat.st_mtime_ns)]
        table_path = Path(metadata) if metadata is not None else None
    elif corpus.exists():
        raise CorpusNotFound(f"not a corpus: {corpus} is neither a folder nor a {KINDS_HELP} file; pass --corpus PATH")
    else:
        raise CorpusNotFound(f"corpus not found: {corpus}; pass --corpus PATH (a folder or a dump file)")

    reserved = {name for name in TABLE_NAMES} if corpus.is_dir() else set()
    table = read_table(table_path, _shown(table_path, corpus)) if table_path is not None else None
    table_real = _real(table_path) if table_path is not None else None
    table_name = table_path.name if table_path is not None else None

    files: list[Candidate] = []
    dumps: list[DumpFile] = []
    used: set[str] = set()
    problems: list[Skipped] = []
    for entry_id, path, size, mtime_ns in entries:
        found = kind_of(entry_id)
        if (
            found is None
            or entry_id in reserved
            or (os.path.basename(path) == table_name and _real(path) == table_real)
        ):
            continue
        if not _is_utf8(entry_id):
            problems.append(Skipped(shown_name(entry_id), "file name is not valid UTF-8; rename the file"))
            continue
        role, kind = found
        if role == "dump":
            dumps.append(DumpFile(entry_id, path, size, mtime_ns, kind))
            continue
        files.append(_file_candidate(entry_id, path, size, mtime_ns, kind, table, used))
    if metadata is None and corpus.is_dir() and table_path is not None:
        problems.extend(
            Skipped(name, f"ignored: {table_path.name} is the metadata table")
            for name in TABLE_NAMES
            if name != table_path.name and (corpus / name).is_file()
        )
    if table is not None:
        problems.extend(table.problems)
        for key, row in table.rows.items():
            if key not in used:
                problems.append(Skipped(f"{table.id}:{row.line}", f"metadata row names no file: {row.name!r}"))
    files.sort(key=lambda candidate: candidate.id)
    dumps.sort(key=lambda dump: dump.id)
    return Scan(tuple(files), tuple(dumps), tuple(problems))


def _file_candidate(entry_id, path, size, mtime_ns, kind, table: MetadataTable | None, used: set[str]) -> Candidate:
    if table is not None:
        key = join_key(entry_id)
        row = table.rows.get(key)
        if row is not None:
            used.add(key)
            return Candidate(entry_id, path, size, max(mtime_ns, table.mtime_ns), kind=kind, payload=row.payload)
    return Candidate(entry_id, path, size, mtime_ns, kind=kind)


def _walk(directory: str | Path, prefix: str, seen: set[tuple[int, int]]) -> Iterator[tuple[str, str, int, int]]:
    """(id, path, size, mtime_ns) of every non-hidden file we might read, below ``directory``."""
    try:
        status = os.stat(directory)
        if (status.st_dev, status.st_ino) in seen:
            return  # a symbolic link back to a folder already scanned
        seen.add((status.st_dev, status.st_ino))
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir():
                yield from _walk(entry.path, f"{prefix}{entry.name}/", seen)
            elif kind_of(entry.name) is not None and entry.is_file():
                stat = entry.stat()
                yield prefix + entry.name, entry.path, stat.st_size, stat.st_mtime_ns
        except OSError:
            continue


def _is_utf8(name: str) -> bool:
    """Whether a name (as ``os`` decodes it: undecodable bytes as surrogates) is valid UTF-8;
    an id must be, as the index stores it as text."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown_name(name: str) -> str:
    """A file name that may not be valid UTF-8, printable: its odd bytes as ``\\xff``."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _root_table(corpus: Path) -> Path | None:
    for name in TABLE_NAMES:
        if (corpus / name).is_file():
            return corpus / name
    return None


def _shown(table: Path, corpus: Path) -> str:
    """A table's name in problems: corpus-relative when it is inside the corpus folder."""
    try:
        return Path(table).resolve().relative_to(corpus.resolve()).as_posix() if corpus.is_dir() else str(table)
    except ValueError:
        return str(table)


def _real(path: str | Path) -> str:
    try:
        return os.path.realpath(path)
    except OSError:
        return str(path)

"""Where NLTK data lives, whether it is installed, and how to install it.

newsearch never downloads anything at run time. It looks for NLTK data in, in order:

1. ``$NEWSEARCH_NLTK_DATA`` (one directory),
2. the newsearch data directory, ``$XDG_DATA_HOME/newsearch/nltk_data``
   (default ``~/.local/share/newsearch/nltk_data``), which ``newsearch setup`` fills,
3. NLTK's own search path (``$NLTK_DATA``, ``~/nltk_data``, ...).

When a package is missing, callers fall back to a simpler backend and say so once
(see ``missing_packages``); nothing crashes.
"""

from __future__ import annotations

import os
import shutil
import sys
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True, slots=True)
class NltkPackage:
    """An NLTK data package: its download id, where it sits, and a path that proves it works."""

    id: str
    subdir: str
    probe: str
    purpose: str


PACKAGES: tuple[NltkPackage, ...] = (
    NltkPackage("punkt_tab", "tokenizers", "tokenizers/punkt_tab/english/", "sentence splitting"),
    NltkPackage(
        "averaged_perceptron_tagger_eng",
        "taggers",
        "taggers/averaged_perceptron_tagger_eng/",
        "part-of-speech tagging",
    ),
    NltkPackage(
        "maxent_ne_chunker_tab",
        "chunkers",
        "chunkers/maxent_ne_chunker_tab/english_ace_binary/",
        "named-entity spans",
    ),
    NltkPackage("words", "corpora", "corpora/words/", "English word list (entity chunker)"),
    NltkPackage("stopwords", "corpora", "corpora/stopwords/", "stop words"),
)

MULTICLASS_PROBE = "chunkers/maxent_ne_chunker_tab/english_ace_multiclass/"


def default_data_dir() -> Path:
    """The directory ``newsearch setup`` installs into."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(Path.home(), ".local", "share")
    return Path(base) / "newsearch" / "nltk_data"


def search_dirs() -> list[str]:
    """Our directories first, then NLTK's own search path (as ``nltk.data.path`` builds it,
    without importing NLTK, which costs seconds in a fresh process)."""
    ours = [os.environ.get("NEWSEARCH_NLTK_DATA", ""), str(default_data_dir())]
    nltk_env = os.environ.get("NLTK_DATA", "").split(os.pathsep)
    nltk_defaults = [os.path.join(Path.home(), "nltk_data")]
    nltk_defaults += [os.path.join(sys.prefix, *sub) for sub in (("nltk_data",), ("share", "nltk_data"), ("lib", "nltk_data"))]
    nltk_defaults += ["/usr/share/nltk_data", "/usr/local/share/nltk_data", "/usr/lib/nltk_data", "/usr/local/lib/nltk_data"]
    found: list[str] = []
    for directory in ours + nltk_env + nltk_defaults:
        if directory and directory not in found:
            found.append(directory)
    return found


def configure() -> None:
    """Put our directories, as the environment names them now, at the front of NLTK's search
    path (only the code that loads NLTK's own models needs it)."""
    import nltk

    for directory in reversed([os.environ.get("NEWSEARCH_NLTK_DATA", ""), str(default_data_dir())]):
        if directory and directory not in nltk.data.path:
            nltk.data.path.insert(0, directory)


def locate(probe: str) -> Path | None:
    """Where ``probe`` (e.g. ``tokenizers/punkt_tab/english/``) is installed: the unpacked
    directory, or the package zip that holds it — the places ``nltk.data.find`` looks, in the
    same order; None when it is nowhere."""
    parts = probe.strip("/").split("/")
    inside_zip = "/".join(parts[1:]) + "/"
    for directory in search_dirs():
        if os.path.isdir(os.path.join(directory, *parts)):
            return Path(directory, *parts)
        archive = os.path.join(directory, parts[0], f"{parts[1]}.zip")
        if os.path.isfile(archive) and any(name.startswith(inside_zip) for name in _zip_names(archive)):
            return Path(archive)
    return None


def is_installed(probe: str) -> bool:
    """True when ``probe`` is installed (see ``locate``)."""
    return locate(probe) is not None


def _zip_names(archive: str) -> tuple[str, ...]:
    stat = os.stat(archive)
    return _zip_names_at(archive, stat.st_size, stat.st_mtime_ns)


@cache
def _zip_names_at(archive: str, size: int, mtime_ns: int) -> tuple[str, ...]:
    try:
        with zipfile.ZipFile(archive) as opened:
            return tuple(opened.namelist())
    except (OSError, zipfile.BadZipFile):
        return ()


def missing_packages() -> list[NltkPackage]:
    """The packages of ``PACKAGES`` that are not installed."""
    return [package for package in PACKAGES if not is_installed(package.probe)]


def install(target: Path | None = None, source: Path | None = None) -> list[str]:
    """Install every package in ``PACKAGES`` into ``target`` and return the ids installed.

    With ``source`` (a local nltk_data directory such as ``../shared/nltk_data``), the zips are
    copied from there and nothing is downloaded; otherwise ``nltk.download`` fetches them.
    Raises ``FileNotFoundError`` when ``source`` lacks a package.
    """
    import nltk

    target = target or default_data_dir()
    installed = []
    for package in PACKAGES:
        destination = target / package.subdir
        destination.mkdir(parents=True, exist_ok=True)
        if source is not None:
            archive = source / package.subdir / f"{package.id}.zip"
            if not archive.is_file():
                raise FileNotFoundError(f"{archive} not found")
            shutil.copyfile(archive, destination / archive.name)
        elif not nltk.download(package.id, download_dir=str(target), quiet=True):
            raise FileNotFoundError(f"nltk.download could not fetch {package.id}")
        installed.append(package.id)
    return installed

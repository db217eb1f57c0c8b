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
    """Our directories first, then NLTK's own path."""
    import nltk

    ours = [os.environ.get("NEWSEARCH_NLTK_DATA", ""), str(default_data_dir())]
    return [d for d in ours if d] + [d for d in nltk.data.path if d not in ours]


@cache
def configure() -> None:
    """Put our directories at the front of NLTK's search path (once per process)."""
    import nltk

    for directory in reversed([os.environ.get("NEWSEARCH_NLTK_DATA", ""), str(default_data_dir())]):
        if directory and directory not in nltk.data.path:
            nltk.data.path.insert(0, directory)


def is_installed(probe: str) -> bool:
    """True when NLTK can find ``probe`` (a path ending in ``/``, which also finds zips)."""
    import nltk

    configure()
    try:
        nltk.data.find(probe)
    except LookupError:
        return False
    return True


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

"""The cache of NLP results (``result_cache``): an analysis by content hash.

The key includes ``NLP_VERSION`` and which NLTK packages were installed, so better extractors
or newly installed models are not hidden by old results.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ..result_cache import ResultCache
from . import NLP_VERSION, Analysis
from .resources import missing_packages


def cache_key(sha256: str) -> str:
    """``sha256`` qualified by the NLP code version and the installed NLTK data."""
    return f"{sha256}:{NLP_VERSION}:{_installed_data()}"


@cache
def _installed_data() -> str:
    missing = ",".join(package.id for package in missing_packages())
    return f"missing={missing}" if missing else "full"


def analysis_cache(path: Path) -> ResultCache[Analysis]:
    """The analyses in the cache file at ``path``."""
    return ResultCache(path, "analysis", Analysis.to_json, Analysis.from_json)

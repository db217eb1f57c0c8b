"""Shared fixtures: tiny corpora written into tmp_path, and offline NLTK data when available."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SHIPPED_CORPUS = ROOT / "corpus"
SEED_ORIGINAL = SHIPPED_CORPUS / "aleppo-ceasefire-original.txt"
SEED_REWRITE = SHIPPED_CORPUS / "aleppo-ceasefire-rewrite.txt"

# Tests never download: point newsearch at the offline NLTK data beside the repo, if present.
if "NEWSEARCH_NLTK_DATA" not in os.environ and (SHARED / "nltk_data").is_dir():
    os.environ["NEWSEARCH_NLTK_DATA"] = str(SHARED / "nltk_data")
# New indexes rank by words unless a test asks for embeddings (``semantic=True``): the tiny
# corpora here are about word matching, and the model's work would only slow them down.
os.environ.setdefault("NEWSEARCH_SEMANTIC", "off")
# The model digest cache (``embeddings``) goes to a directory of this run, not the user's ~/.cache.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="newsearch-tests-cache-")


def write_corpus(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``{relative path: text or bytes}`` below ``root`` and return ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def make_corpus(tmp_path: Path):
    """``make_corpus({"a.txt": "Title\\n\\nBody"})`` -> the corpus directory."""

    def make(files: dict[str, str | bytes], name: str = "corpus") -> Path:
        return write_corpus(tmp_path / name, files)

    return make


@pytest.fixture
def seed_corpus(make_corpus) -> Path:
    """The two seed articles, as shipped in corpus/."""
    return make_corpus(
        {
            SEED_ORIGINAL.name: SEED_ORIGINAL.read_bytes(),
            SEED_REWRITE.name: SEED_REWRITE.read_bytes(),
        }
    )

"""rank_bm25's ``BM25Okapi`` as an engine: the textbook formula, in memory, ranking only."""

from __future__ import annotations

import heapq
from pathlib import Path

from rank_bm25 import BM25Okapi

from bench.corpora import Corpus
from bench.engines import Ranked, ShownHit
from bench.queries import Mode
from bench.stemming import stem_words


class Bm25Engine:
    """Title and body as one bag of Porter-stemmed words, default k1=1.5, b=0.75, no stop list.

    It has no postings, so every query scores every article; it produces no snippets.
    """

    name = "bm25"

    def __init__(self, workdir: Path) -> None:
        self.ids: list[str] = []
        self.model: BM25Okapi | None = None

    def build(self, corpus: Corpus) -> None:
        self.ids = [doc.id for doc in corpus.docs]
        self.model = BM25Okapi([stem_words(f"{doc.title}\n{doc.body}") for doc in corpus.docs])

    def search(self, query: str, k: int, mode: Mode = "any") -> list[Ranked]:
        terms = stem_words(query)
        if not terms or self.model is None:
            return []
        scores = self.model.get_scores(terms)
        matching = matching_docs(self.model.doc_freqs, terms, mode)
        ranked = (Ranked(self.ids[i], float(scores[i])) for i in matching)
        return heapq.nsmallest(k, ranked, key=lambda r: (-r.score, r.id))

    def search_with_snippets(self, query: str, k: int, mode: Mode = "any") -> list[ShownHit]:
        return [ShownHit(r.id, r.score, ()) for r in self.search(query, k, mode)]

    def index_bytes(self) -> int | None:
        return None

    def close(self) -> None:
        self.model = None


def matching_docs(doc_freqs: list[dict[str, int]], terms: list[str], mode: Mode) -> list[int]:
    """Indexes of the articles that contain any (or all) of ``terms``: OR / AND semantics,
    which BM25Okapi alone lacks (it scores every article)."""
    need = all if mode == "all" else any
    return [i for i, freqs in enumerate(doc_freqs) if need(t in freqs for t in terms)]

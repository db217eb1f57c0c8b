"""newsearch itself, driven through its public API only, like any application embedding it."""

from __future__ import annotations

from pathlib import Path

import newsearch
from bench.corpora import Corpus, write_corpus
from bench.engines import Excerpt, Ranked, ShownHit, directory_bytes
from bench.queries import Mode


class NewsearchEngine:
    """``index_corpus(analyse=False)`` then ``Index.search``; every hit comes with its passages.

    NLP analysis (quotes, entities) is skipped: no baseline does it, and it does not change
    ranking. Story collapsing is off: the baselines list every article, and the TIME
    judgments are of articles, not stories. newsearch reads a directory, so a corpus whose
    titles are dropped (TIME) is first written to ``workdir`` as the other engines see it;
    speed runs use the original files.
    """

    name = "newsearch"
    semantic = False

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.index_dir = workdir / "newsearch-index"
        self.index = None

    def build(self, corpus: Corpus) -> None:
        source = corpus.directory
        if corpus.drop_titles:
            source = write_corpus(corpus.docs, self.workdir / "corpus")
        newsearch.index_corpus(source, self.index_dir, full=True, analyse=False, semantic=self.semantic)
        self.index = newsearch.open_index(self.index_dir)

    def search(self, query: str, k: int, mode: Mode = "any") -> list[Ranked]:
        return [Ranked(hit.id, hit.score) for hit in self._hits(query, k, mode, passages=0)]

    def search_with_snippets(self, query: str, k: int, mode: Mode = "any") -> list[ShownHit]:
        return [
            ShownHit(hit.id, hit.score, tuple(map(passage_excerpt, hit.passages)))
            for hit in self._hits(query, k, mode, passages=3)
        ]

    def index_bytes(self) -> int | None:
        return directory_bytes(self.index_dir)

    def close(self) -> None:
        if self.index is not None:
            self.index.close()
            self.index = None

    def _hits(self, query: str, k: int, mode: Mode, passages: int):
        if not query.strip() or self.index is None:
            return ()
        found = self.index.search(query, limit=k, mode=mode, passages=passages, collapse=False)
        return found.hits


def passage_excerpt(passage) -> Excerpt:
    """A ``newsearch.Passage`` as an excerpt. Highlights are absolute body offsets, so they
    are shifted by the passage start: wrong offsets show up as unmatched marked words."""
    marked = tuple(
        passage.text[h.start - passage.start : h.end - passage.start] for h in passage.highlights
    )
    return Excerpt(passage.text, marked)


class SemanticNewsearchEngine(NewsearchEngine):
    """newsearch with semantic ranking: the index built with ``semantic=True`` (articles
    embedded), so that searches mix word matching with closeness in meaning."""

    name = "newsearch-semantic"
    semantic = True

"""The two baselines that keep an index on disk: SQLite FTS5 and plain Whoosh.

Each is configured the way its documentation suggests for English text, and nothing more,
so that it stands for what one gets "for free".
"""

from __future__ import annotations

import html
import re
import sqlite3
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.highlight import HtmlFormatter
from whoosh.qparser import AndGroup, MultifieldParser, OrGroup

from bench.corpora import Corpus
from bench.engines import Excerpt, Ranked, ShownHit, directory_bytes
from bench.queries import Mode

# A title word counts twice a body word. For TIME the titles are empty, so it does not matter.
TITLE_WEIGHT = 2.0


class Fts5Engine:
    """SQLite FTS5, ``porter unicode61`` tokenizer, ``bm25()`` ranking, ``snippet()`` for text."""

    name = "fts5"

    def __init__(self, workdir: Path) -> None:
        self.path = workdir / "fts5.sqlite"
        self.db: sqlite3.Connection | None = None

    def build(self, corpus: Corpus) -> None:
        self.path.unlink(missing_ok=True)
        db = sqlite3.connect(self.path)
        db.execute(
            "CREATE VIRTUAL TABLE fts USING fts5(title, body, id UNINDEXED, "
            "tokenize='porter unicode61')"
        )
        with db:
            db.executemany(
                "INSERT INTO fts (title, body, id) VALUES (?, ?, ?)",
                ((doc.title, doc.body, doc.id) for doc in corpus.docs),
            )
            # Merge the b-trees into one, as a finished Whoosh commit merges its segments.
            db.execute("INSERT INTO fts (fts) VALUES ('optimize')")
        self.db = db

    def search(self, query: str, k: int, mode: Mode = "any") -> list[Ranked]:
        rows = self._run(f"-bm25(fts, {TITLE_WEIGHT}, 1.0)", query, k, mode)
        return [Ranked(doc_id, score) for doc_id, score in rows]

    def search_with_snippets(self, query: str, k: int, mode: Mode = "any") -> list[ShownHit]:
        columns = f"-bm25(fts, {TITLE_WEIGHT}, 1.0), snippet(fts, 1, '[', ']', '...', 24)"
        rows = self._run(columns, query, k, mode)
        return [ShownHit(doc_id, score, (fts5_excerpt(text),)) for doc_id, score, text in rows]

    def index_bytes(self) -> int | None:
        return self.path.stat().st_size

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def _run(self, columns: str, query: str, k: int, mode: Mode) -> list[tuple]:
        match = fts5_match(query, mode)
        if not match or self.db is None:
            return []
        sql = (
            f"SELECT id, {columns} FROM fts WHERE fts MATCH ? "
            f"ORDER BY bm25(fts, {TITLE_WEIGHT}, 1.0), id LIMIT ?"
        )
        return self.db.execute(sql, (match, k)).fetchall()


def fts5_match(query: str, mode: Mode) -> str:
    """Each word as a quoted FTS5 string, joined by OR or AND.

    Quoting keeps words such as "not" or "near" from being read as operators; a dotted word
    ("u.n") becomes a two-token phrase, as the same text was tokenised in the articles.
    """
    operator = " AND " if mode == "all" else " OR "
    return operator.join('"' + word.replace('"', '""') + '"' for word in query.split())


FTS5_MARK = re.compile(r"\[([^\]]*)\]")


def fts5_excerpt(snippet: str) -> Excerpt:
    """``snippet()`` output with its ``[match]`` brackets read back as marked words."""
    return Excerpt(FTS5_MARK.sub(r"\1", snippet), tuple(FTS5_MARK.findall(snippet)))


class WhooshEngine:
    """Whoosh out of the box: ``StemmingAnalyzer`` on title and body, default BM25F scoring."""

    name = "whoosh"

    def __init__(self, workdir: Path) -> None:
        self.directory = workdir / "whoosh"
        self.searcher = None
        self.parsers: dict[Mode, MultifieldParser] = {}

    def build(self, corpus: Corpus) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        schema = Schema(
            id=ID(stored=True, unique=True),
            title=TEXT(analyzer=StemmingAnalyzer()),
            body=TEXT(analyzer=StemmingAnalyzer(), stored=True),  # stored for highlights()
        )
        ix = whoosh_index.create_in(str(self.directory), schema)
        with ix.writer() as writer:
            for doc in corpus.docs:
                writer.add_document(id=doc.id, title=doc.title, body=doc.body)
        self.searcher = ix.searcher()
        self.parsers = {
            "any": MultifieldParser(["title", "body"], schema, group=OrGroup),
            "all": MultifieldParser(["title", "body"], schema, group=AndGroup),
        }

    def search(self, query: str, k: int, mode: Mode = "any") -> list[Ranked]:
        return [Ranked(hit["id"], hit.score) for hit in self._hits(query, k, mode)]

    def search_with_snippets(self, query: str, k: int, mode: Mode = "any") -> list[ShownHit]:
        hits = self._hits(query, k, mode)
        if hits:
            # The default HTML formatter, but with fragments kept apart so each is one excerpt.
            hits.formatter = HtmlFormatter(between=FRAGMENT_BREAK)
        return [
            ShownHit(hit["id"], hit.score, whoosh_excerpts(hit.highlights("body"))) for hit in hits
        ]

    def index_bytes(self) -> int | None:
        return directory_bytes(self.directory)

    def close(self) -> None:
        if self.searcher is not None:
            self.searcher.close()
            self.searcher = None

    def _hits(self, query: str, k: int, mode: Mode):
        if not query.strip() or self.searcher is None:
            return []
        return self.searcher.search(self.parsers[mode].parse(query), limit=k)


FRAGMENT_BREAK = "\x1e"  # ASCII record separator: never in article text
WHOOSH_MARK = re.compile(r"<strong [^>]*>(.*?)</strong>")
TAG = re.compile(r"<[^>]+>")


def whoosh_excerpts(highlights: str) -> tuple[Excerpt, ...]:
    """``Hit.highlights()`` HTML as excerpts: one per fragment, ``<strong>`` words as marked."""
    return tuple(
        Excerpt(
            html.unescape(TAG.sub("", fragment)),
            tuple(map(html.unescape, WHOOSH_MARK.findall(fragment))),
        )
        for fragment in highlights.split(FRAGMENT_BREAK)
        if fragment
    )

"""Load the shared benchmark corpora into plain (id, title, body) documents.

Every engine indexes the same documents, read by this one loader, so differences in the
figures come from the engines and not from how each one happens to read files.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from bench.report import CORPORA
from newsearch.sources.txt import decode

@dataclass(frozen=True, slots=True)
class Doc:
    """One article: ``id`` is its path relative to the corpus, as newsearch reports it."""

    id: str
    title: str
    body: str


@dataclass(frozen=True)
class Corpus:
    """A directory of articles in the common format (title line, blank line, body).

    ``drop_titles`` is for TIME, whose title lines are synthetic (``TIME 017 (1963-01-04,
    p. 20)``): their page numbers and dates would match query words such as "22" or "31",
    so every engine sees those articles with an empty title.
    """

    name: str
    directory: Path
    drop_titles: bool = False
    only: frozenset[str] | None = None  # a subset of ids, for quick runs such as the smoke test

    @cached_property
    def files(self) -> tuple[Path, ...]:
        files = sorted(self.directory.rglob("*.txt"))
        if self.only is not None:
            files = [path for path in files if self.doc_id(path) in self.only]
        return tuple(files)

    @cached_property
    def docs(self) -> tuple[Doc, ...]:
        return tuple(self._load(path) for path in self.files)

    @property
    def size_bytes(self) -> int:
        return sum(path.stat().st_size for path in self.files)

    def _load(self, path: Path) -> Doc:
        # newsearch's own decoding (UTF-8, then cp1252: BBC sport/199.txt has a lone Latin-1 £),
        # so every engine reads exactly the text newsearch indexes.
        text, _encoding = decode(path.read_bytes())
        title, body = split_article(text)
        return Doc(self.doc_id(path), "" if self.drop_titles else title, body)

    def doc_id(self, path: Path) -> str:
        return path.relative_to(self.directory).as_posix()


def split_article(text: str) -> tuple[str, str]:
    """Split the common format into (title, body): line 1, then everything after the blank line."""
    title, _, rest = text.partition("\n")
    return title.strip(), rest.lstrip("\n")


# Written in place of an empty title: a line with no word in it, so no analyzer indexes
# anything, yet not blank (newsearch takes the first non-blank line as the title).
NO_TITLE = "-"


def write_corpus(docs: tuple[Doc, ...], directory: Path) -> Path:
    """Write ``docs`` back in the common format, for engines that read a directory themselves."""
    for doc in docs:
        path = directory / doc.id
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{doc.title or NO_TITLE}\n\n{doc.body}", encoding="utf-8")
    return directory


def time_corpus(only: frozenset[str] | None = None) -> Corpus:
    return Corpus("time", CORPORA / "time" / "docs", drop_titles=True, only=only)


def lisa_corpus(only: frozenset[str] | None = None) -> Corpus:
    """LISA's abstracts keep their titles: real ones, one line each."""
    return Corpus("lisa", CORPORA / "lisa" / "docs", only=only)


def bbc_corpus() -> Corpus:
    return Corpus("bbc", CORPORA / "bbc")


def reuters_corpus() -> Corpus:
    return Corpus("reuters", CORPORA / "reuters")


SPEED_CORPORA = {"bbc": bbc_corpus, "reuters": reuters_corpus}


@dataclass(frozen=True, slots=True)
class Topic:
    """A test collection's query: its id as in qrels.txt and its text as written (TIME and
    LISA: ALL CAPS; TIME's end in " .")."""

    qid: str
    text: str


def read_topics(path: Path) -> tuple[Topic, ...]:
    """``qid<TAB>text`` lines."""
    return tuple(Topic(*line.split("\t", 1)) for line in path.read_text().splitlines() if line.strip())


def time_topics() -> tuple[Topic, ...]:
    return read_topics(CORPORA / "time" / "queries.tsv")


def lisa_topics() -> tuple[Topic, ...]:
    return read_topics(CORPORA / "lisa" / "queries.tsv")


def time_qrels_path() -> Path:
    return CORPORA / "time" / "qrels.txt"


def time_docid(doc_id: str) -> str:
    """qrels.txt names TIME articles by number (``334``); engines return ``334.txt``."""
    return doc_id.removesuffix(".txt")


@dataclass(frozen=True)
class Collection:
    """A relevance test collection: articles, queries, judgments. TIME and LISA both name
    documents by number in qrels.txt and ``<number>.txt`` on disk (``time_docid``)."""

    name: str
    corpus: Corpus
    topics: tuple[Topic, ...]
    qrels: Path

    @staticmethod
    def docid(doc_id: str) -> str:
        return time_docid(doc_id)


def time_collection() -> Collection:
    return Collection("TIME", time_corpus(), time_topics(), time_qrels_path())


def lisa_collection() -> Collection:
    return Collection("LISA", lisa_corpus(), lisa_topics(), CORPORA / "lisa" / "qrels.txt")


# Both are *tuning* collections: ranking choices are made on them (issue 18).
RELEVANCE_COLLECTIONS = {"time": time_collection, "lisa": lisa_collection}

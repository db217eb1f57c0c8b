"""Rank every article matching a query, a whole posting list at a time where the query allows.

A ranked query is an OR of plain words, each a ``Term`` in the title and one in the body.
Whoosh scores it one document at a time through a tree of matchers, several Python calls per
posting of every term; on Reuters that was most of a search's time. For such a query this
module reads each term's postings a block at a time, scores them all at once with numpy
(Whoosh's own ``bm25`` formula, on arrays) and adds the terms' scores in the order Whoosh's
matcher tree adds them. Floating-point addition is not associative, so that order decides the
last bit of a score, and with it how near-ties rank: kept, every score is bit for bit Whoosh's
and the ranking is exactly ``searcher.search(query, limit=None)``'s. Any other query (phrases,
prefixes, NOT, a coordination bonus, a weighting other than BM25F) is left to Whoosh.

Reading postings and field lengths in bulk needs two whoosh3 internals (the codec's posting
blocks and its per-document length column); the package is pinned to one version, and
tests/test_scoring.py compares every score with Whoosh's own.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter

import numpy as np
from whoosh import query as wq, scoring
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.matching import FilterMatcher
from whoosh.reading import SegmentReader
from whoosh.util.numeric import byte_to_length

from . import segment_cache

# Whoosh's ``Or`` sums term by term in an array (``ArrayUnionMatcher``) in a segment of up to
# this many documents, and pairwise in a tree of ``UnionMatcher`` in a larger one.
PRELOAD_MAX_DOCS = 5000
_LENGTH_OF_BYTE = np.array([byte_to_length(byte) for byte in range(256)], dtype=np.float64)


@dataclass(frozen=True, slots=True)
class Scored:
    """An article's score for the query, and its Whoosh document number."""

    score: float
    docnum: int


@dataclass(frozen=True, slots=True)
class Ranking:
    """Matching articles, best first: ``scores[i]`` (float64) is ``docnums[i]``'s (int64).

    Arrays rather than one object per article: a long ranked query matches most of the
    corpus, and only the first few articles are ever looked at one by one.
    """

    scores: np.ndarray
    docnums: np.ndarray

    @classmethod
    def ordered(cls, scores: np.ndarray, docnums: np.ndarray) -> Ranking:
        """The articles ranked by ``(-score, docnum)``, as Whoosh ranks a search's matches."""
        order = np.lexsort((docnums, -scores))
        return cls(scores[order], docnums[order])

    def __len__(self) -> int:
        return len(self.docnums)

    def __iter__(self) -> Iterator[Scored]:
        return map(Scored, self.scores.tolist(), self.docnums.tolist())

    def head(self, count: int) -> Ranking:
        """The best ``count`` articles."""
        return Ranking(self.scores[:count], self.docnums[:count])

    def tail(self, count: int) -> Ranking:
        """All but the best ``count`` articles."""
        return Ranking(self.scores[count:], self.docnums[count:])

    def only(self, keep: np.ndarray) -> Ranking:
        """The articles ``keep`` selects: a boolean mask (order kept) or positions (in their order)."""
        return Ranking(self.scores[keep], self.docnums[keep])

    def then(self, rest: Ranking) -> Ranking:
        """This ranking followed by ``rest``."""
        return Ranking(np.concatenate((self.scores, rest.scores)), np.concatenate((self.docnums, rest.docnums)))


def rank(searcher, query: wq.Query) -> Ranking:
    """Every article matching ``query``, ranked exactly as ``searcher.search(query, limit=None)``
    ranks them: a plain OR of words is scored here, anything else by Whoosh."""
    terms = plain_terms(query)
    scorers = _bm25f_scorers(searcher, terms) if terms is not None else None
    if terms is None or scorers is None:
        top = searcher.search(query, limit=None).top_n
        return Ranking(np.array([s for s, _ in top], dtype=np.float64), np.array([d for _, d in top], dtype=np.int64))
    scores, docnums = [], []
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        segment = _Segment(reader)
        postings = [segment.postings(term) for term in terms]
        summed = _sum_as_whoosh_does(
            [segment.scores(term, found, scorer) for term, found, scorer in zip(terms, postings, scorers)],
            [len(docnums) for docnums, _ in postings],  # each term's ``estimate_size``
            reader.doc_count_all(),
        )
        matching = np.flatnonzero(segment.matched & segment.live)
        scores.append(summed[matching])
        docnums.append(matching + offset)
    return Ranking.ordered(np.concatenate(scores), np.concatenate(docnums))


def term_scores(searcher, terms: Sequence[wq.Term], docnums: np.ndarray) -> np.ndarray:
    """The summed scores of ``terms`` (body words, for feedback) in each of ``docnums``, added
    term by term in order, as summing each term's ``Term.matcher`` score would."""
    summed = np.zeros(len(docnums))
    scorers = _bm25f_scorers(searcher, terms)
    if scorers is None:
        raise TypeError(f"feedback needs BM25F scoring, not {type(searcher.weighting).__name__}")
    for reader, inside, local in by_segment(searcher, docnums):
        segment = _Segment(reader)
        for term, scorer in zip(terms, scorers):
            summed[inside] += segment.scores(term, segment.postings(term), scorer)[local]
    return summed


def by_segment(searcher, docnums: np.ndarray) -> Iterator[tuple[SegmentReader, np.ndarray, np.ndarray]]:
    """For each segment holding some of ``docnums`` (searcher-wide document numbers): its
    reader, which of ``docnums`` it holds (a mask) and their numbers within it."""
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        inside = (docnums >= offset) & (docnums < offset + reader.doc_count_all())
        if inside.any():
            yield reader, inside, docnums[inside] - offset


def plain_terms(query: wq.Query) -> tuple[wq.Term, ...] | None:
    """The words of a query that is one ``Term`` or a plain ``Or`` of them (what a ranked
    query of plain words parses to), else ``None``."""
    if type(query) is wq.Term:
        return (query,)
    plain_or = type(query) is wq.Or and query.boost == 1.0 and not query.scale and not query.minmatch
    if plain_or and query.subqueries and all(type(sub) is wq.Term for sub in query.subqueries):
        return tuple(query.subqueries)
    return None


def _bm25f_scorers(searcher, terms: Sequence[wq.Term]) -> list[scoring.BM25FScorer | None] | None:
    """Each term's Whoosh scorer over the whole index (``None`` for a term the index lacks),
    which holds the idf, average length and parameters Whoosh scores it with; ``None`` when
    some term is not scored by plain BM25F (an unscorable field, another weighting model)."""
    weighting = searcher.weighting
    if weighting.use_final:
        return None
    scorers: list[scoring.BM25FScorer | None] = []
    for term in terms:
        if term.fieldname not in searcher.schema:
            return None
        text = searcher.schema[term.fieldname].to_bytes(term.text)
        if not searcher.doc_frequency(term.fieldname, text):
            scorers.append(None)
            continue
        scorer = weighting.scorer(searcher, term.fieldname, text)
        if type(scorer) is not scoring.BM25FScorer:
            return None
        scorers.append(scorer)
    return scorers


def _sum_as_whoosh_does(scores: list[np.ndarray], sizes: list[int], doc_count: int) -> np.ndarray:
    """The terms' score arrays added in the order Whoosh's ``Or`` adds them in a segment of
    ``doc_count`` documents (``Or._matcher``): term by term into an array in a small segment,
    else pairwise in a Huffman-like tree, the terms with the fewest postings (``sizes``) first
    (``make_weighted_tree``, whose sort and insertion keep equal sizes in order). Absent
    postings are 0.0, and adding 0.0 changes no sum."""
    if len(scores) == 1:
        return scores[0]
    if len(scores) < wq.Or.TOO_MANY_CLAUSES and (len(scores) == 2 or doc_count > PRELOAD_MAX_DOCS):
        queue = sorted(zip(sizes, scores), key=itemgetter(0))
        while len(queue) > 1:
            (size_a, a), (size_b, b) = queue.pop(0), queue.pop(0)
            insort(queue, (size_a + size_b, a + b), key=itemgetter(0))
        return queue[0][1]
    total = np.zeros(doc_count)
    for one_term in scores:
        total += one_term
    return total


class _Segment:
    """One segment's postings and field lengths, read in bulk (once per reader: ``segment_cache.CACHE`` keeps
    them between queries) and scored with numpy."""

    def __init__(self, reader: SegmentReader) -> None:
        self.reader = reader
        size = reader.doc_count_all()
        self.matched = np.zeros(size, dtype=bool)
        self.live = np.ones(size, dtype=bool)
        if reader.has_deletions():
            self.live[list(reader.deleted_docs_set)] = False

    def postings(self, term: wq.Term) -> tuple[np.ndarray, np.ndarray]:
        """``term``'s document numbers and weights (frequencies) in the segment, none if it
        does not occur; deleted documents included (``live`` masks them)."""
        text = self.reader.schema[term.fieldname].to_bytes(term.text)
        return segment_cache.CACHE.get(self.reader, (term.fieldname, text), lambda: self._decode(term.fieldname, text))

    def scores(
        self, term: wq.Term, postings: tuple[np.ndarray, np.ndarray], scorer: scoring.BM25FScorer | None
    ) -> np.ndarray:
        """``term``'s score in every document of the segment (0.0 where it does not occur), from
        its ``postings``, as Whoosh's ``BM25FScorer`` and the term's boost give it; marks its
        documents matched."""
        scores = np.zeros(len(self.live))
        docnums, weights = postings
        if scorer is None or not len(docnums):
            return scores
        (field_lengths,) = segment_cache.CACHE.get(
            self.reader, (term.fieldname, None), lambda: (self._field_lengths(term.fieldname),)
        )
        lengths = field_lengths[docnums]
        scores[docnums] = scoring.bm25(scorer.idf, weights, lengths, scorer.avgfl, scorer.B, scorer.K1) * term.boost
        self.matched[docnums] = True
        return scores

    def _decode(self, field: str, text: bytes) -> tuple[np.ndarray, np.ndarray]:
        """A term's postings read from the segment. A posting list on disk is read a block at a
        time through the codec's block reads; a one-document list inlined in the term index, a
        posting at a time."""
        docnums: list[int] = []
        weights: list[float] = []
        if (field, text) not in self.reader:
            return np.array(docnums, dtype=np.int64), np.array(weights, dtype=np.float64)
        matcher = self.reader.postings(field, text)
        if isinstance(matcher, FilterMatcher):  # the segment's deleted documents left out
            matcher = matcher.child
        if isinstance(matcher, W3LeafMatcher):
            while matcher.is_active():
                matcher._read_ids()
                matcher._read_weights()
                docnums.extend(matcher._ids)
                weights.extend(matcher._weights)
                matcher._next_block()
        else:
            while matcher.is_active():
                docnums.append(matcher.id())
                weights.append(matcher.weight())
                matcher.next()
        return np.array(docnums, dtype=np.int64), np.array(weights, dtype=np.float64)

    def _field_lengths(self, field: str) -> np.ndarray:
        """Every document's length in ``field``, as Whoosh's scorer sees it: decoded from the
        lossy byte the codec stores per document, the whole column read at once."""
        column = self.reader._perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
        raw = np.zeros(len(self.live), dtype=np.uint8)
        stored = np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)
        raw[: len(stored)] = stored
        return _LENGTH_OF_BYTE[raw]

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

``DocumentBM25F`` is the other ranking model: Robertson and Zaragoza's BM25F, which adds a
word's length-normalised counts in title and body (each field weighted, each with its own b)
before one saturation, where Whoosh's BM25F saturates each field on its own. Whoosh scores a
query one field's term at a time, so its scorer gives each term its field's share of the word's
score; the numpy path here gives each term the same share, computed the same way.

Reading postings and field lengths in bulk needs two whoosh3 internals (the codec's posting
blocks and its per-document length column); the package is pinned to one version, and
tests/test_scoring.py compares every score with Whoosh's own.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from math import log
from operator import itemgetter

import numpy as np
from whoosh import query as wq, scoring
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.matching import FilterMatcher
from whoosh.reading import SegmentReader
from whoosh.util.numeric import byte_to_length

from . import segment_cache, time_limit

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
    scorers = _scorers(searcher, terms) if terms is not None else None
    if terms is None or scorers is None:
        top = time_limit.search_all(searcher, query).top_n
        return Ranking(np.array([s for s, _ in top], dtype=np.float64), np.array([d for _, d in top], dtype=np.int64))
    scores, docnums = [], []
    for leaf, offset in searcher.leaf_searchers():
        time_limit.check()
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
    scorers = _scorers(searcher, terms)
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


def _scorers(searcher, terms: Sequence[wq.Term]) -> list[scoring.BM25FScorer | DocumentScorer | None] | None:
    """Each term's Whoosh scorer over the whole index (``None`` for a term the index lacks),
    which holds the idf, average length and parameters Whoosh scores it with; ``None`` when
    some term is not scored by plain BM25F or ``DocumentBM25F`` (an unscorable field, another
    weighting model)."""
    weighting = searcher.weighting
    if weighting.use_final:
        return None
    scorers: list[scoring.BM25FScorer | DocumentScorer | None] = []
    for term in terms:
        if term.fieldname not in searcher.schema:
            return None
        text = searcher.schema[term.fieldname].to_bytes(term.text)
        if not searcher.doc_frequency(term.fieldname, text):
            scorers.append(None)
            continue
        scorer = weighting.scorer(searcher, term.fieldname, text)
        if type(scorer) not in (scoring.BM25FScorer, DocumentScorer):
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
        self,
        term: wq.Term,
        postings: tuple[np.ndarray, np.ndarray],
        scorer: scoring.BM25FScorer | DocumentScorer | None,
    ) -> np.ndarray:
        """``term``'s score in every document of the segment (0.0 where it does not occur), from
        its ``postings``, as Whoosh's ``BM25FScorer`` (or ``DocumentScorer``) and the term's
        boost give it; marks its documents matched."""
        scores = np.zeros(len(self.live))
        docnums, weights = postings
        if scorer is None or not len(docnums):
            return scores
        lengths = self.lengths(term.fieldname)[docnums]
        if type(scorer) is DocumentScorer:
            scores[docnums] = scorer.share(weights, lengths, self.pseudo_frequency(scorer, docnums)) * term.boost
        else:
            scores[docnums] = scoring.bm25(scorer.idf, weights, lengths, scorer.avgfl, scorer.B, scorer.K1) * term.boost
        self.matched[docnums] = True
        return scores

    def lengths(self, field: str) -> np.ndarray:
        """Every document's length in ``field`` (see ``_field_lengths``), cached."""
        (field_lengths,) = segment_cache.CACHE.get(self.reader, (field, None), lambda: (self._field_lengths(field),))
        return field_lengths

    def pseudo_frequency(self, scorer: DocumentScorer, docnums: np.ndarray) -> np.ndarray:
        """The word's weighted, length-normalised count over the model's fields (title and
        body), in each of ``docnums``: what ``DocumentBM25F`` saturates once."""
        total = np.zeros(len(docnums))
        for field in scorer.fields:
            found, weights = self.postings(wq.Term(field, scorer.text))
            at = np.searchsorted(found, docnums)
            present = at < len(found)
            present[present] = found[at[present]] == docnums[present]
            # Only where the word occurs: a field of no words has no length to normalise by.
            total[present] += scorer.normalised(field, weights[at[present]], self.lengths(field)[docnums[present]])
        return total

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
        else:  # a list inlined in the term index; ``FilterMatcher`` may have moved it on
            matcher.reset()
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
        if column is None:  # no article of the segment has the field (a corpus without titles)
            return _LENGTH_OF_BYTE[raw]
        stored = np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)
        raw[: len(stored)] = stored
        return _LENGTH_OF_BYTE[raw]


class DocumentBM25F(scoring.WeightingModel):
    """Robertson and Zaragoza's BM25F ("Simple BM25 extension to multiple weighted fields",
    2004; "The Probabilistic Relevance Framework", 2009, section 3.5): for each query word, its
    counts in the ``weights``' fields, each multiplied by its field's weight and divided by its
    field's length normalisation ``(1 - b_f) + b_f * length_f / average_f``, are added into one
    pseudo-frequency ``t``, which is saturated once: ``idf * (k1 + 1) * t / (k1 + t)``. The idf
    is the document's: ``log((N - n + 0.5) / (n + 0.5))`` with ``n`` the articles holding the
    word in any of the fields, held at ``idf_floor`` (as ``search.ProbabilisticBM25``).

    Whoosh adds a query's terms field by field (``title:w^2 OR body:w``), so the scorer of field
    ``f`` gives its share, ``idf * (k1 + 1) * (tf_f / norm_f) / (k1 + t)``; multiplied by the
    term's boost (the field's weight, times the word's own weight in the query) the shares add
    up to the word's score. A query's field boosts must therefore be the model's ``weights``
    (``search.FIELD_BOOSTS`` for both). Other fields are scored as ``fallback`` scores them.
    """

    def __init__(
        self,
        weights: dict[str, float],
        B: dict[str, float],
        K1: float,
        idf_floor: float,
        fallback: scoring.WeightingModel,
    ) -> None:
        self.weights, self.B, self.K1, self.idf_floor, self.fallback = dict(weights), dict(B), K1, idf_floor, fallback

    def supports_block_quality(self) -> bool:
        return False

    def idf(self, searcher, fieldname: str, text: str) -> float:
        if fieldname not in self.weights:
            return self.fallback.idf(searcher, fieldname, text)
        parent = searcher.get_parent()
        holding = document_frequency(parent, list(self.weights), text)
        total = parent.doc_count_all()
        return max(self.idf_floor, log((total - holding + 0.5) / (holding + 0.5)))

    def scorer(self, searcher, fieldname: str, text: str, qf: int = 1) -> scoring.BaseScorer:
        if fieldname not in self.weights or not searcher.schema[fieldname].scorable:
            return self.fallback.scorer(searcher, fieldname, text, qf=qf)
        return DocumentScorer(self, searcher, fieldname, text)


def document_frequency(searcher, fields: list[str], text: bytes) -> int:
    """How many articles (deleted ones too, as Whoosh's ``doc_frequency`` counts them) hold
    ``text`` in any of ``fields``."""
    count = 0
    for leaf, _ in searcher.leaf_searchers():
        segment = _Segment(leaf.reader())
        found = [segment.postings(wq.Term(field, text))[0] for field in fields]
        count += len(np.unique(np.concatenate(found))) if found else 0
    return count


class DocumentScorer(scoring.BaseScorer):
    """One field's share of a word's ``DocumentBM25F`` score (see there). On Whoosh's path
    (``score``), the word's counts in the other fields are read from the segment's postings."""

    def __init__(self, model: DocumentBM25F, searcher, fieldname: str, text: bytes) -> None:
        parent = searcher.get_parent()
        self.searcher, self.fieldname, self.text = searcher, fieldname, text
        self.fields = tuple(model.weights)
        self.weights, self.K1 = model.weights, model.K1
        self.B = {field: model.B.get(field, 0.75) for field in self.fields}
        self.avgfl = {field: parent.avg_field_length(field) or 1 for field in self.fields}
        self.idf = parent.idf(fieldname, text)
        self._counts: dict[str, dict[int, float]] | None = None

    def normalised(self, field: str, count, length):
        """``count`` (a float or an array) weighted and normalised by ``length`` as ``field``'s."""
        B = self.B[field]
        return self.weights[field] * count / ((1 - B) + B * length / self.avgfl[field])

    def share(self, count, length, pseudo_frequency):
        """This field's share of the word's score: its normalised ``count`` saturated by the
        word's ``pseudo_frequency`` over all fields (the field's weight is the term's boost)."""
        B = self.B[self.fieldname]
        return self.idf * (self.K1 + 1) * (count / ((1 - B) + B * length / self.avgfl[self.fieldname])) / (
            self.K1 + pseudo_frequency
        )

    def score(self, matcher) -> float:
        if self._counts is None:
            self._counts = {field: self._postings(field) for field in self.fields}
        docnum = matcher.id()
        total = 0.0
        for field in self.fields:
            count = self._counts[field].get(docnum)
            if count is not None:
                total += self.normalised(field, count, self.searcher.doc_field_length(docnum, field, 0))
        return self.share(matcher.weight(), self.searcher.doc_field_length(docnum, self.fieldname, 0), total)

    def _postings(self, field: str) -> dict[int, float]:
        """The word's count in ``field`` in each article of the segment holding it."""
        reader = self.searcher.reader()
        if (field, self.text) not in reader:
            return {}
        matcher = reader.postings(field, self.text)
        counts = {}
        while matcher.is_active():
            counts[matcher.id()] = matcher.weight()
            matcher.next()
        return counts

    def supports_block_quality(self) -> bool:
        return False

    def max_quality(self) -> float:
        return self.idf * (self.K1 + 1) / self.weights[self.fieldname] * 1e9  # no bound is used

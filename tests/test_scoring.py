"""The numpy scoring of plain OR queries ranks exactly as Whoosh does: same articles, same order,
bit-for-bit the same scores, across segments and with deleted articles."""

from __future__ import annotations

import gc
import random
from math import log

import numpy as np
import pytest

from whoosh import index as whoosh_index, query as wq

import newsearch
from newsearch import scoring, search, segment_cache
from newsearch.search import parse_query

WORDS = (
    "aleppo ceasefire talks geneva oil prices pound shares london regime silence diplomats syria "
    "truce aid road rain market bank rates growth exports wheat coffee gold strike union vote"
).split()


def article(rng: random.Random) -> str:
    """A title and a body of random length drawn from a small vocabulary, so that words repeat
    within articles (term frequencies above 1) and articles match several query words."""
    title = " ".join(rng.choices(WORDS, k=rng.randint(1, 5))).capitalize()
    body = " ".join(rng.choices(WORDS, k=rng.randint(3, 120)))
    return f"{title}\n\n{body}."


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    """An index in several segments, some with deleted articles: built, then updated twice
    with new, changed and removed files."""
    rng = random.Random(7)
    corpus = tmp_path_factory.mktemp("corpus")
    index = tmp_path_factory.mktemp("index")
    names = [f"{n:03}.txt" for n in range(60)]
    for name in names[:40]:
        (corpus / name).write_text(article(rng), encoding="utf-8")
    newsearch.index_corpus(corpus, index, analyse=False)
    for round_ in (0, 1):
        for name in names[40 + 10 * round_ : 50 + 10 * round_]:
            (corpus / name).write_text(article(rng), encoding="utf-8")
        for name in rng.sample(names[:40], 4):
            (corpus / name).write_text(article(rng), encoding="utf-8")
        for name in rng.sample([n for n in names[:40] if (corpus / n).exists()], 3):
            (corpus / name).unlink()
        newsearch.index_corpus(corpus, index, analyse=False)
    return index


@pytest.fixture(scope="module")
def searcher(index_dir):
    with newsearch.open_index(index_dir) as ix:
        yield ix._searcher


def whoosh_ranking(searcher, query: wq.Query) -> tuple[list[float], list[int]]:
    top = searcher.search(query, limit=None).top_n
    return [score for score, _ in top], [docnum for _, docnum in top]


def random_queries(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.sample(WORDS, rng.randint(1, 12))) for _ in range(count)]


def test_the_test_index_has_several_segments_and_deleted_articles(searcher):
    leaves = [leaf.reader() for leaf, _ in searcher.leaf_searchers()]
    assert len(leaves) > 1
    assert any(reader.has_deletions() for reader in leaves)


@pytest.mark.parametrize("seed", range(3))
def test_ranks_random_or_queries_exactly_as_whoosh(searcher, seed):
    for text in random_queries(40, seed):
        query = parse_query(text, searcher.schema, "any").query
        assert scoring.plain_terms(query) is not None
        ranking = scoring.rank(searcher, query)
        scores, docnums = whoosh_ranking(searcher, query)
        assert ranking.docnums.tolist() == docnums, text
        assert ranking.scores.tolist() == scores, text


@pytest.mark.parametrize("text", ["oil", "title:oil", "body:oil", "oil title:gold body:wheat", "(oil OR gold)^2 london", "unindexedword oil"])
def test_ranks_single_and_fielded_words_exactly_as_whoosh(searcher, text):
    query = parse_query(text, searcher.schema, "any").query
    assert scoring.plain_terms(query) is not None
    ranking = scoring.rank(searcher, query)
    assert (ranking.scores.tolist(), ranking.docnums.tolist()) == whoosh_ranking(searcher, query)


def test_sums_pairwise_as_whoosh_does_in_large_segments(searcher, monkeypatch):
    # Whoosh adds term scores pairwise in segments of over 5,000 articles; make both sides do
    # that in this small index.
    monkeypatch.setattr(scoring, "PRELOAD_MAX_DOCS", 0)
    monkeypatch.setattr(wq.Or, "matcher_type", wq.Or.DEFAULT_MATCHER)
    for text in random_queries(40, 99):
        query = parse_query(text, searcher.schema, "any").query
        ranking = scoring.rank(searcher, query)
        scores, docnums = whoosh_ranking(searcher, query)
        assert (ranking.docnums.tolist(), ranking.scores.tolist()) == (docnums, scores), text


def test_never_returns_or_counts_deleted_articles(searcher):
    query = parse_query(" ".join(WORDS), searcher.schema, "any").query
    ranking = scoring.rank(searcher, query)
    assert len(ranking) == searcher.doc_count()  # every live article, each once
    assert not any(searcher.reader().is_deleted(docnum) for docnum in ranking.docnums.tolist())


@pytest.mark.parametrize(
    "text",
    ['"oil prices" london', "oil* london", "oil NOT london", "oil AND london"],
)
def test_other_queries_are_left_to_whoosh_and_rank_the_same(searcher, text):
    query = parse_query(text, searcher.schema, "any").query
    assert scoring.plain_terms(query) is None
    ranking = scoring.rank(searcher, query)
    assert (ranking.scores.tolist(), ranking.docnums.tolist()) == whoosh_ranking(searcher, query)


def test_an_or_with_a_coordination_bonus_is_left_to_whoosh(searcher):
    query = wq.Or([wq.Term("body", "oil"), wq.Term("body", "london")], scale=0.9)
    assert scoring.plain_terms(query) is None


def test_term_scores_add_each_terms_whoosh_score(searcher):
    rng = random.Random(3)
    terms = [wq.Term("body", word, boost=rng.uniform(0.01, 0.5)) for word in rng.sample(WORDS, 12)]
    terms.append(wq.Term("body", "unindexedword", boost=0.3))
    live = [docnum for docnum in range(searcher.doc_count_all()) if not searcher.reader().is_deleted(docnum)]
    docnums = np.array(rng.sample(live, 25), dtype=np.int64)
    expected = [0.0] * len(docnums)
    for term in terms:  # as the matchers would give them, term by term
        found = {docnum: score for score, docnum in searcher.search(term, limit=None).top_n}
        expected = [total + found.get(docnum, 0.0) for total, docnum in zip(expected, docnums.tolist())]
    assert scoring.term_scores(searcher, terms, docnums).tolist() == expected


# Robertson and Zaragoza's BM25F (``scoring.DocumentBM25F``): a title word counts twice, each
# field has its own b (1.0 for titles: an article without one must not divide by its length, 0).
BM25F_WEIGHTS, BM25F_B, BM25F_K1 = {"title": 2.0, "body": 1.0}, {"title": 1.0, "body": 0.8}, 1.2


@pytest.fixture(scope="module")
def bm25f_searcher(index_dir):
    model = scoring.DocumentBM25F(BM25F_WEIGHTS, BM25F_B, BM25F_K1, 0.1, search.ProbabilisticBM25())
    with whoosh_index.open_dir(str(index_dir)).searcher(weighting=model) as opened:
        yield opened


def reference_bm25f(searcher, words: list[str]) -> dict[int, float]:
    """Each article's BM25F score for ``words``, from the textbook formula, one article and one
    word at a time: counts and lengths read through Whoosh's reader, nothing shared with
    ``scoring``."""
    reader = searcher.reader()
    total = reader.doc_count_all()
    average = {field: reader.field_length(field) / total for field in BM25F_WEIGHTS}
    scores: dict[int, float] = {}
    for word in words:
        counts = {field: {} for field in BM25F_WEIGHTS}
        for field in BM25F_WEIGHTS:
            if (field, word) in reader:
                for docnum, weight in reader.postings(field, word).items_as("weight"):
                    counts[field][docnum] = weight
        holding = set()
        for leaf, offset in searcher.leaf_searchers():  # deleted articles count, as in doc_frequency
            for field in BM25F_WEIGHTS:
                if (field, word) in leaf.reader():
                    matcher = leaf.reader().postings(field, word)
                    matcher = getattr(matcher, "child", matcher)
                    holding |= {offset + docnum for docnum in matcher.all_ids()}
        if not holding:
            continue
        idf = max(0.1, log((total - len(holding) + 0.5) / (len(holding) + 0.5)))
        for docnum in set(counts["title"]) | set(counts["body"]):
            pseudo = 0.0
            for field, weight in BM25F_WEIGHTS.items():
                b = BM25F_B[field]
                if docnum in counts[field]:
                    length = reader.doc_field_length(docnum, field, 0)
                    pseudo += weight * counts[field][docnum] / (1 - b + b * length / average[field])
            scores[docnum] = scores.get(docnum, 0.0) + idf * (BM25F_K1 + 1) * pseudo / (BM25F_K1 + pseudo)
    return scores


@pytest.mark.parametrize("seed", range(2))
def test_bm25f_scores_as_the_textbook_formula(bm25f_searcher, seed):
    for text in [*random_queries(30, 20 + seed), "oil", "unindexedword oil"]:
        query = parse_query(text, bm25f_searcher.schema, "any").query
        ranking = scoring.rank(bm25f_searcher, query)
        words = sorted({term.text for term in query.leaves() if isinstance(term, wq.Term)})
        expected = reference_bm25f(bm25f_searcher, words)
        assert set(ranking.docnums.tolist()) == set(expected), text
        for docnum, score in zip(ranking.docnums.tolist(), ranking.scores.tolist()):
            assert score == pytest.approx(expected[docnum], rel=1e-12), text


@pytest.mark.parametrize("seed", range(2))
def test_bm25f_ranks_as_its_whoosh_scorer(bm25f_searcher, seed):
    # Whoosh scores field by field through DocumentScorer.score; the numpy path gives the same
    # bits, so that a query Whoosh runs (a phrase, NOT) ranks as the numpy path would.
    for text in [*random_queries(30, 30 + seed), "title:oil body:gold"]:
        query = parse_query(text, bm25f_searcher.schema, "any").query
        ranking = scoring.rank(bm25f_searcher, query)
        assert (ranking.scores.tolist(), ranking.docnums.tolist()) == whoosh_ranking(bm25f_searcher, query), text


def test_bm25f_term_scores_add_each_terms_whoosh_score(bm25f_searcher):
    rng = random.Random(4)
    searcher = bm25f_searcher
    terms = [wq.Term("body", word, boost=rng.uniform(0.01, 0.5)) for word in rng.sample(WORDS, 12)]
    live = [docnum for docnum in range(searcher.doc_count_all()) if not searcher.reader().is_deleted(docnum)]
    docnums = np.array(rng.sample(live, 25), dtype=np.int64)
    expected = [0.0] * len(docnums)
    for term in terms:
        found = {docnum: score for score, docnum in searcher.search(term, limit=None).top_n}
        expected = [total + found.get(docnum, 0.0) for total, docnum in zip(expected, docnums.tolist())]
    assert scoring.term_scores(searcher, terms, docnums).tolist() == expected


def test_bm25f_counts_an_article_without_a_title_as_a_title_of_no_words(tmp_path):
    rng = random.Random(14)
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    for n in range(30):
        text = article(rng)
        if n % 2:  # a line with no word: the article has no title
            text = "-\n\n" + text.split("\n\n", 1)[1]
        (corpus / f"{n:03}.txt").write_text(text, encoding="utf-8")
    newsearch.index_corpus(corpus, index, analyse=False)
    model = scoring.DocumentBM25F(BM25F_WEIGHTS, BM25F_B, BM25F_K1, 0.1, search.ProbabilisticBM25())
    with whoosh_index.open_dir(str(index)).searcher(weighting=model) as opened:
        for text in random_queries(10, 40):
            query = parse_query(text, opened.schema, "any").query
            ranking = scoring.rank(opened, query)
            assert (ranking.scores.tolist(), ranking.docnums.tolist()) == whoosh_ranking(opened, query), text
            words = sorted({term.text for term in query.leaves() if isinstance(term, wq.Term)})
            expected = reference_bm25f(opened, words)
            assert ranking.scores.tolist() == pytest.approx([expected[d] for d in ranking.docnums.tolist()], rel=1e-12)


@pytest.fixture
def cache(monkeypatch) -> segment_cache.SegmentCache:
    """An empty cache of decoded postings and lengths, for this test alone."""
    fresh = segment_cache.SegmentCache()
    monkeypatch.setattr(segment_cache, "CACHE", fresh)
    return fresh


def shown(ix: newsearch.Index, texts: list[str]) -> list:
    """What scoring decides in each search: the total, and each hit's id, score and versions."""
    found = [ix.search(text, limit=20, mode="any", passages=0) for text in texts]
    return [(r.total, [(hit.id, hit.score, [v.id for v in hit.versions]) for hit in r.hits]) for r in found]


def small_index(tmp_path, rng: random.Random, count: int) -> tuple:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    names = [f"{n:03}.txt" for n in range(count)]
    for name in names:
        (corpus / name).write_text(article(rng), encoding="utf-8")
    newsearch.index_corpus(corpus, index, analyse=False)
    return corpus, index, names


def test_a_query_repeated_from_the_cache_ranks_the_same(searcher, cache):
    queries = [parse_query(text, searcher.schema, "any").query for text in random_queries(20, 5)]
    first = [scoring.rank(searcher, query) for query in queries]
    held = cache.size
    assert held > 0
    for query, before in zip(queries, first):
        again = scoring.rank(searcher, query)
        assert (again.scores.tolist(), again.docnums.tolist()) == (before.scores.tolist(), before.docnums.tolist())
        assert (again.scores.tolist(), again.docnums.tolist()) == whoosh_ranking(searcher, query)
    assert cache.size == held  # all of it read from the cache


def test_an_open_index_searches_an_update_exactly_as_a_fresh_one(tmp_path, cache):
    # Postings and lengths cached before an update (changed, deleted and new articles) must
    # not leak into the searches after it.
    rng = random.Random(11)
    corpus, index, names = small_index(tmp_path, rng, 40)
    texts = random_queries(30, 8)
    with newsearch.open_index(index) as ix:
        before = shown(ix, texts)
        for name in rng.sample(names, 8):
            (corpus / name).write_text(article(rng), encoding="utf-8")
        for name in rng.sample(names, 6):
            (corpus / name).unlink()
        for n in range(40, 50):
            (corpus / f"{n:03}.txt").write_text(article(rng), encoding="utf-8")
        newsearch.index_corpus(corpus, index, analyse=False)
        after = shown(ix, texts)
        with newsearch.open_index(index) as fresh:
            assert after == shown(fresh, texts)
    assert after != before


def test_the_entries_of_a_replaced_searcher_are_dropped(tmp_path, monkeypatch, cache):
    rng = random.Random(12)
    corpus, index, names = small_index(tmp_path, rng, 30)
    texts = random_queries(10, 9)
    with newsearch.open_index(index) as ix:
        shown(ix, texts)
        (corpus / names[0]).write_text(article(rng), encoding="utf-8")
        newsearch.index_corpus(corpus, index, analyse=False)
        ix._see_latest_commit()
        gc.collect()  # the replaced searcher's readers, should a reference cycle hold them
        shown(ix, texts)
    fresh_cache = segment_cache.SegmentCache()
    monkeypatch.setattr(segment_cache, "CACHE", fresh_cache)
    with newsearch.open_index(index) as fresh:
        shown(fresh, texts)
    assert cache.size == fresh_cache.size  # what the new searcher's readers use, and no more


def test_the_cache_holds_no_more_than_its_limit(searcher, monkeypatch, cache):
    queries = [parse_query(text, searcher.schema, "any").query for text in random_queries(40, 13)]
    for query in queries:
        scoring.rank(searcher, query)
    limit = cache.size // 4  # room for some of what the queries read
    small = segment_cache.SegmentCache(limit)
    monkeypatch.setattr(segment_cache, "CACHE", small)
    for query in queries:
        ranking = scoring.rank(searcher, query)
        assert (ranking.scores.tolist(), ranking.docnums.tolist()) == whoosh_ranking(searcher, query)
        assert 0 < small.size <= limit
    assert small.peak <= limit

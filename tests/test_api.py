"""The Python API as another app would use it: index, open, search, read frozen results."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

import newsearch
from newsearch import Hit, QueryError


@pytest.fixture
def seed_index(seed_corpus, tmp_path):
    index = tmp_path / "index"
    newsearch.index_corpus(seed_corpus, index)
    with newsearch.open_index(index) as ix:
        yield ix


def ids(results) -> list[str]:
    """Every article a search shows: the hits and the other versions listed under them."""
    return sorted([hit.id for hit in results.hits] + [v.id for hit in results.hits for v in hit.versions])


BOTH_SEEDS = ["aleppo-ceasefire-original.txt", "aleppo-ceasefire-rewrite.txt"]


def test_phrase_finds_both_seed_articles_with_the_phrase_highlighted(seed_index):
    results = seed_index.search('"regime of silence"', collapse=False)
    assert ids(results) == BOTH_SEEDS
    for hit in results.hits:
        body = (seed_index.corpus / hit.id).read_text(encoding="utf-8").split("\n", 2)[2].strip()
        marked = [body[s.start : s.end] for p in hit.passages for s in p.highlights]
        assert marked[:3] == ["regime", "of", "silence"]
        assert "regime of silence" in hit.passages[0].text


@pytest.mark.parametrize("query", ["regime of silence", "“regime of silence”", '"regime of silence"'])
def test_plain_curly_and_straight_quoted_queries_find_the_same(seed_index, query):
    assert ids(seed_index.search(query)) == BOTH_SEEDS


def test_copies_and_rewrites_collapse_into_one_hit_per_story(seed_index):
    [hit] = seed_index.search("regime of silence").hits
    [version] = hit.versions
    assert sorted([hit.id, version.id]) == BOTH_SEEDS and hit.story == "aleppo-ceasefire-original.txt"
    assert len(seed_index.search("regime of silence", collapse=False).hits) == 2


def test_stories_group_the_seed_pair(seed_index):
    [story] = seed_index.stories()
    assert [v.id for v in story.versions] == BOTH_SEEDS and 0.3 < story.pairs[0].similarity < 1


def test_quotes_api_returns_quote_level_hits(seed_index):
    quotes = seed_index.quotes("russians", speaker="kerry")
    assert {(q.quote.speaker, q.quote.text) for q in quotes} == {
        ("John Kerry", "We are talking directly to the Russians, even now,")
    }
    for hit in quotes:
        assert [hit.span_text[s.start - hit.quote.start : s.end - hit.quote.start] for s in hit.highlights] == ["Russians"]


def test_phrase_with_another_stop_word_finds_nothing(seed_index):
    results = seed_index.search('"regime in silence"')
    assert results.hits == () and results.total == 0


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Assad's forces", BOTH_SEEDS),
        ("al-Midan", ["aleppo-ceasefire-original.txt"]),
        ("95%", BOTH_SEEDS),
        ('Kerry: "countrywide"', BOTH_SEEDS),
        ("U.S. Secretary", BOTH_SEEDS),
        ("kerr*", BOTH_SEEDS),
        ("aleppo NOT geneva", ["aleppo-ceasefire-rewrite.txt"]),
        ("title:pressure", ["aleppo-ceasefire-original.txt"]),
        ('"regime silence"~2', BOTH_SEEDS),
    ],
)
def test_ordinary_punctuation_and_whoosh_syntax(seed_index, query, expected):
    assert ids(seed_index.search(query, collapse=False)) == expected


@pytest.mark.parametrize(
    "query, message",
    [
        ("", "empty query"),
        ("   ", "empty query"),
        ('"regime of silence', "unbalanced quotes"),
        ("(aleppo OR geneva", "unbalanced parentheses"),
        ("aleppo)", "unbalanced parentheses"),
        ("title:", "`title:` needs a value"),
        ("title: aleppo", "`title:` needs a value"),
        ("!!!", "no words"),
    ],
)
def test_malformed_queries_raise_query_error_with_a_fix(seed_index, query, message):
    with pytest.raises(QueryError, match=message):
        seed_index.search(query)


def test_any_mode_ranks_articles_matching_some_terms(seed_index):
    assert seed_index.search("geneva zanzibar").hits == ()
    assert ids(seed_index.search("geneva zanzibar", mode="any", collapse=False)) == ["aleppo-ceasefire-original.txt"]


def test_results_are_frozen_dataclasses_sorted_by_score_then_id(seed_index):
    results = seed_index.search("aleppo", collapse=False)
    assert all(isinstance(hit, Hit) for hit in results.hits)
    with pytest.raises(dataclasses.FrozenInstanceError):
        results.hits[0].score = 0  # type: ignore[misc]
    keys = [(-hit.score, hit.id) for hit in results.hits]
    assert keys == sorted(keys)


def test_title_highlights_point_into_the_title(seed_index):
    [hit] = seed_index.search("title:pressure").hits
    assert [hit.title[s.start : s.end] for s in hit.title_highlights] == ["Pressure"]


def test_match_in_title_only_still_gets_a_lead_passage(make_corpus, tmp_path):
    corpus = make_corpus({"a.txt": "Zanzibar news\n\nNothing here matches. Second sentence."})
    newsearch.index_corpus(corpus, tmp_path / "ix", analyse=False)
    with newsearch.open_index(tmp_path / "ix") as ix:
        [hit] = ix.search("zanzibar").hits
    assert hit.passages[0].text == "Nothing here matches." and hit.passages[0].highlights == ()


def test_open_index_with_corpus_builds_then_updates(make_corpus, tmp_path):
    corpus = make_corpus({"a.txt": "One\n\nAlpha story."})
    index = tmp_path / "ix"
    with newsearch.open_index(index, corpus=corpus) as ix:
        assert ix.last_update.added == ("a.txt",) and len(ix) == 1
    (corpus / "b.txt").write_text("Two\n\nBeta story.")
    with newsearch.open_index(index, corpus=corpus) as ix:
        assert ix.last_update.added == ("b.txt",) and len(ix) == 2


def test_missing_index_and_missing_corpus_raise_clear_errors(tmp_path):
    with pytest.raises(newsearch.IndexNotFound, match="newsearch index"):
        newsearch.open_index(tmp_path / "nothing")
    with pytest.raises(newsearch.CorpusNotFound, match="--corpus"):
        newsearch.index_corpus(tmp_path / "nothing", tmp_path / "ix")


def test_searching_needs_no_nlp_model(seed_corpus, tmp_path):
    """Sentences are split at index time, so a query never imports NLTK (seconds to load)."""
    newsearch.index_corpus(seed_corpus, tmp_path / "ix")
    code = (
        "import sys, newsearch\n"
        f"ix = newsearch.open_index({str(tmp_path / 'ix')!r})\n"
        "hits = ix.search('regime of silence').hits\n"
        "assert hits and hits[0].passages[0].highlights\n"
        "print('nltk' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_facets_count_every_match_and_follow_updates_of_an_open_index(make_corpus, tmp_path):
    article = "Talks in {place}\n\nMinister {name} met Prime Minister Alan Brooks in {place} on Monday about trade."
    names = ["Maria Lopez", "John Okafor", "Maria Lopez"]
    corpus = make_corpus({f"{i}.txt": article.format(name=name, place="Geneva") for i, name in enumerate(names)})
    index = tmp_path / "ix"
    newsearch.index_corpus(corpus, index)
    with newsearch.open_index(index) as ix:
        found = ix.search("trade", limit=1, collapse=False, facets=5)
        people = {f.value: f.count for f in found.facets["people"]}
        assert people["Maria Lopez"] == 2 and people["John Okafor"] == 1 and people["Alan Brooks"] == 3
        assert {f.value: f.count for f in found.facets["places"]}["Geneva"] == 3
        (corpus / "1.txt").unlink()
        (corpus / "3.txt").write_text(article.format(name="Lena Fischer", place="Vienna"), encoding="utf-8")
        newsearch.index_corpus(corpus, index)
        people = {f.value: f.count for f in ix.search("trade", collapse=False, facets=5).facets["people"]}
        assert "John Okafor" not in people and people["Lena Fischer"] == 1 and people["Alan Brooks"] == 3

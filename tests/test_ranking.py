"""Ranking as a user sees it: auto mode, stop words in ranked queries, feedback, did-you-mean."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import newsearch
from newsearch.search import parse_query
from newsearch.cli import app

ARTICLES = {
    "ceasefire.txt": "Aleppo ceasefire holds\n\nThe ceasefire in Aleppo held for a second day. "
    "The regime of silence was kept by both sides, officials said.",
    "talks.txt": "Geneva talks resume\n\nDiplomats met in Geneva to resume the peace talks on Syria.",
    "markets.txt": "Markets rally\n\nShares rose in London as oil prices fell and the pound held steady.",
    "silence.txt": "A regime in silence\n\nThe regime in silence refused to comment on the talks.",
}


@pytest.fixture
def index(make_corpus, tmp_path):
    corpus = make_corpus(ARTICLES)
    newsearch.index_corpus(corpus, tmp_path / "index", analyse=False)
    with newsearch.open_index(tmp_path / "index") as ix:
        yield ix


def ids(results) -> list[str]:
    return [hit.id for hit in results.hits]


def test_short_queries_need_every_term_by_default(index):
    assert ids(index.search("aleppo geneva", collapse=False)) == []
    assert ids(index.search("aleppo ceasefire", collapse=False)) == ["ceasefire.txt"]


def test_long_queries_rank_articles_matching_any_term(index):
    found = ids(index.search("what happened to the ceasefire in aleppo and the talks in geneva", collapse=False))
    assert set(found) == {"ceasefire.txt", "talks.txt", "silence.txt"}
    assert found[0] in {"ceasefire.txt", "talks.txt"}


def test_stop_words_alone_do_not_make_a_long_query_match(index):
    found = ids(index.search("the and of in for a what was oil", collapse=False))
    assert found == ["markets.txt"]


def test_a_query_of_stop_words_only_still_searches(index):
    assert "ceasefire.txt" in ids(index.search("the of", mode="any", collapse=False))


def test_phrases_keep_their_stop_words_in_ranked_queries(index):
    found = ids(index.search('"regime in silence" news about what the regime did', collapse=False))
    assert "silence.txt" in found and "ceasefire.txt" in found
    phrase_only = ids(index.search('"regime in silence"', mode="any", collapse=False))
    assert phrase_only == ["silence.txt"]


def test_feedback_reorders_but_never_adds_articles(index):
    query = "news of ceasefire talks held by diplomats"
    with_feedback = index.search(query, collapse=False)
    without = index.search(query, collapse=False, feedback=False)
    assert sorted(ids(with_feedback)) == sorted(ids(without))
    assert with_feedback.total == without.total


def test_did_you_mean_corrects_an_unknown_word(index):
    results = index.search("alepo")
    assert results.hits == ()
    assert results.suggestion == "aleppo"
    assert ids(index.search(results.suggestion, collapse=False)) == ["ceasefire.txt"]


def test_did_you_mean_shows_the_word_as_written_not_its_stem(index):
    assert index.search("ceasfire").suggestion == "ceasefire"


def test_no_suggestion_when_something_is_found(index):
    assert index.search("aleppo").suggestion is None


def test_cli_prints_did_you_mean_on_stderr_and_json_carries_it(index, tmp_path):
    runner = CliRunner()
    where = ["--index", str(tmp_path / "index"), "--corpus", str(tmp_path / "corpus")]
    terminal = runner.invoke(app, ["query", "alepo", *where])
    assert terminal.exit_code == 1
    assert "did you mean: aleppo?" in terminal.stderr
    as_json = runner.invoke(app, ["query", "alepo", *where, "--json"])
    assert '"suggestion": "aleppo"' in as_json.stdout


def test_cli_any_and_all_exclude_each_other(index, tmp_path):
    where = ["--index", str(tmp_path / "index"), "--corpus", str(tmp_path / "corpus")]
    result = CliRunner().invoke(app, ["query", "aleppo", "--any", "--all", *where])
    assert result.exit_code == 2



def test_words_in_most_articles_count_for_little_against_a_rare_one(make_corpus, tmp_path):
    # "held" and "talks" are each in 4 of 7 articles: their probabilistic idf is negative and
    # held at the floor, so one article mentioning the rare "syria" outranks one repeating both
    # common words (with Lucene's idf, which stays above log 1.5, it would be the other way round).
    corpus = make_corpus(
        {
            "both.txt": "One\n\nTalks held. The talks held, and held; talks.",
            "pound.txt": "Two\n\nThe pound held steady during talks.",
            "truce.txt": "Three\n\nThe truce held while talks went on.",
            "line.txt": "Four\n\nThe line held after the talks.",
            "syria.txt": "Five\n\nDiplomats spoke about Syria.",
            "aid.txt": "Six\n\nAid reached Syria by road.",
            "weather.txt": "Seven\n\nRain is expected tomorrow.",
        }
    )
    newsearch.index_corpus(corpus, tmp_path / "index", analyse=False)
    with newsearch.open_index(tmp_path / "index") as ix:
        found = ix.search("held talks syria", mode="any", collapse=False, feedback=False)
    assert ids(found)[0] in {"syria.txt", "aid.txt"}


def test_feedback_rescores_only_the_best_articles_and_scores_still_fall(index, monkeypatch):
    from newsearch import search

    query = "holds kept held diplomats oil"
    first_pass = ids(index.search(query, collapse=False, feedback=False))
    assert ids(index.search(query, collapse=False)) != first_pass  # feedback reorders this one
    monkeypatch.setattr(search, "RERANK_DEPTH", 1)
    found = index.search(query, collapse=False)
    assert ids(found) == first_pass  # only the best article re-scored: nothing can overtake it
    scores = [hit.score for hit in found.hits]
    assert scores == sorted(scores, reverse=True)


def test_a_long_question_in_capitals_reads_and_or_not_as_words(index):
    """TIME and LISA write their questions in capitals: their AND/OR/NOT are English."""
    question = "WHAT HAPPENED TO THE CEASEFIRE IN ALEPPO AND NOT TO THE TALKS IN GENEVA OR LONDON ."
    parsed = parse_query(question, index._schema)
    assert parsed.operators_as_words and parsed.ranked
    assert "NOT" not in str(parsed.query) and "AndNot" not in repr(parsed.query)
    assert "read as words" in index.explain(question)
    found = ids(index.search(question, collapse=False))
    assert {"ceasefire.txt", "talks.txt"} <= set(found)


def test_a_short_query_in_capitals_keeps_its_operator(index):
    assert set(ids(index.search("ALEPPO OR GENEVA", collapse=False))) == {"ceasefire.txt", "talks.txt"}
    assert "read as words" not in index.explain("ALEPPO OR GENEVA")


def test_mixed_case_keeps_operators_however_long(index):
    parsed = parse_query("Ceasefire talks in Aleppo NOT Geneva today", index._schema)
    assert not parsed.operators_as_words and "NOT" in str(parsed.query)
    assert ids(index.search("Regime Talks NOT Geneva", collapse=False)) == ["silence.txt"]


# Two articles alike but for one word each; "a-harbour" wins a tie (ties rank by id).
LOOKALIKES = {
    "a-harbour.txt": "Notes\n\nThe new harbour opened in spring, the council said.",
    "z-orchard.txt": "Notes\n\nThe new orchard opened in spring, the council said.",
}
# More distinct words than FEEDBACK_MAX_TERMS: a long request, as a librarian would be sent.
REQUEST_WORDS = (
    "budgets staffing catalogues indexing abstracts thesauri classification cataloguing "
    "acquisitions circulation periodicals bibliographies microfilm archives manuscripts "
    "conservation digitisation reprography translation terminology"
)


def test_a_long_request_weighs_the_words_it_repeats(make_corpus, tmp_path):
    newsearch.index_corpus(make_corpus(LOOKALIKES), tmp_path / "index", analyse=False)
    request = f"I am interested in orchard planting and harbour works, {REQUEST_WORDS}. Orchards, orchard yields."
    with newsearch.open_index(tmp_path / "index") as ix:
        assert ids(ix.search(request, collapse=False))[0] == "z-orchard.txt"
        # A short question's repetitions are not counted (its best hits reweigh it instead).
        assert ids(ix.search("orchard and harbour, orchard", mode="any", collapse=False, feedback=False))[0] == "a-harbour.txt"

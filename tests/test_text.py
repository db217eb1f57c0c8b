"""Normalisation keeps offsets; the analyzer stems but keeps every word (phrases stay exact)."""

from __future__ import annotations

from hypothesis import given, strategies as st

from newsearch.text import news_analyzer, normalise


def words(text: str) -> list[str]:
    return [token.text for token in news_analyzer()(text)]


def test_curly_quotes_primes_and_dashes_become_ascii():
    assert normalise("“regime” ‘of’ silence — it’s 5′") == "\"regime\" 'of' silence - it's 5'"


@given(st.text())
def test_normalise_never_changes_length(text):
    assert len(normalise(text)) == len(text)


def test_stop_words_are_kept_so_phrases_stay_exact():
    assert words("regime of silence") == ["regim", "of", "silenc"]
    assert words("regime in silence") == ["regim", "in", "silenc"]


def test_acronyms_with_and_without_dots_index_alike():
    assert words("U.S. talks") == words("US talks") == ["us", "talk"]


def test_ligatures_are_expanded_per_word_but_offsets_stay_on_the_original():
    tokens = [(t.text, t.startchar, t.endchar) for t in news_analyzer()("ﬁnance", chars=True)]
    assert tokens == [("financ", 0, 6)]


def test_token_offsets_point_into_the_original_text():
    text = "Assad’s “forces”"
    slices = [text[t.startchar : t.endchar] for t in news_analyzer()(text, chars=True)]
    assert slices == ["Assad", "s", "forces"]

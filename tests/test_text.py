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


def analysed(text: str) -> list[tuple[str, int, int]]:
    """The analyzer's tokens (one ``Token`` object, changed in place: read as it goes)."""
    tokens = [(t.pos, t.text, t.startchar, t.endchar) for t in news_analyzer()(text, positions=True, chars=True)]
    assert [pos for pos, *_ in tokens] == list(range(len(tokens)))
    return [(word, start, end) for _, word, start, end in tokens]


# Pieces of news text that the analyzer treats specially: acronyms, numbers, ligatures, letters
# whose case or NFKC form changes length, curly quotes, dashes.
NEWS_TEXT = st.lists(
    st.sampled_from(list("aeiostTSU.-'’“” \n5½ﬁéİß") + ["Talks", "U.S.", "talking", "3.5", "e.g.", "ponies"]),
    max_size=40,
).map("".join)


@given(st.one_of(st.text(), NEWS_TEXT))
def test_news_words_are_the_analyzers_tokens(text):
    from newsearch.text import news_words

    assert news_words(text) == analysed(text)


def test_news_words_on_the_seed_articles(seed_corpus):
    from newsearch.text import news_words

    for path in seed_corpus.iterdir():
        text = path.read_text(encoding="utf-8")
        assert news_words(text) == analysed(text)

"""Passages: phrase-aware marking with the index analyzer, windows chosen by match density."""

from __future__ import annotations

from newsearch.models import Passage
from newsearch.nlp.sentences import sentence_spans
from newsearch.passages import MatchPattern, WordPattern, by_position, choose_passages, mark


def pattern(*words: str, slop: int = 1) -> MatchPattern:
    return MatchPattern(tuple(WordPattern(w) for w in words), slop)


def bracketed(passage: Passage) -> str:
    """The passage with every highlight in [brackets] — one readable string per assertion."""
    out, last = [], passage.start
    for span in passage.highlights:
        out += [passage.text[last - passage.start : span.start - passage.start], "["]
        out += [passage.text[span.start - passage.start : span.end - passage.start], "]"]
        last = span.end
    out.append(passage.text[last - passage.start :])
    return "".join(out)


def test_phrase_is_marked_only_where_it_occurs_whole():
    text = "A regime in silence. Then a ‘regime of silence’ was declared."
    matches = mark(text, [pattern("regim", "of", "silenc")])
    assert [text[m.span.start : m.span.end] for m in matches] == ["regime", "of", "silence"]
    assert matches[0].span.start == text.index("regime of")


def test_stemmed_term_marks_every_inflection_but_never_substrings():
    text = "Talks and talking; a stalk and a talk-show."
    matches = mark(text, [pattern("talk")])
    assert [text[m.span.start : m.span.end] for m in matches] == ["Talks", "talking", "talk"]


def test_prefix_pattern_marks_words_starting_with_it():
    text = "Kerry and Kerrigan met Kurylenko."
    matches = mark(text, [MatchPattern((WordPattern("kerr", "prefix"),))])
    assert [text[m.span.start : m.span.end] for m in matches] == ["Kerry", "Kerrigan"]


def test_best_passage_is_the_densest_window_not_the_first_match():
    text = (
        "Aleppo was quiet in the morning. "
        "Nothing else happened for hours and the weather was fine all day long. "
        "Later the Aleppo ceasefire held, and the ceasefire in Aleppo was praised."
    )
    matches = mark(text, [pattern("aleppo"), pattern("ceasefir")])
    [best] = choose_passages(text, matches, sentence_spans(text), top=1)
    assert bracketed(best) == "Later the [Aleppo] [ceasefire] held, and the [ceasefire] in [Aleppo] was praised."


def test_passages_do_not_overlap_and_highlights_slice_to_the_words():
    text = " ".join(f"Sentence {i} mentions silence." for i in range(8))
    matches = mark(text, [pattern("silenc")])
    passages = choose_passages(text, matches, sentence_spans(text), top=3, order=by_position)
    assert len(passages) == 3
    for first, second in zip(passages, passages[1:]):
        assert first.end <= second.start
    for passage in passages:
        assert text[passage.start : passage.end] == passage.text
        assert all(text[s.start : s.end] == "silence" for s in passage.highlights)


def test_long_sentence_is_cut_to_a_window_around_the_match():
    text = "word " * 300 + "needle " + "word " * 300
    matches = mark(text, [pattern("needl")])
    [passage] = choose_passages(text, matches, sentence_spans(text), top=1)
    assert len(passage.text) <= 430
    assert "needle" in passage.text

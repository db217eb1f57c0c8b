"""The quote benchmark (bench/quotes_eval.py): speaker matching (last word of our name in the
gold source text) and quote matching (a quoted stretch, Jaccard, or a contiguous part)."""

from __future__ import annotations

import pytest

from bench.quotes_eval import Unit, matches, quoted_stretches, speaker_matches


@pytest.mark.parametrize(
    ("predicted", "gold", "right"),
    [
        ("John Kerry", "Secretary of State Kerry", True),
        ("Senate minority leader", "the Senate minority leader", True),
        ("Larry O’Connor", "Larry O’Connor", True),
        ("Martin O'Malley", "O'Malley", True),
        ("Hillary Clinton", "Clinton’s campaign", True),
        ("Connor", "Larry O’Connor", False),
        ("John Kerry", "Tom Smith", False),
        (None, None, True),
        ("John Kerry", None, False),
    ],
)
def test_speaker_matches(predicted, gold, right):
    assert speaker_matches(predicted, gold) is right


def _unit(text: str, piece: str, **kwargs) -> Unit:
    start = text.index(piece)
    return Unit(start, start + len(piece), (None,), **kwargs)


def test_partial_gold_quote_matches_one_of_its_quoted_stretches():
    text = 'Tom Reilly said the turnout was "truly remarkable" and that it "will pay off in November."'
    content = 'the turnout was "truly remarkable" and that it "will pay off in November."'
    start = text.index(content)
    stretches = quoted_stretches(text, start, start + len(content))
    assert [text[s:e] for s, e in stretches] == ["truly remarkable", "will pay off in November"]
    gold = _unit(text, content.rstrip('."'), stretches=stretches, partial=True)
    assert matches(text, gold, _unit(text, "truly remarkable"))  # one quoted stretch
    assert matches(text, gold, _unit(text, "will pay off in November"))  # a part, ≥ 3 tokens
    assert not matches(text, gold, _unit(text, "Tom Reilly"))


"""The quote benchmark's speaker matching (bench/quotes_eval.py): last word of our name in
the gold source text."""

from __future__ import annotations

import pytest

from bench.quotes_eval import speaker_matches


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

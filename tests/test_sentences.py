"""Sentence splitting: NLTK's Punkt run by ``newsearch.nlp.punkt`` gives NLTK's own spans."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from newsearch.nlp import resources
from newsearch.nlp.punkt import PunktSentenceSplitter, load_parameters
from newsearch.nlp.sentences import PUNKT_PROBE, paragraph_spans, sentence_spans

from .conftest import SHIPPED_CORPUS

TRICKY = [
    "Mr. Smith met Dr. J. R. Jones at 5 p.m. on Jan. 3. They talked.",
    "The U.S. economy grew 3.5% in 1996... Analysts were surprised! Were they? Yes.",
    '"We will stay," he said. (The talks ended.) Then "silence." Nothing more.',
    "He scored 2. nd place went to No. 7. It was the 1st. time.",
    "Prices rose -- sharply.  The E.U. reacted.\nA new line starts here. And ends.",
    "Look at St. Louis. And at Washington D.C. Both are cities.",
    "Weird   spacing . Then a sentence.\u2019 Quoted end.\u201d Next one starts.",
    "",
    "no terminal punctuation at all",
]


@pytest.fixture(scope="module")
def punkt_location() -> Path:
    location = resources.locate(PUNKT_PROBE)
    if location is None:
        pytest.skip("NLTK's punkt_tab data is not installed")
    return location


@pytest.fixture(scope="module")
def nltk_punkt(punkt_location):
    from nltk.tokenize import PunktTokenizer

    resources.configure()
    return PunktTokenizer("english")


def texts() -> list[str]:
    """The paragraphs of the shipped corpus (as ``sentence_spans`` splits them), and oddities."""
    found = list(TRICKY)
    for path in sorted(SHIPPED_CORPUS.rglob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [text[span.start : span.end] for span in paragraph_spans(text)]
    return found


def test_parameters_are_nltks(punkt_location, nltk_punkt):
    ours, theirs = load_parameters(punkt_location), nltk_punkt._params
    assert ours.abbrev_types == theirs.abbrev_types and ours.sent_starters == theirs.sent_starters
    assert ours.collocations == theirs.collocations and ours.ortho_context == dict(theirs.ortho_context)


def test_spans_are_nltks(punkt_location, nltk_punkt):
    ours = PunktSentenceSplitter(load_parameters(punkt_location))
    for text in texts():
        assert list(ours.span_tokenize(text)) == list(nltk_punkt.span_tokenize(text)), text


def test_an_unpacked_model_directory_reads_the_same(punkt_location, tmp_path):
    if punkt_location.is_dir():
        pytest.skip("punkt_tab is installed unpacked; the zip case is not available here")
    with zipfile.ZipFile(punkt_location) as archive:
        archive.extractall(tmp_path, [name for name in archive.namelist() if name.startswith("punkt_tab/english/")])
    assert load_parameters(tmp_path / "punkt_tab" / "english") == load_parameters(punkt_location)


def test_splitting_sentences_does_not_import_nltk(punkt_location):
    code = (
        "import sys; from newsearch.nlp.sentences import sentence_spans, backend\n"
        "assert backend() == 'nltk-punkt'\n"
        "print(len(sentence_spans('Mr. Smith went to Washington. He left at 5 p.m. on Friday.')))\n"
        "assert 'nltk' not in sys.modules, 'imported nltk'"
    )
    env = {**os.environ, "NEWSEARCH_NLTK_DATA": str(punkt_location.parents[1] if punkt_location.is_file() else punkt_location.parents[2])}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2"


def test_sentence_spans_stay_within_paragraphs(punkt_location):
    text = "First one. Second one.\n\nNew paragraph, Mr. Smith said. End."
    assert [text[s.start : s.end] for s in sentence_spans(text)] == [
        "First one.",
        "Second one.",
        "New paragraph, Mr. Smith said.",
        "End.",
    ]

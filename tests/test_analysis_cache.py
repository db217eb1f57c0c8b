"""The analysis cache is keyed to the NLP code: a changed rule or word list redoes analyses."""

from __future__ import annotations

import shutil
from pathlib import Path

import newsearch
from newsearch import nlp, result_cache
from newsearch.models import Quote
from newsearch.nlp import Analysis
from newsearch.result_cache import analysis_key, code_digest

NLP_DIR = Path(nlp.__file__).parent


def test_the_digest_covers_every_file_of_the_nlp_package(tmp_path):
    copy = tmp_path / "nlp"
    shutil.copytree(NLP_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = code_digest(copy)
    assert before == code_digest(NLP_DIR)

    rules = copy / "lexicon.py"
    rules.write_text(rules.read_text(encoding="utf-8").replace('"said": ("said", "says"),', '"said": ("said",),'))
    changed = code_digest(copy)
    assert changed != before  # one cue form fewer

    (copy / "more_words.py").write_text("TITLES = frozenset({'mayor'})\n")
    assert code_digest(copy) != changed  # a new word-list module counts too


def test_the_key_holds_the_code_digest(monkeypatch):
    key = analysis_key("0" * 64)
    monkeypatch.setattr(result_cache, "nlp_code_digest", lambda: "a-changed-rule")
    assert analysis_key("0" * 64) != key and "a-changed-rule" in analysis_key("0" * 64)


def test_a_changed_rule_invalidates_cached_analyses(make_corpus, tmp_path, monkeypatch):
    corpus = make_corpus({"a.txt": "A\n\n“We will stay,” John Kerry said in Geneva."})
    index = tmp_path / "ix"
    newsearch.index_corpus(corpus, index)
    with newsearch.open_index(index) as ix:
        assert ix.search("stay").hits[0].quotes[0].speaker == "John Kerry"

    # The same code: the cached analysis is used, nothing is analysed again.
    monkeypatch.setattr("newsearch.indexer.analyse", lambda article: (_ for _ in ()).throw(AssertionError("analysed")))
    newsearch.index_corpus(corpus, index, full=True)

    # A rule changed (as the digest of newsearch/nlp/ says): the article is analysed again.
    redone = Analysis((Quote("We will stay,", 1, 14, "Somebody Else", "said", "name"),))
    monkeypatch.setattr("newsearch.indexer.analyse", lambda article: redone)
    monkeypatch.setattr(result_cache, "nlp_code_digest", lambda: "a-changed-rule")
    newsearch.index_corpus(corpus, index, full=True)
    with newsearch.open_index(index) as ix:
        assert ix.search("stay").hits[0].quotes[0].speaker == "Somebody Else"

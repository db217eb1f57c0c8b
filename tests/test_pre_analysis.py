"""Text fields analysed in the worker processes index exactly like the text itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import index as whoosh_index

import newsearch
from newsearch import indexer
from newsearch.sources import scan
from tests.conftest import SEED_ORIGINAL, SEED_REWRITE

QUERIES = ('"regime of silence"', "ceasefire aleppo", "Russians", "U.S. talks", "title:pressure", "rebels OR regime")


@pytest.fixture
def corpus(make_corpus) -> Path:
    return make_corpus(
        {
            SEED_ORIGINAL.name: SEED_ORIGINAL.read_bytes(),
            SEED_REWRITE.name: SEED_REWRITE.read_bytes(),
            "us.txt": "U.S. and US talks\n\nThe U.S. envoy said talks on the ceasefire were “fruitful”.",
        }
    )


def index_content(index: Path) -> dict:
    """Every posting (by article id), field length and stored field of an index."""
    with whoosh_index.open_dir(str(index)).reader() as reader:
        ids = {docnum: fields["id"] for docnum, fields in reader.iter_docs()}
        postings = {}
        for field, term in reader.all_terms():
            matcher, found = reader.postings(field, term), []
            while matcher.is_active():
                found.append((ids[matcher.id()], matcher.weight(), matcher.value()))
                matcher.next()
            postings[field, term] = sorted(found)
        lengths = {(ids[doc], field): reader.doc_field_length(doc, field) for doc in ids for field in reader.indexed_field_names()}
        stored = {fields["id"]: fields for _, fields in reader.iter_docs()}
    return {"postings": postings, "lengths": lengths, "stored": stored}


def test_workers_hand_the_writer_stemmed_words_and_the_text_to_store(corpus, tmp_path):
    file = next(f for f in scan(corpus).files if f.id == "us.txt")
    work = indexer._Work(tmp_path / "cache.sqlite3", with_nlp=False, corpus=corpus, fields={})
    document = indexer._prepare(file, work).document
    assert document["title"] == ["us", "and", "us", "talk"]
    assert document["_stored_title"] == "U.S. and US talks"
    assert document["body"][:3] == ["the", "us", "envoi"]


def test_an_index_of_pre_analysed_words_equals_one_of_the_text(corpus, tmp_path, monkeypatch):
    fast, plain = tmp_path / "fast", tmp_path / "plain"
    newsearch.index_corpus(corpus, fast, analyse=True)
    monkeypatch.setattr(indexer, "pre_analyse", dict)  # the documents as text: Whoosh analyses them
    newsearch.index_corpus(corpus, plain, analyse=True)

    assert index_content(fast) == index_content(plain)
    with newsearch.open_index(fast) as fast_ix, newsearch.open_index(plain) as plain_ix:
        results = [(fast_ix.search(query).hits, plain_ix.search(query).hits) for query in QUERIES]
    assert all(fast == plain for fast, plain in results)
    assert all(fast for fast, _ in results)  # every query finds something: passages and highlights compared

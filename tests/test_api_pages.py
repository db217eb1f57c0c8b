"""What the HTTP service needs of the public API: pages of results (``offset``), one article
with a query's matches marked, one story, the index's health, and one ``Index`` shared by
several threads."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

import newsearch
from newsearch import ArticleNotFound, QueryError
from newsearch.cli import app

runner = CliRunner()

# Eighteen articles about the harbour, some saying it more often than others (so some scores
# tie and some do not), some dated, two sources; a07 and a17 are copies (one story).
RECORDS = [
    {
        "id": f"a{i:02d}",
        "title": f"Report {i}",
        "body": " ".join(["The harbour reopened."] * (1 + i % 4) + [f"Word{i} w{i}x{j}" for j in range(12)]),
        **({"date": f"1987-03-{1 + i % 9:02d}"} if i % 5 else {}),
        "source": "Reuters" if i % 2 else "AP",
    }
    for i in range(18)
]
RECORDS[17]["body"] = RECORDS[7]["body"]


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    dump = tmp_path / "news.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    index = tmp_path / "ix"
    newsearch.index_corpus(dump, index, analyse=False)
    return index


def ids(results: newsearch.SearchResults) -> list[str]:
    return [hit.id for hit in results.hits]


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
@pytest.mark.parametrize("collapse", [True, False])
def test_page_two_is_hits_five_to_ten(archive, sort, collapse):
    with newsearch.open_index(archive) as ix:
        ten = ix.search("harbour", limit=10, sort=sort, collapse=collapse, passages=0)
        first = ix.search("harbour", limit=5, sort=sort, collapse=collapse, passages=0)
        second = ix.search("harbour", limit=5, offset=5, sort=sort, collapse=collapse, passages=0)
    assert ids(first) + ids(second) == ids(ten)
    assert second.offset == 5 and second.total == ten.total
    assert len(set(ids(ten))) == 10


def test_pages_of_a_query_of_filters_only_tile_the_matches(archive):
    """Every match scores 0 here: ties everywhere, still no overlap and no gap."""
    with newsearch.open_index(archive) as ix:
        everything = ids(ix.search("source:reuters", limit=100, collapse=False, passages=0))
        pages = [ids(ix.search("source:reuters", limit=4, offset=o, collapse=False, passages=0)) for o in (0, 4, 8)]
    assert sum(pages, []) == everything == sorted(everything)


def test_a_page_past_the_end_is_empty_with_the_total(archive):
    with newsearch.open_index(archive) as ix:
        results = ix.search("harbour", limit=10, offset=100)
    assert results.hits == () and results.total > 0


def test_cli_pages_with_offset(archive):
    done = runner.invoke(app, ["query", "harbour", "--index", str(archive), "--limit", "3", "--offset", "3", "--json", "-q"])
    assert done.exit_code == 0, done.output
    document = json.loads(done.stdout)
    assert document["offset"] == 3
    with newsearch.open_index(archive) as ix:
        assert [h["id"] for h in document["hits"]] == ids(ix.search("harbour", limit=6))[3:]


def test_article_marks_the_query_as_passages_do(archive):
    with newsearch.open_index(archive) as ix:
        article = ix.article("a03", "harbour")
        hit = next(h for h in ix.search("harbour word3", limit=1).hits)
    assert article.body.count("harbour") == len(article.highlights) == 4
    assert all(article.body[s.start : s.end] == "harbour" for s in article.highlights)
    assert article.date == "1987-03-04" and article.source == "Reuters"
    assert hit.id == "a03" and set(hit.passages[0].highlights) <= set(article.highlights) | {
        s for s in hit.passages[0].highlights if article.body[s.start : s.end].lower() == "word3"
    }


def test_article_without_a_query_has_no_highlights_and_lists_its_story(archive):
    with newsearch.open_index(archive) as ix:
        article = ix.article("a17")
    assert article.highlights == () and article.story == "a07"
    assert [v.id for v in article.versions] == ["a07"]


def test_unknown_article_and_bad_query(archive):
    with newsearch.open_index(archive) as ix:
        with pytest.raises(ArticleNotFound, match="no article 'nope'"):
            ix.article("nope")
        with pytest.raises(QueryError, match="unbalanced quotes"):
            ix.article("a01", '"harbour')


def test_story_by_its_id_or_any_article_of_it(archive):
    with newsearch.open_index(archive) as ix:
        by_story, by_article = ix.story("a07"), ix.story("a17")
        listed = {s.id: s for s in ix.stories()}
        alone = ix.story("a01")
        with pytest.raises(ArticleNotFound):
            ix.story("nope")
    assert by_story == by_article == listed["a07"]
    assert [v.id for v in alone.versions] == ["a01"] and alone.pairs == ()


def test_health(archive):
    with newsearch.open_index(archive) as ix:
        health = ix.health()
    assert health.articles == len(RECORDS) and health.generation >= 0
    assert health.source.endswith("news.jsonl") and health.semantic is False
    assert len(health.last_update) == 20 and health.last_update.endswith("Z")


def test_one_index_shared_by_threads(archive):
    with newsearch.open_index(archive) as ix:
        expected = ids(ix.search("harbour", limit=10))
        seen, failures = [], []

        def work():
            try:
                for _ in range(10):
                    seen.append(ids(ix.search("harbour", limit=10)))
                    ix.article("a03", "harbour")
                    ix.health()
            except Exception as error:  # noqa: BLE001 - collected for the assertion
                failures.append(error)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert not failures and len(seen) == 40 and all(found == expected for found in seen)


def test_nothing_above_the_api_imports_the_internals():
    root = Path(newsearch.__file__).parent
    for module in ["cli.py", "render.py", *(p.relative_to(root).as_posix() for p in (root / "serve").rglob("*.py"))]:
        source = (root / module).read_text(encoding="utf-8")
        for internal in ("indexer", "search", "quote_search", "scoring", "whoosh"):
            assert f"from .{internal} import" not in source and f"from ..{internal} import" not in source, (module, internal)
            assert f"import whoosh" not in source, module


def test_every_call_sees_the_newest_commit(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Harbour\n\nThe harbour reopened on Monday after the storm.\n")
    newsearch.index_corpus(corpus, tmp_path / "ix", analyse=False)
    with newsearch.open_index(tmp_path / "ix") as ix:
        before = ix.health()
        with pytest.raises(ArticleNotFound):
            ix.article("b.txt")
        (corpus / "b.txt").write_text("Harbour again\n\nThe harbour reopened on Monday after the storm.\n")
        newsearch.index_corpus(corpus, tmp_path / "ix", analyse=False)
        after = ix.health()
        assert ix.article("b.txt").title == "Harbour again"
        assert [v.id for v in ix.story("b.txt").versions] == ["a.txt", "b.txt"]
        assert [s.id for s in ix.stories()] == ["a.txt"] and len(ix) == 2
    assert after.generation > before.generation and (before.articles, after.articles) == (1, 2)

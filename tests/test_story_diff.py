"""What changed between a story's versions, on the seed pair: the same Aleppo story, first
published with curly quotes, then rewritten with straight ones."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import newsearch
from newsearch.cli import app

from .conftest import SEED_ORIGINAL, SEED_REWRITE

runner = CliRunner()


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("corpus")
    for seed in (SEED_ORIGINAL, SEED_REWRITE):
        (corpus / seed.name).write_bytes(seed.read_bytes())
    index = tmp_path_factory.mktemp("index")
    newsearch.index_corpus(corpus, index)
    return index


@pytest.fixture(scope="module")
def changes(seed_index):
    with newsearch.open_index(seed_index) as ix:
        diff = ix.story_changes(SEED_REWRITE.name)  # any article of the story finds it
    # Undated versions are ordered by id: the original, then the rewrite.
    assert [v.id for v in diff.versions] == [SEED_ORIGINAL.name, SEED_REWRITE.name]
    [pair] = diff.changes
    return pair


def test_headline(changes):
    assert changes.headline == (
        "Pressure mounts to include Aleppo in Syria ceasefire",
        "Hundreds dead in Aleppo as authorities strive to extend ceasefire",
    )


def test_quotes_dropped_altered_and_attributed_differently(changes):
    [dropped] = changes.quotes_dropped
    assert dropped.speaker == "John Kerry" and dropped.text.startswith("The UN Security Council Resolution calls for")
    assert not changes.quotes_added
    [altered] = changes.quotes_altered
    assert altered.speaker == "Sam Taylor" and altered.text.startswith("There are only 70 to 80 doctors in Aleppo")
    cut = " ".join(words for operation, words in altered.words if operation == "-")
    assert "Hospitals and other civilian infrastructure is not a target in this war" in cut
    assert altered.text.rstrip(",").endswith("trauma injuries")  # the rewrite ends there
    attributions = {(a.speaker, a.cue_before, a.cue) for a in changes.attribution_changed}
    assert ("Sergei Kurylenko", "quoted as saying", "said") in attributions
    assert ("Sam Taylor", "told", "said") in attributions


def test_figures(changes):
    dropped = " | ".join(f.context for f in changes.figures_dropped)
    assert "Hundreds of people, including many children, have been killed" in dropped
    assert "six civilians were killed and 40 others injured" in dropped
    assert any("95% of doctors have fled" in f.context for f in changes.figures_added)
    [in_both] = [f for f in changes.figures_changed if "253" in f.figures]
    assert "according to the Syrian Observatory for Human Rights" in in_both.context_before
    assert "according to" not in in_both.context
    assert any(sentence.startswith("At least 253 civilians, including 49 children") for sentence in changes.sentences_moved)


def test_names_in_one_version_only(changes):
    assert {"Geneva", "Al Jazeera", "Jordan", "Arab League", "SANA", "Syrian Observatory for Human Rights", "al-Midan"} <= set(
        changes.names_dropped
    )
    assert {"Hritan", "Kafr Dael", "Bab al-Haded", "Kastelo"} <= set(changes.names_added)


def test_the_repeated_caption_is_one_duplicate_not_two_additions(changes):
    caption = "95% of doctors have fled and hospitals are being targeted by bombers"
    assert [d for d in changes.duplicates if caption in d] and len(changes.duplicates) == 1
    assert sum(caption in sentence for sentence in changes.sentences_added) == 1


def test_summary_and_cli(seed_index, changes):
    assert changes.summary.startswith("headline changed; 1 quote dropped; 1 quote altered; 2 attributions changed")
    done = runner.invoke(app, ["story", SEED_ORIGINAL.name, "--index", str(seed_index), "--json"])
    assert done.exit_code == 0, done.output
    document = json.loads(done.stdout)
    [pair] = document["changes"]
    assert (pair["from"], pair["to"]) == (SEED_ORIGINAL.name, SEED_REWRITE.name)
    assert pair["headline"]["to"].startswith("Hundreds dead")
    assert set(pair["quotes"]) == {"added", "dropped", "altered", "attribution_changed"}
    assert pair["quotes"]["altered"][0]["words"][0][0] in "=-+"
    assert set(pair["figures"]) == {"added", "dropped", "changed"}
    assert set(pair["sentences"]) == {"added", "dropped", "moved", "edited"}
    shown = runner.invoke(app, ["story", SEED_ORIGINAL.name, "--index", str(seed_index)], env={"COLUMNS": "50"})
    assert shown.exit_code == 0 and "headline" in shown.stdout and max(map(len, shown.stdout.splitlines())) <= 50
    missing = runner.invoke(app, ["story", "nope", "--index", str(seed_index)])
    assert missing.exit_code == 2 and "no story or article 'nope'" in missing.stderr


def test_stories_can_be_narrowed_to_those_whose_quotes_changed(seed_index, make_corpus, tmp_path):
    listed = runner.invoke(app, ["stories", "--index", str(seed_index), "--changed", "quotes", "--json"])
    assert listed.exit_code == 0 and len(json.loads(listed.stdout)["stories"]) == 1
    body = "Talks ended on Friday. The minister said the deal was done, and nobody quoted anyone at all in it."
    corpus = make_corpus({"a.txt": "Talks end\n\n" + body, "b.txt": "Talks ended\n\n" + body})
    newsearch.index_corpus(corpus, tmp_path / "ix", analyse=False)
    with newsearch.open_index(tmp_path / "ix") as ix:
        assert len(ix.stories()) == 1 and ix.stories(changed=["quotes"]) == [] and len(ix.stories(changed=["headline"])) == 1
    bad = runner.invoke(app, ["stories", "--index", str(tmp_path / "ix"), "--changed", "tone"])
    assert bad.exit_code == 2 and "quotes" in bad.stderr


def test_the_story_page_shows_the_changes_escaped(seed_index):
    pytest.importorskip("fastapi", reason="the serve extra (fastapi, uvicorn) is not installed")
    from fastapi.testclient import TestClient

    from newsearch.serve import create_app

    with TestClient(create_app(seed_index)) as client:
        page = client.get("/stories/" + SEED_REWRITE.name)
        article = client.get("/articles/" + SEED_ORIGINAL.name)
    assert page.status_code == 200 and "What changed" in page.text
    assert "<del" in page.text and "Hospitals and other civilian infrastructure" in page.text
    assert "Sergei Kurylenko" in page.text and "quoted as saying" in page.text
    assert 'href="/stories/' in article.text  # the article page links to it


def test_a_quote_in_both_versions_is_paired_before_fragments_of_it():
    """Quotes are paired by their words first: a fragment quoted earlier in the new version
    must not take the full quote (which was then reported as added), and the same words given
    to another speaker are one quote attributed differently. (Made-up quotes and names.)"""
    from newsearch.models import Quote
    from newsearch.story_diff import _diff_quotes

    full = "As I said from the start, the harbour plan was my own carefully weighed, honest view"
    old = [Quote(full, 0, 80, "Avery Hale", "said")]
    new = [Quote("carefully weighed honest view", 0, 30), Quote(full, 40, 120, "Avery Hale", "said")]
    added, dropped, altered, attribution = _diff_quotes(old, new)
    assert [q.text for q in added] == ["carefully weighed honest view"]
    assert not dropped and not altered and not attribution

    statement = "We will not raise taxes in the coming year"
    added, dropped, altered, attribution = _diff_quotes(
        [Quote(statement, 0, 40, "Mara Quill", "said")], [Quote(statement, 0, 40, "Tobias Wren", "said")]
    )
    assert not added and not dropped and not altered
    [changed] = attribution
    assert (changed.speaker_before, changed.speaker) == ("Mara Quill", "Tobias Wren")


def test_a_reworded_sentence_is_reported_as_edited(make_corpus, tmp_path):
    lead = "The harbour board met on Monday and agreed new fees for the fishing fleet this season."
    rest = " The ferry will run twice a day until the repairs to the sea wall are finished in spring."
    corpus = make_corpus({"a.txt": "Fees agreed\n\n" + lead + rest, "b.txt": "Fees agreed\n\n" + lead.replace("fishing fleet", "trawler crews") + rest})
    newsearch.index_corpus(corpus, tmp_path / "ix", analyse=False)
    with newsearch.open_index(tmp_path / "ix") as ix:
        [pair] = ix.story_changes("a.txt").changes
    [edit] = pair.sentences_edited
    assert ("-", "fishing fleet") in edit.words and ("+", "trawler crews") in edit.words
    assert pair.summary == "1 sentence edited"

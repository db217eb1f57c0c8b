"""Named entities: typing, canonical names, article consistency, the fallback and the models."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsearch.models import Entity
from newsearch.nlp import entities, resources

ROOT = Path(__file__).resolve().parent.parent
ALEPPO = ROOT / "corpus" / "aleppo-ceasefire-original.txt"
SHARED_NLTK = ROOT.parent / "shared" / "nltk_data"
NEEDED = ("averaged_perceptron_tagger_eng", "maxent_ne_chunker_tab", "words")


@pytest.fixture
def nltk_data(monkeypatch):
    """The real NLTK models, from $NEWSEARCH_NLTK_DATA or ../shared/nltk_data; else skip.

    Loaded models are kept between tests (loading takes seconds); the tests that simulate
    missing data clear the cache before and after themselves.
    """
    if not os.environ.get("NEWSEARCH_NLTK_DATA"):
        if not SHARED_NLTK.is_dir():
            pytest.skip(f"NLTK data not available: set NEWSEARCH_NLTK_DATA or provide {SHARED_NLTK}")
        monkeypatch.setenv("NEWSEARCH_NLTK_DATA", str(SHARED_NLTK))
        resources.configure.cache_clear()
        entities.clear_cache()
    missing = [p.id for p in resources.missing_packages() if p.id in NEEDED]
    if missing:
        pytest.skip(f"NLTK data packages missing: {', '.join(missing)} (run `newsearch setup`)")


@pytest.fixture
def no_nltk_data(monkeypatch):
    """Simulate a machine without NLTK data; the model cache is cleared on both sides."""
    monkeypatch.setattr(resources, "is_installed", lambda probe: False)
    entities.clear_cache()
    yield
    entities.clear_cache()


def kinds(found: tuple[Entity, ...]) -> dict[str, str]:
    return {e.name: e.kind for e in found}


def counts(found: tuple[Entity, ...]) -> dict[str, int]:
    return {e.name: e.count for e in found}


ALEPPO_PEOPLE = ("John Kerry", "Sergei Kurylenko", "Sam Taylor", "Bashar al-Assad")
ALEPPO_ORGS = ("Doctors Without Borders", "UN Security Council", "Syrian Observatory for Human Rights")
ALEPPO_PLACES = ("Aleppo", "Syria", "Damascus", "Geneva")


def check_aleppo(found: tuple[Entity, ...]) -> None:
    typed = kinds(found)
    for name in ALEPPO_PEOPLE:
        assert typed.get(name) == "PERSON", name
    for name in ALEPPO_ORGS:
        assert typed.get(name) == "ORGANIZATION", name
    for name in ALEPPO_PLACES:
        assert typed.get(name) == "PLACE", name
    assert counts(found)["John Kerry"] >= 2  # "Kerry said" merged into the full name
    assert counts(found)["Bashar al-Assad"] >= 2  # "Assad’s forces" too
    assert "Kerry" not in typed and "Assad" not in typed
    assert not any("'s" in name or "’s" in name for name in typed)
    assert not {"Syrian", "Russian", "Russians", "Sunday", "February"} & typed.keys()


def test_aleppo_article(nltk_data):
    found = entities.extract_entities(ALEPPO.read_text(encoding="utf-8"))
    assert entities.backend() == "nltk-binary+rules"
    assert entities.missing_message() is None
    check_aleppo(found)


def test_sorted_by_count_then_name(nltk_data):
    found = entities.extract_entities(ALEPPO.read_text(encoding="utf-8"))
    assert list(found) == sorted(found, key=lambda e: (-e.count, e.name))
    assert found[0] == Entity("Aleppo", "PLACE", 9)


def test_titles_and_possessives_are_stripped(nltk_data):
    text = "Mr. Smith met Acme Corp officials in Paris.\n\nSmith's plan was praised by the Bank of England."
    assert entities.extract_entities(text) == (
        Entity("Smith", "PERSON", 2),
        Entity("Acme Corp", "ORGANIZATION", 1),
        Entity("Bank of England", "ORGANIZATION", 1),
        Entity("Paris", "PLACE", 1),
    )


def test_short_name_merges_into_full_name(nltk_data):
    text = (
        "Foreign Minister Maria Velasquez arrived in Lima on Monday.\n\n"
        "Velasquez said the talks would continue. Critics of Velasquez disagreed."
    )
    found = entities.extract_entities(text)
    assert counts(found)["Maria Velasquez"] == 3
    assert kinds(found)["Maria Velasquez"] == "PERSON"
    assert kinds(found)["Lima"] == "PLACE"


def test_the_us_is_a_place(nltk_data):
    found = entities.extract_entities("Exports to the U.S. rose, and the US dollar fell.")
    assert kinds(found) == {"US": "PLACE"}
    assert counts(found)["US"] == 2


def test_speakers_are_people(nltk_data):
    text = "Quarrington warned of more cuts. Quarrington is the finance chief."
    found = entities.extract_entities(text, speakers=["Quarrington"])
    assert kinds(found)["Quarrington"] == "PERSON"


def test_city_as_sports_side_is_an_organisation(nltk_data):
    sentences = [
        ["Leicestershire", "beat", "Somerset", "by", "an", "innings", "."],
        ["LONDON", "1996-08-30"],
    ]
    mentions = {(m.sentence, m.start, m.end): m.kind for m in entities.recognize(sentences)}
    assert mentions[(0, 0, 1)] == "ORGANIZATION"
    assert mentions[(0, 2, 3)] == "ORGANIZATION"
    assert mentions[(1, 0, 1)] == "PLACE"


def test_recognize_tokens_gives_typed_spans(nltk_data):
    tokens = "Secretary of State John Kerry flew to Geneva with officials of the Arab League .".split()
    assert entities.recognize_tokens(tokens) == [(3, 5, "PERSON"), (7, 8, "PLACE"), (12, 14, "ORGANIZATION")]


def test_compiled_chunker_matches_nltk(nltk_data):
    from nltk.chunk.named_entity import Maxent_NE_Chunker

    models = entities._models()
    reference = Maxent_NE_Chunker("binary")
    text = ALEPPO.read_text(encoding="utf-8")
    for tokens in entities.tokenize(text):
        tagged = models.tagger.tag(tokens)
        assert models.chunker.iob_labels(tagged) == [label for _, label in reference._tagger.tag(tagged)]


def test_models_load_once(nltk_data):
    assert entities._models() is entities._models()


def test_fallback_without_nltk_data(no_nltk_data):
    assert entities.backend().startswith("regex-fallback (missing: ")
    message = entities.missing_message()
    assert message is not None
    assert "averaged_perceptron_tagger_eng" in message and "newsearch setup" in message
    check_aleppo(entities.extract_entities(ALEPPO.read_text(encoding="utf-8")))


def test_cache_cleared_between_backends(nltk_data, monkeypatch):
    assert entities.backend() == "nltk-binary+rules"
    monkeypatch.setattr(resources, "is_installed", lambda probe: False)
    entities.clear_cache()
    assert entities.backend().startswith("regex-fallback")
    monkeypatch.undo()
    entities.clear_cache()
    assert entities.backend() == "nltk-binary+rules"


def test_empty_and_entity_free_texts(no_nltk_data):
    assert entities.extract_entities("") == ()
    assert entities.extract_entities("nothing here is named at all.") == ()
    assert entities.recognize([[]]) == []


def test_multiclass_types_are_used_when_installed(monkeypatch):
    """With a typed chunker its types count as evidence (simulated: the model is not shipped)."""

    class TypedChunker:
        def iob_labels(self, tagged):
            return ["B-ORGANIZATION" if word == "Zorblax" else "O" for word, _ in tagged]

    class Tagger:
        tagdict: dict[str, str] = {}

        def tag(self, tokens):
            return [(t, "NNP" if t[:1].isupper() else "NN") for t in tokens]

    models = entities._Models(Tagger(), TypedChunker(), True, frozenset(), frozenset(), ())
    monkeypatch.setattr(entities, "_models", lambda: models)
    assert entities.backend() == "nltk-multiclass+rules"
    assert entities.recognize_tokens("Shares in Zorblax rose .".split()) == [(2, 3, "ORGANIZATION")]
    assert entities.recognize_tokens("He met Zorblax .".split()) == [(2, 3, "ORGANIZATION")]


def test_tree_chunker_gives_the_same_labels(nltk_data):
    from nltk.chunk.named_entity import Maxent_NE_Chunker

    models = entities._models()
    plain = entities._TreeChunker(Maxent_NE_Chunker("binary"))
    for tokens in entities.tokenize(ALEPPO.read_text(encoding="utf-8"))[:6]:
        tagged = models.tagger.tag(tokens)
        assert plain.iob_labels(tagged) == models.chunker.iob_labels(tagged)

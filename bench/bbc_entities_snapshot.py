"""Entity output of every BBC article, one JSON line each: a fingerprint for refactors.

    uv run python -m bench.bbc_entities_snapshot OUT.jsonl

Two runs (before and after a restructuring) are compared with ``cmp``: identical files mean
the code change did not change what ``extract_entities`` finds on any of the 2,225 articles.
"""

from __future__ import annotations

import json
import sys

from bench.report import CORPORA, use_shared_nltk_data
from newsearch.nlp import resources
from newsearch.nlp.entities import extract_entities


def main() -> None:
    use_shared_nltk_data()
    resources.configure()
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        for path in sorted((CORPORA / "bbc").glob("*/*.txt")):
            text = path.read_bytes().decode("utf-8", errors="replace")
            found = [[e.name, e.kind, e.count] for e in extract_entities(text)]
            out.write(json.dumps([path.relative_to(CORPORA).as_posix(), found], ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

"""People, organisations and places named in an article, by canonical name, with counts.

The public face of entity recognition, in three modules:

- ``entity_model``: NLTK's tagger, chunker and word tokenizer, loaded once per process (from
  the model cache when it is current); ``backend()`` and ``missing_message()`` say what is
  installed. Nothing there decides a kind.
- ``entity_types``: the typing rules (span grammar, evidence with its weight table, one type
  per name per article); see its docstring for the four steps.
- ``lexicon`` (titles, particles, cue words) and ``gazetteer`` (names): the word lists.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from ..models import Entity
from .entity_model import ORGANIZATION, PERSON, PLACE, backend, clear_cache, missing_message, tokenize
from .entity_types import Mention, recognize, recognize_tokens

__all__ = [
    "ORGANIZATION",
    "PERSON",
    "PLACE",
    "Mention",
    "backend",
    "clear_cache",
    "extract_entities",
    "missing_message",
    "recognize",
    "recognize_tokens",
    "tokenize",
]


def extract_entities(text: str, speakers: Iterable[str] = ()) -> tuple[Entity, ...]:
    """People, organisations and places in `text` (title + body), canonical names with counts,
    sorted by (-count, name)."""
    counts = Counter((m.name, m.kind) for m in recognize(tokenize(text), speakers))
    entities = (Entity(name, kind, count) for (name, kind), count in counts.items())
    return tuple(sorted(entities, key=lambda e: (-e.count, e.name, e.kind)))

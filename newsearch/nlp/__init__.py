"""Natural-language analysis of an article: its quotes (with speakers) and named entities.

``analyse(article)`` is the one entry point the indexer calls; it returns plain dataclasses.
Models are loaded once per process, on first use, by the modules that need them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from ..models import Article, Entity, Quote

# Bump when quote or entity extraction changes what it finds: cached results are then redone.
NLP_VERSION = 5


@dataclass(frozen=True, slots=True)
class Analysis:
    """What NLP found in one article."""

    quotes: tuple[Quote, ...] = ()
    entities: tuple[Entity, ...] = ()
    notes: tuple[str, ...] = ()  # what of the article was left out, and why (see ``budget``)

    def to_json(self) -> str:
        """Compact JSON for the index's stored ``analysis`` field (and the analysis cache)."""
        data: dict[str, object] = {"quotes": [asdict(q) for q in self.quotes], "entities": [asdict(e) for e in self.entities]}
        if self.notes:
            data["notes"] = list(self.notes)
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | None) -> Analysis:
        if not text:
            return cls()
        data = json.loads(text)
        return cls(
            tuple(Quote(**q) for q in data.get("quotes", ())),
            tuple(Entity(**e) for e in data.get("entities", ())),
            tuple(data.get("notes", ())),
        )

    def names(self, kind: str) -> list[str]:
        return [entity.name for entity in self.entities if entity.kind == kind]

    def index_fields(self) -> dict[str, str]:
        """The searchable and facet fields of the schema that this analysis fills."""
        speakers = sorted({quote.speaker for quote in self.quotes if quote.speaker})
        fields = {
            "quotes": "\n".join(quote.text for quote in self.quotes),
            "speakers": "\n".join(speakers),
        }
        for field, kind in (("people", "PERSON"), ("organisations", "ORGANIZATION"), ("places", "PLACE")):
            names = self.names(kind)
            if kind == "PERSON":  # speakers are people, unless typed otherwise (one name, one kind)
                other = {entity.name for entity in self.entities if entity.kind != "PERSON"}
                names = sorted(set(names) | (set(speakers) - other))
            fields[field] = "\n".join(names)
            fields[f"{field}_facet"] = ",".join(name.replace(",", " ") for name in names)
        return fields


def analyse(article: Article) -> Analysis:
    """Quotes with speakers, then entities (the speakers are known people), within the
    article's budget (see ``budget``). Never raises for an article: an analysis that runs out
    of time or fails is a note, and the article is indexed without quotes and entities."""
    from .budget import OverBudget, time_limit, within_budget
    from .entities import extract_entities
    from .entity_model import models
    from .quotes import extract_quotes

    models()  # loaded (or built from NLTK's data, once) before the article's clock starts
    title, body, notes = within_budget(article.title, article.body)
    try:
        with time_limit():
            quotes = extract_quotes(body)
            speakers = [quote.speaker for quote in quotes if quote.speaker]
            entities = extract_entities(f"{title}\n\n{body}", speakers=speakers)
    except OverBudget:
        return Analysis(notes=(*notes, "NLP analysis ran out of time: indexed without quotes and entities"))
    except Exception as error:  # noqa: BLE001 -- one odd article must not stop the run
        return Analysis(notes=(*notes, f"NLP analysis failed ({type(error).__name__}: {' '.join(str(error).split())}): indexed without quotes and entities"))
    return Analysis(quotes, entities, notes)


def backends() -> dict[str, str]:
    """Which implementation each NLP stage uses on this machine (stored in the index metadata)."""
    from . import entities, sentences

    return {"sentences": sentences.backend(), "entities": entities.backend(), "quotes": "rules"}

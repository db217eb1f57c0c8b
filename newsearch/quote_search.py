"""Quote-level search: the quotes themselves, with speaker and cue, as the passages.

Articles are found through the index (``quotes`` and ``speakers`` fields); the quotes of
each article come from its stored analysis and are kept when they match: every query term
inside the quote's own span, and the speaker's name containing every word asked for.
Partial quotes (words quoted inside the writer's sentence) are listed like whole ones; only
scare quotes stored by older versions are not (``Quote.is_scare_quote``).
"""

from __future__ import annotations

import re

from whoosh import query as wq

from . import time_limit
from .models import Quote, QuoteHit, Span
from .nlp import Analysis
from .passages import Match, mark
from .search import ParsedQuery, check_expansion, parse_query, path_of

QUOTE_FIELDS = frozenset({"quotes", "body"})


def find_quotes(searcher, text: str | None, speaker: str | None, corpus: str, limit: int) -> tuple[QuoteHit, ...]:
    """Up to ``limit`` quotes matching ``text`` (query syntax, over the quote text) and said by
    ``speaker`` (words of the name, any order), best articles first, then in article order, as
    ``searcher`` (the open ``Index``'s, its files checked) finds them."""
    parsed = parse_query(text, searcher.schema) if text else None
    article_query = _article_query(parsed, speaker)
    found: list[QuoteHit] = []
    if parsed is not None and parsed.query is not None:
        check_expansion(searcher, _onto_quotes(parsed.query))
    # Articles in the order their quotes are listed in: once ``limit`` quotes are found,
    # every quote of a later article ranks below them, so it is not marked at all (marking
    # every article a broad query matches took seconds).
    ranked = sorted(
        ((round(float(result.score), 6), result.fields()) for result in time_limit.search_all(searcher, article_query)),
        key=lambda pair: (-pair[0], pair[1]["id"]),
    )
    for score, stored in ranked:
        if len(found) >= limit:
            break
        time_limit.check()
        matches = mark(stored["body"], parsed.body_patterns) if parsed else []
        for quote in Analysis.from_json(stored.get("analysis")).quotes:
            if quote.is_scare_quote() or not _said_by(quote, speaker):
                continue
            highlights = _matches_inside(matches, quote, len(parsed.body_patterns) if parsed else 0)
            if highlights is None:
                continue
            found.append(
                QuoteHit(
                    quote=quote,
                    article_id=stored["id"],
                    path=path_of(stored, corpus),
                    title=stored["title"],
                    score=score,
                    span_text=stored["body"][quote.start : quote.end],
                    highlights=highlights,
                    date=stored.get("published") or None,
                    source=stored.get("source") or None,
                    why=explain_attribution(quote),
                )
            )
    found.sort(key=lambda hit: (-hit.score, hit.article_id, hit.quote.start))
    return tuple(found[:limit])


def _article_query(parsed: ParsedQuery | None, speaker: str | None) -> wq.Query:
    """Articles whose quotes could match: the text query moved onto the quotes field, AND
    its filters, AND the speaker's name words in the speakers field."""
    parts: list[wq.Query] = []
    if parsed is not None:
        if parsed.query is not None:
            parts.append(_onto_quotes(parsed.query))
        parts.extend(parsed.filters)  # date:, source: ... narrow the articles, as in a search
    if speaker:
        parts.extend(wq.Term("speakers", word) for word in _name_words(speaker))
    return wq.And(parts) if parts else wq.Every()


def _onto_quotes(query: wq.Query) -> wq.Query:
    """The query with title/body terms searched in the quotes field instead."""
    if hasattr(query, "fieldname") and query.fieldname in ("title", "body"):
        query = query.copy()
        query.fieldname = "quotes"
        return query
    if query.children():
        return query.apply(_onto_quotes)
    return query


def _name_words(name: str) -> list[str]:
    return re.findall(r"\w+", name.casefold())


def _said_by(quote: Quote, speaker: str | None) -> bool:
    if not speaker:
        return True
    if not quote.speaker:
        return False
    said = set(_name_words(quote.speaker))
    return all(word in said for word in _name_words(speaker))


def _matches_inside(matches: list[Match], quote: Quote, patterns: int) -> tuple[Span, ...] | None:
    """The highlights inside the quote, or None when one of the ``patterns`` is not in it."""
    inside = [m for m in matches if quote.start <= m.span.start and m.span.end <= quote.end]
    if len({m.pattern for m in inside}) < patterns:
        return None
    return tuple(m.span for m in inside)


def explain_attribution(quote: Quote) -> str:
    """Why the quote was attributed as it was, in one line."""
    if quote.speaker is None:
        return "no speaker: no attribution cue or name found near the quote"
    if quote.speaker_source == "pronoun":
        return f"'{quote.cue}' after a pronoun, resolved to the last named speaker {quote.speaker}"
    if quote.speaker_source == "previous":
        return f"stand-alone quote continuing the previous speaker, {quote.speaker}"
    return f"{quote.speaker} named next to the cue '{quote.cue}'"

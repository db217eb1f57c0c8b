"""What the archive says about each article, on the search side: filters by time and source,
date order, and the per-article dates and sources that timelines and source facets count.

A filter narrows the matches without touching their scores: ``--since``/``--until``/``--source``
and the ``date:``, ``source:``, ``author:``, ``url:`` and ``meta_*:`` clauses at the top level of
a query (``cocoa date:1987-03``) are all applied to the ranking as a set of allowed articles,
in every mode. (Left in a ranked, any-word query, ``date:1987-03`` would be one more word to
match *or not*, and would add to the score of every article of March.) Inside parentheses or
next to ``OR`` they are ordinary clauses: ``(cocoa OR source:reuters)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal
from weakref import WeakKeyDictionary

from whoosh import query as wq
from whoosh.util.times import datetime_to_long

from .dates import as_datetime, date_range
from .models import QueryError
from .schema import ARCHIVE_FIELDS, META_PREFIX

if TYPE_CHECKING:
    import numpy as np

    from .scoring import Ranking

Sort = Literal["relevance", "newest", "oldest"]
SORTS: tuple[Sort, ...] = ("relevance", "newest", "oldest")

# A ``date:`` clause as people type it: ``date:2016-10``, ``date:>2016-10-01``, ``date:<=2016``,
# ``date:[2016-10-01 to 2016-10-31]`` (either end may be left out). Rewritten before Whoosh's
# parser sees it, as our lenient reading turns ``[``, ``>`` and ``=`` into spaces.
DATE_CLAUSE = re.compile(
    r"(?<![\w\"])date:(?:\[(?P<start>[^\]\s]*)\s*(?:\bto\b\s*(?P<end>[^\]\s]*))?\s*\]|(?P<op>[<>]=?)?(?P<value>[\w:.+-]+))",
    re.IGNORECASE,
)
# Whoosh's DATETIME field reads ``YYYYMMDDhhmmss``; its ranges are inclusive at both ends.
_WHOOSH_DATE = "%Y%m%d%H%M%S"
_SECOND = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class Filters:
    """Which matches to keep, as the CLI's ``--since``, ``--until`` and ``--source`` say:
    ``since``/``until`` are dates or date-times, both inclusive (``until="1987-03"`` keeps all of
    March); ``sources`` match a source's whole name, case aside. Undated articles are left out
    as soon as ``since`` or ``until`` is given."""

    since: str | None = None
    until: str | None = None
    sources: tuple[str, ...] = ()

    def queries(self) -> tuple[wq.Query, ...]:
        found: list[wq.Query] = []
        if self.since is not None or self.until is not None:
            start = _bound(self.since, "--since")[0] if self.since is not None else None
            end = _bound(self.until, "--until")[1] - _SECOND if self.until is not None else None
            found.append(wq.DateRange("date", start, end))
        if self.sources:
            found.append(wq.Or([wq.Term("source", name.strip().lower()) for name in self.sources]))
        return tuple(found)


def _bound(text: str, option: str) -> tuple[datetime, datetime]:
    try:
        return date_range(text)
    except ValueError:
        raise QueryError(
            f"{option} {text!r} is not a date; use e.g. 1987-03-01, 1987-03 or 1987-03-01T12:00"
        ) from None


def rewrite_date_clauses(text: str) -> str:
    """Every ``date:`` clause of ``text`` in the form Whoosh parses (an inclusive range of
    ``YYYYMMDDhhmmss``); ``QueryError`` for a date that cannot be read."""

    def rewrite(match: re.Match) -> str:
        if match.group("value") is not None:
            start, end = _bound(match.group("value"), "date:")
            operator = match.group("op") or ""
            low, high = {
                "": (start, end - _SECOND),
                ">": (end, None),
                ">=": (start, None),
                "<": (None, start - _SECOND),
                "<=": (None, end - _SECOND),
            }[operator]
        else:
            first, last = match.group("start"), match.group("end")
            if not first and not last:
                raise QueryError("`date:[...]` needs a date at one end at least, e.g. date:[1987-03-01 to 1987-03-31]")
            low = _bound(first, "date:")[0] if first else None
            high = _bound(last, "date:")[1] - _SECOND if last else None
        # An open end is the first or last moment Whoosh's dates can hold (it reads "" as no date).
        return f"date:[{_whoosh(low, '00010101000000')} TO {_whoosh(high, '99991231235959')}]"

    return DATE_CLAUSE.sub(rewrite, text)


def _whoosh(moment: datetime | None, default: str) -> str:
    return moment.strftime(_WHOOSH_DATE) if moment is not None else default


def split_filters(parsed: wq.Query) -> tuple[wq.Query | None, tuple[wq.Query, ...]]:
    """The query's top-level clauses on archive fields (``date:``, ``source:``...) apart from the
    rest, which is what is scored; ``None`` when nothing is left to score."""
    if _is_archive_clause(parsed):
        return None, (parsed,)
    if not isinstance(parsed, (wq.And, wq.Or)):
        return parsed, ()
    filters = tuple(child for child in parsed.subqueries if _is_archive_clause(child))
    if not filters:
        return parsed, ()
    rest = [child for child in parsed.subqueries if not _is_archive_clause(child)]
    if not rest:
        return None, filters
    return (rest[0] if len(rest) == 1 else type(parsed)(rest, boost=parsed.boost)), filters


def _is_archive_clause(query: wq.Query) -> bool:
    """A clause that names only archive fields (``NOT date:...`` too)."""
    names = _fields_of(query)
    return bool(names) and all(name is not None and (name in ARCHIVE_FIELDS or name.startswith(META_PREFIX)) for name in names)


def _fields_of(query: wq.Query) -> set[str | None]:
    if query.is_leaf():
        return {query.field()}
    return set().union(*(_fields_of(child) for child in query.children()))


def keep_matching(searcher, ranking: Ranking, filters: tuple[wq.Query, ...]) -> Ranking:
    """The articles of ``ranking`` that every one of ``filters`` matches, in the same order. A
    date range is checked against each article's date in memory (``columns``): asking Whoosh
    for the articles of a range cost about 30 ms a search on Reuters."""
    import numpy as np

    for clause in filters:
        if isinstance(clause, wq.NumericRange) and clause.fieldname == "date":
            ranking = ranking.only(_within(clause, columns(searcher).moments[ranking.docnums]))
        else:
            allowed = np.fromiter(searcher.docs_for_query(clause), dtype=np.int64)
            ranking = ranking.only(np.isin(ranking.docnums, allowed))
    return ranking


def _within(window: wq.NumericRange, moments: np.ndarray) -> np.ndarray:
    """Which ``moments`` (Whoosh's numbers for dates) lie in ``window``; never the undated."""
    keep = moments != UNDATED
    if window.start is not None:
        keep &= moments > window.start if window.startexcl else moments >= window.start
    if window.end is not None:
        keep &= moments < window.end if window.endexcl else moments <= window.end
    return keep


def everything(searcher) -> Ranking:
    """Every article, score 0, in document order: what a query of filters alone ranks."""
    import numpy as np

    from .scoring import Ranking

    docnums = np.fromiter(searcher.reader().all_doc_ids(), dtype=np.int64)
    return Ranking(np.zeros(len(docnums)), docnums)


# --------------------------------------------------------------------------- per-article values


UNDATED = -(2**63)  # the moment of an article without a date: before every real one


@dataclass(frozen=True, slots=True)
class ArchiveColumns:
    """Each article's date (``YYYY-MM-DD[THH:MM:SSZ]``, "" when undated), that date as Whoosh's
    number for it (``datetime_to_long``; ``UNDATED`` when none), and source ("" when unknown),
    by searcher-wide document number."""

    dates: tuple[str, ...]
    moments: np.ndarray
    sources: tuple[str, ...]


_COLUMNS: WeakKeyDictionary = WeakKeyDictionary()


def columns(searcher) -> ArchiveColumns:
    """The dates and sources of every article, read from the index's columns once per searcher
    (a commit brings a new searcher)."""
    if searcher not in _COLUMNS:
        import numpy as np

        dates: list[str] = []
        sources: list[str] = []
        for leaf, _ in searcher.leaf_searchers():
            reader = leaf.reader()
            if not reader.has_column("published"):  # Whoosh's reader of an index without articles
                continue
            dates.extend(as_text(value) for value in reader.column_reader("published"))
            sources.extend(as_text(value) for value in reader.column_reader("source"))
        moment_of: dict[str, int] = {"": UNDATED}
        for text in set(dates) - {""}:
            moment_of[text] = datetime_to_long(as_datetime(text))
        moments = np.array([moment_of[text] for text in dates], dtype=np.int64)
        _COLUMNS[searcher] = ArchiveColumns(tuple(dates), moments, tuple(sources))
    return _COLUMNS[searcher]


def as_text(value: str | bytes) -> str:
    """A term or column value as Whoosh hands it back (bytes or str), as text."""
    return value.decode("utf-8") if isinstance(value, bytes) else value


def by_date(searcher, ranking: Ranking, newest_first: bool) -> Ranking:
    """``ranking`` in date order, undated last; equal dates keep their order (relevance)."""
    import numpy as np

    moments = columns(searcher).moments[ranking.docnums]
    key = -moments if newest_first else moments.copy()
    key[moments == UNDATED] = np.iinfo(np.int64).max
    return ranking.only(np.argsort(key, kind="stable"))

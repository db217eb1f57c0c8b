"""Dates as news archives write them, read leniently; and date ranges as a query names them.

``parse_date`` is for the loading side: a record's, a metadata row's or a page's date becomes
one canonical string, ``YYYY-MM-DDTHH:MM:SSZ`` (UTC) when it has a time, or ``YYYY-MM-DD``
when the source gives a day only (a day is not turned into midnight: we do not know the time).
``date_range`` is for the query side: ``2016``, ``2016-10``, ``2016-10-05`` or
``2016-10-05T14:00`` name a half-open interval ``[start, end)``.

Time zones: a time with a zone (``Z``, ``+02:00``, ``-0500``, ``GMT``) is converted to UTC;
a *naive* time (``2016-10-05 14:03``) is taken as UTC already — archives rarely say, and
guessing the machine's local zone would make the index depend on where it was built.

Accepted by ``parse_date`` (stdlib only):

- ISO 8601: ``1987-02-26``, ``1987-02-26T15:01:01Z``, ``2016-10-05 14:03``,
  ``2016-10-05T14:03:00.123+02:00``, ``19870226``;
- slashes: ``1987/02/26``, ``1987/2/26 15:01``;
- RFC 2822 (e-mail, RSS): ``Thu, 26 Feb 1987 15:01:01 -0500``;
- written out: ``Feb 26, 1987``, ``February 26 1987``, ``26 February 1987``, ``Thu, 26 Feb 1987``;
- Unix epoch seconds, as an ``int`` or a string of 9 to 10 digits (``541263661``).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

__all__ = ["date_range", "format_datetime", "parse_date"]

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_MONTH_FIRST = re.compile(_WEEKDAY + r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$", re.IGNORECASE)
_DAY_FIRST = re.compile(_WEEKDAY + r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$", re.IGNORECASE)
_SLASHED = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})(?:([T ])(.*))?$")
_EPOCH = re.compile(r"\d{9,10}$")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}$|\d{8}$")
_HAS_TIME = re.compile(r"\d:\d\d")
_ZONE_WORD = re.compile(r"\s*(?:UTC|GMT)$", re.IGNORECASE)
_ZONE = re.compile(r"\s*([+-])(\d{2}):?(\d{2})$")

_EXAMPLES = "e.g. 2016-10-05, 2016-10-05T14:03:00Z, Thu, 26 Feb 1987 15:01:01 -0500 or Feb 26, 1987"


def parse_date(text: str | int | None) -> str | None:
    """The date in ``text`` as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC) or ``YYYY-MM-DD`` (day only).

    Returns None for an empty value; raises ``ValueError`` (naming the text) when it cannot
    be read as a date.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        raise ValueError(f"cannot read {text!r} as a date ({_EXAMPLES})")
    if isinstance(text, int):
        return _from_epoch(text, text)
    stripped = " ".join(str(text).split())
    if not stripped:
        return None
    try:
        result = _parse(stripped)
    except (ValueError, OverflowError, TypeError, IndexError):
        result = None
    if result is None:
        raise ValueError(f"cannot read {stripped!r} as a date ({_EXAMPLES})")
    return result


def _parse(text: str) -> str | None:
    if _EPOCH.match(text):
        return _from_epoch(int(text), text)
    if _ISO_DAY.match(text):
        digits = text.replace("-", "")
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:])).isoformat()
    if text[:4].isdigit() and text[4:5] == "-":
        return format_datetime(_from_iso(text))
    slashed = _SLASHED.match(text)
    if slashed:
        year, month, day, separator, rest = slashed.groups()
        day_text = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
        if separator is None:
            return date.fromisoformat(day_text).isoformat()
        return format_datetime(_from_iso(f"{day_text}T{rest}"))
    for pattern, order in ((_MONTH_FIRST, "mdy"), (_DAY_FIRST, "dmy")):
        found = pattern.match(text)
        if found:
            parts = dict(zip(order, found.groups()))
            month = _MONTHS.get(parts["m"].lower())
            if month is None:
                return None
            return date(int(parts["y"]), month, int(parts["d"])).isoformat()
    if _HAS_TIME.search(text):
        from email.utils import parsedate_to_datetime  # email (and socket) only for such dates

        return format_datetime(parsedate_to_datetime(text))
    return None


def _from_iso(text: str) -> datetime:
    """``datetime.fromisoformat`` after spelling the zone as Python 3.10 reads it (+HH:MM)."""
    text = _ZONE_WORD.sub("+00:00", text)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    text = _ZONE.sub(r"\1\2:\3", text)
    return datetime.fromisoformat(text)


def _from_epoch(seconds: int, original: object) -> str:
    try:
        return format_datetime(datetime.fromtimestamp(seconds, tz=timezone.utc))
    except (OverflowError, OSError, ValueError):
        raise ValueError(f"cannot read {original!r} as a date: epoch seconds out of range") from None


def format_datetime(moment: datetime) -> str:
    """``moment`` as ``YYYY-MM-DDTHH:MM:SSZ`` in UTC; a naive datetime is taken as UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def as_datetime(published: str) -> datetime:
    """A date as ``parse_date`` gives it, as a naive datetime in UTC (a day at midnight)."""
    return datetime.fromisoformat(published.removesuffix("Z"))


# --------------------------------------------------------------------------- query side

_RANGE = re.compile(
    r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?)?)?)?$"
)


def date_range(text: str) -> tuple[datetime, datetime]:
    """The half-open interval ``[start, end)`` named by a year, month, day, minute or second.

    ``2016`` → [2016-01-01, 2017-01-01); ``2016-10`` → the month; ``2016-10-05`` → the day;
    ``2016-10-05T14:00`` (or with a space) → that minute; with ``:SS``, that second. A time may
    carry a zone (``Z``, ``+02:00``). Both ends are *naive datetimes in UTC* (comparable with
    ``parse_date``'s output read back with ``datetime.fromisoformat(...[:-1])``). Raises
    ``ValueError`` for anything else.
    """
    found = _RANGE.match(" ".join(str(text).split()))
    if not found:
        raise ValueError(f"cannot read {text!r} as a date range (use 2016, 2016-10, 2016-10-05 or 2016-10-05T14:00)")
    year, month, day, hour, minute, second, zone = found.groups()
    try:
        if month is None:
            return datetime(int(year), 1, 1), datetime(int(year) + 1, 1, 1)
        if day is None:
            start = datetime(int(year), int(month), 1)
            end = datetime(int(year) + (int(month) == 12), int(month) % 12 + 1, 1)
            return start, end
        if hour is None:
            start = datetime(int(year), int(month), int(day))
            return start, start + timedelta(days=1)
        start = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    except ValueError as error:
        raise ValueError(f"cannot read {text!r} as a date range: {error}") from None
    if zone:
        offset = 0 if zone == "Z" else int(zone[0] + "1") * (int(zone[1:3]) * 60 + int(zone[-2:]))
        start -= timedelta(minutes=offset)
    return start, start + (timedelta(seconds=1) if second is not None else timedelta(minutes=1))

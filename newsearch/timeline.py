"""Count a query's matches over time: the finest bucket (day, week, month, year) that keeps the
chart to about ``max_buckets`` bars.

It is called with the date of every matching article (tens of thousands for a broad query), so
each date is only sliced to its day and counted; the calendar arithmetic runs once per distinct
day, not once per article.

Each bucket has a number (``_bucket_number``) that grows by one from a bucket to the next, so
the number of buckets over a span is a subtraction and the empty buckets are a ``range``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from .models import Bucket, Timeline, TimelineCount

BUCKETS: tuple[Bucket, ...] = ("day", "week", "month", "year")


def build_timeline(dates: Iterable[str | None], max_buckets: int = 60) -> Timeline:
    """Count ``dates`` (``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM:SSZ``, both by their UTC day; None
    for an undated article) by the finest bucket giving at most ``max_buckets`` buckets from the
    earliest date to the latest, or by year when even months are too many."""
    by_day = Counter(when[:10] if when is not None else None for when in dates)
    undated = by_day.pop(None, 0)
    if not by_day:
        return Timeline("day", (), undated)
    days = {date.fromisoformat(text): count for text, count in by_day.items()}
    bucket = choose_bucket(min(days), max(days), max_buckets)
    per_bucket = Counter[int]()
    for day, count in days.items():
        per_bucket[_bucket_number(day, bucket)] += count
    numbers = range(min(per_bucket), max(per_bucket) + 1)
    counts = tuple(TimelineCount(_bucket_start(n, bucket).isoformat(), per_bucket[n]) for n in numbers)
    return Timeline(bucket, counts, undated)


def choose_bucket(first: date, last: date, max_buckets: int = 60) -> Bucket:
    """The finest bucket that spans ``first`` to ``last`` (both included) in at most
    ``max_buckets`` buckets; ``"year"`` when none does, since a coarser one would say nothing."""
    for bucket in BUCKETS:
        if _bucket_number(last, bucket) - _bucket_number(first, bucket) + 1 <= max_buckets:
            return bucket
    return "year"


def _bucket_number(day: date, bucket: Bucket) -> int:
    """Consecutive buckets have consecutive numbers. Day 1 (0001-01-01) was a Monday, so
    whole weeks counted from it start on Mondays."""
    if bucket == "day":
        return day.toordinal()
    if bucket == "week":
        return (day.toordinal() - 1) // 7
    if bucket == "month":
        return day.year * 12 + day.month - 1
    return day.year


def _bucket_start(number: int, bucket: Bucket) -> date:
    """The first day of the bucket numbered ``number`` (the inverse of ``_bucket_number``)."""
    if bucket == "day":
        return date.fromordinal(number)
    if bucket == "week":
        return date.fromordinal(number * 7 + 1)
    if bucket == "month":
        return date(number // 12, number % 12 + 1, 1)
    return date(number, 1, 1)

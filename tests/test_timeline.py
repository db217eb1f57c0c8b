"""The timeline of a query's matches: which bucket, which counts, and the chart a user sees."""

from __future__ import annotations

from datetime import date, timedelta

from newsearch.timeline import build_timeline


def days_from(first: str, count: int) -> list[str]:
    start = date.fromisoformat(first)
    return [(start + timedelta(days=n)).isoformat() for n in range(count)]


def starts(timeline) -> list[str]:
    return [c.start for c in timeline.counts]


def counts(timeline) -> list[int]:
    return [c.count for c in timeline.counts]


# --------------------------------------------------------------------------- bucket choice


def test_a_span_of_60_days_is_counted_by_day():
    timeline = build_timeline(["1987-03-01", "1987-04-29"])  # 31 + 29 days, both ends included
    assert timeline.bucket == "day"
    assert len(timeline.counts) == 60


def test_a_span_of_61_days_is_counted_by_week():
    assert build_timeline(["1987-03-01", "1987-04-30"]).bucket == "week"


def test_60_weeks_are_counted_by_week_61_by_month():
    monday = date(1987, 3, 2)
    sixtieth_sunday = monday + timedelta(weeks=60, days=-1)
    assert build_timeline([monday.isoformat(), sixtieth_sunday.isoformat()]).bucket == "week"
    assert len(build_timeline([monday.isoformat(), sixtieth_sunday.isoformat()]).counts) == 60
    assert build_timeline([monday.isoformat(), (sixtieth_sunday + timedelta(days=1)).isoformat()]).bucket == "month"


def test_60_months_are_counted_by_month_61_by_year():
    assert build_timeline(["1987-03-01", "1992-02-29"]).bucket == "month"
    assert len(build_timeline(["1987-03-01", "1992-02-29"]).counts) == 60
    assert build_timeline(["1987-03-01", "1992-03-01"]).bucket == "year"


def test_a_century_is_still_counted_by_year():
    timeline = build_timeline(["1900-06-01", "1999-06-01"])
    assert timeline.bucket == "year"
    assert len(timeline.counts) == 100


def test_max_buckets_sets_the_limit():
    assert build_timeline(["1987-03-01", "1987-03-10"], max_buckets=10).bucket == "day"
    assert build_timeline(["1987-03-01", "1987-03-11"], max_buckets=10).bucket == "week"


# --------------------------------------------------------------------------- bucket starts


def test_a_sunday_lands_in_the_week_starting_the_previous_monday():
    timeline = build_timeline(["1987-03-08", "1987-05-20"])  # a Sunday, then 74 days later
    assert timeline.bucket == "week"
    assert timeline.counts[0].start == "1987-03-02"
    assert all(date.fromisoformat(start).weekday() == 0 for start in starts(timeline))


def test_months_start_on_the_first_and_years_on_first_january():
    by_month = build_timeline(["1987-03-17", "1991-12-31"])
    assert by_month.bucket == "month"
    assert starts(by_month)[:2] == ["1987-03-01", "1987-04-01"]
    assert starts(by_month)[-1] == "1991-12-01"
    by_year = build_timeline(["1987-03-17", "1999-12-31"])
    assert by_year.bucket == "year"
    assert starts(by_year)[:2] == ["1987-01-01", "1988-01-01"]


def test_empty_buckets_are_listed_in_order():
    timeline = build_timeline(["1987-03-01", "1987-03-04", "1987-03-04"])
    assert starts(timeline) == ["1987-03-01", "1987-03-02", "1987-03-03", "1987-03-04"]
    assert counts(timeline) == [1, 0, 0, 2]


def test_date_times_count_by_their_utc_day_alongside_day_only_dates():
    timeline = build_timeline(["1987-03-01T23:59:59Z", "1987-03-01", "1987-03-02T00:00:00Z"])
    assert counts(timeline) == [2, 1]


# --------------------------------------------------------------------------- totals


def test_counts_and_undated_add_up_to_every_date_given():
    dates = days_from("1987-01-01", 400) * 3 + [None] * 7
    timeline = build_timeline(iter(dates))
    assert sum(counts(timeline)) + timeline.undated == len(dates)
    assert timeline.undated == 7


def test_all_undated_gives_no_buckets():
    timeline = build_timeline([None, None, None])
    assert (timeline.bucket, timeline.counts, timeline.undated) == ("day", (), 3)


def test_no_dates_at_all():
    timeline = build_timeline([])
    assert (timeline.bucket, timeline.counts, timeline.undated) == ("day", (), 0)


def test_a_single_date_is_one_day_bucket():
    timeline = build_timeline(["1987-03-08T10:00:00Z"])
    assert timeline.bucket == "day"
    assert [(c.start, c.count) for c in timeline.counts] == [("1987-03-08", 1)]

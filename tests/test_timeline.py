"""The timeline of a query's matches: which bucket, which counts, and the chart a user sees."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from rich.console import Console

from newsearch.render import print_timeline, timeline_json
from newsearch.timeline import build_timeline

BLOCKS = {"█": 8, "▉": 7, "▊": 6, "▋": 5, "▌": 4, "▍": 3, "▎": 2, "▏": 1}


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


# --------------------------------------------------------------------------- the chart


def rendered(timeline, width: int) -> list[str]:
    console = Console(file=io.StringIO(), width=width)
    print_timeline(timeline, console)
    return console.file.getvalue().splitlines()


def bar_eighths(line: str) -> int:
    return sum(BLOCKS.get(char, 0) for char in line)


REUTERS_LIKE = ["1987-03-02T09:00:00Z"] * 355 + ["1987-03-17"] * 12_381 + ["1987-05-01T23:00:00Z"] + [None] * 5


@pytest.mark.parametrize("width", [40, 80, 200])
def test_the_chart_fits_the_console_width(width):
    lines = rendered(build_timeline(REUTERS_LIKE), width)
    assert max(len(line) for line in lines) <= width
    assert all(line == line.rstrip() for line in lines)


@pytest.mark.parametrize("width", [40, 80, 200])
def test_the_biggest_bucket_has_the_longest_bar(width):
    lines = rendered(build_timeline(REUTERS_LIKE), width)
    biggest = next(line for line in lines if line.endswith(" 12,381"))
    assert biggest.startswith("1987-03-16 ")
    others = [line for line in lines if line is not biggest]
    assert all(bar_eighths(line) < bar_eighths(biggest) for line in others)


def test_each_row_shows_its_bucket_start_bar_and_count():
    lines = rendered(build_timeline(REUTERS_LIKE), 80)
    assert lines[0] == "12,742 matches by week (Mon-Sun)"
    rows = lines[1:-1]
    assert [row.split()[0] for row in rows] == starts(build_timeline(REUTERS_LIKE))
    assert rows[0].startswith("1987-03-02 █") and rows[0].endswith(" 355")
    assert rows[3] == "1987-03-23  0"
    assert rows[-1].startswith("1987-04-27 ▏") and rows[-1].endswith(" 1")  # a lone match still shows
    assert lines[-1] == "5 undated, not in the chart"


def test_months_and_years_are_labelled_without_their_first_day():
    by_month = rendered(build_timeline(["1987-03-17", "1988-12-31"]), 80)
    assert by_month[0] == "2 matches by month"
    assert by_month[1].startswith("1987-03 █") and by_month[-1].startswith("1988-12 █")
    by_year = rendered(build_timeline(["1950-06-01", "1999-06-01"]), 80)
    assert by_year[1].startswith("1950 █") and by_year[-1].startswith("1999 █")


def test_an_undated_result_set_says_so_without_a_chart():
    assert rendered(build_timeline([None, None]), 80) == ["2 matches, none dated"]
    assert rendered(build_timeline([]), 80) == ["no matches"]


def test_colour_does_not_change_what_fits():
    console = Console(file=io.StringIO(), width=40, force_terminal=True, color_system="truecolor")
    print_timeline(build_timeline(REUTERS_LIKE), console)
    output = console.file.getvalue()
    assert "\x1b[" in output
    assert max(len(re.sub(r"\x1b\[[0-9;]*m", "", line)) for line in output.splitlines()) <= 40


# --------------------------------------------------------------------------- JSON


def test_the_json_document():
    document = timeline_json(build_timeline(["1987-03-02", "1987-03-04T12:00:00Z", "1987-03-04", None]))
    assert document == {
        "bucket": "day",
        "counts": [
            {"start": "1987-03-02", "count": 1},
            {"start": "1987-03-03", "count": 0},
            {"start": "1987-03-04", "count": 2},
        ],
        "undated": 1,
    }

"""Dates as archives write them (parse_date) and date ranges as a query names them (date_range)."""

from __future__ import annotations

from datetime import datetime

import pytest

from newsearch.dates import date_range, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1987-02-26", "1987-02-26"),
        ("19870226", "1987-02-26"),
        ("1987/02/26", "1987-02-26"),
        ("Feb 26, 1987", "1987-02-26"),
        ("February 26 1987", "1987-02-26"),
        ("26 February 1987", "1987-02-26"),
        ("Thu, 26 Feb 1987", "1987-02-26"),
        ("1987-02-26T15:01:01Z", "1987-02-26T15:01:01Z"),
        ("2016-10-05 14:03", "2016-10-05T14:03:00Z"),
        ("2016-10-05T14:03:00.123+02:00", "2016-10-05T12:03:00Z"),
        ("2016-10-05T14:03:00-0500", "2016-10-05T19:03:00Z"),
        ("2016-10-05 14:03 UTC", "2016-10-05T14:03:00Z"),
        ("1987/2/26 15:01", "1987-02-26T15:01:00Z"),
        ("Thu, 26 Feb 1987 15:01:01 -0500", "1987-02-26T20:01:01Z"),
        ("26 Feb 1987 15:01:01 GMT", "1987-02-26T15:01:01Z"),
        (541263661, "1987-02-25T15:01:01Z"),
        ("541263661", "1987-02-25T15:01:01Z"),
        ("  1987-02-26 \n", "1987-02-26"),
    ],
)
def test_accepted_forms_become_utc_or_a_bare_day(text, expected):
    assert parse_date(text) == expected


def test_naive_times_are_taken_as_utc():
    assert parse_date("2016-10-05T14:03:00") == parse_date("2016-10-05T14:03:00Z") == "2016-10-05T14:03:00Z"


def test_empty_is_no_date():
    assert parse_date("") is None
    assert parse_date("   ") is None
    assert parse_date(None) is None


@pytest.mark.parametrize("junk", ["soon", "2016-13-01", "2016-02-30", "Foo 3, 1987", "2016-10-05Tjunk", "12"])
def test_junk_raises_a_clear_value_error(junk):
    with pytest.raises(ValueError, match="cannot read .* as a date"):
        parse_date(junk)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2016", datetime(2016, 1, 1), datetime(2017, 1, 1)),
        ("2016-10", datetime(2016, 10, 1), datetime(2016, 11, 1)),
        ("2016-12", datetime(2016, 12, 1), datetime(2017, 1, 1)),
        ("2016-10-05", datetime(2016, 10, 5), datetime(2016, 10, 6)),
        ("2016-10-05T14:00", datetime(2016, 10, 5, 14, 0), datetime(2016, 10, 5, 14, 1)),
        ("2016-10-05 14:00", datetime(2016, 10, 5, 14, 0), datetime(2016, 10, 5, 14, 1)),
        ("2016-10-05T14:00:30", datetime(2016, 10, 5, 14, 0, 30), datetime(2016, 10, 5, 14, 0, 31)),
        ("2016-10-05T14:00+02:00", datetime(2016, 10, 5, 12, 0), datetime(2016, 10, 5, 12, 1)),
    ],
)
def test_date_range_is_half_open_in_naive_utc(text, start, end):
    assert date_range(text) == (start, end)


@pytest.mark.parametrize("junk", ["", "last week", "2016-13", "2016-02-30", "16-10-05"])
def test_date_range_rejects_junk(junk):
    with pytest.raises(ValueError, match="date range"):
        date_range(junk)

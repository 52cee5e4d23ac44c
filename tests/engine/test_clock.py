"""Time is injected: parsing --now, a fixed clock for tests and replays, and dates in Vietnam."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from sxsh_flow.engine.clock import VIETNAM, FixedClock, local_date, parse_instant

UTC = UTC
PLUS_SEVEN = timezone(timedelta(hours=7))


def test_a_date_alone_means_eight_in_the_morning_in_vietnam() -> None:
    instant = parse_instant("2016-09-01")
    assert instant == datetime(2016, 9, 1, 8, 0, tzinfo=VIETNAM)
    assert instant.tzinfo is VIETNAM
    assert instant.astimezone(UTC) == datetime(2016, 9, 1, 1, 0, tzinfo=UTC)


def test_surrounding_spaces_are_ignored() -> None:
    assert parse_instant("  2016-09-01\n") == datetime(2016, 9, 1, 8, 0, tzinfo=VIETNAM)


@pytest.mark.parametrize("text", ["2016-09-01T09:30", "2016-09-01 09:30", "2016-09-01T09:30:00"])
def test_a_datetime_without_offset_is_vietnam_time(text: str) -> None:
    instant = parse_instant(text)
    assert instant.tzinfo is not None
    assert instant == datetime(2016, 9, 1, 9, 30, tzinfo=VIETNAM)
    assert instant.utcoffset() == timedelta(hours=7)


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("2016-09-01T09:30+00:00", timedelta(0)),
        ("2016-09-01T09:30Z", timedelta(0)),
        ("2016-09-01T09:30+09:00", timedelta(hours=9)),
        ("2016-09-01T09:30+07:00", timedelta(hours=7)),
    ],
)
def test_an_explicit_offset_is_kept(text: str, offset: timedelta) -> None:
    instant = parse_instant(text)
    assert instant.utcoffset() == offset
    assert (instant.hour, instant.minute) == (9, 30)


@pytest.mark.parametrize(
    "text",
    ["garbage", "", "   ", "2016-13-01", "2016-02-30", "01/09/2016", "2016-09-01T25:00"],
)
def test_text_that_is_neither_a_date_nor_a_datetime_raises_value_error(text: str) -> None:
    with pytest.raises(ValueError, match="is not a date"):
        parse_instant(text)


def test_a_date_alone_in_iso_basic_form_also_means_eight_in_the_morning() -> None:
    assert parse_instant("20160901") == datetime(2016, 9, 1, 8, 0, tzinfo=VIETNAM)


def test_a_fixed_clock_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FixedClock(datetime(2016, 9, 1, 8, 0))


def test_a_fixed_clock_says_what_it_is_told_until_it_is_moved() -> None:
    start = datetime(2016, 9, 1, 8, 0, tzinfo=VIETNAM)
    clock = FixedClock(start)
    assert clock.now() == start
    assert clock.now() == start
    clock.advance(timedelta(days=1, hours=2))
    assert clock.now() == datetime(2016, 9, 2, 10, 0, tzinfo=VIETNAM)


def test_advancing_a_fixed_clock_can_move_it_back() -> None:
    clock = FixedClock(datetime(2016, 9, 1, 8, 0, tzinfo=UTC))
    clock.advance(timedelta(hours=-9))
    assert clock.now() == datetime(2016, 8, 31, 23, 0, tzinfo=UTC)


def test_advancing_across_midnight_in_vietnam_changes_the_local_date() -> None:
    clock = FixedClock(datetime(2016, 12, 31, 16, 30, tzinfo=UTC))  # 23:30 in Vietnam
    assert local_date(clock.now()) == date(2016, 12, 31)
    clock.advance(timedelta(minutes=30))
    assert local_date(clock.now()) == date(2017, 1, 1)


@pytest.mark.parametrize(
    ("instant", "vietnam_date"),
    [
        (datetime(2016, 12, 31, 17, 0, tzinfo=UTC), date(2017, 1, 1)),  # 00:00 in Vietnam
        (datetime(2016, 12, 31, 16, 59, tzinfo=UTC), date(2016, 12, 31)),
        (datetime(2017, 1, 1, 6, 0, tzinfo=PLUS_SEVEN), date(2017, 1, 1)),  # still 31/12 in UTC
        (datetime(2017, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=9))), date(2016, 12, 31)),
    ],
    ids=["utc-evening-is-vietnam-new-year", "utc-before-vietnam-midnight", "vietnam-morning", "tokyo-0030"],
)
def test_local_date_is_the_calendar_date_in_vietnam(instant: datetime, vietnam_date: date) -> None:
    assert local_date(instant) == vietnam_date


def test_parse_instant_and_local_date_agree_on_the_office_day() -> None:
    assert local_date(parse_instant("2017-01-01")) == date(2017, 1, 1)
    assert local_date(parse_instant("2016-12-31T23:59:59")) == date(2016, 12, 31)


def test_an_accelerated_clock_runs_faster_from_its_start_and_restarts_there() -> None:
    from sxsh_flow.engine.clock import AcceleratedClock

    real = [100.0]
    start = datetime(2016, 11, 18, 8, 0, tzinfo=VIETNAM)
    clock = AcceleratedClock(start, 21600, real_time=lambda: real[0])

    real[0] += 4.0
    assert clock.now() == start + timedelta(days=1)
    clock.restart()  # the scheduler starts: the seconds spent starting up do not count
    assert clock.now() == start
